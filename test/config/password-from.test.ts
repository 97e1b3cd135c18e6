/**
 * `rcon.password_from` against real files and real processes (node started under a game's
 * name), and the bounded reads of config and secret files (read-file.ts).
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { commandLineValue, readPasswordFrom } from '../../src/config/password-from.ts';
import { readRegularFile, readRegularFileSync } from '../../src/config/read-file.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'gust-pwfrom-'));

describe('password_from: file and key', () => {
  writeFileSync(path.join(dir, 'server.properties'), 'rcon.password=from-properties\n');
  writeFileSync(path.join(dir, 'Game.ini'), '[ServerSettings]\nServerAdminPassword=from-ini\n');
  writeFileSync(path.join(dir, 'server.cfg'), 'rcon_password "from-cfg"\n');
  // `key: value` is a properties line; read as cfg (the default for .txt) it is not this key.
  writeFileSync(path.join(dir, 'settings.txt'), 'rcon.password: as-properties\n');

  test('the format follows the file name unless `format` says; relative paths from the config directory', () => {
    assert.deepEqual(readPasswordFrom({ file: 'server.properties', key: 'rcon.password' }, dir), { value: 'from-properties' });
    assert.deepEqual(readPasswordFrom({ file: path.join(dir, 'Game.ini'), key: 'ServerAdminPassword' }, '/'), { value: 'from-ini' });
    assert.deepEqual(readPasswordFrom({ file: 'server.cfg', key: 'rcon_password' }, dir), { value: 'from-cfg' });
    assert.deepEqual(readPasswordFrom({ file: 'settings.txt', key: 'rcon.password', format: 'properties' }, dir), { value: 'as-properties' });
    assert.deepEqual(readPasswordFrom({ file: 'settings.txt', key: 'rcon.password' }, dir), { error: `"${dir}/settings.txt" has no key "rcon.password"` });
  });
  test('a missing key or an unreadable file says which file and why', () => {
    assert.deepEqual(readPasswordFrom({ file: 'server.properties', key: 'nope' }, dir), { error: `"${dir}/server.properties" has no key "nope"` });
    assert.deepEqual(readPasswordFrom({ file: 'missing.properties', key: 'k' }, dir), { error: `cannot read "${dir}/missing.properties" (ENOENT)` });
    mkdirSync(path.join(dir, 'a-directory.ini'));
    assert.deepEqual(readPasswordFrom({ file: 'a-directory.ini', key: 'k' }, dir), {
      error: `cannot read "${dir}/a-directory.ini" (not a regular file (a directory))`,
    });
  });
});

describe('password_from: process and arg', () => {
  const children: ChildProcess[] = [];
  after(() => children.forEach((c) => c.stdin?.end()));

  // Each child ends when its stdin (a pipe from this process) closes: also when this process is
  // killed before after() runs (a Stryker timeout), so none is left behind.
  const UNTIL_EOF = "process.stdin.on('end', () => process.exit()).resume()";

  /** A process whose /proc cmdline is argv0 + args, running in cwd, until the tests end. */
  async function game(argv0: string, args: string[], cwd: string, executable = process.execPath): Promise<void> {
    const child = spawn(executable, ['-e', UNTIL_EOF, ...args], { argv0, cwd, stdio: ['pipe', 'ignore', 'ignore'] });
    children.push(child);
    await once(child, 'spawn');
  }
  const cwdA = path.join(dir, 'a');
  const cwdB = path.join(dir, 'b');
  mkdirSync(cwdA);
  mkdirSync(cwdB);

  test('the value after the flag, or after an ARK-style ?Key= option; the name is argv[0] or the first 15 characters of comm', async () => {
    const name = `gust-game-${process.pid}`;
    await game(`/opt/${name}`, ['+rcon.password', 'pw-a', 'TheIsland?Port=1?ServerAdminPassword=pw-ark?Max=2'], cwdA);
    assert.deepEqual(readPasswordFrom({ process: name, arg: '+rcon.password' }, dir), { value: 'pw-a' });
    assert.deepEqual(readPasswordFrom({ process: name, arg: 'ServerAdminPassword=' }, dir), { value: 'pw-ark' });
    assert.deepEqual(readPasswordFrom({ process: name, cwd: cwdA, arg: '+rcon.password' }, dir), { value: 'pw-a' });
    assert.deepEqual(readPasswordFrom({ process: name, arg: '+nope' }, dir), { error: `the command line of ${name} has no +nope` });
    assert.deepEqual(readPasswordFrom({ process: name, arg: 'Nope=' }, dir), { error: `the command line of ${name} has no Nope=` });
    // A flag that ends the command line has no value.
    const last = `gust-last-${process.pid}`;
    await game(last, ['+rcon.password'], cwdA);
    assert.deepEqual(readPasswordFrom({ process: last, arg: '+rcon.password' }, dir), { error: `the command line of ${last} has no +rcon.password` });
    assert.deepEqual(readPasswordFrom({ process: name, cwd: cwdB, arg: '+rcon.password' }, dir), {
      error: `no running process ${name} in ${cwdB} (password_from reads its command line)`,
    });
    assert.deepEqual(readPasswordFrom({ process: `${name}x`, arg: '+rcon.password' }, dir), {
      error: `no running process ${name}x (password_from reads its command line)`,
    });

    // comm is the executable's file name cut at 15 characters; argv[0] says something else here.
    const long = `GustLongGameServerName${process.pid}`;
    symlinkSync(process.execPath, path.join(dir, long));
    await game('other-name', ['+rcon.password', 'pw-comm'], cwdA, path.join(dir, long));
    assert.equal(readFileSync(`/proc/${children.at(-1)!.pid}/comm`, 'utf8').trim(), long.slice(0, 15));
    assert.deepEqual(readPasswordFrom({ process: long, arg: '+rcon.password' }, dir), { value: 'pw-comm' });
  });
  test('several processes: the same value is fine, different values need cwd', async () => {
    const name = `gust-twin-${process.pid}`;
    await game(name, ['+rcon.password', 'same'], cwdA);
    await game(name, ['+rcon.password', 'same'], cwdB);
    assert.deepEqual(readPasswordFrom({ process: name, arg: '+rcon.password' }, dir), { value: 'same' });
    await game(name, ['+rcon.password', 'other'], cwdB);
    assert.deepEqual(readPasswordFrom({ process: name, arg: '+rcon.password' }, dir), {
      error: `3 processes ${name} have different +rcon.password values; add cwd`,
    });
    assert.deepEqual(readPasswordFrom({ process: name, cwd: cwdA, arg: '+rcon.password' }, dir), { value: 'same' });
  });
  test('a process of that name whose working directory cannot be read is counted in the message (a zombie here)', async () => {
    const name = `gust-z-${process.pid}`.slice(0, 15);
    symlinkSync('/bin/sleep', path.join(dir, name));
    // sh starts NAME, which ends at once, then becomes `cat` (until its stdin closes), which never
    // reaps it: a zombie named NAME (comm kept, no cmdline, no cwd link even for root).
    const parent = spawn('sh', ['-c', `'${path.join(dir, name)}' 0 </dev/null & exec cat >/dev/null`], { stdio: ['pipe', 'ignore', 'ignore'] });
    children.push(parent);
    await once(parent, 'spawn');
    const hint = `; the working directory of 1 process(es) named ${name} may not be read (run as the game's user or with CAP_SYS_PTRACE)`;
    const expected = { error: `no running process ${name} in ${cwdA} (password_from reads its command line)${hint}` };
    // The zombie exists once NAME has exited: poll /proc for that state, with a deadline.
    const deadline = Date.now() + 10_000;
    let got = readPasswordFrom({ process: name, cwd: cwdA, arg: '+p' }, dir);
    while (!('error' in got && got.error.endsWith(hint)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      got = readPasswordFrom({ process: name, cwd: cwdA, arg: '+p' }, dir);
    }
    assert.deepEqual(got, expected);
    // Without cwd the zombie is a process of that name whose (empty) command line lacks the flag.
    assert.deepEqual(readPasswordFrom({ process: name, arg: '+p' }, dir), { error: `the command line of ${name} has no +p` });
  });
  test('commandLineValue: flag then value; key= inside an option string, up to the next ?', () => {
    assert.equal(commandLineValue(['x', '+p', 'v'], '+p'), 'v');
    assert.equal(commandLineValue(['x', 'Map?A=1?P=v?B=2'], 'P='), 'v');
    assert.equal(commandLineValue(['x', '?P=v'], 'P='), 'v');
    assert.equal(commandLineValue(['x', 'Map?A=1'], 'P='), undefined);
  });
});

describe('bounded reads of regular files', () => {
  const max = 16;
  writeFileSync(path.join(dir, 'exact'), 'e'.repeat(max));
  writeFileSync(path.join(dir, 'over'), 'o'.repeat(max + 1));
  writeFileSync(path.join(dir, 'empty'), '');
  execFileSync('mkfifo', [path.join(dir, 'fifo')]);
  const readers = {
    async: (file: string, bytes: number) => readRegularFile(file, bytes),
    sync: async (file: string, bytes: number) => readRegularFileSync(file, bytes),
  };
  for (const [kind, read] of Object.entries(readers)) {
    test(`${kind}: up to maxBytes is read whole; more, a FIFO (at once, no waiting for a writer) or a directory is refused`, async () => {
      assert.equal(await read(path.join(dir, 'exact'), max), 'e'.repeat(max));
      assert.equal(await read(path.join(dir, 'empty'), max), '');
      await assert.rejects(read(path.join(dir, 'over'), max), { code: 'GUST_CONFIG_READ', message: `${dir}/over: larger than the ${max} bytes allowed` });
      await assert.rejects(read(path.join(dir, 'fifo'), max), { code: 'GUST_CONFIG_READ', message: `${dir}/fifo: not a regular file (a FIFO)` });
      await assert.rejects(read(dir, max), { code: 'GUST_CONFIG_READ', message: `${dir}: not a regular file (a directory)` });
      await assert.rejects(read(path.join(dir, 'missing'), max), { code: 'ENOENT' });
    });
    test(`${kind}: the buffer is sized by the file, not by maxBytes`, async () => {
      // A freed 4 MiB buffer per config read raised glibc's mmap threshold for the process's life.
      const before = process.memoryUsage().arrayBuffers;
      assert.equal(await read(path.join(dir, 'exact'), 1 << 30), 'e'.repeat(max));
      const grew = process.memoryUsage().arrayBuffers - before;
      assert.ok(grew < 1 << 20, `${grew} bytes of buffers after reading ${max} bytes`);
    });
    test(`${kind}: every descriptor is closed again, after a read and after a refusal`, async () => {
      const open = () => readdirSync('/proc/self/fd').length;
      const before = open();
      for (let i = 0; i < 5; i++) {
        await read(path.join(dir, 'exact'), max);
        await read(path.join(dir, 'over'), max).catch(() => {});
        await read('/proc/self/status', max).catch(() => {});
      }
      assert.equal(open(), before);
    });
    test(`${kind}: a file longer than its stat said (as /proc files are) is still cut at maxBytes`, async () => {
      // /proc/self/status has size 0 in stat and a few hundred bytes when read.
      await assert.rejects(read('/proc/self/status', max), { code: 'GUST_CONFIG_READ', message: `/proc/self/status: larger than the ${max} bytes allowed` });
      // Read in more than one read() (a /proc file delivers one page at a time): all of it.
      const environ = readFileSync('/proc/self/environ', 'utf8');
      assert.equal(await read('/proc/self/environ', 1 << 20), environ);
      const smaps = await read('/proc/self/smaps', 1 << 20);
      assert.ok(smaps.length > 3 * 4096 && smaps.endsWith('\n'), `${smaps.length} bytes`);
    });
  }
});
