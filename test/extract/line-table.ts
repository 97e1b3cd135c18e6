/**
 * What one line does on its own: the rule it matched and the counters it moved, from a fresh
 * server of the game (the real engine and registry). Tables of these pin each built-in rule:
 * its name, its anchors (a phrase quoted inside another line moves nothing) and its effects.
 */
import assert from 'node:assert/strict';
import type { Game } from '../../src/config/schema.ts';
import { engineHarness } from './helpers.ts';

export interface LineEffects {
  /** The rule that matched (gust_log_rule_matches_total), if any. */
  rule?: string;
  /** Counters moved: `join`, `leave`, and log events by name, with how far. */
  counts?: Record<string, number>;
}

const READ_AT = Date.UTC(2026, 2, 14, 19, 0, 0);

export async function lineEffects(game: Game, line: string): Promise<LineEffects> {
  const h = engineHarness('', game);
  h.engine.line('s', line, 'log', READ_AT);
  h.engine.commit();
  const text = await h.scrape();
  const rules = [...text.matchAll(/^gust_log_rule_matches_total\{server="s",rule="(\w+)"\} (\d+)$/gm)].filter((m) => m[2] !== '0').map((m) => m[1]!);
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^gust_(?:log_events_total\{server="s",event="(\w+)"\}|player_(join|leave)s_total\{server="s"\}) (\d+)$/gm)) {
    if (m[3] !== '0') counts[(m[1] ?? m[2])!] = Number(m[3]);
  }
  assert.ok(rules.length <= 1, `${line}: one rule at most, got ${rules.join(', ')}`);
  return { ...(rules[0] ? { rule: rules[0] } : {}), ...(Object.keys(counts).length ? { counts } : {}) };
}

/** Each line must do exactly what its row says (`{}`: nothing). */
export async function assertLines(game: Game, rows: Array<[string, LineEffects]>): Promise<void> {
  for (const [line, expected] of rows) assert.deepEqual(await lineEffects(game, line), expected, line);
}
