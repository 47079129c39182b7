// The server answers the tests run on (timeline answers filled back with normalizeTimeline, as the webview does), captured from the dev server (/tmp/gotrace-server-dev/gotrace) on committed
// testdata traces by `node extension/dev/capture-fixtures.mjs`: each fixture holds the requests it was made from
// ("requests") and the answers ("responses"), in the same order.
//
// blocking-timeline.json (testdata/traces/blocking.go1.27.trace):
//   0 the discovery query (whole trace, kinds gc/stw/tasks/counter/cpuSamples/logs/proc/thread/procRanges, ~1000 px)
//   1 whole trace at 1200 px: goroutines 13, 14, 19, procs 0 and 1, the goroutines counter
//   2 window [150000, 500000] at 1200 px: goroutines 13, 14 and G13's region lane 0 (which does not exist)
//   3 gotrace/goroutineStack G13 at 200000 ns; 4 gotrace/goroutineGroups; 5 gotrace/goroutines of main.chanSender
// annotations-regions.json (testdata/traces/annotations.go1.27.trace):
//   0 region lanes 0-2 and range lane 0 of G10, region lane 0 and range lanes 0-1 of G1 (whole trace, 1200 px)
//   1 tasks and logs (kinds) over the whole trace

import type {
  TimelineResult, GoroutineStackResult, GoroutineGroupsResult, GoroutinesResult, TraceSummary,
} from '../../src/protocol';
import { normalizeTimeline } from '../../src/protocol';
import blockingJson from './fixtures/blocking-timeline.json';
import annotationsJson from './fixtures/annotations-regions.json';

interface Fixture { summary: TraceSummary; requests: { method: string; params: Record<string, unknown> }[]; responses: unknown[] }

const blocking = blockingJson as unknown as Fixture;
const annotations = annotationsJson as unknown as Fixture;

export const blockingSummary = blocking.summary;
export const blockingDiscovery = normalizeTimeline(blocking.responses[0] as TimelineResult);
export const blockingWhole = normalizeTimeline(blocking.responses[1] as TimelineResult);
export const blockingWindow = normalizeTimeline(blocking.responses[2] as TimelineResult);
export const blockingWindowParams = blocking.requests[2].params as { startNs: number; endNs: number; nsPerPixel: number };
export const blockingWholeParams = blocking.requests[1].params as { startNs: number; endNs: number; nsPerPixel: number };
export const g13Stack = blocking.responses[3] as GoroutineStackResult;
export const blockingGroups = blocking.responses[4] as GoroutineGroupsResult;
export const chanSenders = blocking.responses[5] as GoroutinesResult;
export const annotationLanes = normalizeTimeline(annotations.responses[0] as TimelineResult);
export const annotationTasks = normalizeTimeline(annotations.responses[1] as TimelineResult);

export function track(r: TimelineResult, kind: string, id: number, lane = 0) {
  const t = r.tracks.find((x) => x.track.kind === kind && (x.track.id ?? 0) === id && (x.track.lane ?? 0) === lane);
  if (!t) throw new Error(`no track ${kind}:${id}:${lane} in the fixture`);
  return t;
}
