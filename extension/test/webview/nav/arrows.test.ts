import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flowArrows, type ArrowRow } from '../../../src/webview/nav/arrows';
import { earlyWindow, earlyWindowParams, wholeWindow, wholeWindowParams } from './fixtures';

function rows(r: typeof earlyWindow, ids: number[]): ArrowRow[] {
  return ids.map((id, i) => ({ goroutine: id, y: 10 + 20 * i, spans: r.tracks.find((t) => t.track.id === id && t.track.kind === 'goroutine')!.spans }));
}

test('blocking.go1.27.trace [100 µs, 3 ms]: G1 creates G13..G20; G14 and G13 unblock each other', () => {
  const ids = [1, 13, 14, 15, 16, 17, 18, 19, 20];
  const { startNs, endNs } = earlyWindowParams;
  const r = flowArrows(rows(earlyWindow, ids), startNs, endNs);
  const creates = r.arrows.filter((a) => a.kind === 'create');
  assert.deepEqual(creates.map((a) => [a.from, a.to, a.timeNs]), [
    [1, 13, 116864], [1, 14, 117760], [1, 15, 118528], [1, 16, 118976], [1, 17, 120832], [1, 18, 158976], [1, 19, 161344], [1, 20, 161792],
  ]);
  const unblocks = r.arrows.filter((a) => a.kind === 'unblock').map((a) => [a.from, a.to, a.timeNs]);
  assert.deepEqual(unblocks, [[14, 13, 177088], [15, 18, 544448], [14, 13, 1849088], [13, 14, 2782656]]);
  // G19 and G20 are unblocked by G22, whose row is not among these
  assert.equal(r.offscreen, 6);
  assert.equal(r.dropped, 0);
  const a = r.arrows.find((x) => x.from === 14 && x.to === 13)!;
  assert.equal(a.fromY, 50);
  assert.equal(a.toY, 30);
});

test('bounded: the earliest `limit` arrows, the rest counted; relations outside the window left out', () => {
  const ids = [1, 13, 14, 15, 16, 17, 18, 19, 20];
  const r = flowArrows(rows(earlyWindow, ids), earlyWindowParams.startNs, earlyWindowParams.endNs, 3);
  assert.deepEqual(r.arrows.map((a) => a.to), [13, 14, 15]);
  assert.equal(r.dropped, 9);
  const late = flowArrows(rows(earlyWindow, ids), 2_000_000, 3_000_000);
  assert.deepEqual(late.arrows.map((a) => [a.from, a.to]), [[13, 14]]);
});

test('merged spans (whole trace) carry no relation', () => {
  const ids = [1, 13, 14];
  const r = flowArrows(rows(wholeWindow, ids), 0, wholeWindowParams.endNs);
  for (const a of r.arrows) {
    const t = wholeWindow.tracks.find((x) => x.track.id === a.to)!;
    assert.ok(t.spans.some((s) => s.startNs === a.timeNs && s.count === 1));
  }
});
