/**
 * Property-based (after Vector's file source tests): random sequences of write, rename
 * rotation, copytruncate, delete/recreate and agent restart against a model, which says every
 * written line is counted exactly once. fast-check shrinks a failing sequence to a minimal one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, renameSync, truncateSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { startAgent, tempDir, type TestAgent } from '../support/agent.ts';
import { expectExactly, logConfig, SeqWriter } from './helpers.ts';

type Op =
  | { kind: 'write'; lines: number }
  | { kind: 'rename'; after: number }
  | { kind: 'copytruncate' }
  | { kind: 'recreate'; after: number }
  | { kind: 'restart' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('write' as const), lines: fc.integer({ min: 1, max: 200 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), after: fc.integer({ min: 0, max: 20 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'copytruncate' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('recreate' as const), after: fc.integer({ min: 0, max: 20 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

// A few dozen sequences in `npm test`; GUST_TEST_LONG=1 (`npm run test:long`) runs hundreds of longer ones.
const LONG = process.env.GUST_TEST_LONG === '1';
const RUNS = Number(process.env.GUST_TEST_RUNS ?? (LONG ? 300 : 24));
const MAX_STEPS = LONG ? 30 : 12;

test(`random write/rotate/truncate/delete/restart sequences (${RUNS} runs of up to ${MAX_STEPS} steps): every line counted exactly once`, { timeout: LONG ? Infinity : 900_000 }, async () => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: MAX_STEPS }), async (ops) => {
      runs++;
      const dir = tempDir();
      const log = path.join(dir, 'game.log');
      const writer = new SeqWriter(log);
      const yaml = logConfig('s', [log]);
      let agent: TestAgent = await startAgent(yaml, { dir });
      let rotations = 0;
      try {
        for (const o of ops) {
          switch (o.kind) {
            case 'write':
              writer.write(o.lines);
              break;
            // A file renamed or deleted before any reader opened it is out of every tailer's
            // reach, and lines written between a copy and a truncate are lost for every reader:
            // the model lets the agent reach the current file first, then rotates.
            case 'rename':
              await expectExactly(agent.scrape, 's', writer, 15_000, 0);
              renameSync(log, `${log}.${++rotations}`);
              writer.write(o.after); // still the old descriptor: the renamed file must be drained
              writer.reopen();
              break;
            case 'copytruncate':
              await expectExactly(agent.scrape, 's', writer, 15_000, 0);
              copyFileSync(log, `${log}.${++rotations}`);
              truncateSync(log, 0);
              break;
            case 'recreate':
              await expectExactly(agent.scrape, 's', writer, 15_000, 0);
              unlinkSync(log);
              writer.write(o.after); // into the deleted file, which the agent still holds open
              // O_APPEND, as for every other step: a writer without it leaves the bytes before its
              // offset as NULs after a later copytruncate, and the first line after them cannot be told apart.
              writer.reopen('a');
              break;
            case 'restart':
              await agent.stop();
              agent = await startAgent(yaml, { dir });
              break;
          }
        }
        await expectExactly(agent.scrape, 's', writer);
      } finally {
        await agent.stop();
        writer.close();
      }
    }),
    { numRuns: RUNS, seed: Number(process.env.GUST_TEST_SEED ?? 4242), endOnFailure: true },
  );
  assert.equal(runs, RUNS, 'every generated sequence ran');
});
