/**
 * Scenario 6: log backfill and live tail versus Debian's mtail. The measurement is the
 * log-tailing work's own (bench/logs/run.ts, also runnable on its own); this scenario runs it
 * and judges the figures. --quick runs the backfill comparison only.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { LogBenchOptions } from '../logs/run.ts';
import { BUDGET, figure, unavailable, type Figure, type Scenario } from '../lib/result.ts';

interface LiveResult { tool: string; rate_lines_per_second: number; lag_p50_ms: number | null; lag_p99_ms: number | null; lost: number; duplicated: number; cpu_percent: number }
interface QuietResult { tool: string; cpu_percent_hot_1k_lines_per_second: number; cpu_percent_first_idle_window: number; cpu_percent_all_idle: number }

export const logThroughput: Scenario = {
  id: 'logs',
  number: 6,
  title: 'Log backfill and live tail versus mtail (lines per CPU-second)',
  async run(options) {
    if (!existsSync('/usr/bin/mtail')) return unavailable('/usr/bin/mtail is not installed (apt-get install mtail)');
    // Loaded when run, so the rest of the suite works while the log benchmark is missing or broken.
    let logs: typeof import('../logs/run.ts');
    try {
      logs = await import('../logs/run.ts');
    } catch (err) {
      return unavailable(`bench/logs/run.ts (owned by the log-tailing work) cannot be loaded: ${err instanceof Error ? err.message : String(err)}`);
    }
    const { backfill, runLogBench } = logs;
    const workDir = path.join(options.workDir, 'logs');
    mkdirSync(workDir, { recursive: true });
    const o: LogBenchOptions = {
      workDir,
      backfillLines: options.quick ? 200_000 : 1_000_000,
      bigBackfillBytes: 0,
      liveSeconds: 30,
      rates: [10_000],
      rotateEverySeconds: 10,
      quietFiles: 1000,
      quietSeconds: 20,
      only: [],
    };
    const result = options.quick ? { backfill: await backfill(o) } : await runLogBench(o);
    const b = result.backfill as Awaited<ReturnType<typeof logs.backfill>>;
    const figures: Figure[] = [
      figure('backfill gust-agent', b.gust.lines_per_cpu_second, 'lines/CPU-s'),
      figure('backfill mtail', b.mtail.lines_per_cpu_second, 'lines/CPU-s'),
      figure('backfill ratio gust-agent/mtail', b.speedup, 'x', BUDGET.logThroughputVsMtail),
    ];
    const full = result as { live?: LiveResult[]; quiet?: QuietResult[] };
    for (const l of full.live ?? []) {
      figures.push(figure(`live ${l.rate_lines_per_second} lines/s lag p99 ${l.tool}`, l.lag_p99_ms, 'ms', l.tool === 'gust-agent' ? BUDGET.eventP99 : undefined, `lost ${l.lost}, dup ${l.duplicated}, CPU ${l.cpu_percent} %`));
    }
    for (const q of full.quiet ?? []) {
      figures.push(figure(`1,000 idle files CPU ${q.tool}`, q.cpu_percent_all_idle, '% core', q.tool === 'gust-agent' ? BUDGET.idleFiles : undefined, `first idle window after the hot file: ${q.cpu_percent_first_idle_window} %`));
    }
    return { status: 'ok', figures, details: result as Record<string, unknown> };
  },
};
