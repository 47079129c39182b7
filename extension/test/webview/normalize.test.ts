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

// The same queries answered in both encodings by the server (extension/dev/capture-fixtures.mjs): unpacking gives
// exactly the items of the JSON answer.
import packedTimeline from './fixtures/packed-timeline.json';
import packedAnnotations from './fixtures/packed-annotations.json';
import { unpackTrack } from '../../src/protocol';

for (const [name, f] of [['blocking', packedTimeline], ['annotations', packedAnnotations]] as const) {
  test(`packed tracks unpack to the JSON answer's items (${name})`, () => {
    let items = 0, merged = 0, texts = 0;
    for (let k = 0; k < f.responses.length; k += 2) {
      assert.equal((f.requests[k + 1].params as { encoding?: string }).encoding, 'packed');
      const json = normalizeTimeline(structuredClone(f.responses[k]) as unknown as TimelineResult);
      const wire = structuredClone(f.responses[k + 1]) as unknown as TimelineResult;
      assert.ok(wire.tracks.every((t) => typeof (t as { packed?: string }).packed === 'string' && !('spans' in t)));
      const packed = normalizeTimeline(wire);
      assert.deepStrictEqual(packed, json);
      for (const t of json.tracks) {
        items += t.spans.length + t.instants.length + t.points.length;
        merged += t.spans.filter((s) => s.stateNs).length;
        texts += t.spans.filter((s) => s.reason).length + t.instants.filter((i) => i.text).length;
      }
      assert.ok(JSON.stringify(f.responses[k + 1]).length < JSON.stringify(f.responses[k]).length / 2);
    }
    assert.ok(items > 50 && merged + texts > 0, `${items} items, ${merged} merged, ${texts} with text`);
  });
}

test('a damaged packed track is an error, not a wrong answer', () => {
  // One merged span from 5 to 9 (3 states: 3 ns in state 0, 2 in state 2), no instants, no points.
  const good = [3, 1, 0x83, 0x10, 10, 8, 0b101, 6, 4, 0, 0];
  const b64 = (bytes: number[]) => btoa(String.fromCharCode(...bytes));
  const r = unpackTrack(b64(good), []);
  assert.deepEqual(r.spans, [{ startNs: 5, endNs: 9, state: 2, count: 1, index: 0, stack: 0, goroutine: -1, proc: -1, thread: -1, ref: -1, stateNs: [3, 0, 2] }]);
  for (let cut = 0; cut < good.length; cut++) assert.throws(() => unpackTrack(b64(good.slice(0, cut)), []), /packed track/);
  assert.throws(() => unpackTrack(b64([...good, 0]), []), /after the last point/);
  assert.throws(() => unpackTrack(b64([3, 1, 0x93, 0x10, 10, 8, 0, 0b101, 6, 4, 0, 0]), []), /out of range/);
  assert.throws(() => unpackTrack(b64([0, 1, 0, 2, 0, 0]), []), /no end/);
});
