/**
 * Scenario 5: event-to-metric latency. A line matching a user rule is appended to a tailed
 * log file; the clock stops when a scrape shows the rule's gauge at the line's sequence number.
 * The figure is an upper bound: it includes the scrape that saw the value.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createFleet } from '../lib/fleet.ts';
import { spawnAgent } from '../lib/agent-process.ts';
import { seriesValues } from '../lib/exposition.ts';
import { profileFlags } from '../lib/fleet-measure.ts';
import { timedGet } from '../lib/http.ts';
import { BUDGET, figure, unavailable, type Scenario } from '../lib/result.ts';
import { mean, percentile, round } from '../lib/stats.ts';

const METRIC = 'gust_bench_event_seq';
const SERVERS = 50;

export const eventLatency: Scenario = {
  id: 'event-latency',
  number: 5,
  title: 'Event-to-metric latency: log line appended until visible on /metrics (50 servers)',
  async run(options) {
    const dir = path.join(options.workDir, 'event-latency');
    mkdirSync(dir, { recursive: true });
    const fleet = await createFleet({ servers: SERVERS, dir });
    const agent = await spawnAgent(fleet.configPath, fleet.yaml, { nodeFlags: profileFlags(options, 'event-latency') });
    const metricsUrl = `${agent.url}/metrics`;
    /** Appends event `seq` and returns ms until a scrape shows it, and the scrape's own duration. */
    const measure = async (seq: number, deadlineMs: number) => {
      const file = fleet.logFiles[seq % fleet.logFiles.length]!;
      const start = performance.now();
      appendFileSync(file, `[00:00:00] [Server thread/INFO]: BENCH_EVENT seq=${seq}\n`);
      while (performance.now() - start < deadlineMs) {
        const res = await timedGet(metricsUrl);
        if (seriesValues(res.body, METRIC).includes(seq)) return { latencyMs: performance.now() - start, scrapeMs: res.ms };
      }
      return undefined;
    };
    try {
      const first = await measure(1, 10_000);
      if (!first) return unavailable(`a log line matching a user rule did not reach ${METRIC} within 10 s (log tailing not implemented yet?)`);
      const count = options.quick ? 50 : 300;
      const latencies: number[] = [];
      const scrapes: number[] = [];
      for (let seq = 2; seq <= count + 1; seq++) {
        const m = await measure(seq, 10_000);
        if (!m) throw new Error(`event ${seq} did not appear within 10 s`);
        latencies.push(m.latencyMs);
        scrapes.push(m.scrapeMs);
        // A random pause, so events do not fall in step with a polling or batching timer.
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
      }
      return {
        status: 'ok',
        figures: [
          figure('event-to-metric p50', round(percentile(latencies, 50)), 'ms'),
          figure('event-to-metric p99', round(percentile(latencies, 99)), 'ms', BUDGET.eventP99),
        ],
        details: { events: count, servers: SERVERS, max_ms: round(Math.max(...latencies)), mean_scrape_ms: round(mean(scrapes)) },
      };
    } finally {
      await agent.stop();
    }
  },
};
