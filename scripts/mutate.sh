#!/usr/bin/env bash
# `npm run mutate [MODULE...]`: StrykerJS per module (all of stryker.config.mjs's MODULES when
# none is named), one after the other, reports in reports/mutation/. Concurrency 1 unless
# MUTATE_CONCURRENCY says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
  mapfile -t modules < <(node -e "import('./stryker.config.mjs').then((m) => console.log(Object.keys(m.MODULES).join('\n')))")
fi
for m in "${modules[@]}"; do
  echo "== mutate $m"
  MUTATE_MODULE="$m" npx stryker run stryker.config.mjs
done
node scripts/mutation-summary.mjs "${modules[@]}"
