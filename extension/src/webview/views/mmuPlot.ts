// The MMU plot's pure parts: Go's flag text from the page's toggles, a log-scale window axis, the utilization axis,
// ticks, and hit testing of the curve.

import { formatDuration } from '../format';

export interface MmuToggles {
  /** Per-goroutine (Go's "perProc") instead of system utilization. */
  perProc: boolean;
  stw: boolean;
  background: boolean;
  assist: boolean;
  sweep: boolean;
}

/** go tool trace's MMU page defaults: system view, STW, background workers and mark assist on, sweep off. */
export const DEFAULT_TOGGLES: MmuToggles = { perProc: false, stw: true, background: true, assist: true, sweep: false };

/** The `flags` text of gotrace/mmu (Go's names, '|'-separated, in the page's order). */
export function mmuFlags(t: MmuToggles): string {
  const names: (keyof MmuToggles)[] = ['perProc', 'stw', 'background', 'assist', 'sweep'];
  return names.filter((n) => t[n]).join('|');
}

/** The quantiles Go's "Show percentiles" asks for, and the legend of each after the MMU itself. */
export const GO_QUANTILES = [0, 1 - 0.999, 1 - 0.99, 1 - 0.95];
export function quantileLabel(q: number): string {
  const p = Math.round((1 - q) * 1000) / 10; // 99.9, 99, 95
  return `${p}th percentile MU`;
}

/** A log axis mapping [min, max] (both > 0) onto [x0, x0 + width]. */
export interface LogScale { min: number; max: number; x0: number; width: number }

export function logX(s: LogScale, v: number): number {
  const lmin = Math.log(s.min);
  const span = Math.log(s.max) - lmin;
  if (!(span > 0)) return s.x0;
  return s.x0 + ((Math.log(Math.max(v, 1e-12)) - lmin) / span) * s.width;
}

export function logInv(s: LogScale, x: number): number {
  const lmin = Math.log(s.min);
  const span = Math.log(s.max) - lmin;
  return Math.exp(lmin + ((x - s.x0) / s.width) * span);
}

/** Utilization (0..1) to y in a plot whose top is y0 and height h (1 at the top). */
export function utilY(u: number, y0: number, h: number): number {
  return y0 + (1 - Math.max(0, Math.min(1, u))) * h;
}

/** Window ticks: every power of ten (ns) in [min, max], labelled as durations ("1 µs", "10 ms"). */
export function logTicks(min: number, max: number): { v: number; label: string }[] {
  const out: { v: number; label: string }[] = [];
  if (!(min > 0) || !(max >= min)) return out;
  for (let e = Math.ceil(Math.log10(min) - 1e-9); Math.pow(10, e) <= max * (1 + 1e-9); e++) {
    const v = Math.pow(10, e);
    out.push({ v, label: formatDuration(v) });
  }
  return out;
}

/** The axis range of the points: the first and last window (at least a factor 10 apart for a usable axis). */
export function windowRange(points: readonly { windowNs: number }[]): { min: number; max: number } {
  if (points.length === 0) return { min: 1000, max: 1e9 };
  let min = Infinity;
  let max = 0;
  for (const p of points) { min = Math.min(min, p.windowNs); max = Math.max(max, p.windowNs); }
  min = Math.max(1, min);
  if (max < min * 10) max = min * 10;
  return { min, max };
}

/** The point whose window is nearest to pixel x on the scale (points in any order), or -1. */
export function nearestPoint(points: readonly { windowNs: number }[], s: LogScale, x: number): number {
  let best = -1;
  let bestD = Infinity;
  for (let i = 0; i < points.length; i++) {
    const d = Math.abs(logX(s, points[i].windowNs) - x);
    if (d < bestD) { bestD = d; best = i; }
  }
  return best;
}

/** "0.370 at 1 ms windows" */
export function describePoint(windowNs: number, mmu: number): string {
  return `MMU ${mmu.toFixed(3)} for ${formatDuration(windowNs)} windows`;
}
