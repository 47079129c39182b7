// The compact wire form of gotrace/timeline (usual values left out, PROTOCOL.md) filled back by normalizeTimeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeTimeline, type TimelineResult } from '../../src/protocol';

test('left-out members come back with their usual values, given ones are kept, twice is once', () => {
  // As the server writes it (blocking.go1.27.trace, a goroutine span, a merged span, an instant, counter points).
  const wire = JSON.parse(`{"startNs":0,"endNs":100,"nsPerPixel":1,"tracks":[{"track":{"kind":"goroutine","id":12,"lane":0},
    "name":"G12","spans":[{"startNs":0,"state":5,"index":3,"reason":"sync","stack":59},
    {"startNs":50,"state":2,"count":4,"goroutine":14,"proc":0,"thread":7,"ref":2,"stateNs":[0,0,30,0,0,20]},
    {"startNs":80,"endNs":100,"state":0,"index":9}],
    "instants":[{"timeNs":5,"endNs":5,"index":0},{"timeNs":9,"endNs":12,"count":3,"index":1,"goroutine":12,"stack":8}],
    "series":["Running","Runnable"],
    "points":[{"timeNs":0,"endNs":10,"last":3},{"timeNs":0,"endNs":10,"series":1,"min":1,"last":2},{"timeNs":10,"endNs":20,"max":9,"last":4}]}]}`) as TimelineResult;
  const r = normalizeTimeline(wire);
  const [a, b, c] = r.tracks[0].spans;
  assert.deepEqual([a.count, a.stack, a.goroutine, a.proc, a.thread, a.ref], [1, 59, -1, -1, -1, -1]);
  assert.deepEqual([b.count, b.stack, b.goroutine, b.proc, b.thread, b.ref], [4, 0, 14, 0, 7, 2]);
  // ends from the next start, indexes from the previous index + count; given ones kept
  assert.deepEqual([a.endNs, b.endNs, c.endNs], [50, 80, 100]);
  assert.deepEqual([a.index, b.index, c.index], [3, 4, 9]);
  const [i0, i1] = r.tracks[0].instants;
  assert.deepEqual([i0.count, i0.stack, i0.goroutine, i0.proc, i0.thread], [1, 0, -1, -1, -1]);
  assert.deepEqual([i1.count, i1.stack, i1.goroutine, i1.proc, i1.thread], [3, 8, 12, -1, -1]);
  assert.deepEqual(r.tracks[0].points.map((p) => [p.series, p.min, p.max, p.last]), [[0, 3, 3, 3], [1, 1, 2, 2], [0, 4, 9, 4]]);
  assert.deepEqual(normalizeTimeline(structuredClone(r)), r);
});
