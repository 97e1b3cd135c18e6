#!/usr/bin/env bash
# Installs the Debian packages the test suite talks to for real, and the peers the benchmarks
# compare against (`npm run bench`: wrk, mtail, prometheus-node-exporter), only when missing.
set -euo pipefail
need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v promtool >/dev/null || need+=(prometheus)
command -v prometheus >/dev/null || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null || command -v alertmanager >/dev/null || need+=(prometheus-alertmanager)
command -v amtool >/dev/null || need+=(prometheus-alertmanager)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v shellcheck >/dev/null || need+=(shellcheck)
command -v cc >/dev/null || need+=(gcc)          # discovery tests compile a tiny program to run under the games' names
command -v setpriv >/dev/null || need+=(util-linux)
command -v wrk >/dev/null || need+=(wrk)
[ -x /usr/bin/mtail ] || need+=(mtail)
[ -x /usr/bin/prometheus-node-exporter ] || need+=(prometheus-node-exporter)
if [ ${#need[@]} -gt 0 ]; then
  echo "test setup: installing ${need[*]}"
  if [ "$(id -u)" != 0 ]; then echo "test setup: need root to apt-get install ${need[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Debian starts these as services on install; the tests start their own on free loopback ports.
for svc in redis-server prometheus prometheus-alertmanager prometheus-node-exporter mtail; do
  systemctl stop "$svc" >/dev/null 2>&1 || true
done
