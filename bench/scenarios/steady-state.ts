/**
 * Scenario 2: steady state at 50 servers — auto commands every 10 s (to unreachable servers),
 * 100 log lines/s in total, a scrape every 15 s — agent CPU and RSS over 5 minutes (20 s with
 * --quick), read from /proc after a warm-up.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createFleet } from '../lib/fleet.ts';
import { spawnAgent } from '../lib/agent-process.ts';
import { profileFlags } from '../lib/fleet-measure.ts';
import { timedGet } from '../lib/http.ts';
import { startLogWriter } from '../lib/log-writer.ts';
import { cpuPercent, sampleProcess, type ProcSample } from '../lib/proc.ts';
import { BUDGET, figure, type Scenario } from '../lib/result.ts';
import { MiB, mean, round } from '../lib/stats.ts';

const SERVERS = 50;
const LOG_LINES_PER_SECOND = 100;
const SCRAPE_INTERVAL_MS = 15_000;

export const steadyState: Scenario = {
  id: 'steady',
  number: 2,
  title: 'Steady state at 50 servers: CPU and RSS (10 s commands, 100 log lines/s, scrape every 15 s)',
  async run(options) {
    const dir = path.join(options.workDir, 'steady');
    mkdirSync(dir, { recursive: true });
    const fleet = await createFleet({
      servers: SERVERS,
      dir,
      overrides: { auto_commands: { interval: '10s', adaptive_interval: false, max_concurrent: 50, timeout: '2s' } },
    });
    const agent = await spawnAgent(fleet.configPath, fleet.yaml, { nodeFlags: profileFlags(options, 'steady') });
    const writer = startLogWriter(fleet.logFiles, LOG_LINES_PER_SECOND);
    const scrape = () => void timedGet(`${agent.url}/metrics`).catch(() => {});
    const scraper = setInterval(scrape, SCRAPE_INTERVAL_MS);
    try {
      scrape();
      await sleep(options.quick ? 2_000 : 20_000);
      const seconds = options.quick ? 20 : 300;
      const samples: ProcSample[] = [sampleProcess(agent.pid)];
      for (let i = 0; i < seconds; i++) {
        await sleep(1000);
        samples.push(sampleProcess(agent.pid));
      }
      const first = samples[0]!;
      const last = samples.at(-1)!;
      const rss = samples.map((s) => s.rssBytes);
      const linesWritten = writer.linesWritten();
      return {
        status: 'ok',
        figures: [
          figure('CPU @50', round(cpuPercent(first, last), 2), '% core', BUDGET.cpu50),
          figure('RSS max @50', round(Math.max(...rss) / MiB, 1), 'MiB', BUDGET.rss50),
          figure('RSS mean @50', round(mean(rss) / MiB, 1), 'MiB'),
        ],
        details: {
          measured_seconds: seconds,
          cpu_seconds: round(last.cpuSeconds - first.cpuSeconds, 2),
          rss_min_bytes: Math.min(...rss),
          rss_max_bytes: Math.max(...rss),
          log_lines_written: linesWritten,
          // Per-second CPU, to spot periodic spikes (command rounds, host sampling).
          cpu_percent_per_second: samples.slice(1).map((s, i) => round(cpuPercent(samples[i]!, s), 1)),
        },
      };
    } finally {
      clearInterval(scraper);
      writer.stop();
      await agent.stop();
    }
  },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
