/**
 * Property-based (after Vector's file source tests): random sequences of write, rename
 * rotation, copytruncate, delete/recreate and agent restart against a model, which says every
 * written line is counted exactly once. fast-check shrinks a failing sequence to a minimal one.
 */
import { test } from 'node:test';
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

test('random write/rotate/truncate/delete/restart sequences: every line counted exactly once', { timeout: 240_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 8 }), async (ops) => {
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
              writer.reopen('w');
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
    { numRuns: 4, seed: Number(process.env.GUST_TEST_SEED ?? 4242), endOnFailure: true },
  );
});
