// Finding the span or instant under a pixel. Spans of a track are contiguous and sorted (each track covers the
// trace from start to end), instants sorted by time. Pure, no DOM.

import type { Span, Instant, TrackKind } from '../protocol';
import { drawnState } from './states';
import { type Viewport, xToTime, timeToX } from './viewport';

/** Index of the span covering `t` (startNs <= t < endNs), or -1. The last span also covers its own end. */
export function spanIndexAt(spans: readonly Pick<Span, 'startNs' | 'endNs'>[], t: number): number {
  let lo = 0;
  let hi = spans.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].startNs <= t) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  if (found < 0) return -1;
  const s = spans[found];
  if (t < s.endNs || (found === spans.length - 1 && t === s.endNs)) return found;
  return -1;
}

/**
 * The span to select at pixel `x` of a plot `widthPx` wide: the span under it when it draws something (see
 * drawnState); otherwise the nearest non-empty span whose drawn extent is within `tolPx` pixels (thin spans are hard to
 * hit). -1 when there is none.
 */
export function spanAtPixel(
  kind: TrackKind, spans: readonly Span[], vp: Viewport, widthPx: number, x: number, tolPx = 3,
): number {
  if (spans.length === 0) return -1;
  const t = xToTime(vp, widthPx, x);
  const i = spanIndexAt(spans, t);
  if (i >= 0 && drawnState(kind, spans[i]) >= 0) return i;
  // look left and right for the nearest drawn span within the tolerance
  let best = -1;
  let bestDist = tolPx + 1e-9;
  const centre = i >= 0 ? i : nearestByTime(spans, t);
  for (let k = Math.max(0, centre - 8); k <= Math.min(spans.length - 1, centre + 8); k++) {
    const s = spans[k];
    if (drawnState(kind, s) < 0) continue;
    const x0 = timeToX(vp, widthPx, s.startNs);
    const x1 = Math.max(x0 + 1, timeToX(vp, widthPx, s.endNs));
    const d = x < x0 ? x0 - x : x > x1 ? x - x1 : 0;
    if (d < bestDist) { bestDist = d; best = k; }
  }
  return best;
}

function nearestByTime(spans: readonly Span[], t: number): number {
  if (t <= spans[0].startNs) return 0;
  if (t >= spans[spans.length - 1].endNs) return spans.length - 1;
  let lo = 0;
  let hi = spans.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (spans[mid].startNs <= t) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** The instant nearest to pixel `x` within `tolPx` (a bucket covers [timeNs, endNs]), or -1. */
export function instantAtPixel(instants: readonly Instant[], vp: Viewport, widthPx: number, x: number, tolPx = 4): number {
  let best = -1;
  let bestDist = tolPx + 1e-9;
  // binary search the first instant whose end is at or after the time tolPx to the left
  const tLeft = xToTime(vp, widthPx, x - tolPx);
  let lo = 0;
  let hi = instants.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (instants[mid].endNs < tLeft) lo = mid + 1; else hi = mid;
  }
  for (let k = lo; k < instants.length; k++) {
    const it = instants[k];
    const x0 = timeToX(vp, widthPx, it.timeNs);
    if (x0 > x + tolPx) break;
    const x1 = timeToX(vp, widthPx, it.endNs);
    const d = x < x0 ? x0 - x : x > x1 ? x - x1 : 0;
    if (d < bestDist) { bestDist = d; best = k; }
  }
  return best;
}

/** The span of a track that covers `t`, if any (for the `reveal` and test hook look-ups). */
export function spanCovering<T extends Pick<Span, 'startNs' | 'endNs'>>(spans: readonly T[], t: number): T | undefined {
  const i = spanIndexAt(spans, t);
  return i >= 0 ? spans[i] : undefined;
}
