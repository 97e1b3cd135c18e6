import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { LOOP_SAMPLE_MS, openLoopDelayReader, type LoopDelayReader, type LoopDelaySummary } from '../../src/metrics/event-loop.ts';
import { createRegistry } from '../../src/metrics/registry.ts';
import { seriesValue } from '../support/agent.ts';

/** Samples until `n` timer ticks were recorded. */
async function samples(reader: LoopDelayReader, n: number): Promise<LoopDelaySummary> {
  let worst: LoopDelaySummary | undefined;
  let count = 0;
  const deadline = Date.now() + 20 * LOOP_SAMPLE_MS;
  while (count < n) {
    assert.ok(Date.now() < deadline, `only ${count} of ${n} samples within ${20 * LOOP_SAMPLE_MS} ms`);
    await delay(20);
    const s = reader.take();
    count += s.count;
    if (s.count > 0 && (!worst || s.max > worst.max)) worst = s;
  }
  return worst!;
}

function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

test('a blocked event loop shows as delay; an idle one reads near 0, not the sampling interval', async () => {
  const reader = openLoopDelayReader();
  try {
    await samples(reader, 1);
    // A tick falls due during the block and runs at its end, at least 200 ms late.
    block(LOOP_SAMPLE_MS + 200);
    const blocked = await samples(reader, 1);
    assert.ok(blocked.max >= 0.19, `max ${blocked.max} s after a ${LOOP_SAMPLE_MS + 200} ms block`);

    reader.take();
    const idle = await samples(reader, 3);
    assert.ok(idle.p50 < 0.05, `idle p50 ${idle.p50} s: reports the interval, not the delay beyond it`);
  } finally {
    reader.close();
  }
});

test('readers are independent: the /metrics gauges and the alert check each see every sample', async () => {
  const registry = createRegistry();
  const alertReader = openLoopDelayReader();
  try {
    await registry.metrics(); // the scrape reader starts its window here
    alertReader.take();
    block(LOOP_SAMPLE_MS + 200);
    await samples(alertReader, 1);
    const text = await registry.metrics();
    assert.ok(seriesValue(text, 'nodejs_eventloop_lag_max_seconds')! >= 0.19, text.match(/^nodejs_eventloop_lag_max_seconds .*/m)?.[0]);
    for (const stat of ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99', '']) {
      const name = stat ? `nodejs_eventloop_lag_${stat}_seconds` : 'nodejs_eventloop_lag_seconds';
      assert.equal(text.match(new RegExp(`^# TYPE ${name} gauge$`, 'gm'))?.length, 1, `${name} registered once`);
    }
  } finally {
    alertReader.close();
  }
});
