/**
 * Built-in log rules the README and docs/metrics.md name, one line each in the game's own
 * format (written here from PROTOCOLS.md, not copied from real logs): Minecraft "Preparing
 * level", Palworld deaths and saves, ARK kicks, bans and crashes. Each must reach its series
 * (and the server state) through the real extraction engine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import type { AgentContext } from '../../src/agent/context.ts';
import { parseConfig } from '../../src/config/load.ts';
import { ExtractionEngine } from '../../src/extract/engine.ts';
import { createGameCounters } from '../../src/metrics/game.ts';
import { ServerStateStore } from '../../src/state/servers.ts';
import { seriesValue } from '../support/agent.ts';

function engineFor(game: string) {
  const registry = new Registry();
  const config = parseConfig(`servers:\n  - { id: g, game: ${game} }\n`, 'config.yaml');
  const state = new ServerStateStore();
  state.configure(config.servers);
  const ctx = { registry, state, counters: createGameCounters(registry), config } as unknown as AgentContext;
  const engine = new ExtractionEngine(ctx);
  return {
    state,
    feed(...lines: string[]) {
      for (const line of lines) engine.line('g', line, 'log');
      engine.commit();
    },
    value: async (series: string) => seriesValue(await registry.metrics(), series) ?? 0,
  };
}

/** Every rule-match series with a non-zero value, as `rule=count`. */
async function matches(e: ReturnType<typeof engineFor>, rules: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const rule of rules) out[rule] = await e.value(`gust_log_rule_matches_total{server="g",rule="${rule}"}`);
  return out;
}

test('Minecraft "Preparing level": the map name reaches the server state, counted under its own rule', async () => {
  const e = engineFor('minecraft');
  e.feed('[10:00:00] [Server thread/INFO]: Preparing level "survival_v3"');
  assert.equal(e.state.get('g')!.fields.map?.value, 'survival_v3');
  assert.equal(await e.value('gust_log_rule_matches_total{server="g",rule="minecraft_level"}'), 1);
  // Paper's console prefix too.
  e.feed('[10:05:00 INFO]: Preparing level "creative"');
  assert.equal(e.state.get('g')!.fields.map?.value, 'creative');
  assert.equal(await e.value('gust_log_rule_matches_total{server="g",rule="minecraft_level"}'), 2);
});

test('Palworld: deaths count as event="death", a world save sets the last save time', async () => {
  const e = engineFor('palworld');
  e.feed(
    '[2024-01-25 12:34:56] [LOG] Bob was killed by Lamball',
    '[2024-01-25 12:35:10] [LOG] Alice was defeated by Chillet',
    '[2024-01-25 12:36:00] [LOG] World saved',
  );
  assert.equal(await e.value('gust_log_events_total{server="g",event="death"}'), 2);
  assert.equal(await e.value('gust_log_events_total{server="g",event="save"}'), 1);
  assert.deepEqual(await matches(e, ['palworld_death', 'palworld_save']), { palworld_death: 2, palworld_save: 1 });
  assert.equal(e.state.get('g')!.fields.lastSaveTimestampSeconds?.value, new Date(2024, 0, 25, 12, 36, 0).getTime() / 1000);
  // A chat line that mentions a kill is chat, not a death.
  e.feed('[2024-01-25 12:37:00] [LOG] [CHAT] <Bob> I was killed twice');
  assert.equal(await e.value('gust_log_events_total{server="g",event="death"}'), 2);
});

test('ARK: kicks, bans and crashes count as their events', async () => {
  const e = engineFor('ark');
  const at = (n: number) => `[2026.09.13-18.48.${String(40 + n).padStart(2, '0')}:782][696]2026.09.13_18.48.${String(40 + n).padStart(2, '0')}: `;
  e.feed(
    `${at(0)}Bob [UniqueNetId:76561198000000001 Platform:Steam] was kicked from the server`,
    `${at(1)}Mallory [UniqueNetId:76561198000000002 Platform:Steam] was banned`,
    `${at(2)}Fatal error!`,
    `${at(3)}Unhandled Exception: EXCEPTION_ACCESS_VIOLATION`,
  );
  assert.equal(await e.value('gust_log_events_total{server="g",event="kick"}'), 1);
  assert.equal(await e.value('gust_log_events_total{server="g",event="ban"}'), 1);
  assert.equal(await e.value('gust_log_events_total{server="g",event="crash"}'), 2);
  assert.deepEqual(await matches(e, ['ark_kick', 'ark_ban', 'ark_crash']), { ark_kick: 1, ark_ban: 1, ark_crash: 2 });
});
