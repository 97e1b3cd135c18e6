/**
 * Agents working as a group (src/cluster/): three real agent processes, one real Redis, 30
 * Source RCON fakes that timestamp every command. "Polled once per interval in total" is
 * read from the fakes; who holds what from GET /api/v1/cluster; what is exported from each
 * member's /metrics.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { eventually, seriesValue } from '../support/agent.ts';
import { owner } from '../../src/cluster/rendezvous.ts';
import { startWebRconFake } from '../fakes/webrcon.ts';
import {
  INTERVAL_MS, PASSWORD, clusterApi, memberConfig, countHeld, holders, metric, minGapsBetween, pollsBetween, sleep, startFleet, startMembers, stopMembers,
  type Fleet, type Member,
} from './support.ts';

const N = 30;
const WINDOW_MS = 5 * INTERVAL_MS;
let redis: TestRedis;
let fleet: Fleet;

before(async () => {
  redis = await startRedis();
  fleet = await startFleet(N);
});
after(async () => {
  await fleet?.close();
  await redis?.stop();
});

/**
 * Over a window of WINDOW_MS, every server gets about one command per interval and never two
 * close together. The window opens one interval from now: in the interval in which a lease
 * moves, the new holder may poll a server the old one polled moments before.
 */
async function assertPolledOncePerInterval(what: string, polled = fleet): Promise<void> {
  await sleep(INTERVAL_MS);
  const from = performance.now();
  await sleep(WINDOW_MS);
  const to = performance.now();
  const counts = pollsBetween(polled, from, to);
  const gaps = minGapsBetween(polled, from, to);
  const expected = WINDOW_MS / INTERVAL_MS;
  counts.forEach((c, i) => assert.ok(c >= expected - 1 && c <= expected + 1, `${what}: server ${i} got ${c} polls in ${expected} intervals (${counts.join(',')})`));
  gaps.forEach((g, i) => assert.ok(g >= INTERVAL_MS / 2, `${what}: server ${i} was polled twice within ${Math.round(g)} ms`));
}

/** Every member's /metrics shows the right player count for each server it should export. */
async function assertPlayers(members: Member[], exported: (member: Member, server: number) => boolean): Promise<void> {
  for (const m of members) {
    const text = await m.agent.scrape();
    for (let i = 0; i < N; i++) {
      const value = seriesValue(text, `gust_players_online{server="${fleet.ids[i]}"}`);
      if (exported(m, i)) assert.equal(value, i, `${m.id} exports players of ${fleet.ids[i]}`);
      else assert.equal(value, undefined, `${m.id} must not export ${fleet.ids[i]}`);
    }
  }
}

async function settled(members: Member[], perMember: (count: number) => boolean, total = N): Promise<Map<string, string>> {
  return eventually(async () => {
    const views = await Promise.all(members.map(holders));
    const first = views[0]!;
    if (first.size !== total || views.some((v) => JSON.stringify([...v]) !== JSON.stringify([...first]))) return undefined;
    const counts = countHeld(first);
    if ([...counts.keys()].some((holder) => !members.some((m) => m.id === holder))) return undefined; // a departed member's leases
    return members.every((m) => perMember(counts.get(m.id) ?? 0)) ? first : undefined;
  }, 30_000, 'leases spread over the members');
}

describe('replicate mode', () => {
  let members: Member[] = [];
  after(() => stopMembers(members));

  test('every server polled once per interval in total; every member exports all 30; a SIGKILLed holder is replaced within two intervals', async (t) => {
    members = await startMembers(['a1', 'a2', 'a3'], { mode: 'replicate', redisUrl: redis.url, prefix: 'rep:', fleet });
    const held = await settled(members, (n) => n === N / 3);
    await assertPolledOncePerInterval('replicate, 3 members');
    await eventually(() => assertPlayers(members, () => true).then(() => true), 5 * INTERVAL_MS, 'players on every member');
    // Only the holder keeps a connection open.
    const connections = await Promise.all(members.map((m) => m.agent.scrape()));
    for (const id of fleet.ids) {
      const open = connections.map((t) => seriesValue(t, `gust_rcon_connections{server="${id}",transport="source"}`) ?? 0);
      assert.equal(open.reduce((a, b) => a + b, 0), 1, `${id}: connections per member ${open.join(',')}`);
      assert.equal(open[members.findIndex((m) => m.id === held.get(id))], 1, `${id}: the holder has the connection`);
    }
    assert.equal(await metric(members[0]!, 'gust_cluster_members'), 3);
    assert.equal(await metric(members[0]!, 'gust_cluster_leases_held'), N / 3);

    const victim = members[0]!;
    // Who holds what right before the kill (leases may have moved since `held` under load).
    const orphans = [...(await holders(members[1]!))].filter(([, h]) => h === victim.id).map(([s]) => fleet.ids.indexOf(s));
    assert.ok(orphans.length > 0, `${victim.id} holds leases before the kill`);
    await victim.agent.kill('SIGKILL'); // resolves once the process is gone: its own polls end here
    const killedAt = performance.now();
    const survivors = members.slice(1);
    const firstPollAfter = await eventually(() => {
      const firsts = orphans.map((i) => fleet.arrivals[i]!.find((t) => t > killedAt));
      return firsts.every((t) => t !== undefined) ? Math.max(...(firsts as number[])) : undefined;
    }, 10 * INTERVAL_MS, "the dead holder's servers polled again");
    t.diagnostic(`servers of the SIGKILLed holder polled again after ${Math.round(firstPollAfter - killedAt)} ms`);
    assert.ok(firstPollAfter - killedAt <= 2 * INTERVAL_MS, `taken over after ${Math.round(firstPollAfter - killedAt)} ms (limit ${2 * INTERVAL_MS})`);
    await settled(survivors, (n) => n === N / 2);
    await assertPolledOncePerInterval('replicate, after the SIGKILL');
    await assertPlayers(survivors, () => true);
    assert.equal(await metric(survivors[0]!, 'gust_cluster_members'), 2);
  });
});

/** The API answers for a member's own share, as its /metrics does, and names the holder of any other server. */
async function assertApiShare(members: Member[], held: Map<string, string>): Promise<void> {
  for (const m of members) {
    const listed = ((await (await fetch(`${m.agent.url}/api/v1/servers`)).json()) as { servers: Array<{ id: string }> }).servers.map((s) => s.id).sort();
    assert.deepEqual(listed, [...held].filter(([, holder]) => holder === m.id).map(([server]) => server).sort(), `${m.id} lists its share`);
    const other = [...held].find(([, holder]) => holder !== m.id)!;
    const res = await fetch(`${m.agent.url}/api/v1/servers/${other[0]}`);
    const body = (await res.json()) as { code: string; message: string };
    assert.equal(res.status, 404);
    assert.equal(body.code, 'GUST_API_OTHER_MEMBER');
    assert.match(body.message, new RegExp(`member "${other[1]}"`));
  }
}

describe('shard mode', () => {
  let members: Member[] = [];
  after(() => stopMembers(members));

  test('each server polled and exported by exactly one member (its rendezvous owner); a leaving member moves only its share', async () => {
    members = await startMembers(['b1', 'b2', 'b3'], { mode: 'shard', redisUrl: redis.url, prefix: 'shard:', fleet });
    const ids = members.map((m) => m.id);
    const held = await settled(members, (n) => n > 0);
    for (const [server, holder] of held) assert.equal(holder, owner(server, ids), `${server} held by its rendezvous owner`);
    await assertPolledOncePerInterval('shard, 3 members');
    await eventually(() => assertPlayers(members, (m, i) => held.get(fleet.ids[i]!) === m.id).then(() => true), 5 * INTERVAL_MS, 'each server on exactly one member');
    await assertApiShare(members, held);

    const leaving = members[2]!;
    await leaving.agent.kill('SIGTERM');
    const rest = members.slice(0, 2);
    const after = await settled(rest, (n) => n > 0);
    for (const [server, holder] of held) {
      if (holder !== leaving.id) assert.equal(after.get(server), holder, `${server} stays with ${holder}`);
      else assert.equal(after.get(server), owner(server, rest.map((m) => m.id)), `${server} moves to its new owner`);
    }
    await assertPolledOncePerInterval('shard, 2 members');
    await eventually(() => assertPlayers(rest, (m, i) => after.get(fleet.ids[i]!) === m.id).then(() => true), 5 * INTERVAL_MS, 'each server on exactly one of two members');
  });
});

const allMembers = async (members: Member[], series: string, value: number) =>
  (await Promise.all(members.map((m) => metric(m, series)))).every((v) => v === value) || undefined;

describe('Redis outage', () => {
  let members: Member[] = [];
  after(() => stopMembers(members));

  test('Redis stopped: members fall back to polling every server alone (counted); started again: they rejoin and share the work again', async () => {
    members = await startMembers(['c1', 'c2', 'c3'], { mode: 'replicate', redisUrl: redis.url, prefix: 'out:', fleet });
    await settled(members, (n) => n === N / 3);
    await redis.kill();
    await eventually(() => allMembers(members, 'gust_cluster_fallback', 1), 10_000, 'every member in fallback');
    const from = performance.now();
    await sleep(3 * INTERVAL_MS);
    const counts = pollsBetween(fleet, from, performance.now());
    counts.forEach((c, i) => assert.ok(c >= 6, `fallback: server ${i} got ${c} polls from 3 members in 3 intervals`));
    await assertPlayers(members, () => true);

    await redis.start();
    await eventually(() => allMembers(members, 'gust_cluster_fallback', 0), 30_000, 'every member rejoined');
    for (const m of members) assert.equal(await metric(m, 'gust_cluster_fallbacks_total'), 1, `${m.id} counted one fallback`);
    await settled(members, (n) => n === N / 3);
    await assertPolledOncePerInterval('after Redis came back');
  });
});

describe('Redis outage in shard mode', () => {
  let members: Member[] = [];
  after(() => stopMembers(members));

  test('Redis stopped: each member keeps polling and exporting its last share, so every server is still polled once', async () => {
    members = await startMembers(['g1', 'g2', 'g3'], { mode: 'shard', redisUrl: redis.url, prefix: 'shout:', fleet });
    const held = await settled(members, (n) => n > 0);
    await redis.kill();
    await eventually(() => allMembers(members, 'gust_cluster_fallback', 1), 10_000, 'every member in fallback');
    await assertPolledOncePerInterval('shard fallback');
    await assertPlayers(members, (m, i) => held.get(fleet.ids[i]!) === m.id);
    await redis.start();
    await eventually(() => allMembers(members, 'gust_cluster_fallback', 0), 30_000, 'every member rejoined');
    const again = await settled(members, (n) => n > 0);
    assert.deepEqual([...again].sort(), [...held].sort(), 'the same shares after rejoining');
  });
});

/**
 * Epochs of every result write, in the order Redis executed them: `redis-cli monitor` shows the
 * writes scripts make too (as `[0 lua] "SET" key value ...`).
 */
async function watchResultEpochs(prefix: string): Promise<{ epochs: Map<string, number[]>; stop(): void }> {
  const child = spawn('redis-cli', ['-p', String(redis.port), 'monitor'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const epochs = new Map<string, number[]>();
  const write = new RegExp(`"SET" "(${prefix}cluster:result:[^"]+)" "(\\d+)\\|`, 'i');
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve) => lines.once('line', () => resolve())); // "OK": monitoring
  lines.on('line', (line) => {
    const m = write.exec(line);
    if (!m) return;
    epochs.set(m[1]!, [...(epochs.get(m[1]!) ?? []), Number(m[2])]);
  });
  return { epochs, stop: () => void child.kill() };
}

function assertNoStaleOverwrite(epochs: Map<string, number[]>): void {
  assert.ok(epochs.size > 0, 'result writes were seen');
  for (const [key, list] of epochs) {
    list.forEach((e, i) => assert.ok(i === 0 || e >= list[i - 1]!, `${key}: epoch ${e} written after ${list[i - 1]} (${list.join(',')})`));
  }
}

describe('fencing', () => {
  let members: Member[] = [];
  after(() => stopMembers(members));

  test('CLIENT PAUSE longer than a lease: scrapes and the API still answer, members fall back and rejoin, no result is overwritten by an older epoch', async () => {
    members = await startMembers(['d1', 'd2', 'd3'], { mode: 'replicate', redisUrl: redis.url, prefix: 'pause:', fleet });
    await settled(members, (n) => n === N / 3);
    const watch = await watchResultEpochs('pause:');
    const pauser = new Redis(redis.url);
    try {
      await pauser.call('CLIENT', 'PAUSE', String(3 * INTERVAL_MS), 'ALL');
      const started = performance.now();
      await Promise.all(members.map(async (m) => [await m.agent.scrape(), await clusterApi(m)]));
      const took = performance.now() - started;
      assert.ok(took < 2_000, `scrapes and API reads during the pause took ${Math.round(took)} ms`);
      await eventually(() => allMembers(members, 'gust_cluster_fallback', 1), 5_000, 'every member in fallback during the pause');
      await eventually(() => allMembers(members, 'gust_cluster_fallback', 0), 30_000, 'every member rejoined');
      await settled(members, (n) => n === N / 3);
      await assertPolledOncePerInterval('after the pause');
      assertNoStaleOverwrite(watch.epochs);
    } finally {
      watch.stop();
      pauser.disconnect();
      await stopMembers(members);
    }
  });

  test('a holder SIGSTOPped mid-poll past its lease: its late result is refused, the successor\'s stands', async () => {
    let target: number | undefined;
    let stopped = false;
    const slow = await startFleet(3, {
      replyDelayMs: 300,
      onCommand: (i) => {
        if (i !== target || stopped) return;
        stopped = true;
        members[0]!.agent.child.kill('SIGSTOP'); // while the command is in flight
      },
    });
    try {
      members = await startMembers(['e1', 'e2'], { mode: 'replicate', redisUrl: redis.url, prefix: 'stop:', fleet: slow });
      const held = await settled(members, (n) => n >= 1, 3);
      const server = [...held].find(([, h]) => h === 'e1')![0];
      const watch = await watchResultEpochs('stop:');
      const reader = new Redis(redis.url);
      try {
        target = slow.ids.indexOf(server);
        await eventually(() => stopped, 10 * INTERVAL_MS, 'e1 stopped mid-poll');
        await eventually(async () => (await holders(members[1]!)).get(server) === 'e2' || undefined, 10_000, 'e2 took the lease');
        await eventually(async () => (await reader.get(`stop:cluster:result:${server}`))?.includes('"member":"e2"') || undefined, 10_000, 'e2 published');
        members[0]!.agent.child.kill('SIGCONT');
        await eventually(async () => ((await metric(members[0]!, 'gust_cluster_fenced_writes_total')) ?? 0) >= 1 || undefined, 10_000, 'e1 tried a stale write');
        await sleep(2 * INTERVAL_MS);
        assertNoStaleOverwrite(watch.epochs);
      } finally {
        members[0]!.agent.child.kill('SIGCONT');
        watch.stop();
        reader.disconnect();
      }
    } finally {
      await stopMembers(members);
      await slow.close();
    }
  });
});

describe('shared extraction events', () => {
  let members: Member[] = [];
  after(() => stopMembers(members));

  test('user rules on command replies and on WebRCON console lines show on every member, each event counted once per member, also after the holder leaves, while every server is still polled once', async () => {
    const small = await startFleet(5);
    const rust = await startWebRconFake({ password: PASSWORD });
    try {
      const servers = [
        ...small.fakes.map((f, i) => `  - { id: ${small.ids[i]}, game: source, rcon: { transport: source, host: 127.0.0.1, port: ${f.port}, password: ${PASSWORD} }, commands: [{ command: status, rules: [status_humans] }] }`),
        `  - { id: rust, game: rust, rcon: { transport: webrcon, host: 127.0.0.1, port: ${rust.port}, password: ${PASSWORD} }, commands: [serverinfo] }`,
      ];
      const rules = [
        'rules:',
        "  - { name: status_humans, match: 'players : (?<value>\\d+) humans', metric: gust_test_status_humans, type: gauge, value: value, sources: [command] }",
        "  - { name: console_marks, match: '^gust-test-mark (?<kind>\\w+)', metric: gust_test_console_marks_total, type: counter, labels: [kind], sources: [log] }",
      ];
      members = await startMembers(['h1', 'h2', 'h3'], { mode: 'replicate', redisUrl: redis.url, prefix: 'events:', fleet: small, servers, extra: rules });
      const held = await settled(members, (n) => n === 2, 6);
      // A reply rule's gauge on every member: the readers have consumed the holders' streams.
      await eventually(async () => {
        for (const m of members) {
          const text = await m.agent.scrape();
          for (let i = 0; i < small.ids.length; i++) if (seriesValue(text, `gust_test_status_humans{server="${small.ids[i]}"}`) !== i) return undefined;
        }
        return true;
      }, 10 * INTERVAL_MS, 'the reply rule\'s gauge of every server on every member');
      // The holder's WebRCON connection is open (console output goes only to connected clients).
      const rustHolder = members.find((m) => m.id === held.get('rust'))!;
      await eventually(async () => (await metric(rustHolder, 'gust_rcon_connections{server="rust",transport="webrcon"}')) === 1 || undefined, 10 * INTERVAL_MS, 'the holder connected to rust');

      const MARKS = 5;
      for (let i = 0; i < MARKS; i++) rust.console('gust-test-mark kill');
      rust.chat('alice', 'hello group');
      const marks = 'gust_test_console_marks_total{server="rust",kind="kill"}';
      const chats = 'gust_log_events_total{server="rust",event="chat"}';
      await eventually(async () => (await allMembers(members, marks, MARKS)) && (await allMembers(members, chats, 1)), 10 * INTERVAL_MS, `${MARKS} console marks and 1 chat line on every member`);
      const rustCommands = rust.stats.commands.length;
      await assertPolledOncePerInterval('with shared events', small);
      const rustPolls = rust.stats.commands.length - rustCommands;
      const intervals = (WINDOW_MS + INTERVAL_MS) / INTERVAL_MS;
      assert.ok(rustPolls >= intervals - 1 && rustPolls <= intervals + 1, `rust got ${rustPolls} commands in ${intervals} intervals`);
      // Several heartbeats later still once: no member read an event twice or counted its own.
      for (const m of members) {
        assert.equal(await metric(m, marks), MARKS, `${m.id}: console marks`);
        assert.equal(await metric(m, chats), 1, `${m.id}: chat lines`);
      }

      // The holder stops (SIGTERM hands its leases over): a survivor takes rust, and what its own
      // connection sees reaches the other survivor; nobody loses or repeats a mark.
      await rustHolder.agent.kill('SIGTERM');
      const survivors = members.filter((m) => m !== rustHolder);
      const moved = await settled(survivors, (n) => n === 3, 6);
      const successor = survivors.find((m) => m.id === moved.get('rust'))!;
      await eventually(async () => (await metric(successor, 'gust_rcon_connections{server="rust",transport="webrcon"}')) === 1 || undefined, 10 * INTERVAL_MS, 'the successor connected to rust');
      for (let i = 0; i < MARKS; i++) rust.console('gust-test-mark kill');
      await eventually(() => allMembers(survivors, marks, 2 * MARKS), 10 * INTERVAL_MS, `${2 * MARKS} console marks on both survivors`);
      await sleep(INTERVAL_MS); // five heartbeats: a repeated read would show now
      for (const m of survivors) assert.equal(await metric(m, marks), 2 * MARKS, `${m.id}: console marks after the move`);
    } finally {
      await stopMembers(members);
      await rust.close();
      await small.close();
    }
  });
});

describe('a wrong WebRCON password', () => {
  let members: Member[] = [];
  after(() => stopMembers(members));

  test('three members make at most 4 failed authentications in total (Rust bans the IP at 5)', async () => {
    const rust = await startWebRconFake({ password: 'right-password' });
    try {
      // With the 30 other servers, members rebalance leases at start: the failing one must not wander.
      const servers = [...memberConfig({ id: 'x', mode: 'replicate', redisUrl: '', prefix: '', fleet }).split('\n').filter((l) => l.startsWith('  - {')), `  - { id: rust, game: rust, rcon: { transport: webrcon, host: 127.0.0.1, port: ${rust.port}, password: wrong-password }, commands: [serverinfo] }`];
      members = await startMembers(['f1', 'f2', 'f3'], { mode: 'replicate', redisUrl: redis.url, prefix: 'auth:', fleet, servers });
      await eventually(() => rust.stats.authFailures > 0 || undefined, 10_000, 'a first failed authentication');
      // Leases settle and rebalance in the first seconds; the guard window is 300 s, so any
      // attempt beyond the 4th within this run is one too many.
      await sleep(15 * INTERVAL_MS);
      assert.ok(rust.stats.authFailures <= 4, `${rust.stats.authFailures} failed authentications across 3 members`);
    } finally {
      await stopMembers(members);
      await rust.close();
    }
  });
});
