// The visible time window and its math: zoom, pan, clamping, pixel <-> time, the resolution and window sent to
// `gotrace/timeline`, and the ticks of the time axis. Times are ns since the trace start. Pure, no DOM.

export interface Viewport {
  /** First visible ns (may be fractional: smooth zoom needs sub-ns precision at deep zoom). */
  startNs: number;
  /** Last visible ns (exclusive). */
  endNs: number;
}

/** The narrowest window we zoom to: a few trace clock ticks (timestamps are multiples of 64 ns). */
export const MIN_WINDOW_NS = 200;
/** `gotrace/timeline` caps a query at this many pixels (MaxPixels). */
export const MAX_QUERY_PIXELS = 65536;

export function windowNs(vp: Viewport): number {
  return vp.endNs - vp.startNs;
}

/** Keeps the window inside [0, durationNs] and at least MIN_WINDOW_NS wide (or the whole trace when shorter). */
export function clampViewport(vp: Viewport, durationNs: number): Viewport {
  const dur = Math.max(1, durationNs);
  let w = windowNs(vp);
  if (!Number.isFinite(w) || w <= 0) w = dur;
  w = Math.min(dur, Math.max(Math.min(MIN_WINDOW_NS, dur), w));
  let start = Number.isFinite(vp.startNs) ? vp.startNs : 0;
  if (start < 0) start = 0;
  if (start + w > dur) start = dur - w;
  return { startNs: start, endNs: start + w };
}

export function fullViewport(durationNs: number): Viewport {
  return { startNs: 0, endNs: Math.max(1, durationNs) };
}

/**
 * Zooms by `factor` (< 1 zooms in, > 1 out) keeping the time under `anchorFrac` (0 = left edge, 1 = right edge of
 * the plot) in place.
 */
export function zoomAt(vp: Viewport, factor: number, anchorFrac: number, durationNs: number): Viewport {
  const w = windowNs(vp);
  const frac = Math.min(1, Math.max(0, anchorFrac));
  const anchor = vp.startNs + frac * w;
  const nw = Math.min(Math.max(1, durationNs), Math.max(Math.min(MIN_WINDOW_NS, durationNs), w * factor));
  return clampViewport({ startNs: anchor - frac * nw, endNs: anchor - frac * nw + nw }, durationNs);
}

/** Moves the window by `deltaNs` (positive: later), keeping its width. */
export function panBy(vp: Viewport, deltaNs: number, durationNs: number): Viewport {
  return clampViewport({ startNs: vp.startNs + deltaNs, endNs: vp.endNs + deltaNs }, durationNs);
}

/** The window showing [a, b] with `padFrac` of its width as margin on each side. */
export function zoomToRange(a: number, b: number, durationNs: number, padFrac = 0): Viewport {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const w = Math.max(hi - lo, 1);
  const pad = w * padFrac;
  const want = Math.max(w + 2 * pad, MIN_WINDOW_NS);
  const mid = (lo + hi) / 2;
  return clampViewport({ startNs: mid - want / 2, endNs: mid + want / 2 }, durationNs);
}

/** Centres `t` in the window (same width). */
export function centreOn(vp: Viewport, t: number, durationNs: number): Viewport {
  const w = windowNs(vp);
  return clampViewport({ startNs: t - w / 2, endNs: t + w / 2 }, durationNs);
}

export function timeToX(vp: Viewport, widthPx: number, t: number): number {
  return ((t - vp.startNs) / windowNs(vp)) * widthPx;
}

export function xToTime(vp: Viewport, widthPx: number, x: number): number {
  return vp.startNs + (x / Math.max(1, widthPx)) * windowNs(vp);
}

/** What to ask `gotrace/timeline` for: whole ns, the visible window only, integer ns per pixel (>= 1). */
export interface QueryWindow { startNs: number; endNs: number; nsPerPixel: number }

export function queryWindow(vp: Viewport, widthPx: number, durationNs: number): QueryWindow {
  const px = Math.max(1, Math.min(MAX_QUERY_PIXELS, Math.round(widthPx)));
  let startNs = Math.max(0, Math.floor(vp.startNs));
  let endNs = Math.min(Math.max(1, Math.ceil(durationNs)), Math.ceil(vp.endNs));
  if (endNs <= startNs) endNs = startNs + 1;
  const nsPerPixel = Math.max(1, Math.floor((endNs - startNs) / px));
  return { startNs, endNs, nsPerPixel };
}

export function sameQuery(a: QueryWindow | undefined, b: QueryWindow | undefined): boolean {
  return !!a && !!b && a.startNs === b.startNs && a.endNs === b.endNs && a.nsPerPixel === b.nsPerPixel;
}

/** Tick step (1, 2 or 5 times a power of ten, in ns) so that ticks are at least `minSpacingPx` apart. */
export function tickStep(vp: Viewport, widthPx: number, minSpacingPx = 90): number {
  const nsPerPx = windowNs(vp) / Math.max(1, widthPx);
  const minStep = Math.max(1, nsPerPx * minSpacingPx);
  const pow = Math.pow(10, Math.floor(Math.log10(minStep)));
  for (const m of [1, 2, 5, 10]) {
    if (m * pow >= minStep - 1e-9 * minStep) return m * pow;
  }
  return 10 * pow;
}

/** The ticks inside the window (multiples of the step). */
export function ticks(vp: Viewport, widthPx: number, minSpacingPx = 90): { step: number; times: number[] } {
  const step = tickStep(vp, widthPx, minSpacingPx);
  const times: number[] = [];
  const first = Math.ceil(vp.startNs / step) * step;
  for (let t = first; t <= vp.endNs && times.length < 1000; t += step) times.push(t);
  return { step, times };
}

/** The window a wheel / key zoom step multiplies by. */
export const ZOOM_STEP = 0.8;
/** Fraction of the window a pan key moves it. */
export const PAN_STEP = 0.2;

/** Zoom factor for a wheel delta (pixels; trackpads send small deltas, mice ~100 per notch). */
export function wheelZoomFactor(deltaY: number): number {
  const clamped = Math.max(-300, Math.min(300, deltaY));
  return Math.pow(ZOOM_STEP, -clamped / 100);
}
