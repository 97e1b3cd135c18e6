/**
 * Scenario 10: scrapes while the config is reloaded (200 servers, all unreachable). A reload
 * parses and validates the whole file; on the event loop that held scrapes for 80-230 ms,
 * and both slow scrapes of a 30-minute soak fell on one (issue 19). A client scrapes without
 * pause while `POST /-/reload` runs once a second.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnAgent } from '../lib/agent-process.ts';
import { profileFlags } from '../lib/fleet-measure.ts';
import { createFleet } from '../lib/fleet.ts';
import { timedGet } from '../lib/http.ts';
import { figure, type Scenario } from '../lib/result.ts';
import { percentile, round } from '../lib/stats.ts';

const SERVERS = Number(process.env.GUST_BENCH_RELOAD_SERVERS ?? 200);
const TOKEN = 'bench-reload-token';

export const reload: Scenario = {
  id: 'reload',
  number: 10,
  title: `Scrape latency during config reloads (${SERVERS} servers, a reload a second)`,
  async run(options) {
    const dir = path.join(options.workDir, 'reload');
    const fleet = await createFleet({ servers: SERVERS, dir, overrides: { api: { tokens: [TOKEN], rate_limit: { max: 1_000_000, window: '1s' } } } });
    const agent = await spawnAgent(fleet.configPath, fleet.yaml, { nodeFlags: profileFlags(options, 'reload') });
    try {
      const reloads = options.quick ? 5 : 20;
      const scrapes: number[] = [];
      let reloading = true;
      const scraper = (async () => {
        while (reloading) scrapes.push((await timedGet(`${agent.url}/metrics`)).ms);
      })();
      const reloadMs: number[] = [];
      for (let i = 0; i < reloads; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        writeFileSync(fleet.configPath, fleet.yaml); // the file watcher reloads too, as after an edit
        const started = performance.now();
        const res = await fetch(`${agent.url}/-/reload`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`reload answered ${res.status}`);
        reloadMs.push(performance.now() - started);
      }
      reloading = false;
      await scraper;
      const max = Math.max(...scrapes);
      return {
        status: 'ok',
        figures: [
          figure('slowest scrape during reloads', round(max), 'ms', { max: 100, text: '< 100 ms (soak)' }),
          figure('scrape p99 during reloads', round(percentile(scrapes, 99)), 'ms'),
          figure('reload duration p50', round(percentile(reloadMs, 50)), 'ms'),
        ],
        details: {
          reloads,
          scrapes: scrapes.length,
          scrapes_over_50ms: scrapes.filter((ms) => ms > 50).length,
          scrapes_over_100ms: scrapes.filter((ms) => ms > 100).length,
          scrape_p50_ms: round(percentile(scrapes, 50)),
          reload_ms: reloadMs.map((ms) => round(ms)),
        },
      };
    } finally {
      await agent.stop();
    }
  },
};
