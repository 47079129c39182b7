import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LaneRegistry, tracksForRows, queryKey } from '../../src/webview/query';
import { RowLayout, GroupBody, trackKey, type TrackRow } from '../../src/webview/layout';
import { annotationLanes, blockingWindow, track } from './fixtures';
import type { GoroutineItem } from '../../src/protocol';

test('lanes found by probing, on the real answers of the annotations trace', () => {
  const lanes = new LaneRegistry();
  // first query: lane 0 of each kind is probed
  assert.deepEqual(lanes.tracks(10).map(trackKey), ['regions:10:0', 'goroutineRanges:10:0']);
  // G10 has region lanes 0 and 1 (nested regions) and no range lane; answers come back one lane at a time
  const ans = (kind: string, id: number, lane: number) => track(annotationLanes, kind, id, lane).spans.length;
  assert.equal(lanes.observe({ kind: 'regions', id: 10, lane: 0 }, ans('regions', 10, 0)), true);
  assert.equal(lanes.observe({ kind: 'goroutineRanges', id: 10, lane: 0 }, ans('goroutineRanges', 10, 0)), false);
  assert.equal(lanes.lanes(10), 1);
  assert.deepEqual(lanes.tracks(10).map(trackKey), ['regions:10:0', 'regions:10:1']);
  assert.equal(lanes.observe({ kind: 'regions', id: 10, lane: 1 }, ans('regions', 10, 1)), true);
  assert.deepEqual(lanes.tracks(10).map(trackKey), ['regions:10:0', 'regions:10:1', 'regions:10:2']);
  assert.equal(lanes.observe({ kind: 'regions', id: 10, lane: 2 }, ans('regions', 10, 2)), false);
  assert.equal(lanes.info(10).regionsKnown, true);
  assert.deepEqual(lanes.tracks(10).map(trackKey), ['regions:10:0', 'regions:10:1']);
  assert.equal(lanes.lanes(10), 2);
  // G1: no regions, one range lane (the STW it began)
  lanes.observe({ kind: 'regions', id: 1, lane: 0 }, ans('regions', 1, 0));
  lanes.observe({ kind: 'goroutineRanges', id: 1, lane: 0 }, ans('goroutineRanges', 1, 0));
  lanes.observe({ kind: 'goroutineRanges', id: 1, lane: 1 }, ans('goroutineRanges', 1, 1));
  assert.equal(lanes.lanes(1), 1);
  assert.deepEqual(lanes.laneTrack(1, 0), { kind: 'goroutineRanges', id: 1, lane: 0 });
  assert.equal(lanes.laneIndex({ kind: 'regions', id: 10, lane: 1 }), 1);
  assert.equal(lanes.laneIndex({ kind: 'regions', id: 10, lane: 2 }), -1);
  // G13 of the blocking trace has no regions: lane 0 comes back empty
  lanes.observe({ kind: 'regions', id: 13, lane: 0 }, track(blockingWindow, 'regions', 13, 0).spans.length);
  assert.equal(lanes.info(13).regionsKnown, true);
  assert.equal(lanes.lanes(13), 0);
});

test('lane counts sent with the goroutine items are taken as they are', () => {
  const lanes = new LaneRegistry();
  lanes.fromItem({ id: 5, name: 'x', creationNs: 0, creator: 1, endNs: -1, execNs: 0, schedWaitNs: 0, blockNs: 0, syscallNs: 0,
    regionLanes: 3, rangeLanes: 0 } as GoroutineItem);
  assert.deepEqual(lanes.tracks(5).map(trackKey), ['regions:5:0', 'regions:5:1', 'regions:5:2']);
  assert.equal(lanes.lanes(5), 3);
});

test('a query asks for exactly the tracks of the visible rows', () => {
  const item = (id: number): GoroutineItem => ({ id, name: 'main.w', creationNs: 0, creator: 1, endNs: -1, execNs: 0, schedWaitNs: 0,
    blockNs: 0, syscallNs: 0, regionLanes: 0, rangeLanes: 0 });
  const fixed: TrackRow = { type: 'track', key: 'proc:0:0', label: 'Proc 0', track: { kind: 'proc', id: 0, lane: 0 }, style: 'spans',
    height: 18, indent: 0 };
  const body = new GroupBody('main.w', 100000);
  const layout = new RowLayout([{ type: 'rows', rows: [fixed] }, { type: 'body', body }]);
  const lanes = new LaneRegistry();
  for (let id = 0; id < 100000; id++) { lanes.info(id).regionsKnown = true; lanes.info(id).rangesKnown = true; }
  const rows = layout.visible(18 + 500 * 20, 18 + 500 * 20 + 200);
  const tracks = tracksForRows(rows, {
    goroutineAt: (_g, slot) => (slot % 2 === 0 ? item(slot + 1000) : undefined), // odd slots not paged in yet
    lanes, goroutineSamples: true, goroutineLogs: false,
  });
  assert.deepEqual(tracks.map(trackKey), [
    'goroutine:1500:0', 'cpuSamples:1500:0', 'goroutine:1502:0', 'cpuSamples:1502:0', 'goroutine:1504:0', 'cpuSamples:1504:0',
    'goroutine:1506:0', 'cpuSamples:1506:0', 'goroutine:1508:0', 'cpuSamples:1508:0',
  ]);
  const top = tracksForRows(layout.visible(0, 30), { goroutineAt: () => item(7), lanes, goroutineSamples: false, goroutineLogs: false });
  assert.deepEqual(top.map(trackKey), ['proc:0:0', 'goroutine:7:0']);
  assert.equal(queryKey({ startNs: 0, endNs: 10, nsPerPixel: 1 }, top), '0-10@1|proc:0:0,goroutine:7:0');
});
