/**
 * The configuration contract (../shared/spec/CONFIG.md) as one zod schema. The same schema
 * validates config files, types the rest of the code (Config) and emits config.schema.json.
 *
 * Durations and sizes are written as strings (`10s`, `64KiB`) and come out as numbers
 * (milliseconds, bytes). Secrets come out as Secret objects (see secret.ts); `*_file`
 * variants are read by load.ts before validation.
 */
import { z } from 'zod';
import { parseDuration, parseSize } from './units.ts';
import { Secret } from './secret.ts';

// A schema's own `error` (zod 4) is also the message of its refine/regex checks, so each
// message is written once; a type error without one reads "expected a string/number" (load.ts).
const duration = (description: string) =>
  z
    .string({ error: 'expected a duration such as "500ms", "10s", "5m"' })
    .refine((s) => parseDuration(s) !== undefined)
    .transform((s) => parseDuration(s)!)
    .describe(description);

const size = (description: string) =>
  z
    .string({ error: 'expected a size such as "64KiB" or "10MiB"' })
    .refine((s) => parseSize(s) !== undefined)
    .transform((s) => parseSize(s)!)
    .describe(description);

const int = (min: number, max: number, description: string) =>
  z.int({ error: `expected an integer from ${min} to ${max}` }).min(min).max(max).describe(description);

const ratio = (description: string) =>
  z.number({ error: 'expected a number from 0 to 1' }).min(0).max(1).describe(description);

const secret = (description: string) =>
  z.string().transform((s) => new Secret(s)).describe(description);

export const SERVER_ID_RE = /^[a-z0-9_-]{1,32}$/;
export const GAMES = ['rust', 'minecraft', 'source', 'valheim', 'ark', 'palworld', 'generic'] as const;
export type Game = (typeof GAMES)[number];

const strict = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape);

export const listenSchema = strict({
  host: z.string().default('0.0.0.0').describe('Address to listen on'),
  port: int(0, 65535, 'TCP port for /metrics, /-/healthy, /-/ready and /api/v1 (0 = any free port)').default(9720),
});

export const logSchema = strict({
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  format: z.enum(['json', 'pretty']).default('json'),
});

/** What ioredis would refuse (or silently misread) in a URL, so check-config refuses it first. */
function redisUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'expected a URL such as redis://[:password@]host:port/db (port 1-65535)';
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') return 'expected a redis:// or rediss:// URL';
  if (!parsed.hostname) return 'the Redis URL has no host';
  if (!/^\/?(\d+)?$/.test(parsed.pathname)) return 'the database (the URL path) must be a number, e.g. /0';
  return undefined;
}

export const redisSchema = strict({
  url: z
    .string()
    .superRefine((url, ctx) => {
      const problem = redisUrlProblem(url);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .default('redis://127.0.0.1:6379/0')
    .describe('ioredis connection URL (password via ${ENV})'),
  key_prefix: z.string().default('gust:'),
  operation_timeout: duration('Per-operation deadline; past it the memory layer answers').prefault('250ms'),
});

export const cacheSchema = strict({
  ttl: duration('Time to live of cached command/query results and API answers').prefault('60s'),
  max_entries: int(1, 10_000_000, 'Bound of the in-memory layer').default(10000),
  redis: redisSchema.optional().describe('Optional second layer; omitted = memory only'),
});

export const apiSchema = strict({
  tokens: z.array(secret('A bearer token')).default([]).describe('Bearer tokens (prefer tokens_file or ${ENV})'),
  metrics_auth: z.boolean().default(false).describe('true: /metrics needs a bearer token too'),
  read_auth: z.boolean().default(false).describe('true: GET routes of /api/v1 need a bearer token too'),
  rate_limit: strict({
    max: int(1, 1_000_000, 'Requests per window per client').default(600),
    window: duration('Rate-limit window').prefault('1m'),
  }).prefault({}),
});

export const hostSchema = strict({
  enabled: z.boolean().default(true).describe('Host CPU/memory/disk/network series (off if node_exporter runs)'),
  interval: duration('Sampling interval').prefault('15s'),
  filesystems_exclude: z
    .array(z.string())
    .default(['^/(dev|proc|sys|run|snap)($|/)', '^/var/lib/docker/'])
    .describe('Mountpoint regexes left out of gust_host_filesystem_*'),
});

export const autoCommandsSchema = strict({
  enabled: z.boolean().default(true),
  interval: duration('Round interval').prefault('10s'),
  rotate_servers: z.boolean().default(true).describe('Start each round at the next server (fairness)'),
  max_servers_per_round: int(0, 100000, '0 = every server each round').default(0),
  max_concurrent: int(1, 10000, 'Commands in flight at once, agent-wide').default(3),
  timeout: duration('Deadline of one command attempt').prefault('8s'),
  retries: int(0, 10, 'Retries after a failed attempt').default(2),
  error_backoff: duration('Backoff after a failure; doubles per consecutive failure').prefault('5s'),
  max_backoff: duration('Cap of the backoff').prefault('5m'),
  adaptive_interval: z
    .boolean()
    .default(true)
    .describe('Seed formula: interval * max(1, floor(servers/10)), capped at 2m'),
});

/** Agents working as a group through the Redis of `cache.redis` (src/cluster/). Omitted = alone. */
export const clusterSchema = strict({
  mode: z
    .enum(['replicate', 'shard'])
    .describe('replicate: one member polls each server, every member exports all of them (HA); shard: each server is polled and exported by one member (scale)'),
  member_id: z
    .string({ error: 'expected a member id matching [A-Za-z0-9_.-]{1,64}' })
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional()
    .describe('Unique per member; default: the host name'),
  advertise_url: z.string().optional().describe('Address announced to the group (GET /api/v1/cluster); default http://<host name>:<listen.port>'),
  expected_members: int(0, 1000, 'Members the group should have (GustClusterMembersMissing); 0 = no expectation').default(0),
  heartbeat: duration('How often a member announces itself, renews its leases and reads results').prefault('2s'),
  member_ttl: duration('A member not heard from for this long has left the group').prefault('6s'),
  lease_ttl: duration('Expiry of a server lease; at most auto_commands.interval so a dead holder is replaced within two intervals').prefault('10s'),
  takeover_grace: duration('replicate: a member at its fair share takes a free lease only after it has been free this long').prefault('4s'),
});

const threshold = (warning: number, critical: number, description: string) =>
  strict({
    warning: z.number().default(warning),
    critical: z.number().default(critical),
  })
    .prefault({})
    .describe(description);

/** Defaults from CATALOGUE.md section H. Ratios are 0-1, durations in seconds, sizes in bytes. */
export const alertsSchema = strict({
  enabled: z.boolean().default(true).describe('In-agent evaluator (gust_alert_active, /api/v1/alerts)'),
  dedup_window: duration('Repeats of a firing alert within this window are not re-announced').prefault('5m'),
  server_down_for: duration('GustServerDown pending time').prefault('2m'),
  player_count_stale_after: duration('GustPlayerCountStale: no successful update for this long').prefault('2m'),
  server_nearly_full_ratio: ratio('GustServerNearlyFull: player fill ratio').default(0.9),
  command_latency_seconds: threshold(2, 5, 'p95 auto-command duration in seconds'),
  command_error_ratio: threshold(0.05, 0.1, 'Auto-command failure ratio'),
  rcon_connection_failures: threshold(10, 0.1, 'warning: failures in 5m; critical: failures per second'),
  cache_hit_ratio_min: ratio('GustCacheHitRateLow below this').default(0.7),
  cache_backend_latency_seconds: z.number().default(0.1).describe('GustCacheBackendSlow: p95 Redis operation'),
  agent_cpu_ratio: z.number().default(0.8).describe('GustAgentHighCpu: agent CPU cores used'),
  agent_memory_bytes: threshold(512 * 1024 ** 2, 1024 ** 3, 'Agent RSS in bytes'),
  host_cpu: threshold(0.8, 0.9, 'Host CPU usage ratio'),
  host_memory: threshold(0.8, 0.9, 'Host memory used ratio'),
  http_latency_seconds: threshold(1, 5, 'p95 API latency in seconds'),
  http_error_ratio: threshold(0.05, 0.1, '5xx ratio'),
  event_loop_lag_seconds: z.number().default(0.1).describe('GustEventLoopLagHigh: p99 event-loop lag'),
  slow_collector_seconds: z.number().default(2).describe('GustSlowCollector'),
  log_lag_bytes: z.number().default(10 * 1024 ** 2).describe('GustLogLagging: unread bytes'),
  command_queue_length: z.number().default(100).describe('GustCommandQueueBacklog'),
  cluster_result_stale_after: duration('GustClusterServerUnpolled: no member published a result for this long').prefault('2m'),
  prometheus_job: z.string().min(1).default('gust').describe('Prometheus job name that scrapes the agent (GustAgentDown)'),
  runbook_url: z
    .string()
    .min(1)
    .default('docs/runbooks.md')
    .describe('Base of the runbook_url annotation (#<alertname> is appended): where your team reads docs/runbooks.md, e.g. its URL on your Git forge or wiki'),
});

export const logFileSchema = strict({
  path: z.string().min(1).describe('File path or glob (*, ?, [...] within a segment; ** for any directory depth); files appearing later are picked up'),
  start_at: z
    .enum(['end', 'beginning'])
    .optional()
    .describe('For files never seen before. Default: end for files present at first start, beginning for later ones'),
  exclude: z.array(z.string()).default([]).describe('Globs excluded (rotated and compressed siblings are excluded anyway)'),
  max_line_length: size('Longer lines are skipped and counted').prefault('64KiB'),
  long_lines: z.enum(['skip', 'truncate']).default('skip'),
  encoding: z.enum(['utf8', 'latin1']).default('utf8'),
  game: z.enum(GAMES).optional().describe("Built-in rule set for this file; default: the server's game"),
});

export const logFilesSchema = strict({
  max_followed: int(0, 1_000_000, 'Files followed at once, over all servers; more matched files are counted in gust_log_files_skipped{reason="limit"}. 0 = the open-file limit (RLIMIT_NOFILE) less a reserve of 256 plus one per RCON server, kept for HTTP, RCON and checkpoints').default(0),
});

export const rconSchema = strict({
  transport: z.enum(['source', 'webrcon', 'exec']),
  host: z.string().default('127.0.0.1'),
  port: int(1, 65535, 'RCON port').optional(),
  password: secret('RCON password; use password_file or ${ENV}').optional(),
  mode: z
    .enum(['srcds', 'minecraft', 'palworld'])
    .optional()
    .describe("Source RCON dialect; default from the server's game"),
  command: z.array(z.string()).min(1).optional().describe('exec transport: program and arguments (no shell)'),
  connect_timeout: duration('TCP/WebSocket connect deadline').prefault('5s'),
  max_reply_size: size(
    'Largest reply accepted (RCON reply, WebRCON frame, exec output); past it the command fails with reason protocol and the connection is reset',
  ).prefault('4MiB'),
});

export const commandSchema = z.union([
  z.string().min(1),
  strict({
    command: z.string().min(1),
    every: duration('Run at most this often (default: every round)').optional(),
    rules: z.array(z.string()).default([]).describe('User rules applied to the reply'),
    parser: z
      .enum(['rust_serverinfo', 'rust_status', 'rust_playerlist', 'minecraft_list', 'source_status', 'palworld_showplayers', 'ark_listplayers', 'none'])
      .optional()
      .describe('Built-in reply parser; default from the command and game; none = only user rules'),
  }),
]);

export const querySchema = strict({
  type: z.string().min(1).describe('gamedig game id, e.g. rust, csgo, minecraft, valheim'),
  host: z.string().optional().describe('Default: rcon host or 127.0.0.1'),
  port: int(1, 65535, 'Query port').optional(),
  interval: duration('Query interval').prefault('30s'),
  timeout: duration('Hard deadline of one query').prefault('5s'),
});

export const processSchema = z.union([
  strict({ pid_file: z.string().min(1) }),
  strict({
    name: z.string().min(1),
    cwd: z.string().min(1).optional().describe('Only processes running in this directory (several servers of one game)'),
  }),
  strict({ container: z.string().min(1) }),
]);

export const serverSchema = strict({
  id: z
    .string({ error: 'expected a server id matching [a-z0-9_-]{1,32}' })
    .regex(SERVER_ID_RE),
  name: z.string().optional(),
  game: z.enum(GAMES).default('generic'),
  maintenance: z.boolean().default(false).describe('Planned downtime: gust_server_maintenance 1, GustServerDown silenced'),
  logs: z.array(logFileSchema).default([]),
  rcon: rconSchema.optional(),
  commands: z.array(commandSchema).default([]),
  query: querySchema.optional(),
  process: processSchema.optional(),
});

export const ruleSchema = strict({
  name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'expected a rule name [a-zA-Z_][a-zA-Z0-9_]*' }),
  match: z.string().min(1).describe('JavaScript regular expression with named captures'),
  flags: z.string().regex(/^[imsu]*$/, { error: 'expected regex flags among i, m, s, u' }).default('').describe('Regex flags (i, m, s, u)'),
  metric: z
    .string()
    .regex(/^gust_[a-zA-Z0-9_]*$/, { error: 'expected a metric name starting with gust_' })
    .describe('Metric name; must start with gust_'),
  help: z.string().optional(),
  type: z.enum(['counter', 'gauge', 'histogram']).default('counter'),
  action: z.enum(['inc', 'add', 'set', 'dec', 'observe', 'delete']).optional().describe('Default: counter inc/add, gauge set, histogram observe'),
  value: z.string().optional().describe('Capture holding the value (counter default: +1)'),
  labels: z.array(z.string()).default([]).describe('Captures used as labels'),
  max_label_values: int(1, 10000, 'Distinct values per label (among live series) before new ones are dropped').default(100),
  max_series: int(1, 1_000_000, 'Series of the metric (all servers) before the least recently updated one is evicted').default(10000),
  expire: duration('Remove a series not updated for this long (default: never)').optional(),
  buckets: z.array(z.number()).optional().describe('Histogram buckets'),
  timestamp: strict({
    capture: z.string(),
    format: z.enum(['iso8601', 'unix', 'unix_ms']).default('iso8601'),
  })
    .optional()
    .describe('Take the sample time from the line'),
  multiline: strict({
    first_line: z.string().describe('Regex that starts a record'),
    max_lines: int(2, 10000, 'Lines per record').default(100),
    max_wait: duration('Flush an open record after this long').prefault('2s'),
  }).optional(),
  servers: z.array(z.string()).optional().describe('Default: all servers'),
  sources: z.array(z.enum(['log', 'command'])).default(['log', 'command']),
});

export const discoverySchema = strict({
  enabled: z.boolean().default(false).describe('Find the game servers on this host (gust-agent discover shows what it finds)'),
  interval: duration('How often to look again').prefault('30s'),
  remove_after: duration('A discovered server whose process or container is gone this long is removed').prefault('2m'),
  processes: z.boolean().default(true).describe('Running game processes (/proc)'),
  linuxgsm: z.array(z.string()).default(['/home/*', '/root', '/opt/*', '/srv/*']).describe('Directories that may hold a LinuxGSM install (lgsm/); * matches one level; [] = off'),
  docker: z.string().default('/var/run/docker.sock').describe("Docker Engine API socket ('' = off)"),
}).describe('Zero configuration: servers found on the host are monitored like configured ones; a configured server with the same id or RCON endpoint wins');

export const configSchema = strict({
  $schema: z.string().optional(),
  listen: listenSchema.prefault({}),
  log: logSchema.prefault({}),
  state_dir: z.string().default('/var/lib/gust-agent').describe('Log positions and other state that must survive restarts'),
  cache: cacheSchema.prefault({}),
  api: apiSchema.prefault({}),
  host: hostSchema.prefault({}),
  auto_commands: autoCommandsSchema.prefault({}),
  log_files: logFilesSchema.prefault({}).describe('Limits of the log source'),
  alerts: alertsSchema.prefault({}),
  discovery: discoverySchema.prefault({}),
  cluster: clusterSchema.optional().describe('Agents working as a group through cache.redis; omitted = this agent works alone'),
  servers: z.array(serverSchema).default([]),
  rules: z.array(ruleSchema).default([]),
});

export type Config = z.output<typeof configSchema>;
export type ServerConfig = Config['servers'][number];
export type RuleConfig = Config['rules'][number];
export type LogFileConfig = ServerConfig['logs'][number];
export type RconConfig = NonNullable<ServerConfig['rcon']>;
export type QueryConfig = NonNullable<ServerConfig['query']>;
export type ProcessConfig = NonNullable<ServerConfig['process']>;
export type CommandConfig = ServerConfig['commands'][number];
export type AlertsConfig = Config['alerts'];
export type DiscoveryConfig = Config['discovery'];
export type ClusterConfig = NonNullable<Config['cluster']>;
