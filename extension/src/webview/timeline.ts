// The timeline view: one <canvas> with a time axis, a column of track names and the rows (overview, procs,
// threads, goroutines by group). It asks `gotrace/timeline` only for the visible rows over the visible window at
// the screen's resolution (one query in flight, superseded ones cancelled), pages goroutine rows in from
// `gotrace/goroutines` as the user scrolls, and while an answer is pending draws the last one scaled.

import type {
  TraceSummary, TimelineResult, Track, TrackRef, GoroutineItem, GoroutinesResult, GoroutineGroupsResult,
  GoroutineGroup, Span, Instant, GoroutineStackResult,
} from '../protocol';
import { normalizeTimeline } from '../protocol';
import type { Host } from './host';
import { RequestError } from './host';
import {
  type Viewport, fullViewport, clampViewport, zoomAt, panBy, zoomToRange, centreOn, timeToX, xToTime, queryWindow,
  type QueryWindow, ticks, ZOOM_STEP, PAN_STEP, wheelZoomFactor, windowNs,
} from './viewport';
import {
  type RowLayout, type VisibleRow, type TrackInventory, type SortOrder, type GroupBody,
  buildLayout, inventoryOf, orderGroups, trackKey, clampScroll, scrollToShow, RowHeights, groupLabel, ALL_GROUP,
  emptyInventory, parseTrackKey,
} from './layout';
import { GoroutinePages, pageRange } from './pages';
import { LatestQueryScheduler } from './scheduler';
import { LaneRegistry, tracksForRows, queryKey } from './query';
import { spanAtPixel, instantAtPixel, spanIndexAt } from './hittest';
import { drawSpans, drawInstants, drawCounter, counterScaleLabel, type Geometry } from './render';
import type { Palette } from './theme';
import { formatAxisTime, formatDuration, formatTimestamp, formatCount, formatBytes } from './format';
import { toSteps, valuesAt } from './counters';
import { drawnState, colorClass, ColorClassLabel, stateNames, dominantState, GoroutineState } from './states';
import type { PersistedState } from './persist';
import { parseColor as parseCss } from './color';
import { type SpanFilter, NO_FILTER, filterActive, spanPasses, countPassing } from './nav/filter';
import { flowArrows, type ArrowRow } from './nav/arrows';
import { NavHistory } from './nav/history';

export const AXIS_H = 28;
export const SCROLLBAR_W = 12;
const MIN_LABEL_W = 120;

/** What is selected: a span (goroutine, proc, thread, lane), an instant, or a counter reading. */
export type Selection =
  | { kind: 'span'; track: TrackRef; trackKey: string; timeNs: number; span: Span; rowLabel: string; goroutine?: GoroutineItem }
  | { kind: 'instant'; track: TrackRef; trackKey: string; instant: Instant; rowLabel: string }
  | { kind: 'counter'; track: TrackRef; trackKey: string; timeNs: number; rowLabel: string; values: { name: string; value: string }[] };

export interface TimelineCallbacks {
  select(sel: Selection | null): void;
  changed(): void;
  rangeChanged(range: { a: number; b: number } | null): void;
  status(text: string): void;
  toggleHelp(): void;
  log(level: 'info' | 'warning' | 'error', message: string): void;
}

interface CachedTrack { track: Track; q: QueryWindow }

interface Hit {
  row: VisibleRow;
  /** The track under the pointer (goroutine slots: main track or one of its lanes). */
  track?: TrackRef;
  data?: Track;
  spanIndex: number;
  instantIndex: number;
  /** The goroutine of a goroutine slot. */
  goroutine?: GoroutineItem;
  /** The part of the row: its label column, or the plot. */
  inLabel: boolean;
}

/** Where a track is drawn (content y and height, label) — rebuilt on every draw for the visible rows. */
interface Placed { y: number; h: number; track: TrackRef; label: string }

export class TimelineView {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly vscroll: HTMLElement;
  private readonly thumb: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly banner: HTMLElement;

  private readonly durationNs: number;
  private vp: Viewport;
  private scrollTop = 0;
  private labelW = 230;
  /** The label column's width when the user dragged it (else it follows the view's width). */
  private userLabelW: number | undefined;
  private cssW = 0;
  private cssH = 0;
  private dpr = 1;

  private inventory: TrackInventory = emptyInventory();
  private groupsRaw: GoroutineGroup[] = [];
  private groupsLoaded = false;
  private groupsPromise: Promise<void> = Promise.resolve();
  private sort: SortOrder = 'id';
  private grouped = true;
  private procColor: 'goroutine' | 'state' = 'goroutine';
  private readonly collapsed = new Set<string>(['section:threads']);
  private bodies = new Map<string, GroupBody>();
  private layout: RowLayout = buildLayout({ inventory: emptyInventory(), groups: [], grouped: true, collapsed: new Set(),
    bodies: new Map(), totalGoroutines: 0 });
  private readonly pages = new GoroutinePages();
  private readonly lanes = new LaneRegistry();
  private readonly cache = new Map<string, CachedTrack>();
  private readonly scheduler: LatestQueryScheduler<{ q: QueryWindow; tracks: TrackRef[] }>;
  private readonly pagesInFlight = new Map<string, { id: number; group: string; page: number }>();
  private readonly pageQueue: { group: string; page: number }[] = [];

  private selection: Selection | null = null;
  private range: { a: number; b: number } | null = null;
  private highlights: { goroutine: number; timeNs: number }[] = [];
  private placed = new Map<string, Placed>();
  private mouse: { x: number; y: number } | null = null;
  private drag:
    | { mode: 'select' | 'pan' | 'maybe' | 'resize'; x0: number; y0: number; t0: number; vp0: Viewport; scroll0: number; pointer: number; button: number }
    | null = null;
  private drawPending = false;
  private queryPending = false;
  private started = false;
  private firstData: { resolve(): void; reject(e: unknown): void; promise: Promise<void>; done: boolean };
  private readonly resizeObserver: ResizeObserver;
  private readonly changeListeners: (() => void)[] = [];
  private extraKeys: ((e: KeyboardEvent) => boolean) | undefined;
  private filter: SpanFilter = NO_FILTER;
  private arrows = false;
  private arrowInfo = { shown: 0, offscreen: 0, dropped: 0 };
  private marker: number | undefined;
  readonly history = new NavHistory();

  constructor(private readonly host: Host, private readonly summary: TraceSummary,
    private palette: Palette, private readonly cb: TimelineCallbacks) {
    this.durationNs = Math.max(1, summary.durationNs);
    this.vp = fullViewport(this.durationNs);
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
    this.firstData = { resolve, reject, promise, done: false };

    this.element = document.createElement('div');
    this.element.className = 'timeline';
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'timeline-canvas';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'application');
    this.canvas.setAttribute('aria-label',
      'Trace timeline. W and S zoom, A and D pan, arrow keys scroll, question mark lists every key.');
    const ctx = this.canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('no 2D canvas context');
    this.ctx = ctx;
    this.vscroll = document.createElement('div');
    this.vscroll.className = 'vscroll';
    this.vscroll.setAttribute('aria-hidden', 'true');
    this.thumb = document.createElement('div');
    this.thumb.className = 'vscroll-thumb';
    this.vscroll.appendChild(this.thumb);
    this.tooltip = document.createElement('div');
    this.tooltip.className = 'tooltip';
    this.tooltip.hidden = true;
    this.banner = document.createElement('div');
    this.banner.className = 'highlight-banner';
    this.banner.hidden = true;
    this.element.append(this.canvas, this.vscroll, this.tooltip, this.banner);

    this.scheduler = new LatestQueryScheduler({
      send: (query) => this.sendTimeline(query.q, query.tracks),
      cancel: (id) => this.host.cancel(id),
      now: () => performance.now(),
    });

    this.installInput();
    this.resizeObserver = new ResizeObserver(() => { this.requestDraw(); this.requestData(); });
    this.resizeObserver.observe(this.element);
  }

  // ---------------------------------------------------------------- start-up

  /** Finds the tracks and groups, lays out the rows, restores `state`, and starts drawing. */
  async start(state: PersistedState): Promise<void> {
    if (state.sort) this.sort = state.sort;
    if (state.grouped !== undefined) this.grouped = state.grouped;
    if (state.procColor) this.procColor = state.procColor;
    if (state.collapsed) { this.collapsed.clear(); for (const c of state.collapsed) this.collapsed.add(c); }
    if (state.window) this.vp = clampViewport(state.window, this.durationNs);
    if (state.labelWidth !== undefined) this.userLabelW = state.labelWidth;
    // the groups of a trace with millions of goroutines take a while: the overview is drawn without waiting
    this.groupsPromise = this.host.request<GoroutineGroupsResult>('gotrace/goroutineGroups', {}).promise.then((g) => {
      this.groupsRaw = g.groups;
      this.groupsLoaded = true;
    });
    let d: TimelineResult;
    try {
      d = await this.host.request<TimelineResult>('gotrace/timeline', {
        startNs: 0, endNs: this.durationNs, nsPerPixel: Math.max(1, Math.ceil(this.durationNs / 1000)),
        kinds: ['gc', 'stw', 'tasks', 'counter', 'cpuSamples', 'logs', 'proc', 'thread', 'procRanges'], encoding: 'packed',
      }).promise.then(normalizeTimeline);
    } catch (e) {
      this.fail(e);
      throw e;
    }
    this.inventory = inventoryOf(d.tracks);
    const q: QueryWindow = { startNs: d.startNs, endNs: d.endNs, nsPerPixel: d.nsPerPixel };
    for (const t of d.tracks) this.cache.set(trackKey(t.track), { track: t, q });
    this.rebuild();
    this.started = true;
    const afterGroups = () => {
      this.rebuild();
      if (state.scrollTop !== undefined) this.scrollTop = clampScroll(state.scrollTop, this.layout.totalHeight, this.plotH());
      this.requestDraw();
      this.requestData();
      if (state.selection) void this.restoreSelection(state.selection.trackKey, state.selection.timeNs);
    };
    if (!this.grouped) afterGroups();
    else { this.requestDraw(); this.requestData(); }
    this.groupsPromise.then(() => { if (this.grouped) afterGroups(); }, (e) => {
      this.cb.log('error', `goroutine groups failed: ${String((e as Error)?.message ?? e)}`);
      this.cb.status(`Could not read the goroutine groups: ${String((e as Error)?.message ?? e)}`);
    });
  }

  private fail(e: unknown): void {
    if (!this.firstData.done) { this.firstData.done = true; this.firstData.reject(e); }
  }

  /** Resolves when the first timeline answer for the current view has been drawn. */
  whenReady(): Promise<void> { return this.firstData.promise; }

  getState(): Partial<PersistedState> {
    const sel = this.selection;
    let selection: PersistedState['selection'];
    if (sel?.kind === 'span') selection = { trackKey: sel.trackKey, timeNs: sel.timeNs };
    else if (sel?.kind === 'instant') selection = { trackKey: sel.trackKey, timeNs: sel.instant.timeNs };
    return {
      window: { startNs: this.vp.startNs, endNs: this.vp.endNs }, scrollTop: this.scrollTop,
      collapsed: [...this.collapsed], sort: this.sort, grouped: this.grouped, procColor: this.procColor, selection,
      labelWidth: this.userLabelW,
    };
  }

  setPalette(p: Palette): void {
    this.palette = p;
    this.requestDraw();
  }

  // ---------------------------------------------------------------- layout

  private groupsForLayout(): { name: string; count: number }[] {
    if (!this.grouped) return [{ name: ALL_GROUP, count: this.summary.goroutines }];
    return orderGroups(this.groupsRaw, this.sort).map((g) => ({ name: g.name, count: g.count }));
  }

  private rebuild(): void {
    this.layout = buildLayout({
      inventory: this.inventory, groups: this.groupsForLayout(), grouped: this.grouped, collapsed: this.collapsed,
      bodies: this.bodies, totalGoroutines: this.summary.goroutines,
    });
    this.scrollTop = clampScroll(this.scrollTop, this.layout.totalHeight, this.plotH());
  }

  /** Re-applies known lane counts to the loaded slots of a group's body. */
  private applyLanes(group: string, items: GoroutineItem[], firstSlot: number): boolean {
    const body = this.bodies.get(group);
    if (!body) return false;
    let changed = false;
    items.forEach((g, i) => { if (body.setLanes(firstSlot + i, this.lanes.lanes(g.id))) changed = true; });
    return changed;
  }

  setSort(sort: SortOrder): void {
    if (sort === this.sort) return;
    this.sort = sort;
    this.resetGoroutines();
  }

  getSort(): SortOrder { return this.sort; }

  setGrouped(grouped: boolean): void {
    if (grouped === this.grouped) return;
    this.grouped = grouped;
    this.resetGoroutines();
  }

  isGrouped(): boolean { return this.grouped; }

  setProcColor(c: 'goroutine' | 'state'): void {
    this.procColor = c;
    this.requestDraw();
    this.notifyChanged();
  }

  getProcColor(): 'goroutine' | 'state' { return this.procColor; }

  private resetGoroutines(): void {
    for (const f of this.pagesInFlight.values()) this.host.cancel(f.id);
    this.pagesInFlight.clear();
    this.pages.clear();
    this.pageQueue.length = 0;
    this.bodies = new Map();
    this.rebuild();
    this.requestDraw();
    this.requestData();
    this.notifyChanged();
  }

  toggleCollapsed(key: string): void {
    if (this.collapsed.has(key)) this.collapsed.delete(key); else this.collapsed.add(key);
    this.rebuild();
    this.requestDraw();
    this.requestData();
    this.notifyChanged();
  }

  // ---------------------------------------------------------------- geometry

  private plotX(): number { return this.labelW; }
  private plotW(): number { return Math.max(10, this.cssW - this.labelW); }
  private plotH(): number { return Math.max(10, this.cssH - AXIS_H); }

  private measure(): boolean {
    const r = this.element.getBoundingClientRect();
    const w = Math.max(50, Math.floor(r.width - SCROLLBAR_W));
    const h = Math.max(50, Math.floor(r.height));
    const dpr = window.devicePixelRatio || 1;
    if (w === this.cssW && h === this.cssH && dpr === this.dpr) return false;
    this.cssW = w;
    this.cssH = h;
    this.dpr = dpr;
    this.labelW = this.labelWidthFor(w);
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${h}px`;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(h * dpr);
    this.vscroll.style.height = `${h - AXIS_H}px`;
    this.vscroll.style.top = `${AXIS_H}px`;
    return true;
  }

  private labelWidthFor(w: number): number {
    if (this.userLabelW !== undefined) return Math.round(Math.max(60, Math.min(w - 120, this.userLabelW)));
    return Math.max(MIN_LABEL_W, Math.min(260, Math.round(w * 0.22)));
  }

  private setLabelWidth(px: number): void {
    this.userLabelW = px;
    this.labelW = this.labelWidthFor(this.cssW);
    this.requestDraw();
    this.requestData(); // the plot's width is the query's resolution
    this.notifyChanged();
  }

  /** True when x (canvas px) is on the divider between the names and the plot. */
  private onDivider(x: number, y: number): boolean {
    return y >= AXIS_H && Math.abs(x - this.labelW) <= 4;
  }

  private geometry(): Geometry {
    return { x0: this.plotX(), width: this.plotW(), vp: this.vp, dpr: this.dpr };
  }

  // ---------------------------------------------------------------- view changes

  setViewport(vp: Viewport): void {
    this.vp = clampViewport(vp, this.durationNs);
    this.tooltip.hidden = true; // it described what was under the pointer before the view moved
    this.requestDraw();
    this.requestData();
    this.notifyChanged();
  }

  getViewport(): Viewport { return { ...this.vp }; }

  /** Width of the plot in CSS pixels (the resolution of the queries). */
  plotWidth(): number { return this.plotW(); }

  setScroll(top: number): void {
    const t = clampScroll(top, this.layout.totalHeight, this.plotH());
    if (t === this.scrollTop) return;
    this.scrollTop = t;
    this.tooltip.hidden = true;
    this.requestDraw();
    this.requestData();
    this.notifyChanged();
  }

  zoom(factor: number, anchorFrac?: number): void {
    let frac = anchorFrac;
    if (frac === undefined) {
      frac = this.mouse && this.mouse.x >= this.plotX() ? (this.mouse.x - this.plotX()) / this.plotW() : 0.5;
    }
    this.setViewport(zoomAt(this.vp, factor, frac, this.durationNs));
  }

  pan(frac: number): void {
    this.setViewport(panBy(this.vp, frac * windowNs(this.vp), this.durationNs));
  }

  fullView(): void { this.setViewport(fullViewport(this.durationNs)); }

  zoomToSelectionRange(): boolean {
    if (!this.range) return false;
    const { a, b } = this.range;
    this.setRange(null);
    this.setViewport(zoomToRange(a, b, this.durationNs));
    return true;
  }

  zoomTo(a: number, b: number, padFrac = 0.05): void {
    this.setViewport(zoomToRange(a, b, this.durationNs, padFrac));
  }

  getRange(): { a: number; b: number } | null { return this.range; }

  private setRange(r: { a: number; b: number } | null): void {
    this.range = r;
    this.cb.rangeChanged(r);
    this.requestDraw();
  }

  // ---------------------------------------------------------------- data

  requestDraw(): void {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => { this.drawPending = false; this.draw(); });
  }

  requestData(): void {
    if (this.queryPending || !this.started) return;
    this.queryPending = true;
    requestAnimationFrame(() => { this.queryPending = false; this.updateData(); });
  }

  private visibleRows(): VisibleRow[] {
    return this.layout.visible(this.scrollTop, this.scrollTop + this.plotH());
  }

  private updateData(): void {
    this.measure();
    const rows = this.visibleRows();
    this.loadPages(rows);
    const tracks = tracksForRows(rows, {
      goroutineAt: (group, slot) => this.pages.get(group, slot),
      lanes: this.lanes,
      goroutineSamples: this.inventory.cpuSamples,
      goroutineLogs: this.inventory.logs,
    });
    if (tracks.length === 0) { this.maybeReady(); return; }
    const q = queryWindow(this.vp, this.plotW(), this.durationNs);
    this.scheduler.want({ q, tracks }, queryKey(q, tracks));
  }

  private sendTimeline(q: QueryWindow, tracks: TrackRef[]): number {
    const { id, promise } = this.host.request<TimelineResult>('gotrace/timeline', {
      startNs: q.startNs, endNs: q.endNs, nsPerPixel: q.nsPerPixel, tracks, encoding: 'packed',
    });
    promise.then((r) => this.onTimeline(id, normalizeTimeline(r), q), (e) => {
      this.scheduler.answered(id);
      if (!(e instanceof RequestError && e.cancelled)) {
        this.cb.log('error', `timeline query failed: ${String((e as Error)?.message ?? e)}`);
        this.cb.status(`Timeline query failed: ${String((e as Error)?.message ?? e)}`);
      }
    });
    return id;
  }

  private onTimeline(id: number, r: TimelineResult, q: QueryWindow): void {
    const kind = this.scheduler.answered(id);
    if (kind === 'ignored') return;
    let lanesChanged = false;
    for (const t of r.tracks) {
      const k = trackKey(t.track);
      this.cache.delete(k); // Map order is the eviction order: the newest last
      this.cache.set(k, { track: t, q });
      if (this.lanes.observe(t.track, t.spans.length)) {
        lanesChanged = true;
        const where = this.pages.locate(t.track.id ?? 0);
        const body = where && this.bodies.get(where.group);
        if (where && body) body.setLanes(where.slot, this.lanes.lanes(t.track.id ?? 0));
      }
    }
    if (lanesChanged) {
      this.layout.measure();
      this.requestData();
    }
    this.evict(r.tracks);
    this.requestDraw();
    if (kind === 'current' && !lanesChanged) this.maybeReady();
  }

  private maybeReady(): void {
    if (this.firstData.done) return;
    // resolve after the frame that draws it
    requestAnimationFrame(() => {
      if (this.firstData.done) return;
      this.draw();
      this.firstData.done = true;
      this.firstData.resolve();
    });
  }

  /** Keeps the cache bounded: tracks of rows long scrolled away are dropped (oldest first). */
  private evict(latest: Track[]): void {
    if (this.cache.size <= 1000) return;
    const keep = new Set(latest.map((t) => trackKey(t.track)));
    for (const k of this.cache.keys()) {
      if (this.cache.size <= 500) break;
      if (!keep.has(k) && !k.startsWith('counter:') && !k.startsWith('gc:') && !k.startsWith('stw:')) this.cache.delete(k);
    }
  }

  private loadPages(rows: VisibleRow[]): void {
    const ranges = new Map<string, { lo: number; hi: number }>();
    for (const { row } of rows) {
      if (row.type !== 'goroutine') continue;
      const r = ranges.get(row.group);
      if (!r) ranges.set(row.group, { lo: row.slot, hi: row.slot });
      else { r.lo = Math.min(r.lo, row.slot); r.hi = Math.max(r.hi, row.slot); }
    }
    // the pages of what is visible go first, then one page of look-ahead each way
    const wanted = new Set<string>();
    this.pageQueue.length = 0;
    const ahead = this.pages.pageSize;
    for (const [group, { lo, hi }] of ranges) {
      const count = this.bodies.get(group)?.count ?? 0;
      const p0 = Math.floor(Math.max(0, lo - ahead) / ahead);
      const p1 = Math.floor(Math.min(Math.max(0, count - 1), hi + ahead) / ahead);
      for (let p = p0; p <= p1; p++) wanted.add(`${p}\u0001${group}`);
      for (const p of this.pages.missing(group, lo, hi)) this.pageQueue.push({ group, page: p });
    }
    for (const [group, { lo, hi }] of ranges) {
      const count = this.bodies.get(group)?.count ?? 0;
      for (const p of this.pages.missing(group, Math.max(0, lo - ahead), Math.min(count - 1, hi + ahead))) {
        if (!this.pageQueue.some((x) => x.group === group && x.page === p)) this.pageQueue.push({ group, page: p });
      }
    }
    // pages on their way for rows scrolled far away are not waited for
    for (const [k, f] of this.pagesInFlight) {
      if (!wanted.has(k)) {
        this.pagesInFlight.delete(k);
        this.pages.clearPending(f.group, f.page);
        this.host.cancel(f.id);
      }
    }
    this.pumpPages();
  }

  private pumpPages(): void {
    while (this.pagesInFlight.size < 2 && this.pageQueue.length > 0) {
      const { group, page } = this.pageQueue.shift()!;
      if (this.pages.hasPage(group, page) || this.pages.isPending(group, page)) continue;
      this.pages.markPending(group, page);
      const sort = this.sort;
      const params: Record<string, unknown> = { orderBy: sort, ...pageRange(page, this.pages.pageSize) };
      if (group !== ALL_GROUP) params.group = group;
      const key = `${page}\u0001${group}`;
      const { id, promise } = this.host.request<GoroutinesResult>('gotrace/goroutines', params);
      this.pagesInFlight.set(key, { id, group, page });
      promise.then((r) => {
        if (this.pagesInFlight.get(key)?.id === id) this.pagesInFlight.delete(key);
        if (sort !== this.sort) { this.pumpPages(); return; }
        this.pages.store(group, page, r.goroutines);
        for (const g of r.goroutines) this.lanes.fromItem(g);
        if (this.applyLanes(group, r.goroutines, page * this.pages.pageSize)) this.layout.measure();
        this.requestDraw();
        this.requestData();
        this.pumpPages();
      }, (e) => {
        if (this.pagesInFlight.get(key)?.id === id) {
          this.pagesInFlight.delete(key);
          this.pages.clearPending(group, page);
        }
        if (!(e instanceof RequestError && e.cancelled)) this.cb.log('error', `goroutine page failed: ${String((e as Error)?.message ?? e)}`);
        this.pumpPages();
      });
    }
  }

  /** Loads the page holding `slot` of `group` (if needed) and returns the goroutine there. */
  private async goroutineAtSlot(group: string, slot: number): Promise<GoroutineItem | undefined> {
    const have = this.pages.get(group, slot);
    if (have) return have;
    const page = Math.floor(slot / this.pages.pageSize);
    const params: Record<string, unknown> = { orderBy: this.sort, ...pageRange(page, this.pages.pageSize) };
    if (group !== ALL_GROUP) params.group = group;
    const r = await this.host.request<GoroutinesResult>('gotrace/goroutines', params).promise;
    this.pages.store(group, page, r.goroutines);
    for (const g of r.goroutines) this.lanes.fromItem(g);
    if (this.applyLanes(group, r.goroutines, page * this.pages.pageSize)) this.layout.measure();
    return this.pages.get(group, slot);
  }

  /**
   * Finds the row of goroutine `id`: its group (from the server's name of it) and its slot in the current order.
   * By ID order a binary search over pages; otherwise the group's pages are read in large pages.
   */
  async locateGoroutine(id: number): Promise<{ group: string; slot: number } | undefined> {
    const known = this.pages.locate(id);
    if (known && (this.grouped ? known.group !== ALL_GROUP : known.group === ALL_GROUP)) return known;
    let group = ALL_GROUP;
    let count = this.summary.goroutines;
    if (this.grouped) {
      await this.groupsPromise;
      const st = await this.host.request<GoroutineStackResult>('gotrace/goroutineStack', { goroutine: id, timeNs: 0 }).promise;
      group = st.name;
      const g = this.groupsRaw.find((x) => x.name === group);
      if (!g) return undefined;
      count = g.count;
    }
    const pageSize = this.pages.pageSize;
    if (this.sort === 'id') {
      let lo = 0;
      let hi = Math.ceil(count / pageSize) - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const first = await this.goroutineAtSlot(group, mid * pageSize);
        if (!first) return undefined;
        const lastSlot = Math.min(count - 1, mid * pageSize + pageSize - 1);
        const last = this.pages.get(group, lastSlot) ?? first;
        if (id < first.id) hi = mid - 1;
        else if (id > last.id) lo = mid + 1;
        else return this.pages.locate(id);
      }
      return undefined;
    }
    const big = 10000;
    for (let offset = 0; offset < count && offset < 500000; offset += big) {
      const params: Record<string, unknown> = { orderBy: this.sort, offset, limit: big };
      if (group !== ALL_GROUP) params.group = group;
      const r = await this.host.request<GoroutinesResult>('gotrace/goroutines', params).promise;
      // keep what was read, in pages of the usual size
      for (let i = 0; i < r.goroutines.length; i += pageSize) {
        const page = (offset + i) / pageSize;
        if (Number.isInteger(page) && !this.pages.hasPage(group, page)) {
          const items = r.goroutines.slice(i, i + pageSize);
          this.pages.store(group, page, items);
          for (const g of items) this.lanes.fromItem(g);
          this.applyLanes(group, items, page * pageSize);
        }
      }
      this.layout.measure();
      const idx = r.goroutines.findIndex((g) => g.id === id);
      if (idx >= 0) return { group, slot: offset + idx };
      if (r.goroutines.length < big) break;
    }
    return undefined;
  }

  /** Expands what hides goroutine `id`'s row and scrolls it into view; false if it cannot be found. */
  async revealGoroutine(id: number): Promise<boolean> {
    const where = await this.locateGoroutine(id);
    if (!where) { this.cb.status(`G${id} not found in the goroutine list`); return false; }
    let changed = false;
    if (this.collapsed.delete('section:goroutines')) changed = true;
    if (this.grouped && this.collapsed.delete(`group:${where.group}`)) changed = true;
    if (changed) this.rebuild();
    const pos = this.layout.findSlot(where.group, where.slot);
    if (!pos) return false;
    this.setScroll(scrollToShow(this.scrollTop, pos.y, pos.height, this.plotH()));
    if (changed) this.notifyChanged();
    return true;
  }

  /** Waits until the track `key` has data covering the current query window (or a time limit). */
  private async waitForTrack(key: string, timeoutMs = 5000): Promise<CachedTrack | undefined> {
    const t0 = performance.now();
    for (;;) {
      const c = this.cache.get(key);
      const q = queryWindow(this.vp, this.plotW(), this.durationNs);
      if (c && c.q.startNs === q.startNs && c.q.endNs === q.endNs && c.q.nsPerPixel === q.nsPerPixel) return c;
      if (performance.now() - t0 > timeoutMs) return c;
      this.requestData();
      await new Promise((r) => setTimeout(r, 30));
    }
  }

  // ---------------------------------------------------------------- selection

  getSelection(): Selection | null { return this.selection; }

  select(sel: Selection | null): void {
    this.selection = sel;
    this.requestDraw();
    this.cb.select(sel);
    this.notifyChanged();
  }

  /** Selects the span of goroutine `id` at `timeNs`: scrolls to its row and, if the time is off-screen, centres it. */
  async followGoroutine(id: number, timeNs: number): Promise<boolean> {
    this.pushHistory();
    if (timeNs < this.vp.startNs || timeNs > this.vp.endNs) this.setViewport(centreOn(this.vp, timeNs, this.durationNs));
    const ok = await this.revealGoroutine(id);
    if (!ok) return false;
    this.selectGoroutineAt(id, timeNs);
    return true;
  }

  /**
   * Selects goroutine `id` at `timeNs` without waiting for its timeline data: the details pane asks the server what
   * the goroutine was doing then, and the outline follows the span covering the time once it is drawn.
   */
  private selectGoroutineAt(id: number, timeNs: number): void {
    const key = trackKey({ kind: 'goroutine', id, lane: 0 });
    const where = this.pages.locate(id);
    const g = where ? this.pages.get(where.group, where.slot) : undefined;
    const c = this.cache.get(key);
    const cached = c ? spanAtTime(c.track.spans, timeNs) : undefined;
    const span: Span = cached && cached.count === 1 ? cached : { startNs: timeNs, endNs: timeNs + 1, state: -1, count: 1,
      index: -1, stack: 0, goroutine: -1, proc: -1, thread: -1, ref: -1 };
    this.select({ kind: 'span', track: { kind: 'goroutine', id, lane: 0 }, trackKey: key, timeNs, span,
      rowLabel: goroutineRowLabel(id, g), goroutine: g });
  }

  private async restoreSelection(key: string, timeNs: number): Promise<void> {
    const t = parseTrackKey(key);
    if (!t) return;
    if (t.kind === 'goroutine') {
      const where = await this.locateGoroutine(t.id ?? 0);
      if (!where) return;
      this.selectGoroutineAt(t.id ?? 0, timeNs);
      return;
    }
    const c = await this.waitForTrack(key, 5000);
    if (!c) return;
    if (c.track.instants.length > 0 && c.track.spans.length === 0) {
      const i = c.track.instants.findIndex((x) => x.timeNs === timeNs);
      if (i < 0) return;
      this.select({ kind: 'instant', track: t, trackKey: key, instant: c.track.instants[i], rowLabel: c.track.name });
    } else {
      const span = spanAtTime(c.track.spans, timeNs);
      if (!span) return;
      this.select({ kind: 'span', track: t, trackKey: key, timeNs, span, rowLabel: c.track.name });
    }
  }

  /** Moves the selection to the previous/next drawn span of its track (selects one when nothing is). */
  stepSelection(dir: -1 | 1): void {
    const sel = this.selection;
    if (!sel || sel.kind !== 'span') { this.stepRow(dir); return; }
    const c = this.cache.get(sel.trackKey);
    if (!c) return;
    const spans = c.track.spans;
    let i = spanIndexAt(spans, sel.timeNs);
    if (i < 0) return;
    for (i += dir; i >= 0 && i < spans.length; i += dir) {
      if (drawnState(sel.track.kind, spans[i]) >= 0) break;
    }
    if (i < 0 || i >= spans.length) return;
    const s = spans[i];
    const t = Math.floor((Math.max(s.startNs, 0) + Math.min(s.endNs, this.durationNs)) / 2);
    if (s.endNs < this.vp.startNs || s.startNs > this.vp.endNs) this.setViewport(centreOn(this.vp, t, this.durationNs));
    this.select({ ...sel, timeNs: t, span: s });
  }

  /** The span tracks of the rows around the view, top to bottom (what row-to-row keys move through). */
  private selectableTracks(): { key: string; track: TrackRef; y: number; h: number; label: string; goroutine?: GoroutineItem }[] {
    const out: { key: string; track: TrackRef; y: number; h: number; label: string; goroutine?: GoroutineItem }[] = [];
    const view = this.plotH();
    for (const vr of this.layout.visible(Math.max(0, this.scrollTop - view), this.scrollTop + 2 * view)) {
      const r = vr.row;
      if (r.type === 'track') {
        if (r.style === 'spans' || r.style === 'lane') out.push({ key: r.key, track: r.track, y: vr.y, h: r.height, label: r.label });
      } else if (r.type === 'goroutine') {
        const g = this.pages.get(r.group, r.slot);
        if (!g) continue;
        const main: TrackRef = { kind: 'goroutine', id: g.id, lane: 0 };
        out.push({ key: trackKey(main), track: main, y: vr.y, h: RowHeights.goroutine, label: goroutineRowLabel(g.id, g), goroutine: g });
        for (let l = 0; l < r.lanes; l++) {
          const lt = this.lanes.laneTrack(g.id, l);
          if (lt) out.push({ key: trackKey(lt), track: lt, y: vr.y + RowHeights.goroutine + l * RowHeights.lane, h: RowHeights.lane,
            label: goroutineRowLabel(g.id, g), goroutine: g });
        }
      }
    }
    return out;
  }

  /** The drawn span of `spans` at `t`, else the nearest drawn one inside the window. */
  private drawnSpanNear(kind: TrackRef['kind'], spans: readonly Span[], t: number): Span | undefined {
    const i = spanIndexAt(spans, Math.max(spans[0]?.startNs ?? 0, Math.min(t, (spans[spans.length - 1]?.endNs ?? 1) - 1)));
    if (i < 0) return undefined;
    if (drawnState(kind, spans[i]) >= 0) return spans[i];
    for (let d = 1; d < spans.length; d++) {
      for (const k of [i - d, i + d]) {
        const s = spans[k];
        if (s && drawnState(kind, s) >= 0 && s.endNs > this.vp.startNs && s.startNs < this.vp.endNs) return s;
      }
      if (i - d < 0 && i + d >= spans.length) break;
    }
    return undefined;
  }

  /** Moves the selection to the row above/below (at the same time), or selects in the first row when none is. */
  stepRow(dir: -1 | 1): void {
    const list = this.selectableTracks();
    const sel = this.selection;
    const t = sel?.kind === 'span' ? sel.timeNs : sel?.kind === 'instant' ? sel.instant.timeNs : (this.vp.startNs + this.vp.endNs) / 2;
    let i = sel ? list.findIndex((x) => x.key === sel.trackKey) : -1;
    if (i < 0) {
      // nothing (in view) selected: start at the first row in view going down, the last going up
      const view = this.scrollTop + this.plotH();
      if (dir > 0) i = list.findIndex((x) => x.y + x.h > this.scrollTop) - 1;
      else { let last = -1; list.forEach((x, k) => { if (x.y < view) last = k; }); i = last + 1; }
    }
    for (let k = i + dir; k >= 0 && k < list.length; k += dir) {
      const e = list[k];
      const c = this.cache.get(e.key);
      if (!c) continue;
      const s = this.drawnSpanNear(e.track.kind, c.track.spans, t);
      if (!s) continue;
      const tt = Math.max(s.startNs, Math.min(Math.round(t), s.endNs - 1));
      this.setScroll(scrollToShow(this.scrollTop, e.y, e.h, this.plotH()));
      if (s.startNs > this.vp.endNs || s.endNs < this.vp.startNs) this.setViewport(centreOn(this.vp, tt, this.durationNs));
      this.select({ kind: 'span', track: e.track, trackKey: e.key, timeNs: tt, span: s,
        rowLabel: e.track.kind === 'goroutine' || !e.goroutine ? e.label : `${e.label} ${e.track.kind}`, goroutine: e.goroutine });
      return;
    }
  }

  // ---------------------------------------------------------------- navigation (search, go to, arrows, history; nav/)

  private notifyChanged(): void {
    this.cb.changed();
    for (const l of this.changeListeners) l();
  }

  /** Called after every change of the window, scroll, selection or rows. */
  onViewChanged(f: () => void): void { this.changeListeners.push(f); }

  /** Keys handled before the timeline's own (true: handled); used by the navigation bar. */
  setExtraKeys(f: (e: KeyboardEvent) => boolean): void { this.extraKeys = f; }

  /** The trace's goroutine group names (once read). */
  groupNames(): string[] { return this.groupsRaw.map((g) => g.name); }

  traceDurationNs(): number { return this.durationNs; }

  /** Goroutine spans that do not pass the filter are dimmed, and the names of rows with none in view. */
  setFilter(f: SpanFilter): void {
    this.filter = f;
    this.requestDraw();
  }

  getFilter(): SpanFilter { return this.filter; }

  /** Flow arrows (unblock and create relations between the goroutine rows in view). */
  setArrows(on: boolean): void {
    this.arrows = on;
    this.requestDraw();
    this.notifyChanged();
  }

  arrowsShown(): boolean { return this.arrows; }

  /** What the last drawn frame showed of the arrows: drawn, with the source row out of view, left out. */
  arrowStats(): { shown: number; offscreen: number; dropped: number } { return { ...this.arrowInfo }; }

  /** A vertical marker at a time (go to time); undefined removes it. */
  setMarker(t: number | undefined): void {
    this.marker = t;
    this.requestDraw();
  }

  getMarker(): number | undefined { return this.marker; }

  /** Go to time: centres `t` (keeping the width, narrowed to `maxWidthNs` when given) and marks it. */
  goToTime(t: number, maxWidthNs?: number): void {
    this.pushHistory();
    const tt = Math.max(0, Math.min(this.durationNs, t));
    const w = Math.min(windowNs(this.vp), maxWidthNs ?? Infinity);
    this.setViewport(centreOn({ startNs: 0, endNs: w }, tt, this.durationNs));
    this.setMarker(tt);
  }

  /** Remembers the current view for `back()`. */
  pushHistory(): void {
    const sel = this.selection;
    const selection = sel?.kind === 'span' ? { trackKey: sel.trackKey, timeNs: sel.timeNs }
      : sel?.kind === 'instant' ? { trackKey: sel.trackKey, timeNs: sel.instant.timeNs } : undefined;
    this.history.push({ window: { startNs: this.vp.startNs, endNs: this.vp.endNs }, scrollTop: this.scrollTop, selection });
  }

  /** Returns to the view before the last jump (follow, search result, go to); false when there is none. */
  async back(): Promise<boolean> {
    const e = this.history.pop();
    if (!e) { this.cb.status('Nothing to go back to'); return false; }
    this.setViewport(e.window);
    this.setScroll(e.scrollTop);
    if (e.selection) await this.restoreSelection(e.selection.trackKey, e.selection.timeNs);
    else this.select(null);
    this.cb.status(`Back (${this.history.size} more)`);
    return true;
  }

  /**
   * Follows the unblocker of the selected goroutine span: for a wait, the goroutine that ended it (at that time);
   * for a Runnable span that says "unblocked" or "created", the goroutine it names. The view before is kept for back().
   */
  async followUnblocker(): Promise<boolean> {
    const sel = this.selection;
    if (sel?.kind !== 'span' || sel.track.kind !== 'goroutine') {
      this.cb.status('Select a goroutine span (a wait) to follow its unblocker');
      return false;
    }
    const s = sel.span;
    if (s.count === 1 && s.state === GoroutineState.Runnable && s.goroutine >= 0 && (s.reason === 'unblocked' || s.reason === 'created')) {
      return this.followGoroutine(s.goroutine, s.startNs);
    }
    let st: GoroutineStackResult;
    try {
      st = await this.host.request<GoroutineStackResult>('gotrace/goroutineStack', { goroutine: sel.track.id ?? 0, timeNs: sel.timeNs }).promise;
    } catch (e) {
      this.cb.status(`Could not read the span: ${String((e as Error)?.message ?? e)}`);
      return false;
    }
    const u = st.unblockedBy;
    if (u && u.by >= 0) return this.followGoroutine(u.by, u.timeNs);
    this.cb.status(u ? 'This wait was ended by the runtime, not by a goroutine' : 'This span was not unblocked by another goroutine');
    return false;
  }

  /** What a link to this view holds: the window (whole ns) and the selected goroutine span, if any. */
  viewState(): { startNs: number; endNs: number; goroutine?: number; timeNs?: number } {
    const v: { startNs: number; endNs: number; goroutine?: number; timeNs?: number } = {
      startNs: Math.max(0, Math.floor(this.vp.startNs)), endNs: Math.ceil(this.vp.endNs),
    };
    if (v.endNs <= v.startNs) v.endNs = v.startNs + 1;
    const sel = this.selection;
    if (sel?.kind === 'span' && sel.track.kind === 'goroutine') {
      v.goroutine = sel.track.id ?? 0;
      v.timeNs = Math.max(0, Math.round(sel.timeNs));
    }
    return v;
  }

  /** Restores a linked view: the window, then the goroutine's row with its span at `timeNs` selected. */
  async restoreView(v: { startNs: number; endNs: number; goroutine?: number; timeNs?: number }): Promise<boolean> {
    this.setViewport({ startNs: v.startNs, endNs: v.endNs });
    if (v.goroutine === undefined) return true;
    const ok = await this.revealGoroutine(v.goroutine);
    if (ok) this.selectGoroutineAt(v.goroutine, v.timeNs ?? Math.round((this.vp.startNs + this.vp.endNs) / 2));
    return ok;
  }

  /** Whether goroutine `id`'s row is placed in the last drawn frame (its content y and height). */
  placedRow(id: number): { y: number; h: number } | undefined {
    const p = this.placed.get(trackKey({ kind: 'goroutine', id, lane: 0 }));
    return p ? { y: AXIS_H + p.y - this.scrollTop, h: p.h } : undefined;
  }

  // ---------------------------------------------------------------- Timeline API (for other views; README "Timeline API")

  /**
   * Shows goroutine `id`'s row focused: expands what hides it, loads its page, scrolls it into view and selects it.
   * With `startNs`/`endNs` the window shows that range first; with `timeNs` (and no range) the window is centred on
   * it when it is off-screen; the span covering `timeNs` (default: the window's centre) is selected and the details
   * pane shows it. Resolves false when the goroutine is not in the trace. Focus stays where it was unless `focus`.
   */
  async focusGoroutine(id: number, opts: { timeNs?: number; startNs?: number; endNs?: number; focus?: boolean } = {}): Promise<boolean> {
    if (opts.startNs !== undefined && opts.endNs !== undefined && opts.endNs > opts.startNs) {
      this.setViewport(zoomToRange(opts.startNs, opts.endNs, this.durationNs, 0));
    }
    const t = opts.timeNs ?? (this.vp.startNs + this.vp.endNs) / 2;
    const ok = await this.followGoroutine(id, Math.round(t));
    if (ok && opts.focus) this.canvas.focus();
    return ok;
  }

  /**
   * Shows a time window ([startNs, endNs], ns since the trace start; clamped to the trace) without touching rows or
   * the selection.
   */
  showWindow(startNs: number, endNs: number): void {
    this.setViewport(zoomToRange(startNs, endNs, this.durationNs, 0));
  }

  /** Centres time `timeNs` (ns since the trace start) keeping the window's width. */
  centreTime(timeNs: number): void {
    this.setViewport(centreOn(this.vp, timeNs, this.durationNs));
  }

  /**
   * Outlines spans (each the span of `goroutine` covering `timeNs`) with `label` in a banner, after zooming to
   * [startNs, endNs] and scrolling to the first goroutine (which is selected). Esc or the banner's Clear removes it.
   * The same as the host's `reveal` message.
   */
  revealSpans(startNs: number, endNs: number, spans: { goroutine: number; timeNs: number }[], label?: string): Promise<void> {
    return this.reveal(startNs, endNs, spans, label);
  }

  /** Shows [startNs, endNs] and outlines the spans of these goroutines at these times (reverse navigation). */
  async reveal(startNs: number, endNs: number, spans: { goroutine: number; timeNs: number }[], label?: string): Promise<void> {
    this.highlights = spans.slice(0, 10000);
    this.setViewport(zoomToRange(startNs, endNs, this.durationNs, 0.05));
    this.banner.replaceChildren();
    const text = document.createElement('span');
    text.textContent = label ?? `${spans.length} highlighted span${spans.length === 1 ? '' : 's'}`;
    const close = document.createElement('button');
    close.className = 'link-button';
    close.textContent = 'Clear';
    close.title = 'Clear the highlight (Esc)';
    close.addEventListener('click', () => this.clearHighlights());
    this.banner.append(text, close);
    this.banner.hidden = false;
    this.requestDraw();
    if (spans.length > 0) {
      const first = spans[0];
      if (await this.revealGoroutine(first.goroutine)) this.selectGoroutineAt(first.goroutine, first.timeNs);
    }
  }

  clearHighlights(): void {
    this.highlights = [];
    this.banner.hidden = true;
    this.requestDraw();
  }

  /**
   * Test hook: makes the span of goroutine `id` covering `timeNs` visible and at least a few pixels wide (zooming
   * and scrolling like a user), then returns a client point inside it.
   */
  async locateSpan(id: number, timeNs: number): Promise<{ x: number; y: number } | null> {
    const st = await this.host.request<GoroutineStackResult>('gotrace/goroutineStack', { goroutine: id, timeNs }).promise;
    const a = st.spanStartNs;
    const b = st.spanEndNs;
    const wpx = ((b - a) / windowNs(this.vp)) * this.plotW();
    if (wpx < 4 || a > this.vp.endNs || b < this.vp.startNs) {
      // the span takes about a third of the plot
      this.setViewport(zoomToRange(a, b, this.durationNs, 1));
    }
    const ok = await this.revealGoroutine(id);
    if (!ok) return null;
    const key = trackKey({ kind: 'goroutine', id, lane: 0 });
    await this.waitForTrack(key, 20000);
    await new Promise((r) => requestAnimationFrame(() => r(undefined)));
    this.draw();
    const p = this.placed.get(key);
    if (!p) return null;
    const visA = Math.max(a, this.vp.startNs);
    const visB = Math.min(b, this.vp.endNs);
    const x = this.plotX() + timeToX(this.vp, this.plotW(), (visA + visB) / 2);
    const y = AXIS_H + p.y - this.scrollTop + p.h / 2;
    const r = this.canvas.getBoundingClientRect();
    return { x: r.left + x, y: r.top + y };
  }

  // ---------------------------------------------------------------- drawing

  private draw(): void {
    this.measure();
    const ctx = this.ctx;
    const pal = this.palette;
    const t = pal.theme;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = t.background;
    ctx.fillRect(0, 0, this.cssW, this.cssH);
    const g = this.geometry();
    const rows = this.visibleRows();
    this.placed = new Map();
    const px = this.plotX();
    const pw = this.plotW();

    // grid lines
    const tk = ticks(this.vp, pw);
    ctx.fillStyle = withAlphaCss(t.lines, 0.18);
    for (const tt of tk.times) {
      const x = Math.round((px + timeToX(this.vp, pw, tt)) * this.dpr) / this.dpr;
      ctx.fillRect(x, AXIS_H, 1 / this.dpr, this.cssH - AXIS_H);
    }

    ctx.save();
    ctx.beginPath();
    ctx.rect(0, AXIS_H, this.cssW, this.cssH - AXIS_H);
    ctx.clip();
    for (const vr of rows) this.drawRow(vr, g);
    this.drawOverlays(g);
    ctx.restore();

    this.drawAxis(tk);
    this.updateScrollbar();
  }

  private drawRow(vr: VisibleRow, g: Geometry): void {
    const ctx = this.ctx;
    const pal = this.palette;
    const t = pal.theme;
    const y = AXIS_H + vr.y - this.scrollTop;
    const row = vr.row;
    const px = this.plotX();
    ctx.font = `${pal.fontSize}px ${pal.font}`;
    ctx.textBaseline = 'middle';
    if (row.type === 'section') {
      ctx.fillStyle = withAlphaCss(t.foreground, 0.08);
      ctx.fillRect(0, y, this.cssW, row.height);
      ctx.fillStyle = t.foreground;
      ctx.font = `600 ${pal.fontSize}px ${pal.font}`;
      const arrow = row.collapsed ? '▸' : '▾';
      const count = row.id === 'overview' ? '' : ` (${formatCount(row.count)})`;
      ctx.fillText(`${arrow} ${row.label}${count}`, 6, y + row.height / 2);
      if (row.id === 'goroutines') {
        ctx.font = `${pal.fontSize}px ${pal.font}`;
        ctx.fillStyle = t.descriptionForeground;
        const loading = this.grouped && !this.groupsLoaded ? ' — reading the goroutine groups…' : '';
        ctx.fillText(`${this.grouped ? 'grouped by function, ' : ''}sorted by ${sortName(this.sort)}${loading}`, px + 6, y + row.height / 2);
      }
      return;
    }
    if (row.type === 'group') {
      ctx.fillStyle = withAlphaCss(t.foreground, 0.04);
      ctx.fillRect(0, y, this.cssW, row.height);
      ctx.fillStyle = t.foreground;
      const arrow = row.collapsed ? '▸' : '▾';
      this.fitText(`${arrow} ${groupLabel(row.name)} (${formatCount(row.count)})`, 14, y + row.height / 2, this.labelW - 18);
      this.separator(y + row.height);
      return;
    }
    if (row.type === 'track') {
      const key = row.key;
      const c = this.cache.get(key);
      this.placed.set(key, { y: vr.y, h: row.height, track: row.track, label: row.label });
      ctx.fillStyle = t.descriptionForeground;
      if (row.label) this.fitText(row.label, 10 + row.indent * 12, y + row.height / 2, this.labelW - 14 - row.indent * 12);
      if (!c) { this.separator(y + row.height); return; }
      if (row.style === 'counter') {
        const { max } = drawCounter(ctx, g, c.track, y, row.height, pal, row.counter ?? 'stacked');
        ctx.fillStyle = t.descriptionForeground;
        ctx.font = `${pal.fontSize - 1}px ${pal.font}`;
        ctx.textBaseline = 'top';
        ctx.fillText(counterScaleLabel(row.counter ?? 'stacked', max), px + 4, y + 2);
        ctx.textBaseline = 'middle';
      } else if (row.style === 'instants') {
        drawInstants(ctx, g, c.track, y + 2, row.height - 4, row.track.kind === 'logs' ? t.yellow : t.foreground);
      } else {
        const pad = row.style === 'lane' ? 1 : 2;
        drawSpans(ctx, g, c.track, y + pad, row.height - 2 * pad, pal, {
          procColor: this.procColor, labels: true, goroutineLabels: true,
        });
      }
      this.separator(y + row.height);
      return;
    }
    // goroutine slot
    const item = this.pages.get(row.group, row.slot);
    ctx.fillStyle = t.descriptionForeground;
    if (!item) {
      this.fitText('…', this.grouped ? 24 : 10, y + RowHeights.goroutine / 2, 40);
      return;
    }
    const key = trackKey({ kind: 'goroutine', id: item.id, lane: 0 });
    const c = this.cache.get(key);
    const filtering = filterActive(this.filter);
    const f = this.filter;
    const npp = c?.q.nsPerPixel ?? 1;
    const rowMatches = !filtering || !c || countPassing(f, c.track.spans, this.vp.startNs, this.vp.endNs, npp) > 0;
    ctx.fillStyle = rowMatches ? t.foreground : withAlphaCss(t.descriptionForeground, 0.55);
    this.fitText(goroutineRowLabel(item.id, item), this.grouped ? 24 : 10, y + RowHeights.goroutine / 2,
      this.labelW - (this.grouped ? 28 : 14));
    this.placed.set(key, { y: vr.y, h: RowHeights.goroutine, track: { kind: 'goroutine', id: item.id, lane: 0 },
      label: goroutineRowLabel(item.id, item) });
    if (c) {
      drawSpans(ctx, g, c.track, y + 5, RowHeights.goroutine - 7, pal, {
        procColor: this.procColor, labels: false, goroutineLabels: false,
        dim: filtering ? (s) => !spanPasses(f, s, npp) : undefined,
      });
    }
    const samples = this.cache.get(trackKey({ kind: 'cpuSamples', id: item.id, lane: 0 }));
    if (samples) drawInstants(ctx, g, samples.track, y + 1, 3, t.foreground);
    const logs = this.cache.get(trackKey({ kind: 'logs', id: item.id, lane: 0 }));
    if (logs) drawInstants(ctx, g, logs.track, y + 1, 3, t.yellow);
    for (let l = 0; l < row.lanes; l++) {
      const lt = this.lanes.laneTrack(item.id, l);
      if (!lt) continue;
      const ly = y + RowHeights.goroutine + l * RowHeights.lane;
      const lk = trackKey(lt);
      this.placed.set(lk, { y: vr.y + RowHeights.goroutine + l * RowHeights.lane, h: RowHeights.lane, track: lt,
        label: lt.kind === 'regions' ? `regions ${lt.lane}` : `ranges ${lt.lane}` });
      ctx.fillStyle = t.descriptionForeground;
      ctx.font = `${pal.fontSize - 2}px ${pal.font}`;
      this.fitText(lt.kind === 'regions' ? 'regions' : 'GC ranges', this.grouped ? 36 : 22, ly + RowHeights.lane / 2, 80);
      ctx.font = `${pal.fontSize}px ${pal.font}`;
      const lc = this.cache.get(lk);
      if (lc) drawSpans(ctx, g, lc.track, ly + 1, RowHeights.lane - 2, pal, { procColor: this.procColor, labels: true, goroutineLabels: false });
    }
    this.separator(y + row.height, 0.06);
  }

  private separator(y: number, alpha = 0.1): void {
    this.ctx.fillStyle = withAlphaCss(this.palette.theme.foreground, alpha);
    this.ctx.fillRect(0, Math.round(y * this.dpr) / this.dpr - 1 / this.dpr, this.cssW, 1 / this.dpr);
  }

  private fitText(text: string, x: number, y: number, maxW: number): void {
    const ctx = this.ctx;
    if (maxW <= 8) return;
    let s = text;
    if (ctx.measureText(s).width > maxW) {
      let lo = 0;
      let hi = s.length;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (ctx.measureText(s.slice(0, mid) + '…').width <= maxW) lo = mid; else hi = mid - 1;
      }
      s = s.slice(0, lo) + '…';
    }
    ctx.fillText(s, x, y);
  }

  private drawOverlays(g: Geometry): void {
    const ctx = this.ctx;
    const t = this.palette.theme;
    const px = this.plotX();
    const pw = this.plotW();
    // label column background over anything that spilled
    // (spans are clipped to the plot by spanPixels; this only draws the divider)
    ctx.fillStyle = withAlphaCss(t.foreground, 0.2);
    ctx.fillRect(px - 1, AXIS_H, 1, this.cssH - AXIS_H);

    if (this.arrows) this.drawArrows(g);
    else this.arrowInfo = { shown: 0, offscreen: 0, dropped: 0 };
    if (this.marker !== undefined && this.marker >= this.vp.startNs && this.marker <= this.vp.endNs) {
      const mx = Math.round(px + timeToX(this.vp, pw, this.marker)) + 0.5;
      ctx.strokeStyle = t.red;
      ctx.lineWidth = 1;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(mx, AXIS_H);
      ctx.lineTo(mx, this.cssH);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    // highlighted spans (reveal)
    if (this.highlights.length > 0) {
      ctx.strokeStyle = t.orange;
      ctx.lineWidth = 2;
      for (const h of this.highlights) {
        const key = trackKey({ kind: 'goroutine', id: h.goroutine, lane: 0 });
        const p = this.placed.get(key);
        const c = this.cache.get(key);
        if (!p || !c) continue;
        const s = spanAtTime(c.track.spans, h.timeNs);
        const span = s ? [s.startNs, s.endNs] : [h.timeNs, h.timeNs];
        this.outline(g, span[0], span[1], p, 2);
      }
    }
    // selection
    const sel = this.selection;
    if (sel && (sel.kind === 'span' || sel.kind === 'instant')) {
      const p = this.placed.get(sel.trackKey);
      if (p) {
        ctx.strokeStyle = t.focusBorder;
        ctx.lineWidth = 2;
        if (sel.kind === 'span') {
          const c = this.cache.get(sel.trackKey);
          const cur = c ? spanAtTime(c.track.spans, sel.timeNs) : undefined;
          const s = cur ?? sel.span;
          this.outline(g, s.startNs, s.endNs, p, 1);
        } else {
          this.outline(g, sel.instant.timeNs, sel.instant.endNs, p, 1);
        }
      }
    }
    // range selection
    const r = this.range;
    if (r) {
      const xa = px + timeToX(this.vp, pw, Math.min(r.a, r.b));
      const xb = px + timeToX(this.vp, pw, Math.max(r.a, r.b));
      ctx.fillStyle = withAlphaCss(t.selectionBackground, 0.45);
      ctx.fillRect(Math.max(px, xa), AXIS_H, Math.min(px + pw, xb) - Math.max(px, xa), this.cssH - AXIS_H);
      ctx.fillStyle = t.focusBorder;
      ctx.fillRect(xa, AXIS_H, 1, this.cssH - AXIS_H);
      ctx.fillRect(xb, AXIS_H, 1, this.cssH - AXIS_H);
      const label = `${formatDuration(Math.abs(r.b - r.a))} — Enter zooms`;
      ctx.font = `600 ${this.palette.fontSize}px ${this.palette.font}`;
      const w = ctx.measureText(label).width + 10;
      const lx = Math.min(Math.max(px + 2, (xa + xb) / 2 - w / 2), px + pw - w - 2);
      ctx.fillStyle = t.background;
      ctx.fillRect(lx, AXIS_H + 2, w, 18);
      ctx.strokeStyle = t.focusBorder;
      ctx.lineWidth = 1;
      ctx.strokeRect(lx + 0.5, AXIS_H + 2.5, w - 1, 17);
      ctx.fillStyle = t.foreground;
      ctx.textBaseline = 'middle';
      ctx.fillText(label, lx + 5, AXIS_H + 11);
    }
    // cursor line
    if (this.mouse && this.mouse.x >= px && this.mouse.y >= AXIS_H && !this.drag) {
      ctx.fillStyle = withAlphaCss(t.foreground, 0.35);
      ctx.fillRect(Math.round(this.mouse.x), AXIS_H, 1, this.cssH - AXIS_H);
    }
  }

  /** Flow arrows between the goroutine rows drawn in this frame (nav/arrows.ts picks them). */
  private drawArrows(g: Geometry): void {
    const ctx = this.ctx;
    const t = this.palette.theme;
    const rows: ArrowRow[] = [];
    for (const [key, p] of this.placed) {
      if (p.track.kind !== 'goroutine' || (p.track.lane ?? 0) !== 0) continue;
      const c = this.cache.get(key);
      if (!c) continue;
      rows.push({ goroutine: p.track.id ?? 0, y: AXIS_H + p.y - this.scrollTop + p.h / 2, spans: c.track.spans });
    }
    const r = flowArrows(rows, this.vp.startNs, this.vp.endNs, 300);
    this.arrowInfo = { shown: r.arrows.length, offscreen: r.offscreen, dropped: r.dropped };
    ctx.lineWidth = 1.5;
    for (const a of r.arrows) {
      const x = g.x0 + timeToX(g.vp, g.width, a.timeNs);
      const color = a.kind === 'create' ? t.green : t.orange;
      const dy = a.toY - a.fromY;
      const bow = Math.min(36, Math.abs(dy) / 3 + 6);
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.arc(x, a.fromY, 2.5, 0, 2 * Math.PI);
      ctx.fill();
      const tipY = a.toY - Math.sign(dy) * 6;
      ctx.beginPath();
      ctx.moveTo(x, a.fromY);
      ctx.quadraticCurveTo(x - bow, (a.fromY + tipY) / 2, x, tipY);
      ctx.stroke();
      // the head, pointing at the target row
      ctx.beginPath();
      ctx.moveTo(x, a.toY);
      ctx.lineTo(x - 4, tipY - Math.sign(dy) * 2);
      ctx.lineTo(x + 4, tipY - Math.sign(dy) * 2);
      ctx.closePath();
      ctx.fill();
    }
  }

  private outline(g: Geometry, a: number, b: number, p: Placed, inset: number): void {
    const ctx = this.ctx;
    const xa = Math.max(g.x0 - 2, g.x0 + timeToX(g.vp, g.width, a));
    const xb = Math.min(g.x0 + g.width + 2, g.x0 + timeToX(g.vp, g.width, b));
    const y = AXIS_H + p.y - this.scrollTop;
    const w = Math.max(3, xb - xa);
    ctx.strokeRect(xa - 1 + inset / 2, y + inset / 2, w + 2 - inset, p.h - inset);
  }

  private drawAxis(tk: { step: number; times: number[] }): void {
    const ctx = this.ctx;
    const pal = this.palette;
    const t = pal.theme;
    const px = this.plotX();
    const pw = this.plotW();
    ctx.fillStyle = t.background;
    ctx.fillRect(0, 0, this.cssW, AXIS_H);
    ctx.fillStyle = withAlphaCss(t.foreground, 0.05);
    ctx.fillRect(0, 0, this.cssW, AXIS_H);
    ctx.fillStyle = withAlphaCss(t.foreground, 0.3);
    ctx.fillRect(0, AXIS_H - 1, this.cssW, 1);
    ctx.font = `${pal.fontSize}px ${pal.font}`;
    ctx.textBaseline = 'middle';
    ctx.fillStyle = t.descriptionForeground;
    this.fitText(`${formatDuration(windowNs(this.vp))} shown`, 8, AXIS_H / 2, this.labelW - 12);
    ctx.save();
    ctx.beginPath();
    ctx.rect(px, 0, pw, AXIS_H);
    ctx.clip();
    for (const tt of tk.times) {
      const x = Math.round((px + timeToX(this.vp, pw, tt)) * this.dpr) / this.dpr;
      ctx.fillStyle = withAlphaCss(t.foreground, 0.5);
      ctx.fillRect(x, AXIS_H - 7, 1, 6);
      ctx.fillStyle = t.foreground;
      ctx.fillText(formatAxisTime(tt, tk.step), x + 3, AXIS_H / 2 - 2);
    }
    if (this.mouse && this.mouse.x >= px && !this.drag) {
      const tm = xToTime(this.vp, pw, this.mouse.x - px);
      const label = formatTimestamp(tm);
      ctx.font = `${pal.fontSize - 1}px ${pal.font}`;
      const w = ctx.measureText(label).width + 8;
      const x = Math.min(Math.max(px, this.mouse.x - w / 2), px + pw - w);
      ctx.fillStyle = t.selectionBackground;
      ctx.fillRect(x, 2, w, AXIS_H - 6);
      ctx.fillStyle = t.foreground;
      ctx.fillText(label, x + 4, AXIS_H / 2 - 1);
    }
    ctx.restore();
  }

  private updateScrollbar(): void {
    const total = this.layout.totalHeight;
    const view = this.plotH();
    if (total <= view) { this.thumb.hidden = true; return; }
    this.thumb.hidden = false;
    const th = Math.max(24, (view * view) / total);
    const top = (this.scrollTop / (total - view)) * (view - th);
    this.thumb.style.height = `${th}px`;
    this.thumb.style.top = `${top}px`;
  }

  // ---------------------------------------------------------------- hit testing

  private hitAt(x: number, y: number): Hit | undefined {
    if (y < AXIS_H) return undefined;
    const cy = this.scrollTop + y - AXIS_H;
    const row = this.layout.rowAt(cy);
    if (!row) return undefined;
    const inLabel = x < this.plotX();
    const hit: Hit = { row, spanIndex: -1, instantIndex: -1, inLabel };
    const r = row.row;
    let track: TrackRef | undefined;
    let instantsFirst = false;
    if (r.type === 'track') {
      track = r.track;
      instantsFirst = r.style === 'instants';
    } else if (r.type === 'goroutine') {
      const item = this.pages.get(r.group, r.slot);
      if (!item) return hit;
      hit.goroutine = item;
      const yIn = cy - row.y;
      if (yIn < RowHeights.goroutine) {
        track = { kind: 'goroutine', id: item.id, lane: 0 };
        if (yIn < 5 && !inLabel) {
          // the instant marks along the top of the row
          for (const k of ['logs', 'cpuSamples'] as const) {
            const c = this.cache.get(trackKey({ kind: k, id: item.id, lane: 0 }));
            if (!c) continue;
            const i = instantAtPixel(c.track.instants, this.vp, this.plotW(), x - this.plotX(), 3);
            if (i >= 0) { hit.track = c.track.track; hit.data = c.track; hit.instantIndex = i; return hit; }
          }
        }
      } else {
        track = this.lanes.laneTrack(item.id, Math.floor((yIn - RowHeights.goroutine) / RowHeights.lane));
      }
    }
    if (!track) return hit;
    hit.track = track;
    const c = this.cache.get(trackKey(track));
    if (!c || inLabel) return hit;
    hit.data = c.track;
    const xp = x - this.plotX();
    if (instantsFirst || c.track.instants.length > 0 && c.track.spans.length === 0) {
      hit.instantIndex = instantAtPixel(c.track.instants, this.vp, this.plotW(), xp, 4);
    } else if (track.kind !== 'counter') {
      hit.spanIndex = spanAtPixel(track.kind, c.track.spans, this.vp, this.plotW(), xp, 3);
    }
    return hit;
  }

  private clickAt(x: number, y: number): void {
    if (y < AXIS_H) return;
    const hit = this.hitAt(x, y);
    if (!hit) { this.select(null); return; }
    const r = hit.row.row;
    if (r.type === 'section' || r.type === 'group') { this.toggleCollapsed(r.key); return; }
    if (hit.inLabel) return;
    if (!hit.track || !hit.data) { this.select(null); return; }
    const key = trackKey(hit.track);
    const label = r.type === 'goroutine' && hit.goroutine ? goroutineRowLabel(hit.goroutine.id, hit.goroutine) : hit.data.name;
    if (hit.instantIndex >= 0) {
      this.select({ kind: 'instant', track: hit.track, trackKey: key, instant: hit.data.instants[hit.instantIndex], rowLabel: label });
      return;
    }
    if (hit.track.kind === 'counter') {
      const t = xToTime(this.vp, this.plotW(), x - this.plotX());
      const steps = toSteps(hit.data.points, hit.data.series.length, this.vp.endNs);
      const vals = valuesAt(steps, t);
      if (!vals) { this.select(null); return; }
      const heap = hit.track.id === 0;
      this.select({ kind: 'counter', track: hit.track, trackKey: key, timeNs: t, rowLabel: label,
        values: hit.data.series.map((name, i) => ({ name, value: heap ? formatBytes(vals[i]) : formatCount(vals[i]) })) });
      return;
    }
    if (hit.spanIndex < 0) { this.select(null); return; }
    const span = hit.data.spans[hit.spanIndex];
    const tClick = xToTime(this.vp, this.plotW(), x - this.plotX());
    const timeNs = Math.min(span.endNs - 1, Math.max(span.startNs, Math.round(tClick)));
    this.select({ kind: 'span', track: hit.track, trackKey: key, timeNs: Math.max(span.startNs, timeNs), span, rowLabel: label,
      goroutine: hit.goroutine });
  }

  private tooltipFor(x: number, y: number): string[] | undefined {
    const hit = this.hitAt(x, y);
    if (!hit || hit.inLabel || !hit.data || !hit.track) {
      if (hit?.inLabel && hit.row.row.type === 'goroutine' && hit.goroutine) {
        const g = hit.goroutine;
        return [goroutineRowLabel(g.id, g), `execution ${formatDuration(g.execNs)}, blocked ${formatDuration(g.blockNs)}`,
          `scheduler wait ${formatDuration(g.schedWaitNs)}, syscalls ${formatDuration(g.syscallNs)}`];
      }
      return undefined;
    }
    const kind = hit.track.kind;
    if (hit.instantIndex >= 0) {
      const it = hit.data.instants[hit.instantIndex];
      const what = kind === 'logs' ? 'log' : 'CPU sample';
      const lines = [it.count > 1 ? `${formatCount(it.count)} ${what}s` : what, formatTimestamp(it.timeNs)];
      if (it.text) lines.push(it.text);
      if (it.goroutine >= 0) lines.push(`G${it.goroutine}`);
      return lines;
    }
    if (kind === 'counter') {
      const t = xToTime(this.vp, this.plotW(), x - this.plotX());
      const steps = toSteps(hit.data.points, hit.data.series.length, this.vp.endNs);
      const vals = valuesAt(steps, t);
      if (!vals) return undefined;
      const heap = hit.track.id === 0;
      return [hit.data.name, ...hit.data.series.map((s, i) => `${s}: ${heap ? formatBytes(vals[i]) : formatCount(vals[i])}`)];
    }
    if (hit.spanIndex < 0) return undefined;
    const s = hit.data.spans[hit.spanIndex];
    const names = stateNames(kind);
    if (s.count > 1 && s.stateNs) {
      const dom = dominantState(s.stateNs);
      return [`${formatCount(s.count)} spans merged (mostly ${names[dom] ?? dom})`, formatDuration(s.endNs - s.startNs),
        'click for the breakdown, double-click to zoom in'];
    }
    const cls = colorClass(kind, s.state, s.reason);
    const lines = [
      kind === 'goroutine' ? `${names[s.state] ?? s.state}${s.reason ? ` (${s.reason})` : ''}` : (s.reason ?? ColorClassLabel[cls]) || names[s.state],
      `${formatDuration(s.endNs - s.startNs)} from ${formatTimestamp(s.startNs)}`,
    ];
    if ((kind === 'proc' || kind === 'thread') && s.goroutine >= 0) lines.push(`G${s.goroutine}`);
    if (kind === 'goroutine' && s.goroutine >= 0) lines.push(s.reason === 'created' ? `created by G${s.goroutine}` : `unblocked by G${s.goroutine}`);
    return lines;
  }

  private showTooltip(x: number, y: number): void {
    const lines = this.drag ? undefined : this.tooltipFor(x, y);
    if (!lines) { this.tooltip.hidden = true; return; }
    this.tooltip.replaceChildren(...lines.map((l, i) => {
      const d = document.createElement('div');
      if (i === 0) d.className = 'tooltip-title';
      d.textContent = l;
      return d;
    }));
    this.tooltip.hidden = false;
    const w = this.tooltip.offsetWidth;
    const h = this.tooltip.offsetHeight;
    const left = x + 14 + w > this.cssW ? x - w - 10 : x + 14;
    const top = y + 16 + h > this.cssH ? y - h - 8 : y + 16;
    this.tooltip.style.left = `${Math.max(0, left)}px`;
    this.tooltip.style.top = `${Math.max(0, top)}px`;
  }

  // ---------------------------------------------------------------- input

  private local(e: { clientX: number; clientY: number }): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private installInput(): void {
    const c = this.canvas;
    c.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    c.addEventListener('pointerdown', (e) => this.onPointerDown(e));
    c.addEventListener('pointermove', (e) => this.onPointerMove(e));
    c.addEventListener('pointerup', (e) => this.onPointerUp(e));
    c.addEventListener('pointercancel', () => { this.drag = null; this.requestDraw(); });
    c.addEventListener('pointerleave', () => { if (!this.drag) { this.mouse = null; this.tooltip.hidden = true; this.requestDraw(); } });
    c.addEventListener('dblclick', (e) => this.onDoubleClick(e));
    c.addEventListener('keydown', (e) => this.onKey(e));
    c.addEventListener('focus', () => this.requestDraw());

    // the scrollbar
    this.thumb.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      e.stopPropagation();
      this.thumb.setPointerCapture(e.pointerId);
      const y0 = e.clientY;
      const s0 = this.scrollTop;
      const move = (ev: PointerEvent) => {
        const total = this.layout.totalHeight;
        const view = this.plotH();
        const th = Math.max(24, (view * view) / total);
        const perPx = (total - view) / Math.max(1, view - th);
        this.setScroll(s0 + (ev.clientY - y0) * perPx);
      };
      const up = () => {
        this.thumb.removeEventListener('pointermove', move);
        this.thumb.removeEventListener('pointerup', up);
      };
      this.thumb.addEventListener('pointermove', move);
      this.thumb.addEventListener('pointerup', up);
    });
    this.vscroll.addEventListener('pointerdown', (e) => {
      if (e.target !== this.vscroll) return;
      const r = this.thumb.getBoundingClientRect();
      this.setScroll(this.scrollTop + (e.clientY < r.top ? -1 : 1) * this.plotH() * 0.9);
    });
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? this.plotH() : 1;
    const dx = e.deltaX * unit;
    const dy = e.deltaY * unit;
    const { x } = this.local(e);
    this.mouse = this.local(e);
    if (e.ctrlKey || e.metaKey || e.altKey) {
      // ctrl/cmd (and trackpad pinch, which arrives as ctrl+wheel) or alt: zoom around the pointer
      const frac = x >= this.plotX() ? (x - this.plotX()) / this.plotW() : 0.5;
      this.setViewport(zoomAt(this.vp, wheelZoomFactor(dy), frac, this.durationNs));
      return;
    }
    if (e.shiftKey) {
      const d = dy !== 0 ? dy : dx;
      this.setViewport(panBy(this.vp, (d / this.plotW()) * windowNs(this.vp), this.durationNs));
      return;
    }
    if (Math.abs(dx) > Math.abs(dy) * 0.5 && dx !== 0) {
      this.setViewport(panBy(this.vp, (dx / this.plotW()) * windowNs(this.vp), this.durationNs));
    }
    if (dy !== 0 && Math.abs(dy) >= Math.abs(dx) * 0.5) this.setScroll(this.scrollTop + dy);
  }

  private onPointerDown(e: PointerEvent): void {
    this.canvas.focus({ preventScroll: true });
    const p = this.local(e);
    this.mouse = p;
    this.tooltip.hidden = true;
    const onAxis = p.y < AXIS_H;
    const mode = e.button === 0 && this.onDivider(p.x, p.y) ? 'resize'
      : e.button === 1 || (e.button === 0 && onAxis) ? 'pan' : e.button === 0 ? 'maybe' : null;
    if (!mode) return;
    if (e.button === 1) e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    this.drag = {
      mode, x0: p.x, y0: p.y, t0: xToTime(this.vp, this.plotW(), p.x - this.plotX()), vp0: { ...this.vp },
      scroll0: this.scrollTop, pointer: e.pointerId, button: e.button,
    };
  }

  private onPointerMove(e: PointerEvent): void {
    const p = this.local(e);
    this.mouse = p;
    const d = this.drag;
    if (!d) {
      this.canvas.style.cursor = this.onDivider(p.x, p.y) ? 'col-resize' : '';
      this.showTooltip(p.x, p.y);
      this.requestDraw();
      return;
    }
    if (d.mode === 'resize') { this.setLabelWidth(p.x); return; }
    if (d.mode === 'maybe' && Math.abs(p.x - d.x0) > 3 && d.x0 >= this.plotX()) d.mode = 'select';
    if (d.mode === 'select') {
      const t = xToTime(this.vp, this.plotW(), Math.max(0, Math.min(this.plotW(), p.x - this.plotX())));
      this.range = { a: d.t0, b: t };
      this.cb.rangeChanged(this.range);
      this.requestDraw();
    } else if (d.mode === 'pan') {
      const dt = ((p.x - d.x0) / this.plotW()) * windowNs(d.vp0);
      this.setViewport(panBy(d.vp0, -dt, this.durationNs));
      if (d.button === 1) this.setScroll(d.scroll0 - (p.y - d.y0));
    }
  }

  private onPointerUp(e: PointerEvent): void {
    const d = this.drag;
    this.drag = null;
    if (!d) return;
    try { this.canvas.releasePointerCapture(e.pointerId); } catch { /* released already */ }
    const p = this.local(e);
    if (d.mode === 'maybe') {
      this.clickAt(p.x, p.y);
    } else if (d.mode === 'select' && this.range) {
      if (Math.abs(this.range.b - this.range.a) <= 0) this.setRange(null);
      else this.setRange({ a: Math.min(this.range.a, this.range.b), b: Math.max(this.range.a, this.range.b) });
    }
    this.requestDraw();
  }

  private onDoubleClick(e: MouseEvent): void {
    const p = this.local(e);
    const hit = this.hitAt(p.x, p.y);
    if (!hit || hit.inLabel || !hit.data || hit.spanIndex < 0) return;
    const s = hit.data.spans[hit.spanIndex];
    this.zoomTo(s.startNs, s.endNs, 0.1);
  }

  /** Keys: see help.ts (the overlay lists the same). */
  onKey(e: KeyboardEvent): void {
    if (this.extraKeys?.(e)) { e.preventDefault(); return; }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const k = e.key;
    let handled = true;
    switch (k) {
      case 'w': case 'W': this.zoom(ZOOM_STEP); break;
      case 's': case 'S': this.zoom(1 / ZOOM_STEP); break;
      case 'a': case 'A': case 'ArrowLeft': this.pan(-PAN_STEP); break;
      case 'd': case 'D': case 'ArrowRight': this.pan(PAN_STEP); break;
      case 'ArrowUp': if (e.shiftKey) this.stepRow(-1); else this.setScroll(this.scrollTop - 40); break;
      case 'ArrowDown': if (e.shiftKey) this.stepRow(1); else this.setScroll(this.scrollTop + 40); break;
      case 'j': case 'J': this.stepRow(1); break;
      case 'k': case 'K': this.stepRow(-1); break;
      case 'PageUp': this.setScroll(this.scrollTop - this.plotH() * 0.9); break;
      case 'PageDown': this.setScroll(this.scrollTop + this.plotH() * 0.9); break;
      case 'Home': case '0': this.fullView(); break;
      case 'End': this.setScroll(this.layout.totalHeight); break;
      case 'Enter': if (!this.zoomToSelectionRange()) this.zoomToSelected(); break;
      case 'f': case 'F': this.zoomToSelected(); break;
      case ',': case '<': this.stepSelection(-1); break;
      case '.': case '>': this.stepSelection(1); break;
      case 'Escape':
        if (this.range) this.setRange(null);
        else if (this.highlights.length > 0) this.clearHighlights();
        else if (this.marker !== undefined) this.setMarker(undefined);
        else if (this.selection) this.select(null);
        else handled = false;
        break;
      case '?': this.cb.toggleHelp(); break;
      default: handled = false;
    }
    if (handled) e.preventDefault();
  }

  zoomToSelected(): void {
    const sel = this.selection;
    if (sel?.kind === 'span') {
      const c = this.cache.get(sel.trackKey);
      const s = (c && spanAtTime(c.track.spans, sel.timeNs)) || sel.span;
      this.zoomTo(s.startNs, s.endNs, 0.1);
    }
  }

  dispose(): void {
    this.resizeObserver.disconnect();
  }
}

function spanAtTime(spans: readonly Span[], t: number): Span | undefined {
  const i = spanIndexAt(spans, t);
  return i >= 0 ? spans[i] : undefined;
}

export function goroutineRowLabel(id: number, g?: GoroutineItem): string {
  if (!g) return `G${id}`;
  return `G${id} ${g.name || '(no stack)'}${g.label ? ` ${g.label}` : ''}`;
}

function sortName(s: SortOrder): string {
  switch (s) {
    case 'id': return 'ID';
    case 'execTime': return 'execution time';
    case 'blockTime': return 'block time';
    case 'schedWaitTime': return 'scheduler wait';
    case 'syscallTime': return 'syscall time';
    default: return s;
  }
}

const alphaCache = new Map<string, string>();
function withAlphaCss(color: string, alpha: number): string {
  const key = `${color}|${alpha}`;
  let v = alphaCache.get(key);
  if (!v) {
    const m = parseCss(color);
    v = m ? `rgba(${m.r}, ${m.g}, ${m.b}, ${m.a * alpha})` : color;
    alphaCache.set(key, v);
  }
  return v;
}

