// The Goroutines tab: go tool trace's goroutine analysis. The groups (goroutines by root function) with every column
// of its summary, sortable; a group opens its goroutines (gotrace/goroutineGroup) with their breakdown — Go 1.27's
// columns, its special ranges, GC sweeping/pause — and any goroutine opens its own timeline row, focused at its
// first activity (Enter, double click, or its "Timeline" button).

import type { GoroutineGroup, GoroutineGroupResult, GoroutineGroupsResult, GoroutineItem, GoroutineRow, GoroutinesResult } from '../../protocol';
import { formatCount, formatDuration, formatPercent } from '../format';
import { el, button, message, errorText, isCancelled } from './dom';
import type { AnalysisView, ViewContext } from './context';
import { DataTable, type Column } from './table';
import { lifetimeWindow } from './lifetime';

export class GoroutinesView implements AnalysisView {
  readonly element: HTMLElement;
  private loaded = false;
  private readonly groupsTable: DataTable<GoroutineGroup>;
  private readonly groupPane: HTMLElement;
  private readonly status: HTMLElement;
  private groups: GoroutineGroup[] = [];
  private pendingGroup: string | undefined;
  private groupReq: number | undefined;
  private items = new Map<number, GoroutineItem>();
  private totalExec = 0;

  constructor(private readonly ctx: ViewContext) {
    this.element = el('div', { className: 'analysis-view goroutines-view', testid: 'view-goroutines' });
    this.status = el('span', { className: 'muted', attrs: { 'aria-live': 'polite' } });
    this.groupsTable = new DataTable<GoroutineGroup>({
      testid: 'goroutine-groups',
      caption: 'Goroutine groups by start function (Enter or a click lists the group\'s goroutines)',
      sort: { column: 'exec', dir: 'desc' },
      rowKey: (g) => g.name,
      columns: [
        { id: 'name', label: 'Start location', value: (g) => g.name, cell: (g) => g.name || '(no stack seen)' },
        { id: 'count', label: 'Count', value: (g) => g.count, numeric: true, align: 'right', cell: (g) => formatCount(g.count) },
        { id: 'exec', label: 'Execution', value: (g) => g.execNs, numeric: true, align: 'right', cell: (g) => formatDuration(g.execNs) },
        { id: 'execShare', label: 'Exec %', title: 'Share of all goroutines\' execution time', value: (g) => g.execNs, numeric: true, align: 'right',
          cell: (g) => formatPercent(g.execNs, this.totalExec) },
        { id: 'sched', label: 'Sched wait', value: (g) => g.schedWaitNs, numeric: true, align: 'right', cell: (g) => formatDuration(g.schedWaitNs) },
        { id: 'block', label: 'Block', value: (g) => g.blockNs, numeric: true, align: 'right', cell: (g) => formatDuration(g.blockNs) },
        { id: 'syscall', label: 'Syscall', value: (g) => g.syscallNs, numeric: true, align: 'right', cell: (g) => formatDuration(g.syscallNs) },
        { id: 'total', label: 'Total', value: (g) => g.totalNs, numeric: true, align: 'right', cell: (g) => formatDuration(g.totalNs) },
      ],
      select: (g) => this.openGroup(g.name, false),
      activate: (g) => this.openGroup(g.name, true),
    });
    this.groupPane = el('div', { className: 'group-pane', testid: 'goroutine-group' });
    this.element.append(el('h2', { text: 'Goroutine analysis' }), this.status, this.groupsTable.element, this.groupPane);
  }

  shown(): void {
    if (this.loaded) return;
    this.loaded = true;
    this.status.textContent = 'Loading…';
    this.ctx.host.request<GoroutineGroupsResult>('gotrace/goroutineGroups', {}).promise.then((r) => {
      this.groups = r.groups;
      this.totalExec = r.groups.reduce((s, g) => s + g.execNs, 0);
      const n = r.groups.reduce((s, g) => s + g.count, 0);
      this.status.textContent = `${formatCount(n)} goroutines in ${formatCount(r.groups.length)} groups`;
      this.groupsTable.setRows(r.groups);
      const p = this.pendingGroup;
      this.pendingGroup = undefined;
      if (p !== undefined) this.showGroup(p);
    }, (e) => {
      this.loaded = false;
      this.status.textContent = `Could not read the goroutine groups: ${errorText(e)}`;
    });
  }

  /** Opens a group (from the Summary). */
  showGroup(name: string): void {
    if (this.groups.length === 0) { this.pendingGroup = name; this.shown(); return; }
    const i = this.groupsTable.ordered().findIndex((g) => g.name === name);
    if (i >= 0) {
      this.groupsTable.focusRow(i);
      this.groupsTable.selectRow(i, false);
    }
    this.openGroup(name, true);
  }

  private openGroup(name: string, focus: boolean): void {
    if (this.groupReq !== undefined) this.ctx.host.cancel(this.groupReq);
    this.groupPane.replaceChildren(message(`Loading ${name || '(no stack seen)'}…`));
    const req = this.ctx.host.request<GoroutineGroupResult>('gotrace/goroutineGroup', { name });
    this.groupReq = req.id;
    // the goroutines' lifetimes (for "first activity"); a group of more than 10,000 is read without them
    const items = this.ctx.host.request<GoroutinesResult>('gotrace/goroutines', { group: name, orderBy: 'id', limit: 10000 }).promise
      .catch(() => ({ total: 0, goroutines: [] as GoroutineItem[] }));
    Promise.all([req.promise, items]).then(([g, it]) => {
      this.groupReq = undefined;
      this.items = new Map(it.goroutines.map((x) => [x.id, x]));
      this.renderGroup(g, focus);
    }, (e) => {
      this.groupReq = undefined;
      if (isCancelled(e)) return;
      this.groupPane.replaceChildren(message(`Could not read the group: ${errorText(e)}`, 'goroutine-group-error', 'view-message error'));
    });
  }

  private renderGroup(g: GoroutineGroupResult, focus: boolean): void {
    const cols: Column<GoroutineRow>[] = [
      { id: 'id', label: 'Goroutine', value: (r) => r.id, numeric: true, align: 'right', cell: (r) => {
        const b = button(`G${r.id}`, `Show G${r.id}'s row on the timeline (Enter)`, () => this.showOnTimeline(r.id),
          { className: 'link-button', testid: 'goroutine-show-timeline' });
        b.tabIndex = -1; // Enter on the row does the same
        return b;
      } },
      { id: 'total', label: 'Total', value: (r) => r.totalNs, numeric: true, align: 'right', cell: (r) => formatDuration(r.totalNs) },
    ];
    g.columns.forEach((c, i) => cols.push({
      id: `c${i}`, label: c, value: (r) => r.stats[i] ?? 0, numeric: true, align: 'right', cell: (r) => formatDuration(r.stats[i] ?? 0),
    }));
    g.rangeColumns.forEach((c, i) => cols.push({
      id: `r${i}`, label: c, value: (r) => r.ranges[i] ?? 0, numeric: true, align: 'right', cell: (r) => formatDuration(r.ranges[i] ?? 0),
    }));
    cols.push(
      { id: 'sweep', label: 'GC sweeping', value: (r) => r.gcSweepNs, numeric: true, align: 'right', cell: (r) => formatDuration(r.gcSweepNs) },
      { id: 'pause', label: 'GC pause', value: (r) => r.gcPauseNs, numeric: true, align: 'right', cell: (r) => formatDuration(r.gcPauseNs) },
    );
    const table = new DataTable<GoroutineRow>({
      testid: 'group-goroutines',
      caption: 'Enter, a double click or the goroutine\'s link shows its row on the timeline, focused at its first activity',
      sort: { column: 'total', dir: 'desc' },
      rowKey: (r) => String(r.id),
      columns: cols,
      activate: (r) => this.showOnTimeline(r.id),
    });
    table.setRows(g.goroutines);
    const head = el('h3', { testid: 'goroutine-group-title', text: `${g.name || '(no stack seen)'} — ${formatCount(g.count)} goroutine${g.count === 1 ? '' : 's'}` });
    const sub = el('div', { className: 'muted', text: `Execution ${formatDuration(g.execNs)} (${g.execTimePercent} of all goroutines' execution time)`
      + (g.count > g.goroutines.length
        ? ` · the ${formatCount(g.goroutines.length)} with the most total time are listed; search the timeline for the others`
        : '') });
    this.groupPane.replaceChildren(head, sub, table.element);
    if (focus && g.goroutines.length > 0) table.focusRow(0);
  }

  private showOnTimeline(id: number): void {
    const w = lifetimeWindow(this.items.get(id), this.ctx.summary.durationNs);
    this.ctx.showGoroutine(id, w.timeNs, w.startNs, w.endNs);
  }
}
