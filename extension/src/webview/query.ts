// Which tracks a `gotrace/timeline` query asks for: exactly those of the visible rows (plus the lane probes of
// their goroutines). Also the per-goroutine lane bookkeeping: a goroutine's region lanes (one per nesting depth)
// and range lanes (mark assists...) are drawn under its row. `gotrace/goroutines` items may say how many there are
// (`regionLanes`/`rangeLanes`); when they do not, lanes are found by asking for lane N: a lane that does not exist
// comes back with no spans at all (an existing lane always has spans: tracks cover the whole trace).
// Pure, no DOM.

import type { GoroutineItem, TrackRef } from '../protocol';
import { type VisibleRow, trackKey } from './layout';
import type { QueryWindow } from './viewport';

export interface LaneInfo {
  regions: number;
  ranges: number;
  regionsKnown: boolean;
  rangesKnown: boolean;
}

type ItemWithLanes = GoroutineItem & { regionLanes?: number; rangeLanes?: number };

export class LaneRegistry {
  private readonly m = new Map<number, LaneInfo>();

  info(id: number): LaneInfo {
    let i = this.m.get(id);
    if (!i) { i = { regions: 0, ranges: 0, regionsKnown: false, rangesKnown: false }; this.m.set(id, i); }
    return i;
  }

  /** Takes the lane counts a goroutine item carries, if the server sends them. */
  fromItem(item: ItemWithLanes): void {
    const i = this.info(item.id);
    if (typeof item.regionLanes === 'number') { i.regions = item.regionLanes; i.regionsKnown = true; }
    if (typeof item.rangeLanes === 'number') { i.ranges = item.rangeLanes; i.rangesKnown = true; }
  }

  /** Lanes drawn under the goroutine's row (known so far). */
  lanes(id: number): number {
    const i = this.m.get(id);
    return i ? i.regions + i.ranges : 0;
  }

  /** The lane tracks to ask for: the known lanes and, while not known, the next lane as a probe. */
  tracks(id: number): TrackRef[] {
    const i = this.info(id);
    const out: TrackRef[] = [];
    const nRegions = i.regionsKnown ? i.regions : i.regions + 1;
    for (let l = 0; l < nRegions; l++) out.push({ kind: 'regions', id, lane: l });
    const nRanges = i.rangesKnown ? i.ranges : i.ranges + 1;
    for (let l = 0; l < nRanges; l++) out.push({ kind: 'goroutineRanges', id, lane: l });
    return out;
  }

  /** Learns from an answered lane track; true when the goroutine's lane count changed. */
  observe(track: TrackRef, spanCount: number): boolean {
    if (track.kind !== 'regions' && track.kind !== 'goroutineRanges') return false;
    const id = track.id ?? 0;
    const lane = track.lane ?? 0;
    const i = this.info(id);
    if (track.kind === 'regions') {
      if (i.regionsKnown) return false;
      if (spanCount > 0 && lane >= i.regions) { i.regions = lane + 1; return true; }
      if (spanCount === 0 && lane >= i.regions) i.regionsKnown = true;
    } else {
      if (i.rangesKnown) return false;
      if (spanCount > 0 && lane >= i.ranges) { i.ranges = lane + 1; return true; }
      if (spanCount === 0 && lane >= i.ranges) i.rangesKnown = true;
    }
    return false;
  }

  /** Which drawn lane (0-based under the row) a lane track is, or -1. */
  laneIndex(track: TrackRef): number {
    const id = track.id ?? 0;
    const i = this.m.get(id);
    if (!i) return -1;
    const lane = track.lane ?? 0;
    if (track.kind === 'regions') return lane < i.regions ? lane : -1;
    if (track.kind === 'goroutineRanges') return lane < i.ranges ? i.regions + lane : -1;
    return -1;
  }

  /** The track drawn in lane `n` under goroutine `id`. */
  laneTrack(id: number, n: number): TrackRef | undefined {
    const i = this.m.get(id);
    if (!i) return undefined;
    if (n < i.regions) return { kind: 'regions', id, lane: n };
    if (n < i.regions + i.ranges) return { kind: 'goroutineRanges', id, lane: n - i.regions };
    return undefined;
  }
}

export interface TrackOptions {
  /** The goroutine in a slot, when its page is loaded. */
  goroutineAt(group: string, slot: number): GoroutineItem | undefined;
  lanes: LaneRegistry;
  /** Ask for each visible goroutine's CPU samples / logs (only when the trace has any). */
  goroutineSamples: boolean;
  goroutineLogs: boolean;
}

/** The tracks of the visible rows, without duplicates, in row order. */
export function tracksForRows(rows: readonly VisibleRow[], o: TrackOptions): TrackRef[] {
  const out: TrackRef[] = [];
  const seen = new Set<string>();
  const add = (t: TrackRef) => {
    const k = trackKey(t);
    if (!seen.has(k)) { seen.add(k); out.push(t); }
  };
  for (const { row } of rows) {
    if (row.type === 'track') add(row.track);
    else if (row.type === 'goroutine') {
      const g = o.goroutineAt(row.group, row.slot);
      if (!g) continue;
      add({ kind: 'goroutine', id: g.id, lane: 0 });
      for (const t of o.lanes.tracks(g.id)) add(t);
      if (o.goroutineSamples) add({ kind: 'cpuSamples', id: g.id, lane: 0 });
      if (o.goroutineLogs) add({ kind: 'logs', id: g.id, lane: 0 });
    }
  }
  return out;
}

/** The scheduler key of a query: same window, resolution and tracks, same answer. */
export function queryKey(w: QueryWindow, tracks: readonly TrackRef[]): string {
  return `${w.startNs}-${w.endNs}@${w.nsPerPixel}|${tracks.map(trackKey).join(',')}`;
}
