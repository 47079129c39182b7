// The Blocking tab: per kind (sync, net, syscall, sched) the sites of gotrace/blockingSites — the samples of
// `go tool trace -pprof=KIND` — with their totals, counts, quantiles, user frame, goroutine groups and a duration
// histogram. A site opens its source line and reveals its waits on the timeline (gotrace/siteEvents); the current
// kind and time range export as pprof (the host's exportPprof).

import type { BlockingKind, BlockingSitesResult, Filter, Site, SiteEventsResult } from '../../protocol';
import { formatCount, formatDuration, formatPercent, formatTimestamp } from '../format';
import { el, button, linkButton, message, errorText, isCancelled, frameText } from './dom';
import type { AnalysisView, ViewContext } from './context';
import { DataTable } from './table';
import { KINDS, KIND_LABELS, siteFrame, siteGroups, miniHistogram, quantilesText } from './sites';
import { fillPow2, barLengths, rangeLabel } from './histogram';
import { revealIntervals } from './reveal';
import { exactMs } from './numbers';

export class BlockingView implements AnalysisView {
  readonly element: HTMLElement;
  private kind: BlockingKind = 'sync';
  private range: { fromNs: number; toNs: number } | undefined;
  private loadedKey = '';
  private requestId: number | undefined;
  private readonly kindSelect: HTMLSelectElement;
  private readonly rangeText: HTMLElement;
  private readonly clearRange: HTMLButtonElement;
  private readonly totals: HTMLElement;
  private readonly table: DataTable<Site & { rank: number }>;
  private readonly detail: HTMLElement;
  private readonly status: HTMLElement;
  private result: BlockingSitesResult | undefined;

  constructor(private readonly ctx: ViewContext) {
    this.element = el('div', { className: 'analysis-view blocking-view', testid: 'view-blocking' });
    this.element.dataset.kind = this.kind;

    this.kindSelect = el('select', { testid: 'blocking-kind', title: 'Blocking kind' });
    for (const k of KINDS) this.kindSelect.appendChild(el('option', { text: `${KIND_LABELS[k]} (${k})`, attrs: { value: k } }));
    this.kindSelect.addEventListener('change', () => this.setKind(this.kindSelect.value as BlockingKind));
    const kindLabel = el('label', {}, ['Kind ', this.kindSelect]);

    this.rangeText = el('span', { className: 'muted', testid: 'blocking-range', text: 'Whole trace' });
    const useRange = button('Use timeline range', 'Only the waits inside the time range dragged on the timeline', () => {
      const r = this.ctx.timelineRange();
      if (!r) { this.status.textContent = 'Drag a time range on the timeline first.'; return; }
      this.setRange(r);
    }, { testid: 'blocking-use-range' });
    this.clearRange = button('Whole trace', 'Count the waits of the whole trace', () => this.setRange(undefined), { testid: 'blocking-clear-range' });
    this.clearRange.disabled = true;
    const exportBtn = button('Export pprof…', 'Save this profile (kind and range) as a pprof file', () => {
      this.ctx.host.post({ type: 'exportPprof', kind: this.kind, filter: this.filter() as Record<string, unknown> | undefined });
    }, { testid: 'blocking-export', className: 'action' });
    this.status = el('span', { className: 'muted', attrs: { 'aria-live': 'polite' } });
    const bar = el('div', { className: 'view-toolbar' }, [kindLabel, el('span', {}, ['Range: ', this.rangeText]), useRange, this.clearRange, exportBtn, this.status]);

    this.totals = el('div', { className: 'blocking-totals', testid: 'blocking-totals' });
    this.table = new DataTable<Site & { rank: number }>({
      testid: 'blocking-sites',
      caption: 'Sites (Enter opens the source line; the details below show the stack and reveal the waits)',
      sort: { column: 'time', dir: 'desc' },
      rowKey: (s) => String(s.stackId ?? s.rank),
      columns: [
        { id: 'rank', label: '#', value: (s) => s.rank, numeric: true, align: 'right', cell: (s) => String(s.rank) },
        { id: 'time', label: 'Total', value: (s) => s.timeNs, numeric: true, align: 'right', cell: (s) => formatDuration(s.timeNs) },
        { id: 'share', label: '%', value: (s) => s.timeNs, numeric: true, align: 'right', cell: (s) => formatPercent(s.timeNs, this.result?.totalNs ?? 0) },
        { id: 'count', label: 'Count', value: (s) => s.count, numeric: true, align: 'right', cell: (s) => formatCount(s.count) },
        { id: 'p50', label: 'p50', value: (s) => s.p50Ns, numeric: true, align: 'right', cell: (s) => formatDuration(s.p50Ns) },
        { id: 'p90', label: 'p90', value: (s) => s.p90Ns, numeric: true, align: 'right', cell: (s) => formatDuration(s.p90Ns) },
        { id: 'p99', label: 'p99', value: (s) => s.p99Ns, numeric: true, align: 'right', cell: (s) => formatDuration(s.p99Ns) },
        { id: 'max', label: 'Max', value: (s) => s.maxNs, numeric: true, align: 'right', cell: (s) => formatDuration(s.maxNs) },
        { id: 'hist', label: 'Durations', value: () => undefined, fixed: true, cell: (s) => miniHistogram(s, 96, 16) },
        { id: 'where', label: 'Where (first user frame)', value: (s) => { const f = siteFrame(s); return f ? frameText(f) : ''; },
          cell: (s) => { const f = siteFrame(s); return f ? frameText(f) : '(no stack)'; } },
        { id: 'groups', label: 'Goroutine groups', value: (s) => s.groups[0]?.name ?? '', cell: (s) => siteGroups(s) },
      ],
      select: (s) => this.showDetail(s),
      activate: (s) => this.ctx.openSource(s.stack, s.userFrame),
    });
    this.detail = el('div', { className: 'detail-pane', testid: 'blocking-detail' });
    this.detail.hidden = true;
    this.element.append(el('h2', { text: 'Blocking profiles' }), bar, this.totals, this.table.element, this.detail);
  }

  shown(): void { this.load(); }

  /** Shows a kind (from the Summary's "All sites…"). */
  showKind(kind: BlockingKind): void {
    this.kindSelect.value = kind;
    this.setKind(kind);
  }

  private setKind(kind: BlockingKind): void {
    this.kind = kind;
    this.element.dataset.kind = kind;
    this.load();
  }

  private setRange(r: { fromNs: number; toNs: number } | undefined): void {
    this.range = r;
    this.rangeText.textContent = r ? `${formatTimestamp(r.fromNs)} – ${formatTimestamp(r.toNs)} (${formatDuration(r.toNs - r.fromNs)})` : 'Whole trace';
    this.clearRange.disabled = !r;
    this.load();
  }

  private filter(): Filter | undefined {
    return this.range ? { fromNs: this.range.fromNs, toNs: this.range.toNs } : undefined;
  }

  private load(): void {
    const key = `${this.kind}:${this.range?.fromNs ?? ''}:${this.range?.toNs ?? ''}`;
    if (key === this.loadedKey) return;
    this.loadedKey = key;
    if (this.requestId !== undefined) this.ctx.host.cancel(this.requestId);
    this.status.textContent = 'Loading…';
    const params: Record<string, unknown> = { kind: this.kind, limit: 1000 };
    const f = this.filter();
    if (f) params.filter = f;
    const req = this.ctx.host.request<BlockingSitesResult>('gotrace/blockingSites', params);
    this.requestId = req.id;
    req.promise.then((r) => {
      this.requestId = undefined;
      this.status.textContent = '';
      this.render(r);
    }, (e) => {
      this.requestId = undefined;
      if (isCancelled(e)) return;
      this.loadedKey = '';
      this.status.textContent = `Could not read the sites: ${errorText(e)}`;
    });
  }

  private render(r: BlockingSitesResult): void {
    this.result = r;
    this.totals.replaceChildren(
      el('span', { className: 'kind-name', text: `${KIND_LABELS[r.kind]}: ` }),
      el('span', { className: 'kind-total', testid: 'blocking-total', text: exactMs(r.totalNs), title: `${formatCount(r.totalNs)} ns` }),
      el('span', { className: 'muted', text: ` in ${formatCount(r.totalCount)} ${r.totalCount === 1 ? 'wait' : 'waits'} at ${formatCount(r.siteCount)} ${r.siteCount === 1 ? 'site' : 'sites'}`
        + (r.sites.length < r.siteCount ? ` (the first ${formatCount(r.sites.length)} shown)` : '') }),
    );
    this.table.setRows(r.sites.map((s, i) => ({ ...s, rank: i + 1 })));
    this.detail.hidden = true;
    if (r.sites.length === 0) this.totals.appendChild(message(`No ${r.kind} blocking in ${this.range ? 'this range' : 'this trace'}.`, 'blocking-empty'));
  }

  private showDetail(s: Site & { rank: number }): void {
    const d = this.detail;
    d.hidden = false;
    const f = siteFrame(s);
    const actions = el('div', { className: 'detail-actions' }, [
      button('Open source', 'Open the first user frame of the stack', () => this.ctx.openSource(s.stack, s.userFrame), { testid: 'blocking-open-source' }),
      button('Show on timeline', 'Reveal these waits on the timeline', () => this.revealSite(s), { testid: 'blocking-show-timeline', className: 'action' }),
    ]);
    const stack = el('ol', { className: 'stack-list', testid: 'blocking-stack' });
    s.stack.forEach((fr, i) => {
      const li = el('li', { className: i === s.userFrame ? 'user-frame' : '' });
      li.appendChild(linkButton(`${fr.func} ${fr.file}:${fr.line}`, `Open ${fr.file}:${fr.line}`, () => this.ctx.openSource(s.stack, i)));
      stack.appendChild(li);
    });
    const groups = el('ul', { className: 'group-list' });
    for (const g of s.groups) groups.appendChild(el('li', { text: `${g.name || '(no stack)'}: ${formatCount(g.count)} ${g.count === 1 ? 'wait' : 'waits'}, ${formatDuration(g.timeNs)}` }));
    d.replaceChildren(
      el('h4', { text: `#${s.rank} ${f ? frameText(f) : '(no stack)'} — ${formatDuration(s.timeNs)} in ${formatCount(s.count)} ${s.count === 1 ? 'wait' : 'waits'}` }),
      el('div', { className: 'muted', text: quantilesText(s) }),
      actions,
      el('div', { className: 'split' }, [
        el('div', {}, [el('div', { className: 'muted', text: 'Waits by duration' }), this.histogramRows(s)]),
        el('div', {}, [el('div', { className: 'muted', text: 'Goroutine groups' }), groups]),
      ]),
      el('div', { className: 'muted', text: 'Stack (innermost first)' }), stack,
    );
  }

  private histogramRows(s: Site): HTMLElement {
    const buckets = fillPow2(s.histogram);
    const lengths = barLengths(buckets.map((b) => b.count), 200, 1);
    const box = el('div', { className: 'hist-rows', testid: 'blocking-histogram' });
    buckets.forEach((b, i) => {
      const bar = el('div', { className: 'hist-bar' });
      bar.style.width = `${lengths[i]}px`;
      box.append(el('div', { className: 'hist-row' }, [
        el('span', { className: 'num', text: rangeLabel(b.minNs, b.maxNs) }),
        el('div', { className: 'hist-bar-track' }, [bar]),
        el('span', { className: 'hist-count', text: formatCount(b.count) }),
      ]));
    });
    return box;
  }

  private revealSite(s: Site): void {
    const params: Record<string, unknown> = { kind: this.kind, stackId: s.stackId, order: 'duration', limit: 1000 };
    const f = this.filter();
    if (f) params.filter = f;
    this.status.textContent = 'Finding the waits…';
    this.ctx.host.request<SiteEventsResult>('gotrace/siteEvents', params).promise.then((r) => {
      this.status.textContent = '';
      if (r.events.length === 0) { this.status.textContent = 'No waits of this site to show.'; return; }
      const fr = siteFrame(s);
      const where = fr ? frameText(fr) : 'site';
      const label = `${where} — ${this.kind} blocking, ${formatCount(r.total)} ${r.total === 1 ? 'wait' : 'waits'}`
        + (r.events.length < r.total ? ` (the ${formatCount(r.events.length)} longest outlined)` : '');
      this.ctx.reveal(revealIntervals(r.events.map((e) => ({ goroutine: e.goroutine, startNs: e.startNs, endNs: e.endNs })), this.ctx.summary.durationNs, label));
    }, (e) => {
      this.status.textContent = `Could not find the waits: ${errorText(e)}`;
    });
  }
}
