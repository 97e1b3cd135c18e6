#!/usr/bin/env node
/** One line per module from reports/mutation/MODULE.json: score, killed, survived, no coverage, timeouts. */
import { readFileSync } from 'node:fs';

for (const name of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(`reports/mutation/${name}.json`, 'utf8'));
  const count = {};
  for (const file of Object.values(report.files)) for (const m of file.mutants) count[m.status] = (count[m.status] ?? 0) + 1;
  const detected = (count.Killed ?? 0) + (count.Timeout ?? 0);
  const valid = detected + (count.Survived ?? 0) + (count.NoCoverage ?? 0);
  const score = valid ? ((100 * detected) / valid).toFixed(1) : 'n/a';
  console.log(`${name}: ${score} % (killed ${count.Killed ?? 0}, timeout ${count.Timeout ?? 0}, survived ${count.Survived ?? 0}, no coverage ${count.NoCoverage ?? 0}, errors ${(count.CompileError ?? 0) + (count.RuntimeError ?? 0)}, ignored ${count.Ignored ?? 0})`);
}
