/**
 * Issue 18: the series a server costs. A real agent with one server of each kind (all game
 * servers unreachable, as a server that never answered) must export exactly the series listed
 * here and in docs/metrics.md ("Series per server"): a change that adds default series to a
 * kind of server fails this test and must update both. The declarations that decide which
 * label sets start at 0 (the built-in rule sets' `counts`, the transports' failure reasons)
 * are checked against the source they describe.
 */
import { after, before, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAgent, tempDir, type TestAgent } from '../support/agent.ts';
import { BUILTIN_RULES } from '../../src/extract/builtin/index.ts';
import { LOG_EVENTS } from '../../src/extract/events.ts';
import { CONNECTION_FAILURE_REASONS, TRANSPORT_FAILURE_REASONS } from '../../src/metrics/commands.ts';
import { failureReason } from '../../src/sources/commands/transports/types.ts';
import { GustError, type ErrorCode } from '../../src/errors.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const A = { 'gust_server_up': 1, 'gust_server_info': 1, 'gust_server_maintenance': 1 };
const probes = (n: number) => ({ 'gust_server_probe_success': n, 'gust_server_last_success_timestamp_seconds': n });
const LOG_FILE = {
  'gust_log_lines_total': 1, 'gust_log_bytes_total': 1, 'gust_log_lines_unmatched_total': 1, 'gust_log_lines_invalid_encoding_total': 1,
  'gust_log_lines_dropped_total': 1, 'gust_log_rotations_total': 2, 'gust_log_read_errors_total': 2, 'gust_log_lag_bytes': 1,
};
const PLAYERS = { 'gust_player_joins_total': 1, 'gust_player_leaves_total': 1 };
const RESTARTS = { 'gust_server_restarts_total': 1 };
/** One command: attempts, retries, failures by the reasons its transport (and parser) can produce, the server's backoff. */
const command = (reasons: number) => ({ 'gust_commands_total': 1, 'gust_command_retries_total': 1, 'gust_command_failures_total': reasons, 'gust_server_backoff_seconds': 1 });
const CONNECTION = { 'gust_rcon_connections': 1, 'gust_rcon_connects_total': 1, 'gust_rcon_messages_total': 1, 'gust_rcon_connection_failures_total': 5 };

/** Per kind of server (its id in the agent below): the config and every series it must have. */
const KINDS: Record<string, { yaml: (dir: string) => string; series: Record<string, number> }> = {
  'log-rust': {
    yaml: (dir) => `game: rust\n    logs: [{ path: ${dir}/rust.log }]`,
    series: { ...A, ...probes(1), ...PLAYERS, ...RESTARTS, 'gust_log_events_total': 8, ...LOG_FILE },
  },
  'log-generic': {
    yaml: (dir) => `game: generic\n    logs: [{ path: ${dir}/generic.log }]`,
    series: { ...A, ...probes(1), ...RESTARTS, 'gust_log_events_total': 3, ...LOG_FILE },
  },
  'query-only': {
    yaml: () => `game: rust\n    query: { type: rust, host: 127.0.0.1, port: 1, timeout: 1s }`,
    series: { ...A, ...probes(1) },
  },
  'command-webrcon': {
    // Rust's console stream runs through the Rust log rules: log events, joins, leaves, unmatched lines.
    yaml: () => `game: rust\n    rcon: { transport: webrcon, host: 127.0.0.1, port: 1, password: pw }\n    commands: [serverinfo]`,
    series: { ...A, ...probes(1), ...PLAYERS, ...RESTARTS, 'gust_log_events_total': 8, 'gust_log_lines_unmatched_total': 1, ...command(6), ...CONNECTION },
  },
  'command-source': {
    yaml: () => `game: minecraft\n    rcon: { transport: source, host: 127.0.0.1, port: 1, password: pw }\n    commands: [list]`,
    series: { ...A, ...probes(1), ...RESTARTS, ...command(6), ...CONNECTION },
  },
  'command-exec': {
    // No parser for this command: no `parse`; a program is never refused nor denied auth.
    yaml: () => `game: generic\n    rcon: { transport: exec, command: [/bin/false] }\n    commands: [status]`,
    series: { ...A, ...probes(1), ...RESTARTS, ...command(3) },
  },
  'all-rust': {
    yaml: (dir) =>
      `game: rust\n    logs: [{ path: ${dir}/all-rust.log }]\n    rcon: { transport: webrcon, host: 127.0.0.1, port: 1, password: pw }\n    commands: [serverinfo]\n    query: { type: rust, host: 127.0.0.1, port: 1, timeout: 1s }`,
    series: { ...A, ...probes(3), ...PLAYERS, ...RESTARTS, 'gust_log_events_total': 8, ...LOG_FILE, ...command(6), ...CONNECTION },
  },
  'all-minecraft': {
    yaml: (dir) =>
      `game: minecraft\n    logs: [{ path: ${dir}/all-mc.log }]\n    rcon: { transport: source, host: 127.0.0.1, port: 1, password: pw }\n    commands: [list]\n    query: { type: minecraft, host: 127.0.0.1, port: 1, timeout: 1s }`,
    series: { ...A, ...probes(3), ...PLAYERS, ...RESTARTS, 'gust_log_events_total': 8, ...LOG_FILE, ...command(6), ...CONNECTION },
  },
};

/** Series per metric name of one server in an exposition. */
function seriesOf(exposition: string, server: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#') || !line.includes(`server="${server}"`)) continue;
    const name = line.slice(0, line.search(/[{ ]/));
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

const total = (series: Record<string, number>) => Object.values(series).reduce((a, b) => a + b, 0);

/** The "Series per server" table of docs/metrics.md: kind -> count. */
function documentedCounts(): Map<string, number> {
  const doc = readFileSync(path.join(ROOT, 'docs/metrics.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Series per server'));
  const rows = new Map<string, number>();
  for (const m of section.matchAll(/^\| `([a-z-]+)` \|.*\| (\d+) \|$/gm)) rows.set(m[1]!, Number(m[2]));
  return rows;
}

describe('series per kind of server (all game servers unreachable)', () => {
  let agent: TestAgent;
  let exposition: string;

  before(async () => {
    const dir = tempDir();
    for (const f of ['rust', 'generic', 'all-rust', 'all-mc']) writeFileSync(path.join(dir, `${f}.log`), '');
    const servers = Object.entries(KINDS).map(([id, kind]) => `  - id: ${id}\n    ${kind.yaml(dir)}`).join('\n');
    agent = await startAgent(`auto_commands: { interval: 1h, timeout: 1s, retries: 1, error_backoff: 1h }\nservers:\n${servers}`, { dir });
    exposition = await agent.scrape();
  });
  after(() => agent?.stop());

  for (const [id, kind] of Object.entries(KINDS)) {
    it(`${id}: ${total(kind.series)} series`, () => {
      assert.deepEqual(seriesOf(exposition, id), kind.series);
    });
  }

  it('docs/metrics.md lists the same counts', () => {
    const documented = documentedCounts();
    assert.deepEqual(Object.fromEntries(documented), Object.fromEntries(Object.entries(KINDS).map(([id, k]) => [id, total(k.series)])));
  });
});

test('a reload that gives servers more to watch sets up their new series at 0, as a start with that config would', async () => {
  const dir = tempDir();
  const config = (retries: number, grows: string, commands: string) =>
    `auto_commands: { interval: 1h, timeout: 1s, retries: ${retries}, error_backoff: 1h }\nservers:\n` +
    `  - id: grows\n    ${grows}\n  - id: command-exec\n    ${KINDS['command-exec']!.yaml(dir).replace('[status]', commands)}`;
  const agent = await startAgent(config(0, KINDS['query-only']!.yaml(dir), '[status]'), { dir });
  const twoCommands = { ...KINDS['command-exec']!.series, 'gust_commands_total': 2, 'gust_command_retries_total': 2, 'gust_command_failures_total': 6 };
  const { 'gust_command_retries_total': _, ...noRetries } = twoCommands;
  try {
    // Unchanged servers skip setting up their series on a reload: none of these changes may pass for "unchanged".
    writeFileSync(agent.configPath, config(0, KINDS['log-rust']!.yaml(dir), '[status, info]'));
    assert.deepEqual(await agent.agent.reload(), { ok: true });
    let exposition = await agent.scrape();
    assert.deepEqual(seriesOf(exposition, 'grows'), KINDS['log-rust']!.series);
    assert.deepEqual(seriesOf(exposition, 'command-exec'), noRetries);
    writeFileSync(agent.configPath, config(1, KINDS['log-rust']!.yaml(dir), '[status, info]'));
    assert.deepEqual(await agent.agent.reload(), { ok: true });
    exposition = await agent.scrape();
    assert.deepEqual(seriesOf(exposition, 'command-exec'), twoCommands);
  } finally {
    await agent.stop();
  }
});

test("a built-in rule set declares exactly what its rules count (the label sets a server starts at 0)", () => {
  for (const [game, set] of Object.entries(BUILTIN_RULES)) {
    const source = readFileSync(path.join(ROOT, 'src/extract/builtin', `${game}.ts`), 'utf8').replace(/^\s*counts: .*$/m, '');
    const events = new Set<string>();
    for (const m of source.matchAll(/\.event\('(\w+)'\)/g)) events.add(m[1]!);
    // Events a rule or a level fallback picks at run time are returned as literals.
    for (const m of source.matchAll(/'(\w+)'/g)) if ((LOG_EVENTS as readonly string[]).includes(m[1]!)) events.add(m[1]!);
    if (/\.kick\(/.test(source)) events.add('kick');
    if (/\.save\(/.test(source)) events.add('save');
    assert.deepEqual([...set.counts.events].sort(), [...events].sort(), `${game}: events`);
    assert.equal(set.counts.players, /\.(join|joinConfirmed|leave)\(/.test(source), `${game}: joins and leaves`);
  }
});

test('a transport declares exactly the failure reasons its errors map to', () => {
  const dir = path.join(ROOT, 'src/sources/commands/transports');
  const shared = readFileSync(path.join(dir, 'types.ts'), 'utf8');
  const connectErrorCodes = [...shared.slice(shared.indexOf('export function connectError')).matchAll(/'(GUST_[A-Z_]+)'/g)].map((m) => m[1]!);
  const files = { source: 'source-rcon.ts', webrcon: 'webrcon.ts', exec: 'exec.ts' } as const;
  for (const [kind, file] of Object.entries(files)) {
    const source = readFileSync(path.join(dir, file), 'utf8');
    const codes = [...source.matchAll(/GustError\('(GUST_[A-Z_]+)'/g)].map((m) => m[1]!);
    if (source.includes('connectError(')) codes.push(...connectErrorCodes);
    const reasons = new Set(codes.map((code) => failureReason(new GustError(code as ErrorCode, ''))));
    assert.deepEqual([...TRANSPORT_FAILURE_REASONS[kind as keyof typeof files]].sort(), [...reasons].sort(), `${kind}: command failure reasons`);
    if (kind !== 'exec') assert.deepEqual([...CONNECTION_FAILURE_REASONS].sort(), [...reasons].sort(), `${kind}: connection failure reasons`);
  }
});
