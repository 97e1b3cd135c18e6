/**
 * Log formats real servers write (issue 14): each fixture under test/fixtures/logs/formats/
 * <game>/<name>.log was written here in the format of a real server log (never copied from
 * one) and counted by hand in <name>.expected.txt, in the keys of real-logs/check.sh. Each
 * figure must come out of `gust-agent parse --game <game>` (`generic.*` keys: `--game
 * generic`). `bash ../shared/real-logs/check.sh test/fixtures/logs/formats` checks the same.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFiles } from '../../src/cli/parse.ts';
import type { Game } from '../../src/config/schema.ts';
import { seriesValue } from '../support/agent.ts';

process.env.TZ = 'UTC';
const FORMATS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/logs/formats');
const NOW = Date.UTC(2026, 8, 14, 0, 0, 0);

/** check.sh's key -> series map. */
const SERIES: Record<string, string> = {
  joins: 'gust_player_joins_total{server="local"}',
  leaves: 'gust_player_leaves_total{server="local"}',
  restarts: 'gust_server_restarts_total{server="local"}',
  players_online: 'gust_players_online{server="local"}',
  chat: 'gust_log_events_total{server="local",event="chat"}',
  deaths: 'gust_log_events_total{server="local",event="death"}',
  kicks: 'gust_log_events_total{server="local",event="kick"}',
  bans: 'gust_log_events_total{server="local",event="ban"}',
  saves: 'gust_log_events_total{server="local",event="save"}',
  warnings: 'gust_log_events_total{server="local",event="warning"}',
  errors: 'gust_log_events_total{server="local",event="error"}',
  crashes: 'gust_log_events_total{server="local",event="crash"}',
};

function expectations(file: string): Array<[key: string, value: number]> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const [key, value] = l.trim().split(/\s+/);
      return [key!, Number(value)];
    });
}

for (const game of readdirSync(FORMATS)) {
  for (const name of readdirSync(path.join(FORMATS, game)).filter((f) => f.endsWith('.expected.txt'))) {
    const base = name.slice(0, -'.expected.txt'.length);
    test(`${game}/${base}: the hand-counted figures`, async () => {
      const log = path.join(FORMATS, game, `${base}.log`);
      const parse = (g: Game) => parseFiles({ game: g, server: 'local', rules: [], files: [log], nowMs: NOW });
      const outputs = new Map<Game, string>();
      const mismatches: string[] = [];
      for (const [key, want] of expectations(path.join(FORMATS, game, name))) {
        const which: Game = key.startsWith('generic.') ? 'generic' : (game as Game);
        const series = SERIES[key.replace(/^generic\./, '')];
        assert.ok(series, `${name}: unknown key ${key}`);
        if (!outputs.has(which)) outputs.set(which, await parse(which));
        const got = seriesValue(outputs.get(which)!, series);
        if (got !== want) mismatches.push(`${key}: expected ${want}, got ${got ?? 'absent'}`);
      }
      assert.deepEqual(mismatches, [], `${game}/${base}.log`);
    });
  }
}
