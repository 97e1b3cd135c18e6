/**
 * What a game server can make the transports hold: timed-out requests leave nothing behind,
 * replies and unsolicited traffic are bounded by max_reply_size, impossible size fields and
 * floods reset the connection (reason "protocol") and the next command reconnects.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Secret } from '../../src/config/secret.ts';
import { SourceRconTransport } from '../../src/sources/commands/transports/source-rcon.ts';
import { ExecTransport } from '../../src/sources/commands/transports/exec.ts';
import { WebRconTransport } from '../../src/sources/commands/transports/webrcon.ts';
import { failureReason, type ConnectionHooks } from '../../src/sources/commands/transports/types.ts';
import { startSrcdsFake } from '../fakes/srcds.ts';
import { startWebRconFake } from '../fakes/webrcon.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const cleanups: Array<() => unknown> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function recordingHooks(): ConnectionHooks & { failures: string[] } {
  const failures: string[] = [];
  return { failures, connected() {}, disconnected() {}, message() {}, connectFailed: (r) => void failures.push(r) };
}

function srcds(port: number, options: { maxReplyBytes?: number; hooks?: ConnectionHooks; connectTimeoutMs?: number } = {}) {
  const t = new SourceRconTransport({ host: '127.0.0.1', port, password: new Secret('pw'), mode: 'srcds', connectTimeoutMs: 1000, ...options });
  cleanups.push(() => t.close());
  return t;
}

async function reasonOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return failureReason(err);
  }
  return 'ok';
}

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('Source RCON bounds', () => {
  it('timed-out commands leave nothing behind (a server that never answers the terminator)', async (ctx) => {
    // gorcon/rcon's server answers the command but never the empty RESPONSE_VALUE: every
    // command times out with its reply gathered (two packets). 2,000 leaked replies would be 16 MB.
    const fake = await startSrcdsFake({ password: 'pw', answerTerminator: false, respond: () => 'r'.repeat(8000) });
    cleanups.push(() => fake.close());
    const t = srcds(fake.port);
    const batch = async () => {
      const reasons = await Promise.all(Array.from({ length: 20 }, () => reasonOf(t.send('status', 25))));
      assert.deepEqual(new Set(reasons), new Set(['timeout']));
    };
    assert.equal(await reasonOf(t.send('status', 500)), 'timeout'); // connected
    await batch(); // warm up
    const before = heapUsed();
    for (let i = 0; i < 100; i++) await batch();
    const growth = heapUsed() - before;
    ctx.diagnostic(`heap growth over 2,000 timeouts: ${(growth / 1024).toFixed(0)} KiB`);
    assert.equal(fake.stats.commands.length, 2021);
    assert.equal(fake.stats.connections, 1, 'timeouts do not cost the connection');
    assert.ok(growth < 4 * 1024 * 1024, `heap grew ${(growth / 1024 / 1024).toFixed(1)} MiB over 2,000 timeouts`);
  });

  it('a reply that streams without end fails with reason protocol at max_reply_size and the connection is reset', async () => {
    const fake = await startSrcdsFake({ password: 'pw', hostile: 'flood' });
    cleanups.push(() => fake.close());
    const hooks = recordingHooks();
    const t = srcds(fake.port, { maxReplyBytes: 256 * 1024, hooks });
    const gone = once(fake.events, 'disconnect');
    const started = Date.now();
    assert.equal(await reasonOf(t.send('status', 10_000)), 'protocol');
    assert.ok(Date.now() - started < 5_000, 'ended by the bound, not the timeout');
    await gone;
    assert.deepEqual(hooks.failures, ['protocol']);
    // Past the bound nothing more is read: the server cannot have pushed much beyond it.
    assert.ok(fake.stats.floodedBytes < 64 * 1024 * 1024, `server wrote ${fake.stats.floodedBytes} bytes`);
  });

  it('a login is cut off after 64 KiB before its answer, whatever max_reply_size allows', async () => {
    // 60 KiB of chatter before the answer is still a login; 72 KiB is not.
    for (const [kib, expected] of [[60, 'ok'], [72, 'protocol']] as const) {
      const fake = await startSrcdsFake({ password: 'pw', bytesBeforeLogin: kib * 1024 });
      cleanups.push(() => fake.close());
      const t = srcds(fake.port, { maxReplyBytes: 4 * 1024 * 1024 });
      assert.equal(await reasonOf(t.send('status', 5_000)), expected, `${kib} KiB before the login answer`);
    }
  });

  it('a server that streams packets instead of answering the login is cut off, not read until the connect timeout', async () => {
    const fake = await startSrcdsFake({ password: 'pw', hostile: 'flood-before-auth' });
    cleanups.push(() => fake.close());
    const hooks = recordingHooks();
    const t = srcds(fake.port, { maxReplyBytes: 256 * 1024, hooks, connectTimeoutMs: 60_000 });
    const gone = once(fake.events, 'disconnect');
    assert.equal(await reasonOf(t.send('status', 60_000)), 'protocol');
    await gone;
    assert.deepEqual(hooks.failures, ['protocol']);
    assert.ok(fake.stats.floodedBytes < 64 * 1024 * 1024, `server wrote ${fake.stats.floodedBytes} bytes`);
  });

  for (const hostile of ['negative-size', 'huge-size'] as const) {
    it(`a packet size field of ${hostile === 'negative-size' ? '-1' : '2^31-1'} is a protocol failure, the connection reset, the next command reconnects`, async () => {
      const fake = await startSrcdsFake({ password: 'pw', hostile });
      cleanups.push(() => fake.close());
      const hooks = recordingHooks();
      const t = srcds(fake.port, { hooks });
      const gone = once(fake.events, 'disconnect');
      assert.equal(await reasonOf(t.send('status', 5_000)), 'protocol');
      await gone;
      assert.deepEqual(hooks.failures, ['protocol']);
      assert.equal(await reasonOf(t.send('status', 5_000)), 'protocol');
      assert.equal(fake.stats.connections, 2);
    });
  }

  it('a server streaming packets nobody asked for is cut off at max_reply_size', async () => {
    // Replies to a timed-out command keep coming: unsolicited bytes beyond the bound reset the connection.
    const fake = await startSrcdsFake({ password: 'pw', hostile: 'flood', replyDelayMs: 100 });
    cleanups.push(() => fake.close());
    const hooks = recordingHooks();
    const t = srcds(fake.port, { maxReplyBytes: 256 * 1024, hooks });
    const gone = once(fake.events, 'disconnect');
    assert.equal(await reasonOf(t.send('status', 50)), 'timeout');
    await gone;
    assert.deepEqual(hooks.failures, ['protocol']);
  });
});

describe('WebRCON bounds', () => {
  const cases = [
    { hostile: 'huge-frame', what: 'a 50 MB frame', maxReplyBytes: undefined },
    { hostile: 'invalid-json', what: 'frames that are not JSON, without end', maxReplyBytes: 256 * 1024 },
    { hostile: 'foreign-ids', what: 'frames with Identifiers nobody sent, without end', maxReplyBytes: 256 * 1024 },
  ] as const;
  for (const { hostile, what, maxReplyBytes } of cases) {
    it(`${what}: reason protocol, counted, the connection reset, the next command reconnects`, async () => {
      const fake = await startWebRconFake({ password: 'pw', hostile });
      cleanups.push(() => fake.close());
      const hooks = recordingHooks();
      const lines: string[] = [];
      const t = new WebRconTransport({ host: '127.0.0.1', port: fake.port, password: new Secret('pw'), connectTimeoutMs: 1000, maxReplyBytes, hooks, onConsole: (l) => lines.push(l) });
      cleanups.push(() => t.close());
      const started = Date.now();
      assert.equal(await reasonOf(t.send('serverinfo', 20_000)), 'protocol');
      assert.ok(Date.now() - started < 15_000, 'ended by the bound, not the timeout');
      assert.deepEqual(hooks.failures, ['protocol']);
      assert.deepEqual(lines, [], 'junk is not console output');
      // Rust's 1 s reconnect cooldown fits in the deadline; the new connection is bounded the same way.
      assert.equal(await reasonOf(t.send('serverinfo', 20_000)), 'protocol');
      assert.equal(hooks.failures.length, 2);
    });
  }
});

describe('exec transport bounds', () => {
  it('output over max_reply_size kills the program and fails with reason protocol', async () => {
    const t = new ExecTransport([process.execPath, '-e', 'const b = "x".repeat(65536); for (;;) require("fs").writeSync(1, b)'], 1024 * 1024);
    assert.equal(await reasonOf(t.send('status', 10_000)), 'protocol');
  });
});
