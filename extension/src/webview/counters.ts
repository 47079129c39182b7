// Counter points (`gotrace/timeline` counter tracks: per bucket and series the min, max and last value) turned
// into step functions on common boundaries, so series can be stacked and drawn as areas. Pure, no DOM.

import type { CounterPoint } from '../protocol';

export interface Steps {
  /** Boundaries, ascending; interval i is [t[i], t[i+1]). */
  t: number[];
  /** Per series, the value over each interval (length t.length - 1). */
  v: number[][];
}

/**
 * Step functions of `nSeries` series on the union of the points' boundaries, up to `endNs`. Inside a bucket a
 * series shows its max (so a short peak stays visible when zoomed out); between buckets, the last value of the
 * bucket before. A point with timeNs = endNs is the value the window opens with.
 */
export function toSteps(points: readonly CounterPoint[], nSeries: number, endNs: number): Steps {
  const per: CounterPoint[][] = Array.from({ length: nSeries }, () => []);
  const bounds = new Set<number>();
  for (const p of points) {
    if (p.series < 0 || p.series >= nSeries) continue;
    per[p.series].push(p);
    bounds.add(p.timeNs);
    if (p.endNs > p.timeNs) bounds.add(p.endNs);
  }
  for (const s of per) s.sort((a, b) => a.timeNs - b.timeNs || a.endNs - b.endNs);
  let t = [...bounds].sort((a, b) => a - b);
  if (t.length === 0) return { t: [], v: per.map(() => []) };
  const last = t[t.length - 1];
  if (endNs > last) t.push(endNs);
  t = t.filter((x, i) => i === 0 || x > t[i - 1]);
  const v: number[][] = [];
  for (const s of per) {
    const vals: number[] = new Array(Math.max(0, t.length - 1)).fill(0);
    let k = 0; // next point of s not yet before the interval
    let current = 0; // value carried between buckets
    for (let i = 0; i + 1 < t.length; i++) {
      const a = t[i];
      // consume points that start at or before a
      let inside: CounterPoint | undefined;
      while (k < s.length && s[k].timeNs <= a) {
        const p = s[k];
        if (p.endNs > a) { inside = p; break; }
        current = p.last; // a bucket (or instant) that ended at or before a: its last value holds
        k++;
      }
      if (inside) {
        vals[i] = inside.max; // the loop takes its last value once the intervals pass its end
      } else {
        vals[i] = current;
      }
    }
    v.push(vals);
  }
  return { t, v };
}

/** The greatest stacked total of the series in `which` (or the greatest single value when not stacked). */
export function maxOf(steps: Steps, which: readonly number[], stacked: boolean): number {
  let max = 0;
  const n = Math.max(0, steps.t.length - 1);
  for (let i = 0; i < n; i++) {
    if (stacked) {
      let sum = 0;
      for (const s of which) sum += steps.v[s]?.[i] ?? 0;
      if (sum > max) max = sum;
    } else {
      for (const s of which) if ((steps.v[s]?.[i] ?? 0) > max) max = steps.v[s][i];
    }
  }
  return max;
}

/** The value of each series at time `t` (for the hover read-out), or undefined outside the steps. */
export function valuesAt(steps: Steps, t: number): number[] | undefined {
  const n = steps.t.length - 1;
  if (n <= 0 || t < steps.t[0] || t >= steps.t[n]) return undefined;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (steps.t[mid] <= t) lo = mid; else hi = mid - 1;
  }
  return steps.v.map((s) => s[lo]);
}
