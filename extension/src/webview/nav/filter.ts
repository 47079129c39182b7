// The timeline's span filter: goroutine spans of a state class and/or at least a duration are drawn as they are,
// the others dimmed (highlight rather than hide: the rows stay where they are, paged and virtualized). Pure.

import type { Span } from '../../protocol';
import { GoroutineState, reasonClass } from '../states';

export type StateFilter = 'any' | 'blocked' | 'sync' | 'net' | 'syscall' | 'sleep' | 'runnable' | 'running';
export const StateFilters: readonly StateFilter[] = ['any', 'blocked', 'sync', 'net', 'syscall', 'sleep', 'runnable', 'running'];
export const StateFilterLabels: Record<StateFilter, string> = {
  any: 'any state', blocked: 'blocked (waits, syscalls)', sync: 'sync/chan/select waits', net: 'network waits',
  syscall: 'syscalls', sleep: 'sleeps', runnable: 'runnable', running: 'running',
};

export interface SpanFilter { state: StateFilter; minDurationNs: number }

export const NO_FILTER: SpanFilter = { state: 'any', minDurationNs: 0 };

export function filterActive(f: SpanFilter): boolean {
  return f.state !== 'any' || f.minDurationNs > 0;
}

/** Which goroutine states (and, for waits, which reason class) a state filter keeps. */
function stateMatches(f: StateFilter, state: number, reason: string | undefined): boolean {
  switch (f) {
    case 'any': return true;
    case 'running': return state === GoroutineState.Running;
    case 'runnable': return state === GoroutineState.Runnable;
    case 'syscall': return state === GoroutineState.Syscall || state === GoroutineState.SyscallBlocked
      || (state === GoroutineState.Waiting && reasonClass(reason) === 'syscall');
    case 'blocked': return state === GoroutineState.Waiting || state === GoroutineState.Syscall || state === GoroutineState.SyscallBlocked;
    default: return state === GoroutineState.Waiting && reasonClass(reason) === f;
  }
}

/**
 * Whether a goroutine span passes the filter. A merged span (count > 1) stands for spans each shorter than a
 * pixel (`nsPerPixel`) and carries no reasons: it passes a duration filter only when the minimum is under a pixel,
 * and a state filter when its breakdown has time in a state the filter keeps (any wait, for the reason classes).
 */
export function spanPasses(f: SpanFilter, s: Span, nsPerPixel: number): boolean {
  if (s.count > 1) {
    if (f.minDurationNs > nsPerPixel) return false;
    if (f.state === 'any') return true;
    const ns = s.stateNs ?? [];
    return ns.some((v, state) => v > 0 && (stateMatches(f.state, state, undefined)
      || (state === GoroutineState.Waiting && f.state !== 'running' && f.state !== 'runnable')));
  }
  if (s.endNs - s.startNs < f.minDurationNs) return false;
  return stateMatches(f.state, s.state, s.reason);
}

/** How many of the spans in [startNs, endNs) pass (to dim the names of rows with none). */
export function countPassing(f: SpanFilter, spans: readonly Span[], startNs: number, endNs: number, nsPerPixel: number): number {
  let n = 0;
  for (const s of spans) {
    if (s.endNs <= startNs || s.startNs >= endNs) continue;
    if (s.state === GoroutineState.NotSeen || s.state === GoroutineState.Dead) continue;
    if (spanPasses(f, s, nsPerPixel)) n++;
  }
  return n;
}
