// Server answers the analysis views' tests run on, captured from a build of the server on committed testdata traces
// by `node extension/test/webview/views/capture-views-fixtures.mjs` (each fixture holds its requests and answers):
//
// blocking-views.json (testdata/traces/blocking.go1.27.trace):
//   0 gotrace/overview; 1 gotrace/blockingSites sync (limit 1000); 2 gotrace/siteEvents of the main.condWaiter site
//   (main.go:106); 3 gotrace/goroutineGroups; 4 gotrace/goroutineGroup main.condWaiter; 5 gotrace/goroutines of that
//   group; 6 gotrace/blockingSites sync within [30 ms, 50 ms]
// annotations-views.json (testdata/traces/annotations.go1.27.trace):
//   0 gotrace/taskTypes; 1 gotrace/regionTypes; 2 gotrace/tasks of batch's first bucket; 3 gotrace/regions of
//   process.step's 1 ms bucket
// gcheavy-views.json (testdata/traces/gcheavy.go1.27.trace):
//   0 gotrace/mmu stw|background|assist; 1 the same with Go's percentiles; 2 the worst 1 ms windows; 3 perProc with
//   every flag

import type {
  OverviewResult, BlockingSitesResult, SiteEventsResult, GoroutineGroupsResult, GoroutineGroupResult, GoroutinesResult,
  TaskTypesResult, RegionTypesResult, TasksResult, RegionsResult, MmuResult, TraceSummary,
} from '../../../src/protocol';
import blockingJson from './fixtures/blocking-views.json';
import annotationsJson from './fixtures/annotations-views.json';
import gcheavyJson from './fixtures/gcheavy-views.json';

interface Fixture { summary: TraceSummary; requests: { method: string; params: Record<string, unknown> }[]; responses: unknown[] }
const blocking = blockingJson as unknown as Fixture;
const annotations = annotationsJson as unknown as Fixture;
const gcheavy = gcheavyJson as unknown as Fixture;

export const blockingSummary = blocking.summary;
export const overview = blocking.responses[0] as OverviewResult;
export const syncSites = blocking.responses[1] as BlockingSitesResult;
export const condWaiterEvents = blocking.responses[2] as SiteEventsResult;
export const condWaiterEventsParams = blocking.requests[2].params as { stackId: number };
export const groups = blocking.responses[3] as GoroutineGroupsResult;
export const condWaiterGroup = blocking.responses[4] as GoroutineGroupResult;
export const condWaiterItems = blocking.responses[5] as GoroutinesResult;
export const syncSitesInRange = blocking.responses[6] as BlockingSitesResult;

export const annotationsSummary = annotations.summary;
export const taskTypes = annotations.responses[0] as TaskTypesResult;
export const regionTypes = annotations.responses[1] as RegionTypesResult;
export const batchTasks = annotations.responses[2] as TasksResult;
export const batchTasksParams = annotations.requests[2].params as { minNs: number; maxNs: number };
export const stepRegions = annotations.responses[3] as RegionsResult;

export const gcheavySummary = gcheavy.summary;
export const mmuDefault = gcheavy.responses[0] as MmuResult;
export const mmuPercentiles = gcheavy.responses[1] as MmuResult;
export const mmuWorst = gcheavy.responses[2] as MmuResult;
export const mmuPerProc = gcheavy.responses[3] as MmuResult;
