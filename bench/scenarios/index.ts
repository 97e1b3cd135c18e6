/** Every scenario, in the order `npm run bench` runs them. */
import type { Scenario } from '../lib/result.ts';
import { scrapeLatency } from './scrape-latency.ts';
import { steadyState } from './steady-state.ts';
import { memory } from './memory.ts';
import { commandRound } from './command-round.ts';
import { eventLatency } from './event-latency.ts';
import { logThroughput } from './log-throughput.ts';
import { apiThroughput } from './api-throughput.ts';
import { nodeExporter } from './node-exporter.ts';
import { clusterShard } from './cluster-shard.ts';
import { reload } from './reload.ts';

export const SCENARIOS: Scenario[] = [scrapeLatency, steadyState, memory, commandRound, eventLatency, logThroughput, apiThroughput, nodeExporter, clusterShard, reload];
