#!/usr/bin/env node
/**
 * test/run.sh's verdict on a node --test run, from the summary reporter's JSON: every test file
 * git tracks ran at least one test, nothing was skipped or left todo, and the runner counted
 * tests at all. `node --test` exits 0 for an empty file list or a file whose tests never
 * registered; this does not.
 * Usage: check-run.mjs SUMMARY.json FILE...   (FILE: the tracked test files, relative)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [summaryPath, ...expected] = process.argv.slice(2);
const problems = [];
let summary;
try {
  summary = JSON.parse(readFileSync(summaryPath, 'utf8'));
} catch (err) {
  console.error(`test/run.sh: no test summary at ${summaryPath} (${err.message})`);
  process.exit(1);
}
const ran = new Map(Object.entries(summary.files).map(([file, tests]) => [path.relative(process.cwd(), file), tests]));
if (expected.length === 0) problems.push('no test files given (git ls-files found none)');
for (const file of expected) {
  if (!ran.has(file)) problems.push(`${file}: did not run`);
  else if (ran.get(file) === 0) problems.push(`${file}: ran no test`);
}
for (const file of ran.keys()) if (!expected.includes(file)) problems.push(`${file}: ran but is not tracked by git`);
const t = summary.totals;
if (!(t.tests > 0)) problems.push(`the runner counted ${t.tests ?? 'no'} tests`);
for (const key of ['skipped', 'todo', 'cancelled', 'fail']) {
  if (t[key] !== 0) problems.push(`${key}: ${t[key] ?? 'not reported'}`);
}
problems.push(...summary.notes);
if (problems.length > 0) {
  console.error(`test/run.sh: the run does not count as passed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`== ${expected.length} test files, ${t.tests} tests, all ran and passed`);
