#!/usr/bin/env bash
# Installs gust-agent on a systemd host from this checkout; safe to run again (upgrades in place).
#
#   sudo deploy/install.sh              install or upgrade, then restart the service if it runs
#   sudo deploy/install.sh --uninstall  remove the program and the unit; keep config and state
#   sudo deploy/install.sh --purge      --uninstall, and delete /etc/gust-agent and /var/lib/gust-agent
#
# DESTDIR=/some/root installs into that tree instead (packaging, tests): no systemctl calls and
# no chown; users and groups are written to DESTDIR/etc by systemd-sysusers --root.
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DESTDIR=${DESTDIR:-}
APP=$DESTDIR/opt/gust-agent
ETC=$DESTDIR/etc/gust-agent
UNIT=$DESTDIR/etc/systemd/system/gust-agent.service
SYSUSERS=$DESTDIR/usr/lib/sysusers.d/gust-agent.conf
STATE=$DESTDIR/var/lib/gust-agent
MIN_NODE=20.19.0

# gust-agent runs the service; gust-logs is the group that may read game logs (see the README).
SYSUSERS_CONF='u gust-agent - "gust-agent game-server monitoring" /var/lib/gust-agent
g gust-logs -'

say() { printf 'gust-agent install: %s\n' "$*"; }
die() { printf 'gust-agent install: error: %s\n' "$*" >&2; exit 1; }
live() { [ -z "$DESTDIR" ]; }   # installing onto this very system

# Only when systemd runs this machine (not in a container or chroot without it).
systemctl_live() { if live && [ -d /run/systemd/system ]; then systemctl "$@"; fi; }

check_node() {
  command -v node >/dev/null || die "node not found: install Node.js >= $MIN_NODE (README: Deployment: systemd)"
  node -e '
    const [want, have] = [process.argv[1], process.versions.node].map((v) => v.split(".").map(Number));
    const cmp = have[0] - want[0] || have[1] - want[1] || have[2] - want[2];
    process.exit(cmp >= 0 ? 0 : 1);' "$MIN_NODE" \
    || die "node $(node --version) is too old: gust-agent needs >= $MIN_NODE"
  command -v npm >/dev/null || die "npm not found (Debian: apt install npm)"
}

create_users() {
  install -d -m 0755 "$(dirname "$SYSUSERS")"
  printf '%s\n' "$SYSUSERS_CONF" > "$SYSUSERS"
  if live; then
    systemd-sysusers "$SYSUSERS"
  else
    install -d -m 0755 "$DESTDIR/etc"
    systemd-sysusers --root="$DESTDIR" "$SYSUSERS"
  fi
}

install_program() {
  install -d -m 0755 "$APP"
  rm -rf "${APP:?}/bin" "${APP:?}/src" "${APP:?}/dist"
  cp -R "$SRC/bin" "$APP/"
  build_into "$APP/dist"
  install -m 0644 "$SRC/package.json" "$SRC/config.example.yaml" "$SRC/config.schema.json" "$SRC/README.md" "$APP/"
  # Dependencies only change with the lockfile: re-running the installer stays fast and offline.
  # No install scripts: the program is already compiled, and no production dependency builds anything.
  if [ -d "$APP/node_modules" ] && cmp -s "$SRC/package-lock.json" "$APP/package-lock.json"; then
    say "dependencies unchanged"
  else
    install -m 0644 "$SRC/package-lock.json" "$APP/"
    say "installing production dependencies (npm ci --omit=dev)"
    (cd "$APP" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error) \
      || { rm -f "$APP/package-lock.json"; die "npm ci failed"; }
  fi
}

# Compiles the checkout's src/ into $1 with esbuild, a development dependency of the checkout
# (installed there once); the installed tree gets only the compiled program.
build_into() {
  if [ ! -d "$SRC/node_modules/esbuild" ]; then
    say "installing build dependencies in $SRC (npm ci)"
    (cd "$SRC" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in $SRC failed"
  fi
  node "$SRC/scripts/build.mjs" "$1" || die "compiling src/ failed"
}

install_config() {
  # The directory is world-readable (no secrets in it); config.yaml is readable by the service
  # group only; secrets/ is root-only: systemd hands them over with LoadCredential=.
  install -d -m 0755 "$ETC"
  install -d -m 0700 "$ETC/secrets"
  install -m 0644 "$SRC/config.example.yaml" "$ETC/config.example.yaml"
  if [ -e "$ETC/config.yaml" ]; then
    say "keeping existing $ETC/config.yaml"
  else
    install -m 0640 "$SRC/config.example.yaml" "$ETC/config.yaml"
    if live; then chgrp gust-agent "$ETC/config.yaml"; fi
    say "wrote $ETC/config.yaml from the example: edit it, then: systemctl enable --now gust-agent"
  fi
}

install_unit() {
  install -d -m 0755 "$(dirname "$UNIT")"
  install -m 0644 "$SRC/systemd/gust-agent.service" "$UNIT"
  install_revision
  systemctl_live daemon-reload
  restart_if_running
}

# /opt/gust-agent is no git checkout: tell the agent its revision (gust_build_info) in a drop-in.
install_revision() {
  local revision
  revision=$(git -C "$SRC" rev-parse --short=12 HEAD 2>/dev/null) || return 0
  install -d -m 0755 "$UNIT.d"
  printf '[Service]\nEnvironment=GUST_REVISION=%s\n' "$revision" > "$UNIT.d/revision.conf"
}

# An upgrade takes effect now if the agent runs (a fresh install waits for `enable --now`), but
# only when the new version accepts the existing config: a failed restart would stop monitoring.
restart_if_running() {
  live && [ -d /run/systemd/system ] && systemctl is-active --quiet gust-agent.service || return 0
  if CREDENTIALS_DIRECTORY="$ETC/secrets" node "$APP/bin/gust-agent" check-config --config "$ETC/config.yaml"; then
    systemctl restart gust-agent.service
    say "restarted gust-agent.service"
  else
    say "NOT restarted: this version rejects $ETC/config.yaml (see above); fix it, then: systemctl restart gust-agent"
  fi
}

uninstall() {
  local purge=$1
  systemctl_live disable --now gust-agent.service || true
  rm -f "$UNIT" "$UNIT.d/revision.conf"
  rmdir "$UNIT.d" 2>/dev/null || true   # kept when it holds the operator's own drop-ins
  rm -rf "$APP"
  systemctl_live daemon-reload
  if [ "$purge" = yes ]; then
    rm -rf "$ETC" "$STATE"
    say "removed program, unit, config and state"
  else
    say "removed program and unit; kept $ETC and $STATE (--purge deletes them)"
  fi
  # The system users stay (Debian practice: files they own may remain elsewhere, e.g. ACLs).
  rm -f "$SYSUSERS"
}

main() {
  case "${1:-}" in
    "") ;;
    --uninstall) uninstall no; return ;;
    --purge) uninstall yes; return ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; return ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
  if live && [ "$(id -u)" != 0 ]; then die "run as root (sudo), or set DESTDIR"; fi
  check_node
  create_users
  install_program
  install_config
  install_unit
  say "installed $(node "$APP/bin/gust-agent" --version)"
}

main "$@"
