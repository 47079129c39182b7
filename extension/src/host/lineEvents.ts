// Reverse navigation: the blocking events of one source line in a trace, to reveal on the timeline. One
// gotrace/lineEvents call per kind that has numbers for the line: the server returns exactly the waits the line's
// (cumulative) numbers are made of, each a span of a goroutine's timeline row. No vscode import (integration-tested).

import { Methods, type BlockingKind, type LineEventsResult as ServerLineEvents, type LineNumbers } from '../protocol';

export type RequestFn = <R>(method: string, params: object) => Promise<R>;

export interface LineEvent {
  goroutine: number;
  /** The wait (the goroutine's span), ns since the trace start. */
  timeNs: number;
  endNs: number;
  /** What the profile charges for it (the wait clipped to the goroutine's lifetime, as Go does). */
  chargedNs: number;
  kind: BlockingKind;
}
export interface LineEventsResult {
  events: LineEvent[];
  /** Events received, and the line's events in all (per the server, = its cumulative counts). */
  checked: number;
  total: number;
  /** Whether `limit` left some out (the longest are kept). */
  truncated: boolean;
  /** Kinds that could not be read (the server refused them); empty normally. */
  skippedKinds: BlockingKind[];
}

export interface LineEventsOptions {
  /** Events per kind (the longest first), at most 100,000; default 1,000. */
  limit?: number;
}

const KINDS: BlockingKind[] = ['sync', 'net', 'syscall', 'sched'];

/**
 * The waits behind `line`'s numbers in the trace, per kind with a cumulative count. `file` is matched by the server
 * as gotrace/sourceLines does (the trace's own path of the file, from a sourceLines match, matches exactly).
 */
export async function findLineEvents(
  request: RequestFn, traceId: string, file: string, line: LineNumbers, options: LineEventsOptions = {},
): Promise<LineEventsResult> {
  const limit = options.limit ?? 1000;
  const kinds = KINDS.filter((k) => (line[k]?.cumCount ?? 0) > 0);
  const skippedKinds: BlockingKind[] = [];
  let total = 0;
  let truncated = false;
  const perKind = await Promise.all(kinds.map(async (kind) => {
    try {
      const r = await request<ServerLineEvents>(Methods.lineEvents, { traceId, file, line: line.line, kind, order: 'duration', limit });
      total += r.total;
      if (r.events.length < r.total) truncated = true;
      return r.events.map((e): LineEvent => ({ goroutine: e.goroutine, timeNs: e.startNs, endNs: e.endNs, chargedNs: e.chargedNs, kind }));
    } catch {
      skippedKinds.push(kind);
      return [];
    }
  }));
  const events = perKind.flat();
  events.sort((a, b) => a.timeNs - b.timeNs || a.goroutine - b.goroutine);
  return { events, checked: events.length, total, truncated, skippedKinds };
}

/** The window to show for the events: from the first start to the last end, with 5% margins. */
export function revealWindow(events: LineEvent[], traceDurationNs: number): { startNs: number; endNs: number } {
  if (events.length === 0) return { startNs: 0, endNs: traceDurationNs };
  let s = Infinity;
  let e = -Infinity;
  for (const x of events) {
    s = Math.min(s, x.timeNs);
    e = Math.max(e, x.endNs, x.timeNs + 1);
  }
  const pad = Math.max(1000, Math.round((e - s) * 0.05));
  return { startNs: Math.max(0, s - pad), endNs: traceDurationNs > 0 ? Math.min(traceDurationNs, e + pad) : e + pad };
}
