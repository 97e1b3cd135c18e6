/**
 * Generates a config for N game servers, the shape a large host has: every server with RCON
 * auto commands, a query, a log file and user rules. RCON and query point at closed loopback
 * ports, so every probe fails at once — the agent must keep scrapes fast regardless.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { closedPort } from './ports.ts';

export interface FleetOptions {
  servers: number;
  dir: string;
  /** Lines written to each log file before the agent starts (read from the beginning). */
  initialLogLines?: number;
  /** Overrides merged into the top-level config (e.g. auto_commands). */
  overrides?: Record<string, unknown>;
  host?: boolean;
}

export interface Fleet {
  yaml: string;
  configPath: string;
  serverIds: string[];
  logFiles: string[];
}

export const BENCH_RULES = [
  {
    name: 'bench_event',
    match: 'BENCH_EVENT seq=(?<value>\\d+)',
    metric: 'gust_bench_event_seq',
    type: 'gauge',
    value: 'value',
    sources: ['log'],
  },
  {
    name: 'bench_kills',
    match: 'was killed by (?<weapon>[a-z_]+)',
    metric: 'gust_bench_kills_total',
    type: 'counter',
    labels: ['weapon'],
    max_label_values: 20,
    sources: ['log'],
  },
  {
    name: 'bench_status_players',
    match: 'players\\s*:\\s*(?<value>\\d+) \\((?<max>\\d+) max\\)',
    metric: 'gust_bench_status_players',
    type: 'gauge',
    value: 'value',
    sources: ['command'],
  },
];

const WEAPONS = ['rifle', 'bow', 'spear', 'fall', 'wolf'];

/** One plausible game-log line; `i` varies the content. */
export function logLine(serverIndex: number, i: number): string {
  const time = new Date(Date.UTC(2026, 0, 1, 0, 0, i % 86_400)).toISOString().slice(11, 19);
  const player = `Player${(serverIndex * 7 + i) % 100}`;
  switch (i % 5) {
    case 0: return `[${time}] [Server thread/INFO]: ${player} joined the game`;
    case 1: return `[${time}] [Server thread/INFO]: <${player}> gg everyone`;
    case 2: return `[${time}] [Server thread/INFO]: ${player} was killed by ${WEAPONS[i % WEAPONS.length]}`;
    case 3: return `[${time}] [Server thread/INFO]: ${player} left the game`;
    default: return `[${time}] [Server thread/WARN]: Can't keep up! Is the server overloaded? Running ${i % 3000}ms behind`;
  }
}

export async function createFleet(options: FleetOptions): Promise<Fleet> {
  const { servers, dir } = options;
  const logDir = path.join(dir, 'logs');
  mkdirSync(logDir, { recursive: true });
  // A handful of refused ports is enough: what matters is that every connect fails fast.
  const ports = await Promise.all(Array.from({ length: 4 }, () => closedPort()));
  const serverIds: string[] = [];
  const logFiles: string[] = [];
  const serverConfigs = Array.from({ length: servers }, (_, n) => {
    const id = `srv-${String(n + 1).padStart(4, '0')}`;
    const logFile = path.join(logDir, `${id}.log`);
    const lines = Array.from({ length: options.initialLogLines ?? 20 }, (_, i) => logLine(n, i));
    writeFileSync(logFile, lines.length ? `${lines.join('\n')}\n` : '');
    serverIds.push(id);
    logFiles.push(logFile);
    const rust = n % 2 === 0;
    return {
      id,
      name: `Bench ${n + 1}`,
      game: rust ? 'rust' : 'minecraft',
      logs: [{ path: logFile, start_at: 'beginning' }],
      rcon: {
        transport: rust ? 'webrcon' : 'source',
        host: '127.0.0.1',
        port: ports[n % ports.length],
        password: 'bench-rcon-secret',
        connect_timeout: '1s',
      },
      commands: rust ? ['serverinfo', { command: 'status', every: '30s', rules: ['bench_status_players'] }] : ['list'],
      query: { type: rust ? 'rust' : 'minecraft', host: '127.0.0.1', port: ports[(n + 1) % ports.length], interval: '30s', timeout: '1s' },
    };
  });
  const config = {
    listen: { host: '127.0.0.1', port: 0 },
    log: { level: 'info', format: 'json' },
    state_dir: path.join(dir, 'state'),
    host: { enabled: options.host ?? true, interval: '15s' },
    // The API and scrape loops of the benchmark must not hit the per-client rate limit.
    api: { rate_limit: { max: 1_000_000, window: '1s' } },
    auto_commands: { interval: '10s', max_concurrent: 50, timeout: '1s' },
    ...options.overrides,
    servers: serverConfigs,
    rules: BENCH_RULES,
  };
  // JSON is YAML; it keeps the generator free of quoting rules.
  return { yaml: `${JSON.stringify(config, null, 1)}\n`, configPath: path.join(dir, 'config.yaml'), serverIds, logFiles };
}
