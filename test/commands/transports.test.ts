/** The transports against the protocol fakes: framing, dialects, auth, timeouts, kills, reconnects. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Secret } from '../../src/config/secret.ts';
import { GustError } from '../../src/errors.ts';
import { SourceRconTransport, type SourceRconMode } from '../../src/sources/commands/transports/source-rcon.ts';
import { decodePackets, encodePacket } from '../../src/sources/commands/transports/rcon-codec.ts';
import { WebRconTransport, AUTH_FAILURE_LIMIT } from '../../src/sources/commands/transports/webrcon.ts';
import { ExecTransport } from '../../src/sources/commands/transports/exec.ts';
import { failureReason, type ConnectionHooks } from '../../src/sources/commands/transports/types.ts';
import { startSrcdsFake } from '../fakes/srcds.ts';
import { startMinecraftFake } from '../fakes/minecraft.ts';
import { startWebRconFake } from '../fakes/webrcon.ts';

const cleanups: Array<() => unknown> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function rcon(port: number, password: string, mode: SourceRconMode, hooks?: ConnectionHooks) {
  const t = new SourceRconTransport({ host: '127.0.0.1', port, password: new Secret(password), mode, connectTimeoutMs: 1000, hooks });
  cleanups.push(() => t.close());
  return t;
}

async function rejectsWith(p: Promise<unknown>, reason: string): Promise<GustError> {
  try {
    await p;
  } catch (err) {
    assert.equal(failureReason(err), reason, String(err));
    return err as GustError;
  }
  assert.fail(`expected a ${reason} failure`);
}

describe('Source RCON packet codec', () => {
  it('encodes the bytes of PROTOCOLS.md and decodes across chunk boundaries', () => {
    assert.equal(encodePacket(1, 3, 'pw').toString('hex'), '0c000000010000000300000070770000');
    assert.equal(encodePacket(2, 2, 'list').toString('hex'), '0e00000002000000020000006c6973740000');
    const stream = Buffer.concat([encodePacket(5, 0, 'hello'), encodePacket(6, 0, '')]);
    const first = decodePackets(stream.subarray(0, 7));
    assert.equal(first.packets.length, 0);
    const all = decodePackets(Buffer.concat([first.rest, stream.subarray(7)]));
    assert.deepEqual(all.packets, [{ id: 5, type: 0, body: Buffer.from('hello') }, { id: 6, type: 0, body: Buffer.alloc(0) }]);
    assert.throws(() => decodePackets(Buffer.from('05000000', 'hex')), /invalid RCON packet size/);
  });
});

describe('Source RCON transport', () => {
  it('srcds: joins a multi-packet reply with the terminator trick, pipelines requests', async () => {
    const fake = await startSrcdsFake({ password: 'pw', players: 4 });
    cleanups.push(() => fake.close());
    const t = rcon(fake.port, 'pw', 'srcds');
    const [long, status] = await Promise.all([t.send('long 10000', 2000), t.send('status', 2000)]);
    assert.equal(long, 'x'.repeat(10000));
    assert.match(status, /players : 4 humans, 2 bots \(24 max\)/);
    assert.equal(fake.stats.connections, 1, 'one persistent connection');
  });

  it('srcds: a wrong password is an auth failure (id -1), not success, counted once with one reason', async () => {
    const fake = await startSrcdsFake({ password: 'right' });
    cleanups.push(() => fake.close());
    const reasons: string[] = [];
    const t = rcon(fake.port, 'bad-pw-123', 'srcds', { connected() {}, disconnected() {}, message() {}, connectFailed: (r) => void reasons.push(r) });
    const gone = once(fake.events, 'disconnect');
    const err = await rejectsWith(t.send('status', 1000), 'auth');
    assert.ok(!err.message.includes('bad-pw-123'), 'no password in the error');
    // The agent's socket 'close' handler has run once the server saw the connection end.
    await gone;
    assert.deepEqual(reasons, ['auth']);
  });

  it('minecraft: one request in flight, split replies joined, never closed for pipelining', async () => {
    const fake = await startMinecraftFake({ password: 'pw', players: 2, listFormat: 'v113' });
    cleanups.push(() => fake.close());
    const t = rcon(fake.port, 'pw', 'minecraft');
    const replies = await Promise.all([t.send('list', 3000), t.send('long 9000', 3000), t.send('list', 3000)]);
    assert.equal(replies[0], 'There are 2 of a max 20 players online: Player1, Player2');
    assert.equal(replies[1], 'y'.repeat(9000));
    assert.equal(fake.stats.pipelineCloses, 0);
    assert.equal(fake.stats.maxInFlight, 1);
    assert.equal(fake.stats.connections, 1);
  });

  it('minecraft: a reply split every 4096 bytes (some mods), cutting multi-byte characters, is joined whole', async () => {
    // 3000 × "€" (3 bytes) + "é": 9002 bytes in packets of 4096, 4096 and 810 bytes, the cuts inside characters.
    const text = `${'€'.repeat(3000)}é`;
    const fake = await startMinecraftFake({ password: 'pw', splitOn: 'bytes', respond: (c) => (c === 'big' ? text : undefined) });
    cleanups.push(() => fake.close());
    const t = rcon(fake.port, 'pw', 'minecraft');
    assert.equal(await t.send('big', 3000), text);
    assert.equal(fake.stats.connections, 1);
  });

  it('minecraft: wrong and empty passwords are auth failures', async () => {
    const fake = await startMinecraftFake({ password: 'pw' });
    cleanups.push(() => fake.close());
    await rejectsWith(rcon(fake.port, 'nope', 'minecraft').send('list', 1000), 'auth');
    await rejectsWith(rcon(fake.port, '', 'minecraft').send('list', 1000), 'auth');
  });

  it('palworld: id-0 replies matched in order despite an overstated length header', async () => {
    const fake = await startSrcdsFake({ password: 'pw', dialect: 'palworld', players: 3 });
    cleanups.push(() => fake.close());
    const t = rcon(fake.port, 'pw', 'palworld');
    const [a, b] = await Promise.all([t.send('ShowPlayers', 2000), t.send('Info', 2000)]);
    assert.match(a, /^name,playeruid,steamid\nPlayer1,/);
    assert.match(b, /Unknown command "Info"/);
  });

  it('times out a command that gets no reply, and keeps working afterwards', async () => {
    const fake = await startSrcdsFake({ password: 'pw', players: 1 });
    cleanups.push(() => fake.close());
    const t = rcon(fake.port, 'pw', 'srcds');
    fake.setSilent(true);
    const started = Date.now();
    await rejectsWith(t.send('status', 200), 'timeout');
    assert.ok(Date.now() - started < 1000);
    fake.setSilent(false);
    assert.match(await t.send('status', 1000), /players : 1 humans/);
  });

  it('a server killed mid-command fails the command at once; a restarted one is reconnected', async () => {
    const fake = await startSrcdsFake({ password: 'pw', players: 1, replyDelayMs: 5_000 });
    const port = fake.port;
    let connects = 0;
    const t = rcon(port, 'pw', 'srcds', { connected: () => void connects++, disconnected() {}, message() {}, connectFailed() {} });
    const pending = t.send('status', 10_000);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    fake.kill();
    await rejectsWith(pending, 'error');
    assert.ok(Date.now() - started < 500, 'no wait for the timeout');
    await rejectsWith(t.send('status', 1000), 'refused');
    const again = await startSrcdsFake({ password: 'pw', players: 6, port });
    cleanups.push(() => again.close());
    assert.match(await t.send('status', 1000), /players : 6 humans/);
    assert.equal(connects, 2);
  });
});

describe('Rust WebRCON transport', () => {
  it('matches replies by Identifier, routes console output and chat, times out silent commands', async () => {
    const fake = await startWebRconFake({ password: 'pw/with!odd$chars', players: 12 });
    cleanups.push(() => fake.close());
    const lines: string[] = [];
    const t = new WebRconTransport({ host: '127.0.0.1', port: fake.port, password: new Secret('pw/with!odd$chars'), connectTimeoutMs: 1000, onConsole: (l) => lines.push(l) });
    cleanups.push(() => t.close());
    const [info, status] = await Promise.all([t.send('serverinfo', 2000), t.send('status', 2000)]);
    assert.equal(JSON.parse(info).Players, 12);
    assert.match(status, /players : 12 \(50 max\)/);
    fake.console('Saved 41,234 ents, cache(0.01), write(0.01), disk(0.01).');
    fake.chat('Bob', 'hi all', 1);
    await rejectsWith(t.send('say hello', 300), 'timeout');
    await rejectsWith(new WebRconTransport({ host: '127.0.0.1', port: fake.port, password: new Secret('a#b'), connectTimeoutMs: 1000 }).send('x', 500), 'auth');
    assert.deepEqual(lines, ['Saved 41,234 ents, cache(0.01), write(0.01), disk(0.01).', '[TEAM CHAT] Bob[76561198000000001] : hi all']);
  });

  it('a wrong password (a bare close frame instead of HTTP 101, as Rust does) is auth; after 4 it stops connecting', async () => {
    const fake = await startWebRconFake({ password: 'right' });
    cleanups.push(() => fake.close());
    const reasons: string[] = [];
    const hooks: ConnectionHooks = { connected() {}, disconnected() {}, message() {}, connectFailed: (r) => void reasons.push(r) };
    const t = new WebRconTransport({ host: '127.0.0.1', port: fake.port, password: new Secret('wrong-pw-xyz'), connectTimeoutMs: 1000, hooks });
    cleanups.push(() => t.close());
    // Rust's 1 s cooldown between connections: give each attempt room for it.
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) {
      const err = await rejectsWith(t.send('serverinfo', 2000), 'auth');
      assert.ok(!err.message.includes('wrong-pw-xyz'));
    }
    const err = await rejectsWith(t.send('serverinfo', 2000), 'auth');
    assert.match(err.message, /not retried/);
    assert.equal(fake.stats.authFailures, AUTH_FAILURE_LIMIT);
    assert.equal(fake.stats.connections, AUTH_FAILURE_LIMIT, 'no connection beyond the failed ones');
    assert.equal(fake.stats.banned, 0);
    assert.deepEqual(reasons, Array(AUTH_FAILURE_LIMIT).fill('auth'));
  });

  it('JSON command: of several frames with its Identifier the reply is the one the parser accepts; the others go to the console once', async () => {
    const fake = await startWebRconFake({
      password: 'pw',
      players: 9,
      queued: 3,
      commandLogs: (c) => (c === 'serverinfo' ? { before: ['[Debug] Oxide: serverinfo hook'], after: ['[Debug] after serverinfo'] } : undefined),
    });
    cleanups.push(() => fake.close());
    const lines: string[] = [];
    let sawAfter: () => void = () => {};
    const after = new Promise<void>((r) => (sawAfter = r));
    const onConsole = (l: string) => {
      lines.push(l);
      if (l === '[Debug] after serverinfo') sawAfter();
    };
    const t = new WebRconTransport({ host: '127.0.0.1', port: fake.port, password: new Secret('pw'), connectTimeoutMs: 1000, onConsole });
    cleanups.push(() => t.close());
    const accept = (text: string) => {
      try {
        return typeof JSON.parse(text) === 'object';
      } catch {
        return false;
      }
    };
    const reply = await t.send('serverinfo', 2000, { accept });
    assert.equal(JSON.parse(reply).Players, 9);
    assert.equal(JSON.parse(reply).Queued, 3);
    await after;
    assert.deepEqual(lines, ['[Debug] Oxide: serverinfo hook', '[Debug] after serverinfo']);
    // No frame the parser accepts: the refused one is the reply (a parse failure), soon, not at the deadline.
    const started = Date.now();
    const refused = await t.send('serverinfo', 5000, { accept: () => false });
    assert.ok(refused.startsWith('[Debug] Oxide: serverinfo hook\n{') && refused.endsWith('}\n[Debug] after serverinfo'), refused);
    assert.ok(Date.now() - started < 3000, 'ended by the quiet gap');
  });

  it('text command: the frames with its Identifier are gathered until a quiet gap', async () => {
    const fake = await startWebRconFake({ password: 'pw', players: 4, commandLogs: (c) => (c === 'status' ? { before: ['[Plugin] status requested'] } : undefined) });
    cleanups.push(() => fake.close());
    const lines: string[] = [];
    const t = new WebRconTransport({ host: '127.0.0.1', port: fake.port, password: new Secret('pw'), connectTimeoutMs: 1000, onConsole: (l) => lines.push(l) });
    cleanups.push(() => t.close());
    const reply = await t.send('status', 2000);
    assert.match(reply, /^\[Plugin\] status requested\nhostname: Fake Rust Server\n/);
    assert.match(reply, /players : 4 \(50 max\)/);
    assert.deepEqual(lines, []);
  });
});

describe('Rust WebRCON reconnect', () => {
  it('a killed server fails the pending command at once; a restarted one is reconnected', async () => {
    const fake = await startWebRconFake({ password: 'pw', players: 1, replyDelayMs: 5_000 });
    const port = fake.port;
    const t = new WebRconTransport({ host: '127.0.0.1', port, password: new Secret('pw'), connectTimeoutMs: 1000 });
    cleanups.push(() => t.close());
    const pending = t.send('serverinfo', 10_000);
    await new Promise((r) => setTimeout(r, 100));
    fake.console('hello'); // a frame before the kill: the connection is known to be authenticated
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    fake.kill();
    await rejectsWith(pending, 'error');
    assert.ok(Date.now() - started < 500);
    const again = await startWebRconFake({ password: 'pw', players: 3, port });
    cleanups.push(() => again.close());
    // Rust's 1 s reconnect cooldown is respected inside the command deadline.
    assert.equal(JSON.parse(await t.send('serverinfo', 3000)).Players, 3);
  });
});

describe('exec transport', () => {
  it('passes the command as the last argument and returns stdout', async () => {
    const t = new ExecTransport([process.execPath, '-e', 'process.stdout.write("reply to " + process.argv[1])']);
    assert.equal(await t.send('status', 5000), 'reply to status');
  });

  it('kills a program that outlives its timeout', async () => {
    const t = new ExecTransport([process.execPath, '-e', 'setTimeout(() => {}, 60000)']);
    const started = Date.now();
    await rejectsWith(t.send('status', 300), 'timeout');
    assert.ok(Date.now() - started < 3000);
  });

  it('reports a missing program and a non-zero exit as errors', async () => {
    await rejectsWith(new ExecTransport(['/nonexistent/gust-test-program']).send('x', 1000), 'error');
    await rejectsWith(new ExecTransport([process.execPath, '-e', 'process.exit(3)']).send('x', 5000), 'error');
  });
});

describe('connections the agent closes itself', () => {
  it('report the disconnect (gust_rcon_connections back to 0), for Source RCON and WebRCON', async () => {
    const srcds = await startSrcdsFake({ password: 'pw', players: 1 });
    const rust = await startWebRconFake({ password: 'pw', players: 1 });
    cleanups.push(() => srcds.close(), () => rust.close());
    for (const make of [
      (hooks: ConnectionHooks) => rcon(srcds.port, 'pw', 'srcds', hooks),
      (hooks: ConnectionHooks) => new WebRconTransport({ host: '127.0.0.1', port: rust.port, password: new Secret('pw'), connectTimeoutMs: 1000, hooks }),
    ]) {
      const open: string[] = [];
      const t = make({ connected: () => void open.push('up'), disconnected: () => void open.push('down'), message() {}, connectFailed() {} });
      await t.send('status', 1000);
      t.close();
      assert.deepEqual(open, ['up', 'down']);
    }
  });
});
