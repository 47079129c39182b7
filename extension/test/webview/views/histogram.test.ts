import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillPow2, fillGoBuckets, barLengths, verticalBars, barAt, rangeLabel } from '../../../src/webview/views/histogram';

test('power-of-two buckets: gaps between the first and last are filled with empty buckets', () => {
  // the syscall site of annotations.go1.27 (gotrace/overview): 512 ns .. 128 µs with 4096..8192 and 32768..65536 empty
  const h = [{ minNs: 512, maxNs: 1024, count: 6 }, { minNs: 1024, maxNs: 2048, count: 17 }, { minNs: 2048, maxNs: 4096, count: 2 },
    { minNs: 8192, maxNs: 16384, count: 3 }, { minNs: 16384, maxNs: 32768, count: 3 }, { minNs: 65536, maxNs: 131072, count: 2 }];
  const f = fillPow2(h);
  assert.deepEqual(f.map((b) => b.minNs), [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]);
  assert.deepEqual(f.map((b) => b.count), [6, 17, 2, 0, 3, 3, 0, 2]);
  assert.equal(f[3].maxNs, 8192);
  assert.equal(f.reduce((s, b) => s + b.count, 0), 33);
  assert.deepEqual(fillPow2([]), []);
  assert.equal(rangeLabel(1048576, 2097152), '1.05 ms – 2.1 ms');
});

test("Go's latency buckets: missing ones are interpolated between their neighbours", () => {
  const f = fillGoBuckets([
    { bucket: 20, minNs: 10000, maxNs: 15848, label: '10µs', count: 10 },
    { bucket: 23, minNs: 39810, maxNs: 63095, label: '39.81µs', count: 1 },
  ]);
  assert.deepEqual(f.map((b) => b.bucket), [20, 21, 22, 23]);
  assert.deepEqual(f.map((b) => b.count), [10, 0, 0, 1]);
  assert.equal(f[1].minNs, 15848);
  // within rounding of Go's 25118 / 39810
  assert.ok(Math.abs(f[2].minNs - 25118) <= 2, String(f[2].minNs));
  assert.ok(Math.abs(f[2].maxNs - 39810) <= 3, String(f[2].maxNs));
  assert.equal(f[0].label, '10µs');
  assert.equal(f[1].label, '15.8 µs');
});

test('bar lengths are proportional, a non-empty bucket is at least visible', () => {
  assert.deepEqual(barLengths([6, 17, 2, 0], 100), [35, 100, 12, 0]);
  assert.deepEqual(barLengths([1000, 1], 20, 1), [20, 1]);
  assert.deepEqual(barLengths([0, 0], 20), [0, 0]);
});

test('vertical bars fill the box, bottoms aligned; hit testing finds them', () => {
  const bars = verticalBars([1, 0, 4], 32, 20, 1);
  assert.equal(bars.length, 3);
  assert.equal(bars[0].w, 10);
  assert.equal(bars[2].x, 22);
  assert.equal(bars[2].h, 20);
  assert.equal(bars[2].y, 0);
  assert.equal(bars[0].h, 5);
  assert.equal(bars[0].y + bars[0].h, 20);
  assert.equal(bars[1].h, 0);
  assert.equal(barAt(bars, 5), 0);
  assert.equal(barAt(bars, 25), 2);
  assert.equal(barAt(bars, 10.5), 0); // in the gap: the nearest
  assert.equal(barAt(bars, 100), -1);
});
