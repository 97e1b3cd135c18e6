/** The real extraction engine on a real registry, without an agent: what test/extract/* feed lines to. */
import { Registry } from 'prom-client';
import type { AgentContext } from '../../src/agent/context.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { Game } from '../../src/config/schema.ts';
import { ExtractionEngine } from '../../src/extract/engine.ts';
import { createGameCounters } from '../../src/metrics/game.ts';
import { ServerStateStore } from '../../src/state/servers.ts';
import { seriesValue } from '../support/agent.ts';

export interface EngineHarness {
  engine: ExtractionEngine;
  ctx: AgentContext;
  /** Log lines of server `s`, as the log source feeds them. */
  lines(...texts: string[]): void;
  scrape(): Promise<string>;
  value(series: string): Promise<number | undefined>;
  /** Replace the config's `rules:` and reload the engine (as a config reload does). */
  reload(rulesYaml: string): void;
}

/** A config with one server `s` of `game` plus `rulesYaml` (a `rules:` list). */
export function parseRules(rulesYaml: string, game: Game = 'generic') {
  return parseConfig(`servers:\n  - id: s\n    game: ${game}\n${rulesYaml}`, 'config.yaml');
}

export function engineHarness(rulesYaml: string, game: Game = 'generic'): EngineHarness {
  const registry = new Registry();
  const config = parseRules(rulesYaml, game);
  const state = new ServerStateStore();
  state.configure(config.servers);
  const ctx = { registry, state, counters: createGameCounters(registry), config } as unknown as AgentContext;
  const engine = new ExtractionEngine(ctx);
  const scrape = () => registry.metrics();
  return {
    engine,
    ctx,
    lines: (...texts) => texts.forEach((t) => engine.line('s', t, 'log')),
    scrape,
    value: async (series) => seriesValue(await scrape(), series),
    reload(yaml) {
      ctx.config = parseRules(yaml, game);
      engine.reload();
    },
  };
}
