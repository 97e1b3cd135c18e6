/** Every scenario, in the order `npm run bench` runs them. */
import type { Scenario } from '../lib/result.ts';
import { scrapeLatency } from './scrape-latency.ts';
import { memory } from './memory.ts';

export const SCENARIOS: Scenario[] = [scrapeLatency, memory];
