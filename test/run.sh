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
# Node 20 has no --test glob support: pass the file list explicitly. The list is what git tracks;
# a test file on disk that git does not know fails the run (it would be missing in CI).
mapfile -t files < <(git ls-files -- 'test/*.test.ts' | sort)
mapfile -t on_disk < <(find test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
if [ "${files[*]}" != "${on_disk[*]}" ]; then
  echo "test/run.sh: test files on disk differ from git ls-files (git add new ones):" >&2
  diff <(printf '%s\n' "${files[@]}") <(printf '%s\n' "${on_disk[@]}") >&2 || true
  exit 1
fi
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
status=0
node --import tsx --test --test-concurrency=2 --test-timeout=300000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=./test/support/summary-reporter.mjs --test-reporter-destination="$summary" \
  "${files[@]}" || status=$?
# node --test passes an empty list, a file that registers no test, and skipped/todo tests: the
# summary check does not.
node test/support/check-run.mjs "$summary" "${files[@]}" || status=1
exit "$status"
