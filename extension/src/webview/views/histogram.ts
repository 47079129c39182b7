// Duration histograms of the analysis views, pure: the power-of-two buckets of a blocking site (gotrace/blockingSites
// `histogram`) and Go's latency buckets of tasks and regions (gotrace/taskTypes, regionTypes), filled in between the
// first and the last bucket so that gaps show, with bar geometry.

import { formatDuration } from '../format';

export interface Bucket { minNs: number; maxNs: number; count: number; label?: string; bucket?: number }

/** Power-of-two buckets [2^k, 2^(k+1)) from the first to the last given one, the missing ones with count 0. */
export function fillPow2(hist: readonly { minNs: number; maxNs: number; count: number }[]): Bucket[] {
  if (hist.length === 0) return [];
  const sorted = hist.slice().sort((a, b) => a.minNs - b.minNs);
  const out: Bucket[] = [];
  for (const b of sorted) {
    const prev = out[out.length - 1];
    if (prev) {
      // add the empty buckets between prev and b (each twice the previous)
      let min = prev.maxNs;
      while (min < b.minNs && out.length < 128) {
        const max = min > 0 ? min * 2 : 1;
        out.push({ minNs: min, maxNs: Math.min(max, b.minNs), count: 0 });
        min = Math.min(max, b.minNs);
      }
    }
    out.push({ minNs: b.minNs, maxNs: b.maxNs, count: b.count });
  }
  return out;
}

/**
 * Go's latency buckets (fixed ratio between consecutive bounds), from the first to the last given one: a missing
 * bucket gets bounds interpolated geometrically between its known neighbours, and its label from formatDuration.
 */
export function fillGoBuckets(hist: readonly { bucket: number; minNs: number; maxNs: number; label: string; count: number }[]): Bucket[] {
  if (hist.length === 0) return [];
  const sorted = hist.slice().sort((a, b) => a.bucket - b.bucket);
  const out: Bucket[] = [];
  for (const b of sorted) {
    const prev = out[out.length - 1];
    if (prev && prev.bucket !== undefined && b.bucket > prev.bucket + 1) {
      // the ratio between consecutive bounds, from the two known buckets around the gap (geometric interpolation)
      const a = prev.bucket;
      const ratio = Math.pow(b.minNs / Math.max(1, prev.minNs), 1 / (b.bucket - a));
      const bound = (k: number) => (k === a + 1 ? prev.maxNs : k === b.bucket ? b.minNs : Math.round(prev.minNs * Math.pow(ratio, k - a)));
      for (let k = a + 1; k < b.bucket; k++) {
        const min = bound(k);
        out.push({ bucket: k, minNs: min, maxNs: bound(k + 1), count: 0, label: formatDuration(min) });
      }
    }
    out.push({ bucket: b.bucket, minNs: b.minNs, maxNs: b.maxNs, count: b.count, label: b.label });
  }
  return out;
}

/** "1.05 ms – 2.1 ms" */
export function rangeLabel(minNs: number, maxNs: number): string {
  return `${formatDuration(minNs)} – ${formatDuration(maxNs)}`;
}

/** Bar lengths in pixels proportional to the counts (largest = maxPx); a non-empty bucket is at least minPx. */
export function barLengths(counts: readonly number[], maxPx: number, minPx = 1): number[] {
  const top = Math.max(0, ...counts);
  if (top <= 0) return counts.map(() => 0);
  return counts.map((c) => (c <= 0 ? 0 : Math.max(minPx, Math.round((c / top) * maxPx))));
}

export interface BarRect { x: number; y: number; w: number; h: number }

/**
 * Vertical bars of `counts` in a box of width × height: equal widths, `gap` px between, bottoms aligned at the box's
 * bottom (y grows downwards). Widths are at least 1 px; bars of zero count have h = 0.
 */
export function verticalBars(counts: readonly number[], width: number, height: number, gap = 1): BarRect[] {
  const n = counts.length;
  if (n === 0) return [];
  const w = Math.max(1, (width - gap * (n - 1)) / n);
  const hs = barLengths(counts, height, 1);
  return counts.map((_, i) => ({ x: i * (w + gap), y: height - hs[i], w, h: hs[i] }));
}

/** The bar under x (within a gap the nearest), or -1. */
export function barAt(bars: readonly BarRect[], x: number): number {
  let best = -1;
  let bestD = Infinity;
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i];
    const d = x < b.x ? b.x - x : x > b.x + b.w ? x - (b.x + b.w) : 0;
    if (d < bestD) { bestD = d; best = i; }
  }
  return bestD <= 2 ? best : -1;
}
