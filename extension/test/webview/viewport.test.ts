import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clampViewport, zoomAt, panBy, zoomToRange, centreOn, timeToX, xToTime, queryWindow, tickStep, ticks, wheelZoomFactor,
  MIN_WINDOW_NS, fullViewport, sameQuery,
} from '../../src/webview/viewport';
import { blockingSummary } from './fixtures';

const DUR = blockingSummary.durationNs; // 113294849 ns

test('clamp keeps the window inside the trace and at least MIN_WINDOW_NS wide', () => {
  assert.deepEqual(clampViewport({ startNs: -100, endNs: 900 }, DUR), { startNs: 0, endNs: 1000 });
  assert.deepEqual(clampViewport({ startNs: DUR - 10, endNs: DUR + 990 }, DUR), { startNs: DUR - 1000, endNs: DUR });
  assert.deepEqual(clampViewport({ startNs: 500, endNs: 510 }, DUR), { startNs: 500, endNs: 500 + MIN_WINDOW_NS });
  assert.deepEqual(clampViewport({ startNs: 0, endNs: 10 * DUR }, DUR), { startNs: 0, endNs: DUR });
  assert.deepEqual(clampViewport({ startNs: NaN, endNs: NaN }, DUR), { startNs: 0, endNs: DUR });
});

test('zoom keeps the time under the pointer in place', () => {
  const vp = { startNs: 1_000_000, endNs: 2_000_000 };
  const z = zoomAt(vp, 0.5, 0.25, DUR);
  assert.equal(z.endNs - z.startNs, 500_000);
  // the anchor (a quarter into the window) was 1_250_000 and is still a quarter in
  assert.equal(z.startNs + 0.25 * (z.endNs - z.startNs), 1_250_000);
  const back = zoomAt(z, 2, 0.25, DUR);
  assert.deepEqual(back, vp);
  // zooming out past the trace shows the whole trace
  assert.deepEqual(zoomAt(vp, 1e6, 0.5, DUR), fullViewport(DUR));
  // zooming in stops at the minimum window
  const deep = zoomAt(vp, 1e-9, 0.5, DUR);
  assert.equal(deep.endNs - deep.startNs, MIN_WINDOW_NS);
});

test('pan moves the window and stops at the ends', () => {
  const vp = { startNs: 1000, endNs: 3000 };
  assert.deepEqual(panBy(vp, 500, DUR), { startNs: 1500, endNs: 3500 });
  assert.deepEqual(panBy(vp, -5000, DUR), { startNs: 0, endNs: 2000 });
  assert.deepEqual(panBy({ startNs: DUR - 2000, endNs: DUR }, 1e9, DUR), { startNs: DUR - 2000, endNs: DUR });
});

test('zoomToRange and centreOn', () => {
  assert.deepEqual(zoomToRange(182528, 474048, DUR), { startNs: 182528, endNs: 474048 });
  const padded = zoomToRange(100_000, 200_000, DUR, 0.5);
  assert.deepEqual(padded, { startNs: 50_000, endNs: 250_000 });
  assert.deepEqual(zoomToRange(500, 500, DUR), { startNs: 400, endNs: 600 });
  assert.deepEqual(centreOn({ startNs: 0, endNs: 1000 }, 10_000, DUR), { startNs: 9500, endNs: 10_500 });
});

test('pixel <-> time', () => {
  const vp = { startNs: 1000, endNs: 3000 };
  assert.equal(timeToX(vp, 1000, 2000), 500);
  assert.equal(xToTime(vp, 1000, 250), 1500);
  assert.equal(xToTime(vp, 1000, timeToX(vp, 1000, 2345)), 2345);
});

test('the query is the visible window at the screen resolution, in whole ns', () => {
  const q = queryWindow({ startNs: 150000.4, endNs: 499999.2 }, 1200, DUR);
  assert.deepEqual(q, { startNs: 150000, endNs: 500000, nsPerPixel: 291 });
  // never below 1 ns per pixel, never past the trace
  assert.deepEqual(queryWindow({ startNs: 0, endNs: 300 }, 1200, DUR), { startNs: 0, endNs: 300, nsPerPixel: 1 });
  assert.deepEqual(queryWindow({ startNs: DUR - 1000, endNs: DUR + 50 }, 100, DUR), { startNs: DUR - 1000, endNs: DUR, nsPerPixel: 10 });
  assert.equal(Number.isInteger(queryWindow(fullViewport(DUR), 1337, DUR).nsPerPixel), true);
  assert.equal(sameQuery(q, { ...q }), true);
  assert.equal(sameQuery(q, { ...q, nsPerPixel: 290 }), false);
});

test('ticks are 1, 2 or 5 times a power of ten and far enough apart', () => {
  const vp = fullViewport(DUR);
  assert.equal(tickStep(vp, 1100, 90), 10_000_000);
  assert.equal(tickStep({ startNs: 0, endNs: 875_000 }, 1100, 90), 100_000);
  assert.equal(tickStep({ startNs: 0, endNs: 1000 }, 1000, 90), 100);
  assert.equal(tickStep({ startNs: 0, endNs: 3000 }, 1000, 90), 500);
  const t = ticks({ startNs: 150_000, endNs: 500_000 }, 1200, 90);
  assert.equal(t.step, 50_000);
  assert.deepEqual(t.times, [150_000, 200_000, 250_000, 300_000, 350_000, 400_000, 450_000, 500_000]);
});

test('wheel zoom: one notch each way cancels out', () => {
  assert.ok(wheelZoomFactor(100) > 1);
  assert.ok(wheelZoomFactor(-100) < 1);
  assert.ok(Math.abs(wheelZoomFactor(100) * wheelZoomFactor(-100) - 1) < 1e-12);
  assert.equal(wheelZoomFactor(-100), 0.8);
  // huge deltas are clamped
  assert.equal(wheelZoomFactor(10_000), wheelZoomFactor(300));
});
