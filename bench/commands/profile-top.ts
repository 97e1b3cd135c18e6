/**
 * The agent's top frames per command, from a CPU profile of a command benchmark run
 * (`run.ts --profile DIR`): only samples inside the rounds' CPU windows count (V8 stamps
 * samples with CLOCK_MONOTONIC, the clock run.ts records the windows in), so start-up and the
 * scrapes between rounds are left out. Self time is the frame itself; total time includes
 * what it called (each frame counted once per sample, so recursion does not inflate it).
 *
 *   node --import tsx bench/commands/profile-top.ts RESULT.json PROFILE.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../lib/agent-process.ts';
import type { CommandBenchResult } from './run.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FrameTime {
  frame: string;
  selfUs: number;
  totalUs: number;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  if (!url) return functionName || '(anonymous)';
  const file = url.replace(/^file:\/\//, '');
  const shown = file.startsWith(REPO_ROOT) ? path.relative(REPO_ROOT, file) : file.replace(/^.*node_modules\//, '');
  return `${functionName || '(anonymous)'} ${shown}:${lineNumber + 1}`;
}

/** Self and total time per frame over the samples that fall inside `windows` (monotonic µs). */
export function framesInWindows(profile: CpuProfile, windows: ReadonlyArray<readonly [number, number]>): { frames: FrameTime[]; sampledUs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const lineage = new Map<number, string[]>();
  const framesOf = (id: number): string[] => {
    let out = lineage.get(id);
    if (!out) {
      const names = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) names.add(frameName(byId.get(at)!));
      out = [...names];
      lineage.set(id, out);
    }
    return out;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let sampledUs = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    // A sample stands for the time until the next one.
    const weight = profile.timeDeltas[i + 1] ?? 0;
    if (!windows.some(([a, b]) => t >= a && t < b)) continue;
    const id = profile.samples[i]!;
    const name = frameName(byId.get(id)!);
    if (name === '(idle)') continue; // waiting in epoll: not CPU
    sampledUs += weight;
    self.set(name, (self.get(name) ?? 0) + weight);
    for (const f of framesOf(id)) total.set(f, (total.get(f) ?? 0) + weight);
  }
  const frames = [...total.entries()].map(([frame, totalUs]) => ({ frame, selfUs: self.get(frame) ?? 0, totalUs }));
  return { frames, sampledUs };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  if (positionals.length !== 2) throw new Error('usage: profile-top.ts RESULT.json PROFILE.cpuprofile [--top N]');
  const json = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as { results: CommandBenchResult[] };
  const profile = JSON.parse(readFileSync(positionals[1]!, 'utf8')) as CpuProfile;
  // The result whose rounds the profile covers (one file holds a result per fleet size).
  const found = json.results
    .map((result) => ({ result, ...framesInWindows(profile, result.rounds.map((r) => r.window_monotonic_us)) }))
    .find((x) => x.sampledUs > 0);
  if (!found) throw new Error(`profile-top: no sample of ${positionals[1]} falls in the rounds' windows of ${positionals[0]} (another run's profile?)`);
  const { frames, sampledUs } = found;
  const commands = found.result.commands_measured;
  const top = Number(values.top);
  const show = (title: string, key: 'selfUs' | 'totalUs') => {
    process.stdout.write(`\n${title} (µs per command, % of the main thread's busy time)\n`);
    for (const f of [...frames].sort((a, b) => b[key] - a[key]).slice(0, top)) {
      process.stdout.write(`${(f[key] / commands).toFixed(1).padStart(8)}  ${((f[key] / sampledUs) * 100).toFixed(1).padStart(5)} %  ${f.frame}\n`);
    }
  };
  process.stdout.write(`${found.result.servers} servers, ${commands} commands; main thread busy ${(sampledUs / 1000).toFixed(1)} ms (idle left out) in the rounds' windows = ${(sampledUs / commands).toFixed(1)} µs per command\n`);
  show('Self time', 'selfUs');
  show('Total time', 'totalUs');
}
