// What a span's state means and which colour class draws it. State numbers are those of the server's timeline
// (server/GoTrace.Analysis/Timeline/TimelineModel.cs and its README): per track kind an enum, sent as a number.
// Pure, no DOM.

import type { TrackKind } from '../protocol';

export const GoroutineState = {
  NotSeen: 0, Runnable: 1, Running: 2, Syscall: 3, SyscallBlocked: 4, Waiting: 5, Dead: 6,
} as const;
export const ProcActivity = { NotSeen: 0, Idle: 1, Scheduling: 2, Running: 3, Syscall: 4 } as const;
export const ThreadActivity = { Idle: 0, Running: 1, Syscall: 2, SyscallBlocked: 3 } as const;
export const RangeState = { Empty: 0, Range: 1 } as const;

/** Names of each state category, by track kind (what the details pane prints for a merged span's breakdown). */
export function stateNames(kind: TrackKind): string[] {
  switch (kind) {
    case 'goroutine': return ['not seen', 'runnable', 'running', 'syscall', 'syscall (blocked)', 'waiting', 'dead'];
    case 'proc': return ['not seen', 'idle', 'scheduling', 'running', 'syscall'];
    case 'thread': return ['idle', 'running', 'syscall', 'syscall (no P)'];
    default: return ['empty', 'range'];
  }
}

/** Why a goroutine waits, in the classes the timeline colours. */
export type ReasonClass = 'sync' | 'net' | 'syscall' | 'sleep' | 'gc' | 'other';

/**
 * The class of a block reason as the runtime writes it (Go's traceBlockReasonStrings, and the legacy converter's
 * names): channel, select, mutex, cond, WaitGroup... are `sync`; "network" is `net`; "sleep"; everything about the
 * GC is `gc`; the rest (forever, system goroutine wait, preempted, unspecified, debug call) is `other`.
 */
export function reasonClass(reason: string | undefined): ReasonClass {
  if (!reason) return 'other';
  const r = reason.toLowerCase();
  if (r.startsWith('chan ') || r === 'select' || r.startsWith('select ') || r === 'sync' || r.startsWith('sync.')
    || r.startsWith('sync ') || r === 'synctest') return 'sync';
  if (r === 'network' || r.startsWith('net')) return 'net';
  if (r.includes('syscall')) return 'syscall';
  if (r === 'sleep') return 'sleep';
  if (r.startsWith('gc ') || r.includes('until gc ends') || r.includes('gc weak')) return 'gc';
  return 'other';
}

/**
 * Colour classes. The palette (theme.ts) maps each to a VS Code theme colour; `none` is not drawn.
 */
export type ColorClass =
  | 'none' | 'running' | 'runnable' | 'syscall' | 'syscallBlocked'
  | 'waitSync' | 'waitNet' | 'waitSyscall' | 'waitSleep' | 'waitGC' | 'waitOther' | 'waiting'
  | 'idle' | 'scheduling' | 'gc' | 'stw' | 'sweep' | 'assist' | 'task' | 'region';

export const ColorClasses: readonly ColorClass[] = [
  'none', 'running', 'runnable', 'syscall', 'syscallBlocked', 'waitSync', 'waitNet', 'waitSyscall', 'waitSleep',
  'waitGC', 'waitOther', 'waiting', 'idle', 'scheduling', 'gc', 'stw', 'sweep', 'assist', 'task', 'region',
];

const waitClass: Record<ReasonClass, ColorClass> = {
  sync: 'waitSync', net: 'waitNet', syscall: 'waitSyscall', sleep: 'waitSleep', gc: 'waitGC', other: 'waitOther',
};

/**
 * The colour class of a span. `merged` spans carry no reason (they stand for many spans): a merged Waiting span is
 * drawn in the generic `waiting` colour.
 */
export function colorClass(kind: TrackKind, state: number, reason?: string, merged = false): ColorClass {
  switch (kind) {
    case 'goroutine':
      switch (state) {
        case GoroutineState.Runnable: return 'runnable';
        case GoroutineState.Running: return 'running';
        case GoroutineState.Syscall: return 'syscall';
        case GoroutineState.SyscallBlocked: return 'syscallBlocked';
        case GoroutineState.Waiting: return merged ? 'waiting' : waitClass[reasonClass(reason)];
        default: return 'none';
      }
    case 'proc':
      switch (state) {
        case ProcActivity.Scheduling: return 'scheduling';
        case ProcActivity.Running: return 'running';
        case ProcActivity.Syscall: return 'syscall';
        default: return 'none';
      }
    case 'thread':
      switch (state) {
        case ThreadActivity.Running: return 'running';
        case ThreadActivity.Syscall: return 'syscall';
        case ThreadActivity.SyscallBlocked: return 'syscallBlocked';
        default: return 'none';
      }
    case 'gc': return state === RangeState.Range ? 'gc' : 'none';
    case 'stw': return state === RangeState.Range ? 'stw' : 'none';
    case 'procRanges': return state === RangeState.Range ? 'sweep' : 'none';
    case 'goroutineRanges': return state === RangeState.Range ? 'assist' : 'none';
    case 'tasks': return state === RangeState.Range ? 'task' : 'none';
    case 'regions': return state === RangeState.Range ? 'region' : 'none';
    default: return 'none';
  }
}

/** True for a state that is nothing to select (before/after a goroutine's life, an idle P, an empty lane). */
export function isEmptyState(kind: TrackKind, state: number): boolean {
  return colorClass(kind, state, undefined, true) === 'none';
}

/**
 * A blocking span: the goroutine waited on something its code asked for (a channel, select, mutex, the network)
 * or sat in a syscall. Clicking one opens the Go line that blocked.
 */
export function isBlockingSpan(state: number, reason?: string): boolean {
  if (state === GoroutineState.Syscall || state === GoroutineState.SyscallBlocked) return true;
  if (state !== GoroutineState.Waiting) return false;
  const c = reasonClass(reason);
  return c === 'sync' || c === 'net' || c === 'syscall';
}

/** The same test on the state name `gotrace/goroutineStack` returns ("Waiting", "SyscallBlocked", ...). */
export function isBlockingStateName(state: string, reason?: string): boolean {
  const n = (GoroutineState as Record<string, number>)[state];
  return n !== undefined && isBlockingSpan(n, reason);
}

/**
 * The dominant state of a merged span: the category with the most time in `stateNs` (the first on a tie, as the
 * server picks it). -1 when there is no time at all.
 */
export function dominantState(stateNs: readonly number[] | undefined): number {
  if (!stateNs) return -1;
  let best = -1;
  let bestNs = 0;
  for (let i = 0; i < stateNs.length; i++) {
    if (stateNs[i] > bestNs) { best = i; bestNs = stateNs[i]; }
  }
  return best;
}

/**
 * The state a span is drawn in, or -1 when it draws nothing. A raw span: its state unless empty. A merged span:
 * the state with the most time among the states that are drawn (a thousand short goroutines merged at a coarse
 * zoom are mostly "not seen" or "dead" by time, yet they ran: the sliver shows that, hatched as merged).
 */
export function drawnState(kind: TrackKind, span: { state: number; count: number; stateNs?: readonly number[] }): number {
  if (span.count <= 1 || !span.stateNs) return isEmptyState(kind, span.state) ? -1 : span.state;
  let best = -1;
  let bestNs = 0;
  span.stateNs.forEach((ns, i) => {
    if (ns > bestNs && !isEmptyState(kind, i)) { best = i; bestNs = ns; }
  });
  return best;
}

/** The share of a merged span's time spent in drawn (non-empty) states, 0..1 (1 for a raw span). */
export function drawnShare(kind: TrackKind, span: { state: number; count: number; stateNs?: readonly number[] }): number {
  if (span.count <= 1 || !span.stateNs) return isEmptyState(kind, span.state) ? 0 : 1;
  let total = 0;
  let drawn = 0;
  span.stateNs.forEach((ns, i) => { total += ns; if (!isEmptyState(kind, i)) drawn += ns; });
  return total > 0 ? drawn / total : 0;
}

/** A merged span's time per state, largest first, without the empty ones: what the details pane lists. */
export function stateBreakdown(kind: TrackKind, stateNs: readonly number[]): { state: number; name: string; ns: number }[] {
  const names = stateNames(kind);
  const out: { state: number; name: string; ns: number }[] = [];
  stateNs.forEach((ns, i) => { if (ns > 0) out.push({ state: i, name: names[i] ?? `state ${i}`, ns }); });
  out.sort((a, b) => b.ns - a.ns || a.state - b.state);
  return out;
}

/** A human name for the colour class (legend). */
export const ColorClassLabel: Record<ColorClass, string> = {
  none: '', running: 'running', runnable: 'runnable', syscall: 'syscall', syscallBlocked: 'syscall (blocked)',
  waitSync: 'blocked: sync/chan/select', waitNet: 'blocked: network', waitSyscall: 'blocked: syscall',
  waitSleep: 'sleep', waitGC: 'waiting for GC', waitOther: 'waiting (other)', waiting: 'waiting (merged)',
  idle: 'idle', scheduling: 'scheduling', gc: 'GC', stw: 'stop-the-world', sweep: 'sweep', assist: 'mark assist',
  task: 'task', region: 'region',
};
