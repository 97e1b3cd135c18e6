/** Scenario 3: agent RSS at 50, 500 and 2,000 servers after warm-up (read from /proc). */
import { FLEET_SIZES, measureFleet } from '../lib/fleet-measure.ts';
import { BUDGET, figure, type Figure, type Scenario } from '../lib/result.ts';
import { MiB, round } from '../lib/stats.ts';

export const memory: Scenario = {
  id: 'memory',
  number: 3,
  title: 'RSS after warm-up (50 / 500 / 2,000 servers)',
  async run(options) {
    const figures: Figure[] = [];
    const details: Record<string, unknown> = {};
    for (const servers of FLEET_SIZES) {
      const m = await measureFleet(servers, options);
      const budget = servers === 50 ? BUDGET.rss50 : servers === 2000 ? BUDGET.rss2000 : undefined;
      figures.push(figure(`RSS @${servers}`, round(m.rssAfterWarmupBytes / MiB, 1), 'MiB', budget));
      details[String(servers)] = {
        warmup_seconds: m.warmupSeconds,
        rss_after_warmup_bytes: m.rssAfterWarmupBytes,
        rss_after_scrape_loop_bytes: m.rssAfterScrapesBytes,
        peak_rss_bytes: m.peakRssBytes,
      };
    }
    return { status: 'ok', figures, details };
  },
};
