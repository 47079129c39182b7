import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toSteps, maxOf, valuesAt } from '../../src/webview/counters';
import { blockingWhole, blockingWholeParams, track } from './fixtures';
import type { CounterPoint } from '../../src/protocol';

const pt = (series: number, timeNs: number, endNs: number, min: number, max: number, last: number): CounterPoint =>
  ({ series, timeNs, endNs, min, max, last });

test('steps: bucket max inside, last value between buckets, opening value first', () => {
  const s = toSteps([pt(0, 0, 0, 3, 3, 3), pt(0, 100, 200, 1, 9, 4), pt(0, 300, 400, 2, 5, 2)], 1, 500);
  assert.deepEqual(s.t, [0, 100, 200, 300, 400, 500]);
  assert.deepEqual(s.v[0], [3, 9, 4, 5, 2]);
  assert.deepEqual(valuesAt(s, 250), [4]);
  assert.equal(valuesAt(s, 600), undefined);
});

test('steps of two series on common boundaries, stacked max', () => {
  const s = toSteps([pt(0, 0, 0, 1, 1, 1), pt(1, 0, 0, 2, 2, 2), pt(0, 100, 200, 1, 5, 5), pt(1, 150, 250, 0, 3, 0)], 2, 300);
  assert.deepEqual(s.t, [0, 100, 150, 200, 250, 300]);
  assert.deepEqual(s.v[0], [1, 5, 5, 5, 5]);
  assert.deepEqual(s.v[1], [2, 2, 3, 3, 0]);
  assert.equal(maxOf(s, [0, 1], true), 8);
  assert.equal(maxOf(s, [0, 1], false), 5);
  assert.deepEqual(toSteps([], 2, 100), { t: [], v: [[], []] });
});

test('the goroutines counter of the blocking trace', () => {
  const c = track(blockingWhole, 'counter', 2);
  assert.deepEqual(c.series, ['Running', 'Runnable', 'GCWaiting', 'Waiting']);
  const s = toSteps(c.points, 4, blockingWholeParams.endNs);
  for (let i = 1; i < s.t.length; i++) assert.ok(s.t[i] > s.t[i - 1]);
  // at most 2 procs run goroutines (GOMAXPROCS 2): the Running series never exceeds 2
  assert.equal(maxOf(s, [0], false), 2);
  // every bucket's max is reached by the steps, and nothing exceeds the greatest max in the points
  for (let k = 0; k < 4; k++) {
    const greatest = Math.max(...c.points.filter((p) => p.series === k).map((p) => p.max));
    assert.equal(maxOf(s, [k], false), greatest, c.series[k]);
  }
  assert.ok(maxOf(s, [0, 1, 2, 3], true) >= maxOf(s, [3], false));
  // the trace starts with main running (Proc 0 runs G1 from time 0)
  assert.deepEqual(valuesAt(s, 0)!.slice(0, 1), [1]);
});
