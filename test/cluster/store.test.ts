/**
 * The group's building blocks against a real Redis: leases (SET NX PX + INCR epoch), the
 * fenced result store and event streams, membership; and the pure parts (rendezvous hashing, lease plans).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { createClusterRedis, type ClusterRedis } from '../../src/cluster/redis.ts';
import { applyLeaseChanges, readLeases, type Lease } from '../../src/cluster/lease.ts';
import { publishResults, readResults } from '../../src/cluster/results.ts';
import { lastEventIds, publishEvents, readEvents, type SharedEvent } from '../../src/cluster/events.ts';
import { heartbeat } from '../../src/cluster/membership.ts';
import { owner, share } from '../../src/cluster/rendezvous.ts';
import { planReplicate } from '../../src/cluster/plan.ts';
import { ServerStateStore, type ProbeSnapshot } from '../../src/state/servers.ts';
import { Coordinator } from '../../src/cluster/coordinator.ts';
import { createClusterMetrics } from '../../src/metrics/cluster.ts';
import { parseConfig } from '../../src/config/load.ts';
import { Registry } from 'prom-client';
import { pino } from 'pino';
import { eventually } from '../support/agent.ts';

let redis: TestRedis;
let a: ClusterRedis;
let b: ClusterRedis;

before(async () => {
  redis = await startRedis();
  a = createClusterRedis(redis.url, 'unit:', 1_000);
  b = createClusterRedis(redis.url, 'unit:', 1_000);
  await Promise.all([a.client.connect(), b.client.connect()]);
});
after(async () => {
  a?.client.disconnect();
  b?.client.disconnect();
  await redis?.stop();
});

const none = { renew: new Map<string, Lease>(), release: new Map<string, Lease>(), acquire: [] as string[] };
const snapshot = (players: number, atMs: number): ProbeSnapshot => ({
  sources: { command: { configured: true, ok: true, lastAttemptMs: atMs, lastSuccessMs: atMs } },
  fields: { playersOnline: { value: players, atMs, source: 'command' } },
  atMs,
});

test('a lease goes to one member only; each new lease gets a higher epoch; only the holder renews or releases it', async () => {
  const [ra, rb] = await Promise.all([
    applyLeaseChanges(a, 'm-a', 5_000, { ...none, acquire: ['x'] }),
    applyLeaseChanges(b, 'm-b', 5_000, { ...none, acquire: ['x'] }),
  ]);
  const winner = ra.acquired.get('x') ?? rb.acquired.get('x');
  assert.ok(winner, 'someone got it');
  assert.equal(ra.acquired.size + rb.acquired.size, 1, 'exactly one member got it');
  const [holder, other] = ra.acquired.has('x') ? [a, b] : [b, a];
  const stolen: Lease = { ...winner, value: `${winner.epoch}|intruder|${winner.sinceMs}`, member: 'intruder' };
  assert.deepEqual((await applyLeaseChanges(other, 'intruder', 5_000, { ...none, renew: new Map([['x', stolen]]) })).lost, ['x']);
  await applyLeaseChanges(other, 'intruder', 5_000, { ...none, release: new Map([['x', stolen]]) });
  assert.equal((await readLeases(a, ['x'])).get('x')?.value, winner.value, 'a foreign release leaves the lease alone');
  assert.deepEqual((await applyLeaseChanges(holder, winner.member, 5_000, { ...none, renew: new Map([['x', winner]]) })).renewed, ['x']);
  await applyLeaseChanges(holder, winner.member, 5_000, { ...none, release: new Map([['x', winner]]) });
  const again = await applyLeaseChanges(other, 'm-c', 5_000, { ...none, acquire: ['x'] });
  assert.ok(again.acquired.get('x')!.epoch > winner.epoch, 'a later lease has a higher epoch');
});

test('fencing: a holder that lost its lease cannot overwrite its successor\'s result', async () => {
  const first = (await applyLeaseChanges(a, 'm-a', 5_000, { ...none, acquire: ['y'] })).acquired.get('y')!;
  assert.deepEqual(await publishResults(a, [{ server: 'y', epoch: first.epoch, member: 'm-a', snapshot: snapshot(1, 1000) }], 60_000), []);
  await a.client.del(a.keys.lease('y')); // the lease expired while m-a was paused
  const second = (await applyLeaseChanges(b, 'm-b', 5_000, { ...none, acquire: ['y'] })).acquired.get('y')!;
  // Refused as soon as a newer lease exists, before the new holder wrote anything...
  assert.deepEqual(await publishResults(a, [{ server: 'y', epoch: first.epoch, member: 'm-a', snapshot: snapshot(2, 2000) }], 60_000), ['y']);
  assert.deepEqual(await publishResults(b, [{ server: 'y', epoch: second.epoch, member: 'm-b', snapshot: snapshot(3, 3000) }], 60_000), []);
  // ...and after, even once the newer lease is gone.
  await b.client.del(b.keys.lease('y'));
  assert.deepEqual(await publishResults(a, [{ server: 'y', epoch: first.epoch, member: 'm-a', snapshot: snapshot(4, 4000) }], 60_000), ['y']);
  const stored = (await readResults(a, ['y'])).get('y')!;
  assert.equal(stored.epoch, second.epoch);
  assert.equal(stored.member, 'm-b');
  assert.equal(stored.snapshot.fields.playersOnline?.value, 3);
});

test('event streams: a holder that lost its lease appends nothing more; readers start at the end and read in order', async () => {
  const line = (text: string): SharedEvent => ({ kind: 'console', text, atMs: 1000 });
  const reply: SharedEvent = { kind: 'reply', command: 'status', text: 'players : 3 humans', atMs: 2000 };
  const first = (await applyLeaseChanges(a, 'm-a', 5_000, { ...none, acquire: ['v'] })).acquired.get('v')!;
  const before = await publishEvents(a, [{ server: 'v', epoch: first.epoch, member: 'm-a', events: [line('old')] }], 60_000);
  assert.deepEqual(before.refused, []);
  const joined = (await lastEventIds(b, ['v', 'never-written'])); // a reader joining now
  assert.equal(joined.get('v'), before.lastIds.get('v'), 'a new reader starts at the newest entry');
  assert.equal(joined.get('never-written'), '0-0');
  const a1 = await publishEvents(a, [{ server: 'v', epoch: first.epoch, member: 'm-a', events: [line('one'), reply] }], 60_000);
  assert.deepEqual(a1.refused, []);
  await a.client.del(a.keys.lease('v')); // the lease expired while m-a was paused
  const second = (await applyLeaseChanges(b, 'm-b', 5_000, { ...none, acquire: ['v'] })).acquired.get('v')!;
  const stale = { server: 'v', epoch: first.epoch, member: 'm-a', events: [line('stale')] };
  assert.deepEqual((await publishEvents(a, [stale], 60_000)).refused, ['v'], 'refused while the newer lease exists');
  assert.deepEqual((await publishEvents(b, [{ server: 'v', epoch: second.epoch, member: 'm-b', events: [line('two')] }], 60_000)).refused, []);
  await b.client.del(b.keys.lease('v'));
  assert.deepEqual((await publishEvents(a, [stale], 60_000)).refused, ['v'], 'and after it is gone: the epoch counter remembers it');
  const read = (await readEvents(b, new Map([['v', joined.get('v')!]]))).get('v')!;
  assert.deepEqual(read.map((e) => [e.member, e.epoch, e.event]), [
    ['m-a', first.epoch, line('one')],
    ['m-a', first.epoch, reply],
    ['m-b', second.epoch, line('two')],
  ]);
  assert.equal((await readEvents(b, new Map([['v', read.at(-1)!.id]]))).get('v'), undefined, 'nothing after the last entry read');
  assert.ok((await a.client.pttl(a.keys.events('v'))) > 0, 'the stream expires with the results');
});

test('shared events between coordinators: readers get each line once, a new reader no history, a former holder none of its own', async () => {
  const config = parseConfig(
    [
      `cache: { redis: { url: "${redis.url}", key_prefix: "coord:" } }`,
      'auto_commands: { interval: 1s }',
      'cluster: { mode: replicate, heartbeat: 100ms, member_ttl: 1s, lease_ttl: 1s, takeover_grace: 100ms }',
      'servers:',
      '  - { id: s, game: rust, rcon: { transport: webrcon, host: 127.0.0.1, port: 1, password: x }, commands: [serverinfo] }',
      '',
    ].join('\n'),
    'config.yaml',
  );
  const started: Coordinator[] = [];
  const member = (id: string) => {
    const redisOf = createClusterRedis(redis.url, 'coord:', 1_000);
    const state = new ServerStateStore();
    state.configure(config.servers);
    const seen: string[] = [];
    const extraction = { line: (_s: string, text: string) => void seen.push(text), reply: () => {}, reload: () => {} };
    const coordinator = new Coordinator({
      redis: redisOf, self: { id, address: '', mode: 'replicate', startedMs: Date.now() }, config: () => config, state, extraction,
      metrics: createClusterMetrics(new Registry(), () => {}), logger: pino({ level: 'silent' }),
    });
    return { coordinator, seen, redis: redisOf, start: async () => { await redisOf.client.connect().catch(() => {}); await coordinator.start(); started.push(coordinator); } };
  };
  const line = (text: string) => ({ kind: 'console' as const, text, atMs: Date.now() });
  const [ma, mb, mc] = [member('A'), member('B'), member('C')];
  const streamLength = () => ma.redis.client.xlen(ma.redis.keys.events('s'));
  try {
    await ma.start();
    assert.ok(ma.coordinator.polls('s'), 'A, alone, holds s');
    await mb.start();
    ma.coordinator.share('s', line('one'));
    await eventually(() => mb.seen.length > 0 || undefined, 5_000, 'B read line one');
    await mc.start(); // joins after line one: starts at the stream's end
    await ma.coordinator.stop(); // hands s over
    const holder = await eventually(() => [mb, mc].find((m) => m.coordinator.polls('s')), 5_000, 's taken over');
    const other = holder === mb ? mc : mb;
    holder.coordinator.share('s', line('two'));
    await eventually(async () => ((await streamLength()) === 2) || undefined, 5_000, 'line two appended');
    await ma.start(); // A again, now a reader: continues after its own last entry
    await eventually(() => ma.seen.length > 0 && other.seen.includes('two') || undefined, 5_000, 'A and the other reader read line two');
    await new Promise((r) => setTimeout(r, 500)); // five heartbeats: a repeated read would show now
    assert.deepEqual(ma.seen, ['two'], 'A: only what its successor appended');
    assert.deepEqual(mc.seen, holder === mc ? [] : ['two'], 'C: nothing from before it joined');
    assert.deepEqual(mb.seen, holder === mb ? ['one'] : ['one', 'two'], 'B: each line once, none of its own');
  } finally {
    for (const c of started) await c.stop();
    for (const m of [ma, mb, mc]) m.redis.client.disconnect();
  }
});

test('epochs keep growing across a Redis restart that lost every key', async () => {
  const before = (await applyLeaseChanges(a, 'm-a', 5_000, { ...none, acquire: ['z'] })).acquired.get('z')!;
  await a.client.flushall();
  const after = (await applyLeaseChanges(b, 'm-b', 5_000, { ...none, acquire: ['z'] })).acquired.get('z')!;
  assert.ok(after.epoch > before.epoch, `epoch ${after.epoch} after the loss, ${before.epoch} before`);
});

test('membership: members announce themselves and drop out when their heartbeat expires', async () => {
  const self = (id: string) => ({ id, address: `http://${id}:9720`, mode: 'replicate', startedMs: 1 });
  await heartbeat(b, self('short'), 50);
  const seen = await heartbeat(a, self('long'), 60_000);
  assert.deepEqual(seen.members.map((m) => m.id), ['long', 'short']);
  assert.equal(seen.members[0]!.address, 'http://long:9720');
  await new Promise((r) => setTimeout(r, 80)); // Redis time must pass the 50 ms expiry
  assert.deepEqual((await heartbeat(a, self('long'), 60_000)).members.map((m) => m.id), ['long']);
});

test('rendezvous: shares are even, and a member leaving or joining moves only its own share', () => {
  const servers = Array.from({ length: 2000 }, (_, i) => `srv-${i}`);
  const four = ['m1', 'm2', 'm3', 'm4'];
  const before = new Map(servers.map((s) => [s, owner(s, four)]));
  for (const m of four) {
    const n = share(m, servers, four).size;
    assert.ok(n > 400 && n < 600, `${m} owns ${n} of 2000`);
  }
  const three = four.filter((m) => m !== 'm3');
  for (const s of servers) if (before.get(s) !== 'm3') assert.equal(owner(s, three), before.get(s), `${s} stays`);
  const five = [...four, 'm5'];
  for (const s of servers) {
    const now = owner(s, five);
    if (now !== 'm5') assert.equal(now, before.get(s), `${s} moves only to the new member`);
  }
});

test('replicate plan: fair share first, extra leases given back, beyond the share only after the grace period', () => {
  const servers = Array.from({ length: 30 }, (_, i) => `s${i}`);
  const lease = (server: string, member: string): Lease => ({ value: `1|${member}|0`, epoch: 1, member, sinceMs: 0 });
  const all = new Map(servers.map((s) => [s, lease(s, 'a')]));
  const alone = planReplicate({ self: 'a', servers, members: ['a', 'b', 'c'], held: all, leases: all, freeForMs: () => 0, graceMs: 500 });
  assert.equal(alone.keep.length, 10);
  assert.equal(alone.release.length, 20);
  const fresh = planReplicate({ self: 'b', servers, members: ['a', 'b', 'c'], held: new Map(), leases: new Map(), freeForMs: () => 0, graceMs: 500 });
  assert.equal(fresh.acquire.length, 10, 'a member takes its fair share at once');
  const full = new Map(servers.slice(0, 10).map((s) => [s, lease(s, 'b')]));
  const atShare = { self: 'b', servers, members: ['a', 'b', 'c'], held: full, leases: full, graceMs: 500 };
  assert.equal(planReplicate({ ...atShare, freeForMs: () => 100 }).acquire.length, 0, 'not beyond the share before the grace period');
  assert.equal(planReplicate({ ...atShare, freeForMs: () => 600 }).acquire.length, 20, 'beyond it after');
});
