#!/usr/bin/env bash
# The whole test suite: `npm test`. Installs what it needs (Debian packages) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash test/setup/install-deps.sh
echo "== build (the spawned agents run dist/, as users do)"
node scripts/build.mjs
echo "== tsc --noEmit"
npx tsc --noEmit
echo "== node --test"
# Node 20 has no --test glob support: pass the file list explicitly.
mapfile -t files < <(find test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
node --import tsx --test --test-concurrency=2 --test-timeout=300000 --test-reporter=spec "${files[@]}"
