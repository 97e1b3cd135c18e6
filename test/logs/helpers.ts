/**
 * Shared by the log tailing tests: a config with a sequence rule, a writer of sequence-numbered
 * lines, and a checker. Every line `seq=N` adds 1 to gust_test_lines_total and N to
 * gust_test_seq_sum_total, so a lost line or a duplicate changes one of the two totals.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { HEAD_BYTES } from '../../src/sources/logs/fingerprint.ts';
import { seriesValue } from '../support/agent.ts';

export const SEQ_RULES = `rules:
  - name: seq_lines
    match: '^seq=(?<n>\\d+)'
    metric: gust_test_lines_total
  - name: seq_sum
    match: '^seq=(?<n>\\d+)'
    metric: gust_test_seq_sum_total
    type: counter
    action: add
    value: n
`;

export function logConfig(server: string, paths: string[], extra = ''): string {
  const logs = paths.map((p) => `      - path: ${p}\n        start_at: beginning${extra}`).join('\n');
  return `servers:\n  - id: ${server}\n    game: generic\n    logs:\n${logs}\n${SEQ_RULES}`;
}

/** Appends `seq=N` lines through one open descriptor (like a game server does). */
export class SeqWriter {
  next = 0;
  sum = 0;
  fd: number;

  constructor(public file: string, fd?: number) {
    this.fd = fd ?? openSync(file, 'a');
  }

  write(count: number, padding = ''): void {
    let text = '';
    for (let i = 0; i < count; i++) {
      text += `seq=${String(this.next).padStart(8, '0')}${padding}\n`;
      this.sum += this.next;
      this.next++;
    }
    writeSync(this.fd, text);
  }

  /** Open the path again (after a rotation), as a writer that reopens its log does. */
  reopen(flags = 'a'): void {
    closeSync(this.fd);
    this.fd = openSync(this.file, flags);
  }

  close(): void {
    closeSync(this.fd);
  }
}

export interface SeqTotals {
  lines: number;
  sum: number;
}

export function seqTotals(exposition: string, server: string): SeqTotals {
  return {
    lines: seriesValue(exposition, `gust_test_lines_total{server="${server}"}`) ?? 0,
    sum: seriesValue(exposition, `gust_test_seq_sum_total{server="${server}"}`) ?? 0,
  };
}

/** Resolves when the totals equal what was written; fails with both when they overshoot (duplicates). */
export function exactly(expected: { next: number; sum: number }) {
  return (totals: SeqTotals): true | undefined => {
    if (totals.lines > expected.next || totals.sum > expected.sum) {
      throw new Error(`duplicates: counted ${totals.lines} lines (sum ${totals.sum}), wrote ${expected.next} (sum ${expected.sum})`);
    }
    return totals.lines === expected.next && totals.sum === expected.sum ? true : undefined;
  };
}

/** Waits for the exact totals, then watches one more poll cycle for late duplicates. */
export async function expectExactly(scrape: () => Promise<string>, server: string, writer: { next: number; sum: number }, timeoutMs = 15_000, windowMs = 1_200): Promise<void> {
  const check = exactly(writer);
  const deadline = Date.now() + timeoutMs;
  let last: SeqTotals = { lines: 0, sum: 0 };
  for (;;) {
    last = seqTotals(await scrape(), server);
    if (check(last)) break;
    if (Date.now() > deadline) throw new Error(`lost lines: counted ${last.lines} (sum ${last.sum}), wrote ${writer.next} (sum ${writer.sum})`);
    await new Promise((r) => setTimeout(r, 25));
  }
  // An observation window (not synchronisation): one poll cycle in which no duplicate may appear.
  if (windowMs === 0) return;
  await new Promise((r) => setTimeout(r, windowMs));
  check(seqTotals(await scrape(), server));
}

/**
 * Rewrites, in place, the `seq=` lines a checkpoint says were read (past the fingerprinted head,
 * which must stay as it was for the file to be recognised), adding 90,000,000 to each number.
 * An agent that resumes from the checkpoint never reads them again; one that re-reads from
 * byte 0 (checkpoint lost, ignored, or counters reset and the file replayed) counts the new
 * numbers, and the sum gives it away even where the line count would come out right.
 * Returns how many lines were rewritten.
 */
export function rewriteReadLines(stateDir: string, candidates: string[]): number {
  const saved = JSON.parse(readFileSync(path.join(stateDir, 'log-positions.json'), 'utf8')) as { files: Array<{ ino: number; offset: number; headLength: number }> };
  let rewritten = 0;
  for (const position of saved.files) {
    const file = candidates.find((c) => existsSync(c) && statSync(c).ino === position.ino);
    if (!file) continue;
    const fd = openSync(file, 'r+');
    try {
      const start = Math.max(position.headLength, HEAD_BYTES);
      if (position.offset <= start) continue;
      const bytes = Buffer.alloc(position.offset - start);
      readSync(fd, bytes, 0, bytes.length, start);
      // Only whole lines that begin after the head: skip the tail of the line the head cuts.
      let at = bytes[0] === 0x0a ? 1 : bytes.indexOf(0x0a) + 1;
      while (at > 0 && at < bytes.length) {
        if (bytes.toString('latin1', at, at + 5) === 'seq=0') {
          bytes[at + 4] = 0x39; // '0' -> '9'
          rewritten++;
        }
        at = bytes.indexOf(0x0a, at) + 1;
      }
      writeSync(fd, bytes, 0, bytes.length, start);
    } finally {
      closeSync(fd);
    }
  }
  return rewritten;
}
