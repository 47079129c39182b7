// Server answers captured by capture-nav-fixtures.mjs (see there for each request).
import type { GoroutinesResult, GoroutineStackResult, SearchResult, TimelineResult, TraceSummary } from '../../../src/protocol';
import { normalizeTimeline } from '../../../src/protocol';
import blockingJson from './fixtures/blocking-nav.json';
import annotationsJson from './fixtures/annotations-nav.json';

interface Fixture { summary: TraceSummary; requests: { method: string; params: Record<string, unknown> }[]; responses: unknown[] }
const blocking = blockingJson as unknown as Fixture;
const annotations = annotationsJson as unknown as Fixture;

export const blockingSummary = blocking.summary;
export const chanSenderByName = blocking.responses[0] as GoroutinesResult;
export const g13AtZero = blocking.responses[1] as GoroutineStackResult;
export const earlyWindow = normalizeTimeline(blocking.responses[2] as TimelineResult);
export const earlyWindowParams = blocking.requests[2].params as { startNs: number; endNs: number; nsPerPixel: number };
export const wholeWindow = normalizeTimeline(blocking.responses[3] as TimelineResult);
export const wholeWindowParams = blocking.requests[3].params as { startNs: number; endNs: number; nsPerPixel: number };
export const chanSenderGroup = blocking.responses[4] as GoroutinesResult;
export const regionHits = annotations.responses[0] as SearchResult;
export const taskHits = annotations.responses[1] as SearchResult;
export const logHits = annotations.responses[2] as SearchResult;
export const decodeLane = normalizeTimeline(annotations.responses[3] as TimelineResult);
export const batchTaskLane = normalizeTimeline(annotations.responses[4] as TimelineResult);
export const annotationsSummary = annotations.summary;
