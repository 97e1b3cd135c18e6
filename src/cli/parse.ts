/**
 * `gust-agent parse --game GAME [--rules FILE] [--server ID] LOGFILE...`: runs log files once
 * through the same splitter and extraction engine as the agent and prints the exposition, so
 * users can test rules (like mtail's one-shot mode). `--rules` takes any YAML file with a
 * `rules:` list (a full config.yaml works); rules' `servers:` filters are ignored here.
 */
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { parseCommonArgs } from './args.ts';
import type { AgentContext } from '../agent/context.ts';
// Types only: the schema module loads zod, which alone costs more start-up than a 100k-line file.
import type { Config, Game, RuleConfig } from '../config/schema.ts';
import { errorMessage, GustError } from '../errors.ts';
import { createGameCounters, createGameStateCollector, initGameCounters } from '../metrics/game.ts';
import { logMetrics } from '../metrics/logs.ts';
import { ServerStateStore } from '../state/servers.ts';
import { ExtractionEngine } from '../extract/engine.ts';
import { BUILTIN_RULES } from '../extract/builtin/index.ts';

const GAMES = Object.keys(BUILTIN_RULES);
const SERVER_ID_RE = /^[a-z0-9_-]{1,32}$/;
import { readWholeFile } from '../sources/logs/read-file.ts';

export async function parseCommand(args: string[]): Promise<number> {
  const { values: raw, positionals } = parseCommonArgs(args, {
    game: { type: 'string', short: 'g' },
    rules: { type: 'string', short: 'r' },
    server: { type: 'string', short: 's' },
  });
  const values = raw as Record<string, string | undefined>;
  const game = values.game ?? 'generic';
  if (!GAMES.includes(game)) throw new GustError('GUST_USAGE', `--game: expected one of ${GAMES.join(', ')}, got "${game}"`);
  const server = values.server ?? 'local';
  if (!SERVER_ID_RE.test(server)) throw new GustError('GUST_USAGE', `--server: expected an id matching [a-z0-9_-]{1,32}, got "${server}"`);
  if (positionals.length === 0) throw new GustError('GUST_USAGE', 'parse: at least one LOGFILE is needed');

  const rules = values.rules ? await loadRules(values.rules) : [];
  const exposition = await parseFiles({ game: game as Game, server, rules, files: positionals });
  process.stdout.write(exposition);
  return 0;
}

export interface ParseOptions {
  game: Game;
  server: string;
  rules: RuleConfig[];
  files: string[];
  /** The moment lines count as read (default: now); fixed in tests so output is reproducible. */
  nowMs?: number;
}

/** The exposition after running `files` through the rules; also used by tests. */
export async function parseFiles(options: ParseOptions): Promise<string> {
  // Only what the engine reads; the full schema (zod) is left out to keep start-up cheap.
  const config = {
    servers: [{ id: options.server, name: options.server, game: options.game, maintenance: false, logs: options.files.map((path) => ({ path })), commands: [] }],
    rules: options.rules.map((r) => ({ ...r, servers: undefined })),
  } as unknown as Config;
  const registry = new Registry();
  const state = new ServerStateStore();
  // The files are read here, not followed by a log source: no probe series for them.
  state.configure(config.servers.map((s) => ({ ...s, logs: [] })));
  const counters = createGameCounters(registry);
  initGameCounters(counters, config.servers[0]!);
  state.on('restart', (id) => counters.restarts.inc({ server: id }));
  // The engine reads only these parts of the agent context.
  const ctx = { registry, state, counters, config } as unknown as AgentContext;
  const engine = new ExtractionEngine(ctx);
  const metrics = logMetrics(registry);
  const collector = createGameStateCollector(registry, state, { staleAfterMs: () => Infinity });

  const now = options.nowMs ?? Date.now();
  const onLine = (line: string) => engine.line(options.server, line, 'log', now);
  const splitterOptions = { maxLineLength: 64 * 1024, longLines: 'skip' as const, encoding: 'utf8' as const };
  for (const file of options.files) {
    let stats;
    try {
      stats = readWholeFile(file, splitterOptions, onLine).stats;
    } catch (err) {
      throw new GustError('GUST_LOG_READ', `${file}: ${errorMessage(err)}`, { cause: err });
    }
    metrics.pending.lines(options.server, stats.lines, stats.bytes);
    if (stats.tooLong) metrics.dropped.inc({ server: options.server, reason: 'too_long' }, stats.tooLong);
    if (stats.invalidEncoding) metrics.invalidEncoding.inc({ server: options.server }, stats.invalidEncoding);
  }
  engine.flush();
  await collector.collect();
  return registry.metrics();
}

async function loadRules(file: string): Promise<RuleConfig[]> {
  const { parseConfig } = await import('../config/load.ts');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new GustError('GUST_CONFIG_READ', `${file}: cannot read rules: ${errorMessage(err)}`, { cause: err });
  }
  return parseConfig(text, file).rules;
}
