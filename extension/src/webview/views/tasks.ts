// The Tasks & regions tab: go tool trace's /usertasks and /userregions. Per task type and per region type (name and
// the frame that began it) the count and the latency histogram in Go's buckets; a bucket (or "all") lists those
// instances (gotrace/tasks, gotrace/regions); a task shows its events and log lines, and any instance shows its
// time range and goroutines on the timeline.

import type {
  HistogramBucket, RegionItem, RegionType, RegionTypesResult, RegionsResult, TaskItem, TaskType, TaskTypesResult, TasksResult,
} from '../../protocol';
import { formatCount, formatDuration, formatTimestamp } from '../format';
import { el, button, linkButton, message, errorText, isCancelled, frameText } from './dom';
import type { AnalysisView, ViewContext } from './context';
import { DataTable, type Column } from './table';
import { fillGoBuckets, barLengths } from './histogram';
import { revealTask, revealIntervals } from './reveal';

type Selected = { kind: 'task'; type: TaskType; bucket?: HistogramBucket } | { kind: 'region'; type: RegionType; bucket?: HistogramBucket };

export function displayName(name: string): string { return name === '' ? '(unnamed)' : name; }

export class TasksView implements AnalysisView {
  readonly element: HTMLElement;
  private loaded = false;
  private readonly status: HTMLElement;
  private readonly taskTable: DataTable<TaskType>;
  private readonly regionTable: DataTable<RegionType>;
  private readonly instances: HTMLElement;
  private readonly detail: HTMLElement;
  private pressed: HTMLButtonElement | undefined;
  private req: number | undefined;

  constructor(private readonly ctx: ViewContext) {
    this.element = el('div', { className: 'analysis-view tasks-view', testid: 'view-tasks' });
    this.status = el('span', { className: 'muted', attrs: { 'aria-live': 'polite' } });
    this.taskTable = new DataTable<TaskType>({
      testid: 'task-types',
      caption: 'Tasks (runtime/trace NewTask) by type: a histogram bucket lists those tasks',
      rowKey: (t) => t.name,
      columns: [
        { id: 'name', label: 'Task type', value: (t) => t.name, cell: (t) => displayName(t.name) },
        { id: 'count', label: 'Count', value: (t) => t.count, numeric: true, align: 'right', cell: (t) => formatCount(t.count) },
        { id: 'hist', label: 'Duration distribution (complete tasks)', value: () => undefined, fixed: true,
          cell: (t) => this.histogram(t.histogram, { kind: 'task', type: t }) },
      ],
      activate: (t) => this.list({ kind: 'task', type: t }),
    });
    this.regionTable = new DataTable<RegionType>({
      testid: 'region-types',
      caption: 'Regions (trace.WithRegion, StartRegion) by name and where they begin: a histogram bucket lists those regions',
      rowKey: (r) => `${r.name}@${r.frame.pc}`,
      columns: [
        { id: 'name', label: 'Region type', value: (r) => r.name, cell: (r) => displayName(r.name) },
        { id: 'where', label: 'Where', value: (r) => frameText(r.frame), cell: (r) => r.frame.file
          ? linkButton(frameText(r.frame), `Open ${r.frame.file}:${r.frame.line}`, () => this.ctx.openSource([r.frame]), { testid: 'region-type-source' })
          : '(no frame)' },
        { id: 'count', label: 'Count', value: (r) => r.count, numeric: true, align: 'right', cell: (r) => formatCount(r.count) },
        { id: 'hist', label: 'Duration distribution', value: () => undefined, fixed: true,
          cell: (r) => this.histogram(r.histogram, { kind: 'region', type: r }) },
      ],
      activate: (r) => this.list({ kind: 'region', type: r }),
    });
    this.instances = el('div', { className: 'instances', testid: 'instances' });
    this.detail = el('div', { className: 'detail-pane', testid: 'instance-detail' });
    this.detail.hidden = true;
    this.element.append(el('h2', { text: 'Tasks and regions' }), this.status, this.taskTable.element, this.regionTable.element,
      this.instances, this.detail);
  }

  shown(): void {
    if (this.loaded) return;
    this.loaded = true;
    this.status.textContent = 'Loading…';
    Promise.all([
      this.ctx.host.request<TaskTypesResult>('gotrace/taskTypes', {}).promise,
      this.ctx.host.request<RegionTypesResult>('gotrace/regionTypes', {}).promise,
    ]).then(([t, r]) => {
      this.status.textContent = t.types.length + r.types.length === 0
        ? 'This trace has no user tasks or regions (runtime/trace NewTask, WithRegion).' : 'Enter on a type lists all its instances.';
      this.taskTable.setRows(t.types);
      this.regionTable.setRows(r.types);
      this.taskTable.element.hidden = t.types.length === 0;
      this.regionTable.element.hidden = r.types.length === 0;
    }, (e) => {
      this.loaded = false;
      this.status.textContent = `Could not read the tasks and regions: ${errorText(e)}`;
    });
  }

  /** Go-style histogram: a row per bucket (label, bar, count); a bucket's label is a button listing its instances. */
  private histogram(hist: HistogramBucket[], sel: Selected): HTMLElement {
    const buckets = fillGoBuckets(hist);
    if (buckets.length === 0) return el('span', { className: 'muted', text: sel.kind === 'task' ? 'no complete task' : '' });
    const lengths = barLengths(buckets.map((b) => b.count), 160, 1);
    const box = el('div', { className: 'hist-rows', testid: `${sel.kind}-histogram` });
    buckets.forEach((b, i) => {
      const bucket: HistogramBucket = { bucket: b.bucket ?? i, minNs: b.minNs, maxNs: b.maxNs, label: b.label ?? formatDuration(b.minNs), count: b.count };
      const row = el('div', { className: 'hist-row' });
      const label = button(bucket.label, `List the ${formatCount(b.count)} with a duration in [${formatDuration(b.minNs)}, ${formatDuration(b.maxNs)})`,
        () => { this.press(label, row); this.list({ ...sel, bucket }); }, { testid: `${sel.kind}-bucket` });
      label.dataset.minNs = String(b.minNs);
      label.setAttribute('aria-pressed', 'false');
      label.disabled = b.count === 0;
      const bar = el('div', { className: 'hist-bar' });
      bar.style.width = `${lengths[i]}px`;
      row.append(label, el('div', { className: 'hist-bar-track' }, [bar]), el('span', { className: 'hist-count', text: formatCount(b.count) }));
      box.appendChild(row);
    });
    return box;
  }

  private press(b: HTMLButtonElement, row: HTMLElement): void {
    if (this.pressed) {
      this.pressed.setAttribute('aria-pressed', 'false');
      this.pressed.parentElement?.classList.remove('selected');
    }
    this.pressed = b;
    b.setAttribute('aria-pressed', 'true');
    row.classList.add('selected');
  }

  private list(sel: Selected): void {
    if (this.req !== undefined) this.ctx.host.cancel(this.req);
    this.detail.hidden = true;
    this.instances.replaceChildren(message('Loading…'));
    const params: Record<string, unknown> = { name: sel.type.name, limit: 1000 };
    if (sel.bucket) { params.minNs = sel.bucket.minNs; params.maxNs = sel.bucket.maxNs; }
    if (sel.kind === 'region') params.pc = sel.type.frame.pc;
    const req = sel.kind === 'task'
      ? this.ctx.host.request<TasksResult>('gotrace/tasks', params)
      : this.ctx.host.request<RegionsResult>('gotrace/regions', params);
    this.req = req.id;
    req.promise.then((r) => {
      this.req = undefined;
      if (sel.kind === 'task') this.renderTasks(r as TasksResult);
      else this.renderRegions(r as RegionsResult);
    }, (e) => {
      this.req = undefined;
      if (isCancelled(e)) return;
      this.instances.replaceChildren(message(`Could not list them: ${errorText(e)}`, 'instances-error', 'view-message error'));
    });
  }

  private heading(title: string, shown: number, total: number): HTMLElement {
    return el('h3', { testid: 'instances-title', text: `${title}: ${formatCount(total)}${shown < total ? ` (the first ${formatCount(shown)})` : ''}` });
  }

  private renderTasks(r: TasksResult): void {
    const table = new DataTable<TaskItem>({
      testid: 'task-instances',
      caption: 'Enter shows the task on the timeline; selecting one shows its events',
      sort: { column: 'duration', dir: 'asc' },
      rowKey: (t) => String(t.id),
      columns: [
        { id: 'id', label: 'Task', value: (t) => t.id, numeric: true, align: 'right', cell: (t) => String(t.id) },
        { id: 'name', label: 'Type', value: (t) => t.name, cell: (t) => displayName(t.name) },
        { id: 'start', label: 'Start', value: (t) => t.startNs, numeric: true, align: 'right', cell: (t) => formatTimestamp(t.startNs) },
        { id: 'duration', label: 'Duration', value: (t) => t.durationNs, numeric: true, align: 'right',
          cell: (t) => formatDuration(t.durationNs) + (t.complete ? '' : ' (not ended)') },
        { id: 'goroutines', label: 'Goroutines', value: (t) => t.goroutines.length, numeric: true, align: 'right',
          cell: (t) => t.goroutines.map((g) => `G${g}`).join(' ') },
        { id: 'events', label: 'Events', value: (t) => t.events.length, numeric: true, align: 'right', cell: (t) => formatCount(t.events.length) },
        { id: 'parent', label: 'Parent', value: (t) => t.parent, numeric: true, align: 'right', cell: (t) => (t.parent ? String(t.parent) : '') },
      ],
      select: (t) => this.taskDetail(t),
      activate: (t) => this.revealTask(t),
    });
    table.setRows(r.tasks);
    this.instances.replaceChildren(this.heading(`Tasks ${r.title}`, r.tasks.length, r.total), table.element);
    if (r.tasks.length > 0) { table.focusRow(0); table.selectRow(0); }
  }

  private taskDetail(t: TaskItem): void {
    const d = this.detail;
    d.hidden = false;
    const log = el('table', { className: 'data-table compact event-log', testid: 'task-events' });
    const head = el('tr');
    for (const [h, num] of [['When', true], ['Elapsed', true], ['Goroutine', true], ['Event', false]] as const) {
      const th = el('th', { text: h, className: num ? 'num' : '' });
      th.setAttribute('scope', 'col');
      head.appendChild(th);
    }
    log.appendChild(el('thead', {}, [head]));
    const body = el('tbody');
    for (const e of t.events) {
      body.appendChild(el('tr', {}, [
        el('td', { className: 'num', text: formatTimestamp(e.timeNs) }),
        el('td', { className: 'num', text: formatDuration(e.elapsedNs) }),
        el('td', { className: 'num', text: e.goroutine > 0 ? `G${e.goroutine}` : '' }),
        el('td', { text: e.what }),
      ]));
    }
    log.appendChild(body);
    d.replaceChildren(
      el('h4', { text: `Task ${t.id} ${displayName(t.name)} — ${formatDuration(t.durationNs)}${t.complete ? '' : ' (not ended in the trace)'}` }),
      el('div', { className: 'detail-actions' }, [
        button('Show on timeline', 'Its time range, its goroutines\' rows outlined', () => this.revealTask(t), { testid: 'task-show-timeline', className: 'action' }),
      ]),
      log,
    );
  }

  private revealTask(t: TaskItem): void {
    const label = `Task ${t.id} ${displayName(t.name)} — ${formatDuration(t.durationNs)}, ${t.goroutines.length} goroutine${t.goroutines.length === 1 ? '' : 's'}`;
    this.ctx.reveal(revealTask(t, this.ctx.summary.durationNs, label));
  }

  private renderRegions(r: RegionsResult): void {
    const cols: Column<RegionItem>[] = [
      { id: 'goroutine', label: 'Goroutine', value: (x) => x.goroutine, numeric: true, align: 'right', cell: (x) => `G${x.goroutine}` },
      { id: 'task', label: 'Task', value: (x) => x.taskId, numeric: true, align: 'right', cell: (x) => (x.taskId ? String(x.taskId) : '') },
      { id: 'start', label: 'Start', value: (x) => x.startNs, numeric: true, align: 'right', cell: (x) => formatTimestamp(x.startNs) },
      { id: 'total', label: 'Total', value: (x) => x.totalNs, numeric: true, align: 'right', cell: (x) => formatDuration(x.totalNs) },
    ];
    r.columns.forEach((c, i) => cols.push({ id: `c${i}`, label: c, value: (x) => x.stats[i] ?? 0, numeric: true, align: 'right', cell: (x) => formatDuration(x.stats[i] ?? 0) }));
    r.rangeColumns.forEach((c, i) => cols.push({ id: `r${i}`, label: c, value: (x) => x.ranges[i] ?? 0, numeric: true, align: 'right', cell: (x) => formatDuration(x.ranges[i] ?? 0) }));
    cols.push({ id: 'show', label: '', value: () => undefined, fixed: true, cell: (x) => {
      const b = button('Timeline', 'Show this region on its goroutine\'s row (Enter)', () => this.revealRegion(x), { className: 'link-button', testid: 'region-show-timeline' });
      b.tabIndex = -1;
      return b;
    } });
    const table = new DataTable<RegionItem>({
      testid: 'region-instances',
      caption: 'Enter shows the region on its goroutine\'s row',
      sort: { column: 'total', dir: 'desc' },
      rowKey: (x) => `${x.goroutine}@${x.startNs}`,
      columns: cols,
      activate: (x) => this.revealRegion(x),
    });
    table.setRows(r.regions);
    this.instances.replaceChildren(this.heading(`Regions ${r.title}`, r.regions.length, r.total), table.element);
    if (r.regions.length > 0) table.focusRow(0);
  }

  private revealRegion(x: RegionItem): void {
    const label = `Region ${displayName(x.name)} on G${x.goroutine} — ${formatDuration(x.totalNs)}`;
    this.ctx.reveal(revealIntervals([{ goroutine: x.goroutine, startNs: x.startNs, endNs: x.endNs }], this.ctx.summary.durationNs, label));
  }
}
