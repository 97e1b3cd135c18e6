/**
 * Scenario 1: /metrics latency and exposition size at 50, 500 and 2,000 configured servers,
 * every game server unreachable — a scrape must never wait on a game server.
 */
import { FLEET_SIZES, measureFleet } from '../lib/fleet-measure.ts';
import { BUDGET, figure, type Figure, type Scenario } from '../lib/result.ts';
import { percentile, round } from '../lib/stats.ts';

export const scrapeLatency: Scenario = {
  id: 'scrape',
  number: 1,
  title: 'Scrape latency and exposition size (50 / 500 / 2,000 servers, all unreachable)',
  async run(options) {
    const figures: Figure[] = [];
    const details: Record<string, unknown> = {};
    for (const servers of FLEET_SIZES) {
      const m = await measureFleet(servers, options);
      const p50 = round(percentile(m.scrapeLatenciesMs, 50));
      const p99 = round(percentile(m.scrapeLatenciesMs, 99));
      const budget = servers === 50 ? BUDGET.scrapeP99at50 : servers === 2000 ? BUDGET.scrapeP99at2000 : undefined;
      figures.push(
        figure(`scrape p50 @${servers}`, p50, 'ms'),
        figure(`scrape p99 @${servers}`, p99, 'ms', budget),
        figure(`exposition @${servers}`, round(m.expositionBytes / 1024, 1), 'KiB', undefined, `${m.expositionSeries} series`),
      );
      details[String(servers)] = {
        scrapes: m.scrapeLatenciesMs.length,
        p50_ms: p50,
        p90_ms: round(percentile(m.scrapeLatenciesMs, 90)),
        p99_ms: p99,
        max_ms: round(Math.max(...m.scrapeLatenciesMs)),
        exposition_bytes: m.expositionBytes,
        exposition_series: m.expositionSeries,
        startup_ms: round(m.startupMs, 0),
      };
    }
    return { status: 'ok', figures, details };
  },
};
