/**
 * Golden exposition per game: each fixture (real log formats from PROTOCOLS.md) runs through
 * `gust-agent parse` and must print exactly the stored exposition. A missing .prom fails;
 * only UPDATE_GOLDEN=1 writes them (read every changed line of the diff before committing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/config/load.ts';
import { parseFiles } from '../../src/cli/parse.ts';
import type { Game, RuleConfig } from '../../src/config/schema.ts';

process.env.TZ = 'UTC';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/logs');
const NOW = Date.UTC(2026, 8, 14, 0, 0, 0);
const GAMES: Game[] = ['rust', 'minecraft', 'source', 'valheim', 'ark', 'palworld', 'generic'];

async function golden(name: string, game: Game, files: string[], rules: RuleConfig[] = []): Promise<void> {
  const actual = await parseFiles({ game, server: 'local', rules, files: files.map((f) => path.join(FIXTURES, f)), nowMs: NOW });
  const file = path.join(FIXTURES, `${name}.prom`);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  assert.ok(existsSync(file), `${name}: no golden exposition ${file} (write it with UPDATE_GOLDEN=1, then review it line by line)`);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name}: exposition differs from ${file}`);
}

for (const game of GAMES) {
  test(`golden exposition: ${game} fixture`, () => golden(game, game, [`${game}.log`]));
}

test('golden exposition: user rules (counter, gauge, labels with cap, histogram, multi-line)', () => {
  const rules = parseConfig(readFileSync(path.join(FIXTURES, 'rules.yaml'), 'utf8'), 'rules.yaml').rules;
  return golden('generic-rules', 'generic', ['generic-rules.log'], rules);
});

test('gust-agent parse prints the exposition of a fixture and exits 0', () => {
  const out = execFileSync(process.execPath, [path.join(ROOT, 'bin/gust-agent'), 'parse', '--game', 'valheim', path.join(FIXTURES, 'valheim.log')], { encoding: 'utf8' });
  assert.match(out, /^gust_player_joins_total\{server="local"\} 1$/m);
  assert.match(out, /^gust_log_lines_total\{server="local"\} 9$/m);
});

test('gust-agent parse --rules reads rules from a YAML file', () => {
  const out = execFileSync(
    process.execPath,
    [path.join(ROOT, 'bin/gust-agent'), 'parse', '--game', 'generic', '--rules', path.join(FIXTURES, 'rules.yaml'), path.join(FIXTURES, 'generic-rules.log')],
    { encoding: 'utf8' },
  );
  assert.match(out, /^gust_custom_players_online\{server="local"\} 14$/m);
});

test('gust-agent parse rejects an unknown game with a usage error', () => {
  assert.throws(
    () => execFileSync(process.execPath, [path.join(ROOT, 'bin/gust-agent'), 'parse', '--game', 'tetris', 'x.log'], { encoding: 'utf8', stdio: 'pipe' }),
    (err: { status: number; stderr: string }) => err.status === 2 && /--game: expected one of/.test(err.stderr),
  );
});
