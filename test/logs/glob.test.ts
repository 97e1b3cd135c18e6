/**
 * Log path globs: `*`, `?`, `[...]` within a segment and `**` across directory levels, on real
 * directories (dot-directories, symbolic link loops, the depth bound, directories named like
 * logs, rotated siblings), and a real agent picking up a file created later in a new
 * subdirectory under a `**` pattern.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expandGlob, GlobCache, globToRegExp, MAX_DEPTH } from '../../src/sources/logs/glob.ts';
import { startAgent, tempDir } from '../support/agent.ts';
import { expectExactly, logConfig, SeqWriter } from './helpers.ts';

function matches(pattern: string, yes: string[], no: string[]): void {
  const re = globToRegExp(pattern);
  for (const p of yes) assert.ok(re.test(p), `${pattern} should match ${p} (${re})`);
  for (const p of no) assert.ok(!re.test(p), `${pattern} should not match ${p} (${re})`);
}

test('globToRegExp: segment wildcards stay within a segment', () => {
  matches('/srv/*.log', ['/srv/a.log', '/srv/.log'], ['/srv/x/a.log', '/srv/a.txt']);
  matches('/srv/game?.log', ['/srv/game1.log'], ['/srv/game.log', '/srv/game12.log']);
  matches('/srv/[!0-9]*.log', ['/srv/a1.log'], ['/srv/1a.log']);
  matches('/srv/a**b', ['/srv/ab', '/srv/axxb'], ['/srv/ax/xb']); // `**` inside a segment is a `*`
});

test('globToRegExp: `**` matches zero or more directory levels, never a dot-directory', () => {
  matches('/srv/**/*.log', ['/srv/a.log', '/srv/x/a.log', '/srv/x/y/z/a.log'], ['/srv/.git/a.log', '/srv/x/.cache/a.log', '/srv/x/a.txt', '/other/a.log']);
  matches('**/debug.log', ['debug.log', 'a/b/debug.log', '/var/log/debug.log'], ['/var/log/debug.log.1', '/var/.x/debug.log']);
  matches('/srv/**', ['/srv/a', '/srv/x/y/a.log'], ['/srv/.git/config', '/srv2/a']);
  matches('/srv/**/logs/*.log', ['/srv/logs/a.log', '/srv/rust/eu/logs/a.log'], ['/srv/logs/x/a.log']);
});

/** A tree for expandGlob; returns the root. Paths relative to it. */
function tree(): string {
  const root = tempDir('gust-glob-');
  const file = (rel: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), '');
  };
  ['a.log', 'x/b.log', 'x/y/c.log', 'x/y/z/d.txt', '.hidden/e.log', 'x/.cache/f.log', 'x/game.log.1', 'x/old.log.2.gz'].forEach(file);
  mkdirSync(path.join(root, 'x/dir.log')); // a directory named like a log
  // Deepest files: one exactly MAX_DEPTH directories below the root, one a level further.
  const levels = Array.from({ length: MAX_DEPTH + 1 }, (_, i) => `l${i + 1}`);
  file(`${levels.slice(0, MAX_DEPTH).join('/')}/deep.log`);
  file(`${levels.join('/')}/too-deep.log`);
  // A link loop and a link to a directory elsewhere.
  symlinkSync(root, path.join(root, 'x/loop'));
  const elsewhere = tempDir('gust-glob-other-');
  mkdirSync(path.join(elsewhere, 'sub'));
  writeFileSync(path.join(elsewhere, 'h.log'), '');
  writeFileSync(path.join(elsewhere, 'sub/i.log'), '');
  symlinkSync(elsewhere, path.join(root, 'linked'));
  return root;
}

const relative = (root: string, files: string[]) => files.map((f) => path.relative(root, f));

test('expandGlob: `**` walks real directories; dot-directories skipped; linked directories matched, never entered; depth bounded', async () => {
  const root = tree();
  const deep = `${Array.from({ length: MAX_DEPTH }, (_, i) => `l${i + 1}`).join('/')}/deep.log`;
  assert.deepEqual(relative(root, await expandGlob(path.join(root, '**/*.log'))), [
    'a.log',
    deep,
    'linked/h.log',
    'x/b.log',
    'x/loop/a.log', // the loop's target seen one level through the link, no further
    'x/y/c.log',
  ].sort());
  // A final `**` is every file below; rotated siblings and directories are left out.
  const all = relative(root, await expandGlob(path.join(root, 'x/**')));
  assert.deepEqual(all, ['x/b.log', 'x/loop/a.log', 'x/y/c.log', 'x/y/z/d.txt'].sort());
  // Explicitly named dot-directories are read; `**` may match zero levels.
  assert.deepEqual(relative(root, await expandGlob(path.join(root, '.hidden/**/*.log'))), ['.hidden/e.log']);
  assert.deepEqual(relative(root, await expandGlob(path.join(root, 'x/**/y/*.log'))), ['x/y/c.log']);
  // Excludes use the same globs.
  assert.deepEqual(relative(root, await expandGlob(path.join(root, 'x/**/*.log'), [globToRegExp('**/y/*.log')])), ['x/b.log', 'x/loop/a.log']);
  assert.deepEqual(await expandGlob(path.join(root, 'missing/**/*.log')), []);
});

test('expandGlob: two `**` reaching one directory list each file once', async () => {
  const root = tree();
  assert.deepEqual(relative(root, await expandGlob(path.join(root, 'x/**/**/*.log'))), ['x/b.log', 'x/loop/a.log', 'x/y/c.log']);
});

test('a file created later in a new subdirectory under a `**` pattern is followed from byte 0', async () => {
  const dir = tempDir();
  const logs = path.join(dir, 'logs');
  mkdirSync(path.join(logs, 'eu'), { recursive: true });
  const first = new SeqWriter(path.join(logs, 'eu/game.log'));
  first.write(2);
  const a = await startAgent(logConfig('s', [path.join(logs, '**/*.log')]), { dir });
  try {
    await expectExactly(a.scrape, 's', first, 15_000, 0);
    mkdirSync(path.join(logs, 'us/east'), { recursive: true });
    const later = new SeqWriter(path.join(logs, 'us/east/game.log'));
    later.next = first.next; // the totals cover both files
    later.sum = first.sum;
    later.write(3);
    await expectExactly(a.scrape, 's', later);
    later.close();
  } finally {
    await a.stop();
    first.close();
  }
});

test('GlobCache reuses a result while its directories are unchanged, and lists them again when they change', async () => {
  const root = tempDir('gust-globcache-');
  mkdirSync(path.join(root, 'a'));
  writeFileSync(path.join(root, 'a/one.log'), 'x\n');
  const pattern = path.join(root, '**/*.log');
  const settle = () => {
    const past = new Date(Date.now() - 60_000); // older than the "recently modified" window
    for (const dir of [root, path.join(root, 'a')]) utimesSync(dir, past, past);
  };
  const cache = new GlobCache();
  settle();
  const first = await cache.expand('k', pattern);
  assert.deepEqual(first, [path.join(root, 'a/one.log')]);
  assert.equal(await cache.expand('k', pattern), first, 'unchanged directories: the same result, not listed again');

  writeFileSync(path.join(root, 'a/two.log'), 'x\n'); // a new entry moves a/'s modification time
  assert.deepEqual(await cache.expand('k', pattern), [path.join(root, 'a/one.log'), path.join(root, 'a/two.log')]);

  settle();
  await cache.expand('k', pattern);
  renameSync(path.join(root, 'a/two.log'), path.join(root, 'a/two.log.1')); // rotation
  assert.deepEqual(await cache.expand('k', pattern), [path.join(root, 'a/one.log')]);

  // Modified just now but its time did not move (same clock tick): listed again anyway.
  const recent = new Date();
  utimesSync(path.join(root, 'a'), recent, recent);
  await cache.expand('k', pattern);
  writeFileSync(path.join(root, 'a/three.log'), 'x\n');
  utimesSync(path.join(root, 'a'), recent, recent);
  assert.deepEqual(await cache.expand('k', pattern), [path.join(root, 'a/one.log'), path.join(root, 'a/three.log')]);
});
