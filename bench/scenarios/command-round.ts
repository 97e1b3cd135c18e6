/**
 * Scenario 4: command round at 500 and 2,000 fake servers with max_concurrent 50 — round
 * duration and per-command overhead beyond the fake's own delay. The measurement is the
 * commands work's own (bench/commands/run.ts, which says how each figure is taken); this
 * scenario runs it and judges the figures. The budget applies to the agent's CPU time per
 * command; the wall-clock figures beyond the fake's time include queueing on the agent's
 * event loop at 50 commands in flight (docs/benchmarks.md, "Command round").
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { defaultIntervalMs, runCommandBench, type CommandBenchResult } from '../commands/run.ts';
import { profileFlags } from '../lib/fleet-measure.ts';
import { BUDGET, figure, type Figure, type Scenario } from '../lib/result.ts';

const SIZES = [500, 2000];
const MAX_CONCURRENT = 50;

export const commandRound: Scenario = {
  id: 'commands',
  number: 4,
  title: 'Command round at 500 / 2,000 fake servers, max_concurrent 50',
  async run(options) {
    const figures: Figure[] = [];
    const details: Record<string, CommandBenchResult> = {};
    for (const servers of SIZES) {
      const workDir = path.join(options.workDir, `commands-${servers}`);
      mkdirSync(workDir, { recursive: true });
      const r = await runCommandBench({
        servers,
        maxConcurrent: MAX_CONCURRENT,
        rounds: options.quick ? 1 : 3,
        // Fewer warm-up commands with --quick: the figures then err high.
        warmupCommands: options.quick ? 2_000 : 10_000,
        intervalMs: defaultIntervalMs(servers),
        replyDelayMs: 5,
        workDir,
        nodeFlags: profileFlags(options, `commands-${servers}`),
      });
      details[String(servers)] = r;
      figures.push(
        figure(`round duration @${servers}`, r.round_duration_max_seconds, 's', undefined, `interval ${r.interval_seconds} s`),
        figure(`per-command overhead (agent CPU) @${servers}`, r.agent_cpu_ms_per_command, 'ms', BUDGET.commandOverhead),
        figure(`wall clock beyond fake, mean @${servers}`, r.overhead_wall_ms.mean, 'ms', undefined, `queueing at ${MAX_CONCURRENT} in flight included`),
        figure(`wall clock beyond fake, p99 @${servers}`, r.overhead_wall_ms.p99, 'ms'),
        figure(`agent RSS @${servers}`, r.agent_rss_mib, 'MiB'),
        figure(`max in flight seen by fakes @${servers}`, r.max_in_flight_seen_by_fakes, 'commands', { max: MAX_CONCURRENT + 1, text: `<= ${MAX_CONCURRENT}` }),
        figure(`failures @${servers}`, r.failures, 'commands'),
      );
    }
    return { status: 'ok', figures, details };
  },
};
