/**
 * The chokidar watcher over followed files (src/sources/logs/watcher.ts): it watches the files
 * and never their directory, and a path whose file was renamed away is watched again when the
 * source follows the next file there. Real files and inotify; the watches are read from
 * /proc/self/fdinfo.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, readdirSync, readlinkSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { EventEmitter, once } from 'node:events';
import path from 'node:path';
import { FileWatcher } from '../../src/sources/logs/watcher.ts';
import { tempDir } from '../support/agent.ts';

/** Inode numbers (hex, as fdinfo prints them) this process has inotify watches on. */
function watchedInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    let target = '';
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // the directory listing's own descriptor, closed by now
    }
    if (target !== 'anon_inode:inotify') continue;
    for (const m of readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').matchAll(/^inotify wd:\S+ ino:([0-9a-f]+) /gm)) inodes.add(m[1]!);
  }
  return inodes;
}

function watcherWithEvents(t: TestContext): { watcher: FileWatcher; events: EventEmitter } {
  const events = new EventEmitter();
  const watcher = new FileWatcher({ event: (event, file) => events.emit(event, file), error: (err) => events.emit('error', err) });
  // The watches do not hold the process open (persistent: false); in the agent its server does.
  const keepAlive = setInterval(() => {}, 1_000);
  t.after(async () => {
    clearInterval(keepAlive);
    await watcher.close();
  });
  return { watcher, events };
}

async function eventFor(events: EventEmitter, name: string, file: string, signal: AbortSignal): Promise<void> {
  for (;;) {
    const [changed] = (await once(events, name, { signal })) as [string];
    if (changed === file) return;
  }
}

/**
 * Appends a line to `writeTo` every 20 ms until chokidar reports `event` for `file`: its watch
 * starts after its own stat of the path, and it drops an event that comes within 5 ms of the
 * previous one on the same file. Ends with the test (a timeout aborts `t.signal`).
 */
async function appendUntil(t: TestContext, events: EventEmitter, event: string, file: string, writeTo = file): Promise<void> {
  const reported = eventFor(events, event, file, t.signal);
  let done = false;
  void reported.then(() => (done = true), () => (done = true));
  for (let i = 0; !done; i++) {
    appendFileSync(writeTo, `line ${i}\n`);
    await Promise.race([reported, new Promise((resolve) => setTimeout(resolve, 20))]);
  }
}

test('a followed file gone before chokidar stats it does not make chokidar watch its directory, and is watched once added again', { timeout: 10_000 }, async (t) => {
  const dir = tempDir('gust-watcher-');
  const present = path.join(dir, 'present.log');
  const gone = path.join(dir, 'gone.log');
  writeFileSync(present, 'a\n');
  const { watcher, events } = watcherWithEvents(t);

  watcher.add(present);
  watcher.add(gone); // renamed away between the source's open and chokidar's stat
  await appendUntil(t, events, 'change', present);

  // chokidar's fallback would be in place a few milliseconds after its stat of the missing
  // file failed; a missing watch cannot be awaited, so keep looking for 300 ms.
  const dirInode = statSync(dir).ino.toString(16);
  const deadline = Date.now() + 300;
  while (Date.now() < deadline) {
    assert.ok(!watchedInodes().has(dirInode), 'chokidar watches the directory of a file that was gone');
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.ok(watchedInodes().has(statSync(present).ino.toString(16)), 'the present file is watched');

  // The directory's other files are not reported: nobody asked for them.
  const seen: string[] = [];
  events.on('add', (file: string) => seen.push(file));
  writeFileSync(gone, 'c\n');
  await appendUntil(t, events, 'change', present);
  assert.deepEqual(seen, []);

  // The source follows the file once it is there again (its rescan): watched from then on.
  watcher.add(gone);
  await appendUntil(t, events, 'change', gone);
});

test('a path whose file was renamed away is watched again when it is added again', { timeout: 10_000 }, async (t) => {
  const dir = tempDir('gust-watcher-');
  const file = path.join(dir, 'server.log');
  writeFileSync(file, 'a\n');
  const { watcher, events } = watcherWithEvents(t);
  watcher.add(file);
  await appendUntil(t, events, 'change', file);

  renameSync(file, `${file}.1`);
  await appendUntil(t, events, 'unlink', file, `${file}.1`); // the watch is still on the renamed file
  assert.equal(watcher.has(file), false, 'a path chokidar stopped watching is not reported as watched');

  writeFileSync(file, ''); // the server opens a new file; the source follows it and adds it
  watcher.add(file);
  assert.equal(watcher.has(file), true);
  await appendUntil(t, events, 'change', file);
});
