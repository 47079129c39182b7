// The rows of the timeline and their vertical layout, virtualized: a trace may have millions of goroutines, so
// goroutine rows are never materialized; a group's body is `count` slots of a base height, plus the extra height of
// the few slots whose goroutine has region/range lanes (kept sparse). Pure, no DOM.

import type { TrackRef, TrackKind, GoroutineGroup, GoroutinesParams } from '../protocol';

export type SortOrder = NonNullable<GoroutinesParams['orderBy']>;
export const SortOrders: readonly SortOrder[] = ['id', 'execTime', 'blockTime', 'schedWaitTime', 'syscallTime'];
export const SortLabels: Record<SortOrder, string> = {
  id: 'ID', group: 'group', execTime: 'execution time', blockTime: 'block time', schedWaitTime: 'scheduler wait',
  syscallTime: 'syscall time',
};

export type SectionId = 'overview' | 'procs' | 'threads' | 'goroutines';

/** How a fixed track row is drawn. */
export type RowStyle = 'spans' | 'lane' | 'counter' | 'instants';

export interface SectionRow {
  type: 'section'; key: string; id: SectionId; label: string; collapsed: boolean; count: number; height: number;
}
export interface TrackRow {
  type: 'track'; key: string; label: string; track: TrackRef; style: RowStyle; height: number; indent: number;
  /** Counter rows: how the series are drawn. */
  counter?: 'heap' | 'stacked';
}
export interface GroupRow {
  type: 'group'; key: string; name: string; count: number; collapsed: boolean; height: number;
}
export type FixedRow = SectionRow | TrackRow | GroupRow;

/** A goroutine slot: the `slot`-th goroutine of `group` in the current order (its ID is known once paged in). */
export interface GoroutineSlotRow {
  type: 'goroutine'; key: string; group: string; slot: number; lanes: number; height: number;
}
export type AnyRow = FixedRow | GoroutineSlotRow;

export interface VisibleRow { y: number; height: number; row: AnyRow }

export const RowHeights = {
  section: 22, group: 20, goroutine: 20, lane: 12, span: 18, counter: 44, instants: 14, thread: 16,
} as const;

export function trackKey(t: TrackRef): string {
  return `${t.kind}:${t.id ?? 0}:${t.lane ?? 0}`;
}

export function parseTrackKey(key: string): TrackRef | undefined {
  const m = /^([a-zA-Z]+):(-?\d+):(\d+)$/.exec(key);
  if (!m) return undefined;
  return { kind: m[1] as TrackKind, id: Number(m[2]), lane: Number(m[3]) };
}

/**
 * One group's goroutines: `count` slots of `rowH` pixels; slots with lanes are taller by `lanes * laneH`.
 * Positions are relative to the body's top. top() and slotAt() are O(log count · log k) for k slots with lanes.
 */
export class GroupBody {
  private readonly lanes = new Map<number, number>();
  private sorted: number[] = [];
  private prefix: number[] = [0];
  private dirty = false;

  constructor(readonly group: string, readonly count: number, readonly rowH = RowHeights.goroutine,
    readonly laneH = RowHeights.lane) {}

  /** Sets the lanes under slot `slot`; true when its height changed. */
  setLanes(slot: number, n: number): boolean {
    if (slot < 0 || slot >= this.count) return false;
    const old = this.lanes.get(slot) ?? 0;
    if (old === n) return false;
    if (n > 0) this.lanes.set(slot, n); else this.lanes.delete(slot);
    this.dirty = true;
    return true;
  }

  lanesOf(slot: number): number { return this.lanes.get(slot) ?? 0; }

  private rebuild(): void {
    if (!this.dirty) return;
    this.sorted = [...this.lanes.keys()].sort((a, b) => a - b);
    this.prefix = [0];
    for (const s of this.sorted) this.prefix.push(this.prefix[this.prefix.length - 1] + this.lanes.get(s)! * this.laneH);
    this.dirty = false;
  }

  /** Extra height of the slots before `slot`. */
  private extraBefore(slot: number): number {
    this.rebuild();
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid] < slot) lo = mid + 1; else hi = mid;
    }
    return this.prefix[lo];
  }

  height(): number {
    this.rebuild();
    return this.count * this.rowH + this.prefix[this.prefix.length - 1];
  }

  top(slot: number): number {
    return slot * this.rowH + this.extraBefore(slot);
  }

  slotHeight(slot: number): number {
    return this.rowH + this.lanesOf(slot) * this.laneH;
  }

  /** The slot at `offset` pixels below the body's top (clamped to the body). */
  slotAt(offset: number): number {
    if (this.count === 0) return -1;
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.top(mid) <= offset) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
}

export type Block = { type: 'rows'; rows: FixedRow[] } | { type: 'body'; body: GroupBody };

/** The whole row list: blocks of fixed rows and group bodies, with their offsets. */
export class RowLayout {
  private tops: number[] = [];
  private total = 0;

  constructor(readonly blocks: Block[]) { this.measure(); }

  /** Recomputes block offsets (after lanes changed in a body). */
  measure(): void {
    this.tops = [];
    let y = 0;
    for (const b of this.blocks) {
      this.tops.push(y);
      y += b.type === 'rows' ? b.rows.reduce((h, r) => h + r.height, 0) : b.body.height();
    }
    this.total = y;
  }

  get totalHeight(): number { return this.total; }

  private blockAt(y: number): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.tops[mid] <= y) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /** Rows intersecting [y0, y1) in content coordinates, top to bottom. */
  visible(y0: number, y1: number): VisibleRow[] {
    const out: VisibleRow[] = [];
    if (this.blocks.length === 0 || y1 <= y0) return out;
    for (let bi = this.blockAt(Math.max(0, y0)); bi < this.blocks.length; bi++) {
      const top = this.tops[bi];
      if (top >= y1) break;
      const b = this.blocks[bi];
      if (b.type === 'rows') {
        let y = top;
        for (const r of b.rows) {
          if (y + r.height > y0 && y < y1) out.push({ y, height: r.height, row: r });
          y += r.height;
          if (y >= y1) break;
        }
      } else {
        const body = b.body;
        if (body.count === 0) continue;
        let slot = body.slotAt(Math.max(0, y0 - top));
        for (; slot < body.count; slot++) {
          const y = top + body.top(slot);
          if (y >= y1) break;
          const h = body.slotHeight(slot);
          if (y + h > y0) out.push({ y, height: h, row: slotRow(body, slot) });
        }
      }
    }
    return out;
  }

  /** The row at content y, if any. */
  rowAt(y: number): VisibleRow | undefined {
    return this.visible(y, y + 0.5)[0];
  }

  /** Where a fixed row (by key) is, if laid out. */
  findKey(key: string): { y: number; height: number } | undefined {
    for (let bi = 0; bi < this.blocks.length; bi++) {
      const b = this.blocks[bi];
      if (b.type !== 'rows') continue;
      let y = this.tops[bi];
      for (const r of b.rows) {
        if (r.key === key) return { y, height: r.height };
        y += r.height;
      }
    }
    return undefined;
  }

  /** Where slot `slot` of `group` is, if its group is expanded. */
  findSlot(group: string, slot: number): { y: number; height: number } | undefined {
    for (let bi = 0; bi < this.blocks.length; bi++) {
      const b = this.blocks[bi];
      if (b.type === 'body' && b.body.group === group && slot >= 0 && slot < b.body.count) {
        return { y: this.tops[bi] + b.body.top(slot), height: b.body.slotHeight(slot) };
      }
    }
    return undefined;
  }

  body(group: string): GroupBody | undefined {
    for (const b of this.blocks) if (b.type === 'body' && b.body.group === group) return b.body;
    return undefined;
  }
}

function slotRow(body: GroupBody, slot: number): GoroutineSlotRow {
  return {
    type: 'goroutine', key: `slot:${body.group}:${slot}`, group: body.group, slot, lanes: body.lanesOf(slot),
    height: body.slotHeight(slot),
  };
}

/** Clamps a scroll offset so the content fills the view when it can. */
export function clampScroll(scrollTop: number, contentHeight: number, viewHeight: number): number {
  return Math.max(0, Math.min(scrollTop, Math.max(0, contentHeight - viewHeight)));
}

/** The scroll offset that brings [y, y+h) into a view of `viewHeight` (unchanged when already visible). */
export function scrollToShow(scrollTop: number, y: number, h: number, viewHeight: number, margin = 24): number {
  if (y >= scrollTop + margin && y + h <= scrollTop + viewHeight - margin) return scrollTop;
  return Math.max(0, y - Math.max(margin, (viewHeight - h) / 3));
}

// ---- which tracks exist, and the fixed rows made from them ----

/** The tracks of a trace, as found by a discovery query over the whole trace. */
export interface TrackInventory {
  gcLanes: number[];
  stwLanes: number[];
  taskLanes: number[];
  counters: number[];
  procs: number[];
  /** Sweep lanes per proc. */
  procRanges: Map<number, number[]>;
  threads: number[];
  cpuSamples: boolean;
  logs: boolean;
}

export function emptyInventory(): TrackInventory {
  return { gcLanes: [], stwLanes: [], taskLanes: [], counters: [], procs: [], procRanges: new Map(), threads: [],
    cpuSamples: false, logs: false };
}

/** Builds the inventory from the tracks a `kinds` query returned (with their item counts). */
export function inventoryOf(tracks: readonly { track: TrackRef; spans: unknown[]; instants: unknown[] }[]): TrackInventory {
  const inv = emptyInventory();
  const num = (a: number[]) => a.sort((x, y) => x - y);
  for (const t of tracks) {
    const { kind } = t.track;
    const id = t.track.id ?? 0;
    const lane = t.track.lane ?? 0;
    switch (kind) {
      case 'gc': inv.gcLanes.push(lane); break;
      case 'stw': inv.stwLanes.push(lane); break;
      case 'tasks': inv.taskLanes.push(lane); break;
      case 'counter': inv.counters.push(id); break;
      case 'proc': inv.procs.push(id); break;
      case 'thread': inv.threads.push(id); break;
      case 'procRanges': {
        const l = inv.procRanges.get(id) ?? [];
        l.push(lane);
        inv.procRanges.set(id, l);
        break;
      }
      case 'cpuSamples': if (t.instants.length > 0) inv.cpuSamples = true; break;
      case 'logs': if (t.instants.length > 0) inv.logs = true; break;
      default: break;
    }
  }
  num(inv.gcLanes); num(inv.stwLanes); num(inv.taskLanes); num(inv.counters); num(inv.procs); num(inv.threads);
  for (const l of inv.procRanges.values()) num(l);
  return inv;
}

/** Counter ids: 0 heap, 1 GOMAXPROCS, 2 goroutines, 3 threads. */
export const CounterIds = { heap: 0, gomaxprocs: 1, goroutines: 2, threads: 3 } as const;

function section(id: SectionId, label: string, collapsed: Set<string>, count: number): SectionRow {
  return { type: 'section', key: `section:${id}`, id, label, collapsed: collapsed.has(`section:${id}`), count,
    height: RowHeights.section };
}

function track(kind: TrackKind, id: number, lane: number, label: string, style: RowStyle, height: number,
  indent = 0, counter?: 'heap' | 'stacked'): TrackRow {
  const t: TrackRef = { kind, id, lane };
  return { type: 'track', key: trackKey(t), label, track: t, style, height, indent, counter };
}

export interface LayoutOptions {
  inventory: TrackInventory;
  /** Groups in display order with their sizes; one pseudo-group when goroutines are not grouped. */
  groups: { name: string; count: number }[];
  grouped: boolean;
  /** Keys of collapsed sections ("section:threads") and groups ("group:NAME"). */
  collapsed: Set<string>;
  /** Persistent bodies (so lanes found earlier survive a rebuild); created here when missing. */
  bodies: Map<string, GroupBody>;
  totalGoroutines: number;
}

/** The display name of a group ("" is goroutines whose stack was never seen). */
export function groupLabel(name: string): string {
  return name === '' ? '(no stack)' : name;
}

/** The blocks of the whole timeline for the given inventory, groups and collapsed state. */
export function buildLayout(o: LayoutOptions): RowLayout {
  const inv = o.inventory;
  const blocks: Block[] = [];
  const overview: FixedRow[] = [];
  const ov = section('overview', 'Overview', o.collapsed, 0);
  overview.push(ov);
  if (!ov.collapsed) {
    for (const l of inv.gcLanes) overview.push(track('gc', 0, l, inv.gcLanes.length > 1 ? `GC ${l}` : 'GC', 'lane', RowHeights.lane + 2));
    for (const l of inv.stwLanes) overview.push(track('stw', 0, l, inv.stwLanes.length > 1 ? `STW ${l}` : 'STW', 'lane', RowHeights.lane + 2));
    if (inv.counters.includes(CounterIds.heap)) overview.push(track('counter', CounterIds.heap, 0, 'Heap', 'counter', RowHeights.counter, 0, 'heap'));
    if (inv.counters.includes(CounterIds.goroutines)) overview.push(track('counter', CounterIds.goroutines, 0, 'Goroutines', 'counter', RowHeights.counter, 0, 'stacked'));
    if (inv.counters.includes(CounterIds.threads)) overview.push(track('counter', CounterIds.threads, 0, 'Threads', 'counter', RowHeights.counter, 0, 'stacked'));
    inv.taskLanes.forEach((l, i) => overview.push(track('tasks', 0, l, i === 0 ? 'Tasks' : '', 'lane', RowHeights.span - 2)));
    if (inv.cpuSamples) overview.push(track('cpuSamples', -1, 0, 'CPU samples', 'instants', RowHeights.instants));
    if (inv.logs) overview.push(track('logs', -1, 0, 'Logs', 'instants', RowHeights.instants));
  }
  ov.count = overview.length - 1;
  blocks.push({ type: 'rows', rows: overview });

  const procs: FixedRow[] = [];
  const ps = section('procs', 'Procs', o.collapsed, inv.procs.length);
  procs.push(ps);
  if (!ps.collapsed) {
    for (const p of inv.procs) {
      procs.push(track('proc', p, 0, `Proc ${p}`, 'spans', RowHeights.span));
      for (const l of inv.procRanges.get(p) ?? []) procs.push(track('procRanges', p, l, 'sweep', 'lane', RowHeights.lane, 1));
    }
  }
  blocks.push({ type: 'rows', rows: procs });

  const threads: FixedRow[] = [];
  const ts = section('threads', 'Threads', o.collapsed, inv.threads.length);
  threads.push(ts);
  if (!ts.collapsed) for (const t of inv.threads) threads.push(track('thread', t, 0, `Thread ${t}`, 'spans', RowHeights.thread));
  blocks.push({ type: 'rows', rows: threads });

  const gs = section('goroutines', 'Goroutines', o.collapsed, o.totalGoroutines);
  let rows: FixedRow[] = [gs];
  if (!gs.collapsed) {
    for (const g of o.groups) {
      let body = o.bodies.get(g.name);
      if (!body || body.count !== g.count) { body = new GroupBody(g.name, g.count); o.bodies.set(g.name, body); }
      if (o.grouped) {
        const key = `group:${g.name}`;
        const collapsed = o.collapsed.has(key);
        rows.push({ type: 'group', key, name: g.name, count: g.count, collapsed, height: RowHeights.group });
        if (collapsed) continue;
      }
      blocks.push({ type: 'rows', rows });
      blocks.push({ type: 'body', body });
      rows = [];
    }
  }
  if (rows.length > 0) blocks.push({ type: 'rows', rows });
  return new RowLayout(blocks);
}

/** Group order for a sort: by the sort's time (descending), or by name for ID order. */
export function orderGroups(groups: readonly GoroutineGroup[], sort: SortOrder): GoroutineGroup[] {
  const metric = (g: GoroutineGroup): number => {
    switch (sort) {
      case 'execTime': return g.execNs;
      case 'blockTime': return g.blockNs;
      case 'schedWaitTime': return g.schedWaitNs;
      case 'syscallTime': return g.syscallNs;
      default: return 0;
    }
  };
  const out = [...groups];
  if (sort === 'id' || sort === 'group') out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  else out.sort((a, b) => metric(b) - metric(a) || (a.name < b.name ? -1 : 1));
  return out;
}

/** The pseudo-group name used when goroutines are listed without grouping. */
export const ALL_GROUP = '\u0000all';
