import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spanIndexAt, spanAtPixel, instantAtPixel, spanCovering } from '../../src/webview/hittest';
import { timeToX } from '../../src/webview/viewport';
import { blockingWindow, blockingWindowParams, blockingWhole, blockingWholeParams, track, annotationTasks } from './fixtures';
import type { Instant } from '../../src/protocol';

test('spans of a track are contiguous and spanIndexAt finds the one covering a time', () => {
  for (const t of [...blockingWindow.tracks, ...blockingWhole.tracks]) {
    for (let i = 1; i < t.spans.length; i++) assert.equal(t.spans[i].startNs, t.spans[i - 1].endNs, `${t.name} #${i}`);
    t.spans.forEach((s, i) => {
      assert.equal(spanIndexAt(t.spans, s.startNs), i);
      assert.equal(spanIndexAt(t.spans, Math.floor((s.startNs + s.endNs) / 2)), i);
    });
  }
  const g13 = track(blockingWindow, 'goroutine', 13).spans;
  assert.equal(spanIndexAt(g13, g13[0].startNs - 1), -1);
  assert.equal(spanIndexAt(g13, g13[g13.length - 1].endNs), g13.length - 1);
  assert.equal(spanIndexAt(g13, g13[g13.length - 1].endNs + 1), -1);
  assert.equal(spanIndexAt([], 5), -1);
});

// the window query at 1200 px: [150000, 500000]
const vp = { startNs: blockingWindowParams.startNs, endNs: blockingWindowParams.endNs };
const W = 1200;

test("a click in the middle of G13's chan send wait selects it", () => {
  const spans = track(blockingWindow, 'goroutine', 13).spans;
  const x = timeToX(vp, W, (182528 + 474048) / 2);
  const i = spanAtPixel('goroutine', spans, vp, W, x);
  assert.ok(i >= 0);
  assert.equal(spans[i].startNs, 182528);
  assert.equal(spans[i].endNs, 474048);
  assert.equal(spans[i].reason, 'chan send');
  assert.equal(spans[i].state, 5);
  assert.equal(spans[i].count, 1);
});

test('a thin span next to the pointer is picked within the tolerance', () => {
  const spans = track(blockingWindow, 'goroutine', 13).spans;
  // the running span [182144, 182528) is about 1.3 px wide at 291 ns/px; 2 px to the left of it is the runnable
  // span (not empty), so that is what is under the pointer
  const run = spans.findIndex((s) => s.startNs === 182144);
  assert.equal(spans[run].state, 2);
  const xIn = timeToX(vp, W, 182300);
  assert.equal(spanAtPixel('goroutine', spans, vp, W, xIn), run);
  // the whole-trace G13 track starts with NotSeen: a pixel just before its creation is empty, and the first
  // non-empty span is picked when it is within 3 px
  const whole = track(blockingWhole, 'goroutine', 13).spans;
  const wvp = { startNs: blockingWholeParams.startNs, endNs: blockingWholeParams.endNs };
  assert.equal(whole[0].state, 0);
  const created = whole[1].startNs;
  const xCreated = timeToX(wvp, 1200, created);
  assert.equal(spanAtPixel('goroutine', whole, wvp, 1200, xCreated - 2), 1);
  assert.equal(spanAtPixel('goroutine', whole, wvp, 1200, xCreated - 10), -1);
  // after the goroutine ended: Dead, nothing near
  const last = whole[whole.length - 1];
  assert.equal(last.state, 6);
  assert.equal(spanAtPixel('goroutine', whole, wvp, 1200, timeToX(wvp, 1200, last.endNs) - 1), -1);
});

test('a merged proc span is found under the pointer', () => {
  const spans = track(blockingWhole, 'proc', 0).spans;
  const wvp = { startNs: blockingWholeParams.startNs, endNs: blockingWholeParams.endNs };
  const m = spans.findIndex((s) => s.count > 1 && s.state !== 1);
  const s = spans[m];
  const x = timeToX(wvp, 1200, (s.startNs + s.endNs) / 2);
  assert.equal(spanAtPixel('proc', spans, wvp, 1200, x), m);
  assert.equal(spanCovering(spans, s.startNs), s);
});

test('instants: nearest within the tolerance, on the real logs track', () => {
  const logs = track(annotationTasks, 'logs', -1).instants;
  assert.ok(logs.length > 10);
  const wvp = { startNs: annotationTasks.startNs, endNs: annotationTasks.endNs };
  const target = logs[5];
  const x = timeToX(wvp, 1200, target.timeNs);
  const i = instantAtPixel(logs, wvp, 1200, x + 1);
  assert.ok(i >= 0);
  assert.ok(Math.abs(timeToX(wvp, 1200, logs[i].timeNs) - x) <= 1.0001);
  // synthetic: exact picks and misses
  const mk = (t: number, end = t): Instant => ({ timeNs: t, endNs: end, count: end > t ? 3 : 1, index: 0, goroutine: 1, proc: 0, thread: 0, stack: 0 });
  const inst = [mk(100), mk(200), mk(300, 400)];
  const v = { startNs: 0, endNs: 1000 };
  assert.equal(instantAtPixel(inst, v, 1000, 101), 0);
  assert.equal(instantAtPixel(inst, v, 1000, 198), 1);
  assert.equal(instantAtPixel(inst, v, 1000, 350), 2); // inside the bucket
  assert.equal(instantAtPixel(inst, v, 1000, 150), -1);
  assert.equal(instantAtPixel([], v, 1000, 150), -1);
});
