/**
 * Scenario 4: command round at 500 and 2,000 fake servers with max_concurrent 50 — round
 * duration and per-command overhead beyond the fake's own delay. The measurement is the
 * commands work's own (bench/commands/run.ts); this scenario runs it and judges the figures.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { runCommandBench, type CommandBenchResult } from '../commands/run.ts';
import { profileFlags } from '../lib/fleet-measure.ts';
import { BUDGET, figure, type Figure, type Scenario } from '../lib/result.ts';

const SIZES = [500, 2000];

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
        maxConcurrent: 50,
        rounds: options.quick ? 1 : 3,
        intervalMs: options.quick ? 5_000 : 10_000,
        replyDelayMs: 5,
        workDir,
        nodeFlags: profileFlags(options, `commands-${servers}`),
      });
      details[String(servers)] = r;
      figures.push(
        figure(`round duration @${servers}`, r.round_duration_max_seconds, 's', undefined, `interval ${r.interval_seconds} s`),
        figure(`per-command overhead @${servers}`, r.overhead_per_command_ms, 'ms', BUDGET.commandOverhead),
        figure(`agent CPU per command @${servers}`, r.agent_cpu_ms_per_command, 'ms'),
        figure(`failures @${servers}`, r.failures, 'commands'),
      );
    }
    return { status: 'ok', figures, details };
  },
};
