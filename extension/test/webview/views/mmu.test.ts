// The MMU plot's logic on real answers (gcheavy.go1.27.trace): Go's flag text, the log axis, hit testing, and the
// worst windows' reveal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mmuDefault, mmuPercentiles, mmuWorst, mmuPerProc, gcheavySummary } from './fixtures';
import {
  DEFAULT_TOGGLES, GO_QUANTILES, mmuFlags, logX, logInv, logTicks, nearestPoint, utilY, windowRange, quantileLabel, describePoint,
} from '../../../src/webview/views/mmuPlot';
import { revealWindow } from '../../../src/webview/views/reveal';

test("the toggles make Go's flag text; the defaults are go tool trace's", () => {
  assert.equal(mmuFlags(DEFAULT_TOGGLES), 'stw|background|assist');
  assert.equal(mmuFlags(DEFAULT_TOGGLES), mmuDefault.flags);
  assert.equal(mmuFlags({ perProc: true, stw: true, background: true, assist: true, sweep: true }), mmuPerProc.flags);
  assert.equal(mmuFlags({ perProc: false, stw: false, background: false, assist: false, sweep: false }), '');
  assert.deepEqual(GO_QUANTILES.slice(1).map(quantileLabel), ['99.9th percentile MU', '99th percentile MU', '95th percentile MU']);
});

test('the window axis runs from 1 µs to the trace duration, log scaled', () => {
  const r = windowRange(mmuDefault.points);
  assert.equal(mmuDefault.points.length, 100);
  assert.ok(r.min >= 999 && r.min <= 1000, String(r.min));
  assert.ok(Math.abs(r.max - gcheavySummary.durationNs) <= 1, `${r.max} vs ${gcheavySummary.durationNs}`);
  const s = { min: 1000, max: 1e8, x0: 50, width: 500 };
  assert.equal(logX(s, 1000), 50);
  assert.equal(logX(s, 1e8), 550);
  assert.ok(Math.abs(logX(s, 1e5) - 250) < 1e-9); // two decades of five
  assert.ok(Math.abs(logInv(s, 250) - 1e5) < 1e-6);
  assert.deepEqual(logTicks(999, 107789696).map((t) => t.label), ['1 µs', '10 µs', '100 µs', '1 ms', '10 ms', '100 ms']);
  assert.equal(utilY(1, 10, 100), 10);
  assert.equal(utilY(0, 10, 100), 110);
  assert.equal(utilY(0.25, 10, 100), 85);
});

test('hover finds the nearest window; the curve rises with the window', () => {
  const pts = mmuDefault.points;
  const r = windowRange(pts);
  const s = { min: r.min, max: r.max, x0: 56, width: 900 };
  assert.equal(nearestPoint(pts, s, 0), 0);
  assert.equal(nearestPoint(pts, s, 10000), pts.length - 1);
  const i = nearestPoint(pts, s, logX(s, 1e6));
  assert.ok(Math.abs(Math.log10(pts[i].windowNs) - 6) < 0.05, String(pts[i].windowNs));
  assert.equal(pts[0].mmu, 0); // some GC pause is longer than 1 µs
  assert.ok(pts[pts.length - 1].mmu > 0.9);
  assert.equal(mmuWorst.points[0].mmu, 0.370368);
  assert.equal(describePoint(1e6, 0.370368), 'MMU 0.370 for 1 ms windows');
  // percentiles are never below the minimum
  for (const p of mmuPercentiles.points) {
    assert.equal(p.percentiles!.length, 4);
    for (const v of p.percentiles!) assert.ok(v >= p.mmu - 1e-12);
  }
  // per-goroutine utilization is never above the system's
  mmuPerProc.points.forEach((p, k) => assert.ok(p.mmu <= mmuDefault.points[k].mmu + 1e-12));
});

test("the worst windows are since the trace start: a reveal puts them inside the trace", () => {
  const worst = mmuWorst.points[0].worst!;
  assert.equal(worst.length, 8); // 10 asked; the trace has 8 disjoint 1 ms windows that low (Go lists at most 10)
  assert.equal(worst[0].utilization, 0.370368);
  for (const w of worst) {
    const r = revealWindow(w.timeNs, 1e6, gcheavySummary.durationNs, 'w');
    const rel = w.timeNs;
    assert.ok(rel >= 0 && rel + 1e6 <= gcheavySummary.durationNs + 1, String(rel));
    assert.ok(r.startNs <= rel && r.endNs >= rel + 1e6 - 1);
    assert.ok(r.startNs >= 0 && r.endNs <= gcheavySummary.durationNs);
    assert.deepEqual(r.spans, []);
  }
  assert.equal(worst[0].timeNs, 99959104);
});
