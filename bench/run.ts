/**
 * gust-agent benchmark suite (issue 8).
 *
 *   npm run bench                    every scenario
 *   npm run bench -- scrape memory   some scenarios (by id or number)
 *   npm run bench -- --quick         short durations, under 2 minutes
 *   npm run bench -- --profile       agents run with --cpu-prof (profiles in bench/results/profiles)
 *   npm run bench -- --markdown      print the table as Markdown (for docs/benchmarks.md)
 *   npm run bench -- --node /path/to/node24/bin/node --node node
 *                                    run the agents on each Node.js binary in turn (default: this one);
 *                                    results per binary, and a table with one column each
 *
 * Writes bench/results/latest.json (figures, budget verdicts, machine facts, git revision)
 * and prints a table.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './lib/agent-process.ts';
import { machineFacts } from './lib/machine.ts';
import type { ScenarioResult } from './lib/result.ts';
import { round } from './lib/stats.ts';
import { renderColumns, renderMarkdown, renderTable } from './lib/table.ts';
import { SCENARIOS } from './scenarios/index.ts';

const { values, positionals } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    out: { type: 'string' },
    markdown: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
    node: { type: 'string', multiple: true },
  },
  allowPositionals: true,
});

if (values.help) {
  process.stdout.write(`Usage: npm run bench -- [--quick] [--profile] [--markdown] [--out FILE] [--node BIN]... [SCENARIO...]\n\nScenarios:\n${SCENARIOS.map((s) => `  ${s.number}  ${s.id.padEnd(22)} ${s.title}`).join('\n')}\n`);
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
/** The Node.js binaries the agents run on, and the version each reports. */
const nodes = (values.node?.length ? values.node : [process.execPath]).map((bin) => ({
  bin,
  version: execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim(),
}));
const runs: Array<{ node: string; node_bin: string; load_average_at_start: number[]; scenarios: ScenarioResult[] }> = [];

try {
  for (const node of nodes) {
    process.env.GUST_BENCH_NODE = node.bin;
    const results: ScenarioResult[] = [];
    runs.push({ node: node.version, node_bin: node.bin, load_average_at_start: machineFacts().load_average, scenarios: results });
    for (const scenario of selected) {
      process.stderr.write(`[bench] node ${node.version}: ${scenario.number} ${scenario.id}: ${scenario.title}\n`);
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
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
const results = runs[0]!.scenarios;

const failed = runs.flatMap((run) => run.scenarios.flatMap((r) => r.figures.filter((f) => f.pass === false).map((f) => `node ${run.node}: ${r.id}: ${f.name}`)));
const report = {
  suite: 'gust-agent bench',
  started_at: started.toISOString(),
  duration_seconds: round((Date.now() - started.getTime()) / 1000, 1),
  mode: values.quick ? 'quick' : 'full',
  machine: { ...machineFacts(), load_average_at_start: loadAtStart },
  budget_failures: failed,
  // The first run's scenarios, as before runs existed (readers of older results keep working).
  scenarios: results,
  runs,
};
const out = values.out ? path.resolve(values.out) : path.join(resultsDir, 'latest.json');
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
const machine = report.machine;
process.stdout.write(`${machine.cpu_model}, ${machine.cpus} CPUs, agents on node ${runs.map((r) => r.node).join(' and ')}, revision ${machine.git_revision?.slice(0, 10)}${machine.git_dirty ? ' (dirty)' : ''}, load ${loadAtStart[0]} -> ${machine.load_average[0]}\n`);
// The load at start is other work; the load at the end includes the benchmark itself.
if (loadAtStart[0]! > machine.cpus / 2) {
  process.stdout.write(`warning: load average ${loadAtStart[0]} at start on ${machine.cpus} CPUs: other work competed with the agent; latency and CPU figures are pessimistic\n`);
}
const table = runs.length > 1 ? renderColumns(runs, values.markdown) : values.markdown ? renderMarkdown(results) : renderTable(results);
process.stdout.write(`${table}\n\n${failed.length ? `${failed.length} figure(s) over budget` : 'all budgeted figures pass'}; written to ${path.relative(process.cwd(), out)}\n`);
