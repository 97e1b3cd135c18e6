/**
 * gust-agent benchmark suite (issue 8).
 *
 *   npm run bench                    every scenario
 *   npm run bench -- scrape memory   some scenarios (by id or number)
 *   npm run bench -- --quick         short durations, under 2 minutes
 *   npm run bench -- --profile       agents run with --cpu-prof (profiles in bench/results/profiles)
 *   npm run bench -- --markdown      print the table as Markdown (for docs/benchmarks.md)
 *
 * Writes bench/results/latest.json (figures, budget verdicts, machine facts, git revision)
 * and prints a table.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './lib/agent-process.ts';
import { machineFacts } from './lib/machine.ts';
import type { ScenarioResult } from './lib/result.ts';
import { round } from './lib/stats.ts';
import { renderMarkdown, renderTable } from './lib/table.ts';
import { SCENARIOS } from './scenarios/index.ts';

const { values, positionals } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    out: { type: 'string' },
    markdown: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  allowPositionals: true,
});

if (values.help) {
  process.stdout.write(`Usage: npm run bench -- [--quick] [--profile] [--markdown] [--out FILE] [SCENARIO...]\n\nScenarios:\n${SCENARIOS.map((s) => `  ${s.number}  ${s.id.padEnd(22)} ${s.title}`).join('\n')}\n`);
  process.exit(0);
}

const selected = positionals.length === 0
  ? SCENARIOS
  : positionals.map((name) => {
    const scenario = SCENARIOS.find((s) => s.id === name || String(s.number) === name);
    if (!scenario) {
      process.stderr.write(`unknown scenario "${name}"; known: ${SCENARIOS.map((s) => s.id).join(', ')}\n`);
      process.exit(2);
    }
    return scenario;
  });

const resultsDir = path.join(REPO_ROOT, 'bench/results');
mkdirSync(resultsDir, { recursive: true });
const workDir = mkdtempSync(path.join(tmpdir(), 'gust-bench-'));
const profileDir = values.profile ? path.join(resultsDir, 'profiles') : undefined;
const started = new Date();
const loadAtStart = machineFacts().load_average;
const results: ScenarioResult[] = [];

try {
  for (const scenario of selected) {
    process.stderr.write(`[bench] ${scenario.number} ${scenario.id}: ${scenario.title}\n`);
    const t0 = performance.now();
    let outcome;
    try {
      outcome = await scenario.run({ quick: values.quick, workDir, profileDir });
    } catch (err) {
      outcome = { status: 'error' as const, reason: err instanceof Error ? err.message : String(err), figures: [] };
    }
    const result = { id: scenario.id, number: scenario.number, title: scenario.title, duration_seconds: round((performance.now() - t0) / 1000, 1), ...outcome };
    results.push(result);
    process.stderr.write(`[bench]   ${result.status} in ${result.duration_seconds} s${result.reason ? `: ${result.reason}` : ''}\n`);
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

const failed = results.flatMap((r) => r.figures.filter((f) => f.pass === false).map((f) => `${r.id}: ${f.name}`));
const report = {
  suite: 'gust-agent bench',
  started_at: started.toISOString(),
  duration_seconds: round((Date.now() - started.getTime()) / 1000, 1),
  mode: values.quick ? 'quick' : 'full',
  machine: { ...machineFacts(), load_average_at_start: loadAtStart },
  budget_failures: failed,
  scenarios: results,
};
const out = values.out ? path.resolve(values.out) : path.join(resultsDir, 'latest.json');
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
const machine = report.machine;
process.stdout.write(`${machine.cpu_model}, ${machine.cpus} CPUs, node ${machine.node}, revision ${machine.git_revision?.slice(0, 10)}${machine.git_dirty ? ' (dirty)' : ''}, load ${loadAtStart[0]} -> ${machine.load_average[0]}\n`);
// The load at start is other work; the load at the end includes the benchmark itself.
if (loadAtStart[0]! > machine.cpus / 2) {
  process.stdout.write(`warning: load average ${loadAtStart[0]} at start on ${machine.cpus} CPUs: other work competed with the agent; latency and CPU figures are pessimistic\n`);
}
process.stdout.write(`${values.markdown ? renderMarkdown(results) : renderTable(results)}\n\n${failed.length ? `${failed.length} figure(s) over budget` : 'all budgeted figures pass'}; written to ${path.relative(process.cwd(), out)}\n`);
