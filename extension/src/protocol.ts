// The gotrace JSON-RPC protocol as the extension sees it: one entry per method of server/PROTOCOL.md.
// Kept in step with the server by tests/GoTrace.Server.Tests/ProtocolInStepTests.cs (method names here,
// in PROTOCOL.md and registered by the server must be the same sets).

/** Method and notification names. */
export const Methods = {
  ping: 'gotrace/ping',
  open: 'gotrace/open',
  close: 'gotrace/close',
  blockingSites: 'gotrace/blockingSites',
  sourceLines: 'gotrace/sourceLines',
  exportPprof: 'gotrace/exportPprof',
  goroutineGroups: 'gotrace/goroutineGroups',
  goroutineGroup: 'gotrace/goroutineGroup',
  mmu: 'gotrace/mmu',
  timeline: 'gotrace/timeline',
  goroutineStack: 'gotrace/goroutineStack',
  goroutines: 'gotrace/goroutines',
  search: 'gotrace/search',
  taskTypes: 'gotrace/taskTypes',
  tasks: 'gotrace/tasks',
  regionTypes: 'gotrace/regionTypes',
  regions: 'gotrace/regions',
  lineEvents: 'gotrace/lineEvents',
  overview: 'gotrace/overview',
  stack: 'gotrace/stack',
  siteEvents: 'gotrace/siteEvents',
} as const;

export const Notifications = {
  progress: 'gotrace/progress',
} as const;

export type BlockingKind = 'sync' | 'net' | 'syscall' | 'sched';

export interface PingParams { message?: string }
export interface PingResult { message?: string; version: string }

export interface OpenParams { path: string }
export interface DamageInfo {
  message: string; reason: string; what: string; offset: number; generation: number; eventsDropped: number;
}
export interface TraceSummary {
  format: string; startNs: number; endNs: number; durationNs: number; events: number; bytes: number;
  goroutines: number; procs: number; threads: number; generations: number; damage?: DamageInfo;
}
export interface OpenResult { traceId: string; path: string; summary: TraceSummary }
export interface ProgressParams { traceId: string; path: string; bytesRead: number; totalBytes: number; events: number }
export interface TraceIdParams { traceId: string }

/** Which goroutines and times count; all optional, combined. Offsets are ns since the trace start. */
export interface Filter {
  fromNs?: number; toNs?: number; goroutine?: number; group?: string; region?: string; task?: number;
}
export interface Frame { func: string; file: string; line: number; pc: number }
export interface GroupShare { name: string; count: number; timeNs: number }
export interface Site {
  timeNs: number; count: number; p50Ns: number; p90Ns: number; p99Ns: number; maxNs: number;
  userFrame: number; stack: Frame[]; groups: GroupShare[];
  /** The stack's id (as timeline spans' `stack`), for gotrace/siteEvents and gotrace/stack. */
  stackId: number;
  /** Waits by duration in power-of-two buckets [minNs, maxNs), empty ones left out. */
  histogram: { minNs: number; maxNs: number; count: number }[];
}
export interface BlockingSitesParams { traceId: string; kind: BlockingKind; limit?: number; filter?: Filter }
export interface BlockingSitesResult { kind: BlockingKind; totalNs: number; totalCount: number; siteCount: number; sites: Site[] }

export interface SourceLinesParams { traceId: string; file: string; line?: number; topStacks?: number }
export interface LineKind {
  flatNs: number; flatCount: number; cumNs: number; cumCount: number; p50Ns: number; p99Ns: number; maxNs: number;
  topStacks: Site[]; groups: GroupShare[];
}
export interface LineNumbers { line: number; sync?: LineKind; net?: LineKind; syscall?: LineKind; sched?: LineKind }
export interface PathMatch { tracePath?: string; matchedElements: number; ambiguous: string[] }
export interface SourceLinesResult { match: PathMatch; lines: LineNumbers[] }

export interface ExportPprofParams { traceId: string; kind: BlockingKind; outputPath: string; filter?: Filter }
export interface ExportPprofResult { outputPath: string; samples: number; totalNs: number; totalCount: number }

export interface GoroutineGroup {
  name: string; count: number; execNs: number; schedWaitNs: number; blockNs: number; syscallNs: number; totalNs: number;
}
export interface GoroutineGroupsResult { groups: GoroutineGroup[] }
/** The rows are a page ([offset, offset + limit), default limit 10,000) of the group in the sort order. */
export interface GoroutineGroupParams { traceId: string; name: string; sortBy?: string; offset?: number; limit?: number }
export interface GoroutineRow {
  id: number; totalNs: number; stats: number[]; ranges: number[]; gcSweepNs: number; gcPauseNs: number;
  regionNs: Record<string, number>;
}
export interface GoroutineGroupResult {
  name: string; count: number; execNs: number; execTimePercent: string; columns: string[]; rangeColumns: string[];
  goroutines: GoroutineRow[];
}

export interface MmuParams {
  traceId: string; flags?: string; windowsNs?: number[]; quantiles?: number[]; worst?: number; goCompatible?: boolean;
}
export interface MmuPoint { windowNs: number; mmu: number; percentiles?: number[]; worst?: { timeNs: number; utilization: number }[] }
export interface MmuResult { flags: string; points: MmuPoint[] }

export type TrackKind = 'goroutine' | 'proc' | 'thread' | 'gc' | 'stw' | 'procRanges' | 'goroutineRanges' | 'regions'
  | 'tasks' | 'counter' | 'cpuSamples' | 'logs';
export interface TrackRef { kind: TrackKind; id?: number; lane?: number }
export interface TimelineParams {
  traceId: string; startNs: number; endNs: number; /** An integer ≥ 1. */ nsPerPixel: number; tracks?: TrackRef[]; kinds?: TrackKind[];
  /** 'packed' (what the webview asks for): each track's items as one base64 string, unpacked by normalizeTimeline. */
  encoding?: 'json' | 'packed';
}
export interface Span {
  startNs: number; endNs: number; state: number; count: number; index: number; reason?: string; stack: number;
  goroutine: number; proc: number; thread: number; ref: number; stateNs?: number[];
}
export interface Instant {
  timeNs: number; endNs: number; count: number; index: number; goroutine: number; proc: number; thread: number;
  stack: number; text?: string;
}
export interface CounterPoint { timeNs: number; endNs: number; series: number; min: number; max: number; last: number }

/**
 * The server leaves usual values out of gotrace/timeline answers to keep them small (PROTOCOL.md): a span's or an
 * instant's count 1, goroutine/proc/thread/ref -1, stack 0; a span's endNs when it is the next span's startNs and its
 * index when it follows the previous span's (index + count); a point's series 0, min and max equal to last. This
 * fills them back in place, and unpacks packed tracks (`encoding: 'packed'`), so the types above hold; calling it twice
 * changes nothing.
 */
export function normalizeTimeline(r: TimelineResult): TimelineResult {
  for (const t of r.tracks) {
    const wire = t as Track & { packed?: string; strings?: string[] };
    if (wire.packed !== undefined) {
      Object.assign(t, unpackTrack(wire.packed, wire.strings ?? []));
      delete wire.packed;
      delete wire.strings;
      continue;
    }
    const spans = t.spans as Partial<Span>[];
    for (let k = 0; k < spans.length; k++) {
      const s = spans[k];
      s.count ??= 1; s.stack ??= 0; s.goroutine ??= -1; s.proc ??= -1; s.thread ??= -1; s.ref ??= -1;
      // Implied by the neighbours: the index follows the previous span's, the end is the next span's start.
      if (s.index === undefined && k > 0) s.index = spans[k - 1].index! + spans[k - 1].count!;
      if (s.endNs === undefined && k + 1 < spans.length) s.endNs = spans[k + 1].startNs;
    }
    for (const i of t.instants as Partial<Instant>[]) {
      i.count ??= 1; i.stack ??= 0; i.goroutine ??= -1; i.proc ??= -1; i.thread ??= -1;
    }
    for (const p of t.points as Partial<CounterPoint>[]) {
      p.series ??= 0; p.min ??= p.last; p.max ??= p.last;
    }
  }
  return r;
}

/**
 * A packed track of gotrace/timeline (`encoding: 'packed'`; the layout is in PROTOCOL.md): LEB128 varints, signed
 * ones zigzag-encoded, each item led by a flags number naming the members that are not at their usual or implied
 * value. Throws on malformed data.
 */
export function unpackTrack(base64: string, strings: string[]): { spans: Span[]; instants: Instant[]; points: CounterPoint[] } {
  const bin = atob(base64);
  const b = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) b[i] = bin.charCodeAt(i);
  let pos = 0;
  // Numbers beyond 2^53 do not occur (ns since the trace start, ids); they would lose precision, not fail.
  const u = (): number => {
    let v = 0, mul = 1;
    for (let k = 0; k < 10; k++) {
      if (pos >= b.length) throw new Error(`packed track: ends inside a number at byte ${pos}`);
      const x = b[pos++];
      v += (x & 0x7f) * mul;
      if (x < 0x80) return v;
      mul *= 128;
    }
    throw new Error(`packed track: a number longer than 10 bytes at byte ${pos}`);
  };
  const z = (): number => { const n = u(); return n % 2 === 0 ? n / 2 : -(n + 1) / 2; };
  const count = (max: number): number => {
    const n = u();
    if (n > max) throw new Error(`packed track: ${n} at byte ${pos} is out of range (at most ${max})`);
    return n;
  };
  const str = (): string => strings[count(strings.length - 1)];
  const has = (f: number, bit: number): boolean => (f < 0x80000000 ? (f & bit) !== 0 : Math.floor(f / bit) % 2 === 1);

  const states = count(64);
  const spans: Span[] = new Array(count(b.length));
  let prev = 0, implied = 0;
  for (let i = 0; i < spans.length; i++) {
    const f = u();
    const startNs = prev + z();
    const endNs = has(f, 2) ? startNs + z() : NaN;
    const index = implied + (has(f, 4) ? z() : 0);
    const c = has(f, 8) ? u() : 1;
    const s: Span = {
      startNs, endNs, state: Math.floor(f / 1024), count: c, index, stack: 0, goroutine: -1, proc: -1, thread: -1, ref: -1,
    };
    if (has(f, 16)) s.reason = str();
    if (has(f, 32)) s.stack = u();
    if (has(f, 64)) s.goroutine = z();
    if (has(f, 128)) s.proc = z();
    if (has(f, 256)) s.thread = z();
    if (has(f, 512)) s.ref = z();
    if (has(f, 1)) {
      const mask = u();
      const st = new Array<number>(states).fill(0);
      for (let k = 0; k < states; k++) if (has(mask, 2 ** k)) st[k] = z();
      s.stateNs = st;
    }
    if (i > 0 && Number.isNaN(spans[i - 1].endNs)) spans[i - 1].endNs = startNs;
    spans[i] = s;
    prev = startNs;
    implied = index + c;
  }
  if (spans.length > 0 && Number.isNaN(spans[spans.length - 1].endNs)) throw new Error('packed track: the last span has no end');

  const instants: Instant[] = new Array(count(b.length));
  prev = 0; implied = 0;
  for (let i = 0; i < instants.length; i++) {
    const f = u();
    const timeNs = prev + z();
    const endNs = has(f, 1) ? timeNs + z() : timeNs;
    const c = has(f, 2) ? u() : 1;
    const index = implied + (has(f, 4) ? z() : 0);
    const x: Instant = { timeNs, endNs, count: c, index, goroutine: -1, proc: -1, thread: -1, stack: 0 };
    if (has(f, 8)) x.goroutine = z();
    if (has(f, 16)) x.proc = z();
    if (has(f, 32)) x.thread = z();
    if (has(f, 64)) x.stack = u();
    if (has(f, 128)) x.text = str();
    instants[i] = x;
    prev = timeNs;
    implied = index + c;
  }

  const points: CounterPoint[] = new Array(count(b.length));
  const lastOf: number[] = [];
  prev = 0;
  let length = 0;
  for (let i = 0; i < points.length; i++) {
    const f = u();
    const timeNs = prev + z();
    if (has(f, 8)) length = z();
    const series = has(f, 1) ? count(1 << 16) : 0;
    const last = (lastOf[series] ?? 0) + z();
    const min = has(f, 2) ? last - z() : last;
    const max = has(f, 4) ? last + z() : last;
    points[i] = { timeNs, endNs: timeNs + length, series, min, max, last };
    lastOf[series] = last;
    prev = timeNs;
  }
  if (pos !== b.length) throw new Error(`packed track: ${b.length - pos} bytes after the last point`);
  return { spans, instants, points };
}
export interface Track { track: TrackRef; name: string; spans: Span[]; instants: Instant[]; series: string[]; points: CounterPoint[] }
export interface TimelineResult { startNs: number; endNs: number; nsPerPixel: number; tracks: Track[] }
export interface GoroutineStackParams { traceId: string; goroutine: number; timeNs: number }
export interface GoroutineStackResult {
  goroutine: number; name: string; spanStartNs: number; spanEndNs: number; state: string; reason?: string;
  eventStack: Frame[]; stack: Frame[]; creationStack: Frame[]; creator: number;
  unblockedBy?: { by: number; timeNs: number; stack: Frame[]; reason?: string };
}

export interface GoroutinesParams {
  traceId: string; orderBy?: 'id' | 'group' | 'execTime' | 'blockTime' | 'schedWaitTime' | 'syscallTime';
  group?: string; nameContains?: string; offset?: number; limit?: number;
}
export interface GoroutineItem {
  id: number; name: string; label?: string; creationNs: number; creator: number; endNs: number;
  execNs: number; schedWaitNs: number; blockNs: number; syscallNs: number;
  /** Lanes under the goroutine's row: nesting depth of its regions; goroutine-scoped ranges (mark assists, STW it began). */
  regionLanes: number; rangeLanes: number;
}
export interface GoroutinesResult { total: number; goroutines: GoroutineItem[] }
export type SearchKind = 'goCreate' | 'goStart' | 'goBlock' | 'goUnblock' | 'goStop' | 'goSyscall' | 'goEnd' | 'range'
  | 'region' | 'task' | 'log' | 'cpuSample';
export interface SearchParams { traceId: string; kind: SearchKind; startNs?: number; endNs?: number; text?: string; limit?: number }
export interface SearchHit { timeNs: number; track: TrackRef; index: number; goroutine: number; text: string }
export interface SearchResult { hits: SearchHit[] }

/** A latency histogram bucket (Go's: 10 per decade): durations in [minNs, maxNs). */
export interface HistogramBucket { bucket: number; minNs: number; maxNs: number; label: string; count: number }
export interface TaskType { name: string; count: number; histogram: HistogramBucket[] }
export interface TaskTypesResult { types: TaskType[] }
/** minNs/maxNs are inclusive, as Go's bucket links. */
export interface TasksParams {
  traceId: string; name?: string; complete?: boolean; minNs?: number; maxNs?: number; logText?: string; limit?: number;
}
export interface TaskEvent { timeNs: number; elapsedNs: number; goroutine: number; what: string }
export interface TaskItem {
  id: number; name: string; parent: number; complete: boolean; startNs: number; endNs: number; durationNs: number;
  goroutines: number[]; events: TaskEvent[];
}
export interface TasksResult { title: string; total: number; tasks: TaskItem[] }
export interface RegionType { name: string; frame: Frame; count: number; histogram: HistogramBucket[] }
export interface RegionTypesResult { types: RegionType[] }
export interface RegionsParams {
  traceId: string; name?: string; pc?: number; minNs?: number; maxNs?: number; sortBy?: string; limit?: number;
}
export interface RegionItem {
  goroutine: number; taskId: number; name: string; startNs: number; endNs: number; totalNs: number; stats: number[]; ranges: number[];
}
export interface RegionsResult { title: string; columns: string[]; rangeColumns: string[]; total: number; regions: RegionItem[] }

/** The waits a source line's blocking numbers are made of (reverse navigation). */
export interface LineEventsParams {
  traceId: string; file: string; line: number; kind: BlockingKind; order?: 'duration' | 'time'; limit?: number;
}
export interface LineEvent { goroutine: number; startNs: number; endNs: number; chargedNs: number; stack: Frame[] }
export interface LineEventsResult { match: PathMatch; total: number; totalNs: number; events: LineEvent[] }

export interface GcOverview { cycles: number; markNs: number; pauses: number; pauseNs: number; maxPauseNs: number }
export interface KindOverview { kind: BlockingKind; totalNs: number; totalCount: number; top: Site[] }
export interface OverviewResult { summary: TraceSummary; gc: GcOverview; blocking: KindOverview[]; topGroups: GoroutineGroup[] }

export interface StackParams { traceId: string; stack: number }
export interface StackResult { frames: Frame[] }
export interface SiteEventsParams {
  traceId: string; kind: BlockingKind; stackId: number; filter?: Filter; order?: 'duration' | 'time'; limit?: number;
}
export interface SiteEventsResult { total: number; totalNs: number; events: LineEvent[] }

/** Application error codes (JSON-RPC's own codes are negative). */
export const ErrorCodes = {
  traceFormat: 1,
  unknownTrace: 2,
  badParams: 3,
  requestCancelled: -32800,
} as const;
