// Causality arrows: for the goroutine rows in view, a Runnable span whose reason is "unblocked" names the goroutine
// that unblocked it (`goroutine`) and starts at the unblock; "created" names the creator likewise. Each becomes an
// arrow from the source goroutine's row at that time to the target row, when both rows are drawn. Pure, no DOM.

import type { Span } from '../../protocol';
import { GoroutineState } from '../states';

export interface ArrowRow {
  goroutine: number;
  /** Centre of the row's main track, in content or canvas px (whatever the caller draws in). */
  y: number;
  spans: readonly Span[];
}

export interface FlowArrow {
  kind: 'unblock' | 'create';
  from: number;
  to: number;
  timeNs: number;
  fromY: number;
  toY: number;
}

export interface FlowArrows {
  arrows: FlowArrow[];
  /** Relations in the window whose source row is not drawn (not counted in `arrows`). */
  offscreen: number;
  /** Relations left out because of `limit`. */
  dropped: number;
}

/** The arrows of the rows' relations in [startNs, endNs], at most `limit` (the earliest). */
export function flowArrows(rows: readonly ArrowRow[], startNs: number, endNs: number, limit = 300): FlowArrows {
  const yOf = new Map<number, number>();
  for (const r of rows) if (!yOf.has(r.goroutine)) yOf.set(r.goroutine, r.y);
  const all: FlowArrow[] = [];
  let offscreen = 0;
  for (const r of rows) {
    for (const s of r.spans) {
      if (s.count !== 1 || s.state !== GoroutineState.Runnable || s.goroutine < 0) continue;
      if (s.reason !== 'unblocked' && s.reason !== 'created') continue;
      if (s.startNs < startNs || s.startNs > endNs) continue;
      const fromY = yOf.get(s.goroutine);
      if (fromY === undefined) { offscreen++; continue; }
      if (s.goroutine === r.goroutine) continue;
      all.push({ kind: s.reason === 'created' ? 'create' : 'unblock', from: s.goroutine, to: r.goroutine, timeNs: s.startNs, fromY, toY: r.y });
    }
  }
  all.sort((a, b) => a.timeNs - b.timeNs || a.to - b.to);
  const arrows = all.slice(0, limit);
  return { arrows, offscreen, dropped: all.length - arrows.length };
}
