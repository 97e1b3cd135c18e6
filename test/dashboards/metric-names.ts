/**
 * The metric names a dashboard or rule may use: what a real agent registers (its /metrics
 * lists every registered family, with or without series), what the recording rules define,
 * and Prometheus' own series.
 */
import { recordingRules } from '../../src/alerts/thresholds.ts';
import { startAgent } from '../support/agent.ts';

/** A config that builds every component, so every metric family is registered. */
const EVERYTHING = `
cache: { redis: { url: "redis://127.0.0.1:1/0", operation_timeout: 50ms } }
auto_commands: { interval: 1h }
cluster: { mode: replicate, member_id: names, heartbeat: 10m, member_ttl: 1h, lease_ttl: 30m }
servers:
  - id: names
    game: rust
    logs: [{ path: /nonexistent/gust-metric-names.log }]
    rcon: { transport: webrcon, port: 1, password: x }
    commands: [serverinfo]
    process: { pid_file: /nonexistent/gust-metric-names.pid }
`;

export async function knownMetricNames(): Promise<Set<string>> {
  const agent = await startAgent(EVERYTHING);
  try {
    const text = await agent.scrape();
    const names = new Set<string>(['up', 'ALERTS', 'ALERTS_FOR_STATE']);
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)/gm)) {
      names.add(name!);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
      if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${name}${suffix}`);
    }
    for (const rule of recordingRules()) names.add(rule.record);
    return names;
  } finally {
    await agent.stop();
  }
}
