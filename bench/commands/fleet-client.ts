/**
 * The benchmark's side of bench/commands/fleet-process.ts: starts it as its own Node.js
 * process (`node --import tsx`, IPC channel), waits for the ports its fakes bound, and hands
 * out each round's timestamps as the fleet reports them.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeKind, FleetMessage, FleetRequest, FleetRound } from './fleet-process.ts';

const FLEET_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fleet-process.ts');

export interface FleetHandle {
  pid: number;
  ports: number[];
  kinds: FakeKind[];
  /** Resolves with round r's timestamps once every fake replied in it; rejects after `timeoutMs`. */
  round(r: number, timeoutMs: number): Promise<FleetRound>;
  close(): Promise<void>;
}

export async function startFleetProcess(servers: number, replyDelayMs: number, password: string): Promise<FleetHandle> {
  const child = fork(FLEET_SCRIPT, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const rounds = new Map<number, FleetRound>();
  const waiters = new Map<number, () => void>();
  let failure: Error | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const fail = (err: Error) => {
    failure ??= err;
    for (const wake of waiters.values()) wake();
  };
  child.once('exit', (code, signal) => fail(new Error(`bench/commands/fleet-process.ts exited (code ${code}, signal ${signal})`)));
  const listening = new Promise<{ ports: number[]; kinds: FakeKind[] }>((resolve, reject) => {
    child.on('message', (message: FleetMessage) => {
      if (message.type === 'listening') resolve(message);
      else if (message.type === 'error') fail(new Error(message.message));
      else {
        rounds.set(message.round, message);
        waiters.get(message.round)?.();
      }
      if (failure) reject(failure);
    });
    child.once('exit', () => reject(failure));
  });
  send(child, { type: 'start', servers, replyDelayMs, password });
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      if (child.connected) send(child, { type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  };
  let bound: { ports: number[]; kinds: FakeKind[] };
  try {
    bound = await listening;
  } catch (err) {
    await close();
    throw err;
  }
  return {
    pid: child.pid!,
    ...bound,
    async round(r, timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        if (rounds.has(r) || failure) return resolve();
        waiters.set(r, resolve);
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      waiters.delete(r);
      const result = rounds.get(r);
      if (result) return result;
      throw failure ?? new Error(`round ${r}: not every fake replied within ${timeoutMs} ms (fleet-process)`);
    },
    close,
  };
}

function send(child: ChildProcess, request: FleetRequest): void {
  child.send(request);
}
