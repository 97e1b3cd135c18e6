/** Every scenario, in the order `npm run bench` runs them. */
import type { Scenario } from '../lib/result.ts';
import { scrapeLatency } from './scrape-latency.ts';
import { steadyState } from './steady-state.ts';
import { memory } from './memory.ts';
import { nodeExporter } from './node-exporter.ts';

export const SCENARIOS: Scenario[] = [scrapeLatency, steadyState, memory, nodeExporter];
