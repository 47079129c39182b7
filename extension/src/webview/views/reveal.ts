// What the analysis views ask the timeline to show: a window around some intervals and the spans to outline. Pure.

import type { RevealRequest } from './context';

export interface Interval { goroutine: number; startNs: number; endNs: number }

/** The window holding every interval, with 5% margins (at least 1 µs), clipped to the trace. */
export function windowOf(intervals: readonly { startNs: number; endNs: number }[], durationNs: number): { startNs: number; endNs: number } {
  if (intervals.length === 0) return { startNs: 0, endNs: durationNs };
  let a = Infinity;
  let b = -Infinity;
  for (const i of intervals) { a = Math.min(a, i.startNs); b = Math.max(b, i.endNs, i.startNs + 1); }
  const pad = Math.max(1000, Math.round((b - a) * 0.05));
  return { startNs: Math.max(0, a - pad), endNs: Math.min(durationNs, b + pad) };
}

/** The middle of an interval (the time whose span the timeline outlines). */
export function midpoint(i: { startNs: number; endNs: number }): number {
  return Math.floor((i.startNs + Math.max(i.startNs, i.endNs)) / 2);
}

/** Reveals intervals of goroutines (waits of a site, regions): the window over all, each outlined. */
export function revealIntervals(intervals: readonly Interval[], durationNs: number, label: string): RevealRequest {
  const w = windowOf(intervals, durationNs);
  const spans = intervals.map((i) => ({ goroutine: i.goroutine, timeNs: midpoint(i) }));
  return { startNs: w.startNs, endNs: w.endNs, spans, label };
}

/**
 * Reveals a task: its whole interval, and on each goroutine that worked for it the span at its first event (so
 * every goroutine's row is outlined once, in the order they joined the task).
 */
export function revealTask(task: { startNs: number; endNs: number; goroutines: readonly number[]; events: readonly { timeNs: number; goroutine: number }[] },
  durationNs: number, label: string): RevealRequest {
  const w = windowOf([{ startNs: task.startNs, endNs: task.endNs }], durationNs);
  const seen = new Set<number>();
  const spans: { goroutine: number; timeNs: number }[] = [];
  for (const e of task.events) {
    if (e.goroutine <= 0 || seen.has(e.goroutine)) continue;
    seen.add(e.goroutine);
    spans.push({ goroutine: e.goroutine, timeNs: e.timeNs });
  }
  for (const g of task.goroutines) {
    if (seen.has(g) || g <= 0) continue;
    seen.add(g);
    spans.push({ goroutine: g, timeNs: Math.max(task.startNs, 0) });
  }
  return { startNs: w.startNs, endNs: w.endNs, spans, label };
}

/** A window of the MMU (absolute trace-clock start, as gotrace/mmu's worst windows) as a reveal of its range. */
export function revealWindow(timeNs: number, windowNs: number, durationNs: number, label: string): RevealRequest {
  const a = Math.max(0, timeNs);
  const b = Math.min(durationNs, a + windowNs);
  const w = windowOf([{ startNs: a, endNs: b }], durationNs);
  return { startNs: w.startNs, endNs: w.endNs, spans: [], label };
}
