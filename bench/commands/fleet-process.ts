/**
 * The fake game servers of the command benchmark, in their own process so that their event
 * loop and CPU are not the agent's nor the benchmark's (run.ts starts this file with
 * `node --import tsx` over an IPC channel; it does nothing on its own).
 *
 * Fake i is SRCDS (i % 3 == 0), Minecraft (1) or Rust WebRCON (2), from test/fakes/. Every fake
 * has its own tracker that records, per command, when the fake received it and when it wrote
 * the reply (after its reply delay), both with this process's performance.now(); all of them
 * also feed one shared InFlightTracker, whose max is the agent-wide concurrency the fakes saw.
 * Each fake gets exactly one command per round (one command configured per server), so when
 * the replies written reach servers × (r + 1), round r is over and its timestamps go to the
 * parent in one message: nothing is sent while a round runs.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { InFlightTracker } from '../../test/fakes/common.ts';
import { startSrcdsFake } from '../../test/fakes/srcds.ts';
import { startMinecraftFake } from '../../test/fakes/minecraft.ts';
import { startWebRconFake } from '../../test/fakes/webrcon.ts';

export type FleetRequest =
  | { type: 'start'; servers: number; replyDelayMs: number; password: string }
  | { type: 'close' };

export interface FleetRound {
  type: 'round';
  round: number;
  /** Per fake (index = fake number): when it received its command and wrote the reply (ms, this process's clock). */
  receivedMs: number[];
  repliedMs: number[];
  /** The first receive of the round as wall-clock epoch ms, to schedule the parent's samples. */
  firstReceivedEpochMs: number;
  /** Highest number of commands in flight at the fakes so far (all fakes together). */
  maxInFlight: number;
  /** Highest in flight at any single fake so far (1: the agent never pipelines on one connection). */
  maxInFlightPerFake: number;
  /** This process's event-loop delay during the round (ms): how late its reply timers could fire. */
  fakeLoopDelayP99Ms: number;
  fakeLoopDelayMaxMs: number;
}

export type FleetMessage =
  | { type: 'listening'; ports: number[]; kinds: FakeKind[] }
  | FleetRound
  | { type: 'error'; message: string };

export type FakeKind = 'srcds' | 'minecraft' | 'webrcon';
export const fakeKind = (i: number): FakeKind => (['srcds', 'minecraft', 'webrcon'] as const)[i % 3]!;

/** One fake's tracker: its own receive/reply times, and the shared agent-wide count. */
class FakeTracker extends InFlightTracker {
  readonly receivedMs: number[] = [];
  readonly repliedMs: number[] = [];
  readonly #shared: InFlightTracker;
  readonly #onReceive: () => void;
  readonly #onReply: () => void;
  constructor(shared: InFlightTracker, onReceive: () => void, onReply: () => void) {
    super();
    this.#shared = shared;
    this.#onReceive = onReceive;
    this.#onReply = onReply;
  }
  override enter(): void {
    this.receivedMs.push(performance.now());
    super.enter();
    this.#shared.enter();
    this.#onReceive();
  }
  // The fakes call leave() after their delay, right before writing the reply.
  override leave(): void {
    this.repliedMs.push(performance.now());
    super.leave();
    this.#shared.leave();
    this.#onReply();
  }
}

function send(message: FleetMessage): void {
  process.send!(message);
}

async function start(servers: number, replyDelayMs: number, password: string): Promise<{ close(): Promise<void> }> {
  const shared = new InFlightTracker();
  const trackers: FakeTracker[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  let replies = 0;
  let round = 0;
  // The loop-delay histogram covers a round only, from its first command to its last reply.
  const onReceive = () => {
    if (shared.total === servers * round + 1) loopDelay.reset();
  };
  const onReply = () => {
    replies++;
    if (replies < servers * (round + 1)) return;
    const receivedMs = trackers.map((t) => t.receivedMs[round] ?? Number.NaN);
    const first = Math.min(...receivedMs);
    send({
      type: 'round',
      round,
      receivedMs,
      repliedMs: trackers.map((t) => t.repliedMs[round] ?? Number.NaN),
      firstReceivedEpochMs: performance.timeOrigin + first,
      maxInFlight: shared.max,
      maxInFlightPerFake: Math.max(...trackers.map((t) => t.max)),
      fakeLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      fakeLoopDelayMaxMs: loopDelay.max / 1e6,
    });
    round++;
  };
  const fakes: Array<{ port: number; close(): Promise<void> }> = [];
  for (let i = 0; i < servers; i++) {
    const tracker = new FakeTracker(shared, onReceive, onReply);
    trackers.push(tracker);
    const options = { password, players: i % 50, replyDelayMs, tracker };
    const kind = fakeKind(i);
    fakes.push(kind === 'srcds' ? await startSrcdsFake(options) : kind === 'minecraft' ? await startMinecraftFake(options) : await startWebRconFake(options));
  }
  send({ type: 'listening', ports: fakes.map((f) => f.port), kinds: fakes.map((_, i) => fakeKind(i)) });
  return {
    async close() {
      loopDelay.disable();
      await Promise.all(fakes.map((f) => f.close()));
    },
  };
}

if (!process.send) {
  process.stderr.write('bench/commands/fleet-process.ts: start it from bench/commands/run.ts (it needs an IPC channel)\n');
  process.exit(2);
}
let fleet: { close(): Promise<void> } | undefined;
process.on('message', (request: FleetRequest) => {
  const fail = (err: unknown) => send({ type: 'error', message: `fleet-process ${request.type}: ${err instanceof Error ? err.stack ?? err.message : String(err)}` });
  if (request.type === 'start') {
    start(request.servers, request.replyDelayMs, request.password).then((f) => (fleet = f), fail);
  } else if (request.type === 'close') {
    Promise.resolve(fleet?.close()).then(() => process.disconnect(), fail);
  }
});
// The parent went away (crash, Ctrl-C): do not keep thousands of ports open.
process.on('disconnect', () => process.exit(0));
