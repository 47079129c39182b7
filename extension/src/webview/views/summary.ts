// The Summary tab (shown first when a trace opens): gotrace/overview — the trace's figures, GC, per blocking kind
// the total and its top sites, the goroutine groups that block most, and what damage cost.

import type { BlockingKind, KindOverview, OverviewResult, Site, GoroutineGroup } from '../../protocol';
import { formatBytes, formatCount, formatDuration, formatPercent } from '../format';
import { el, fact, message, errorText, linkButton } from './dom';
import type { AnalysisView, ViewContext } from './context';
import { KIND_LABELS, siteLink, siteGroups, miniHistogram, quantilesText } from './sites';
import { exactMs } from './numbers';

export interface SummaryLinks {
  /** Opens the Blocking tab on a kind. */
  showKind(kind: BlockingKind): void;
  /** Opens the Goroutines tab on a group. */
  showGroup(name: string): void;
}

export class SummaryView implements AnalysisView {
  readonly element: HTMLElement;
  private loaded = false;
  data: OverviewResult | undefined;

  constructor(private readonly ctx: ViewContext, private readonly links: SummaryLinks) {
    this.element = el('div', { className: 'analysis-view summary-view', testid: 'view-summary' });
    this.element.tabIndex = -1;
    this.element.append(message('Loading the overview…', 'summary-loading'));
  }

  shown(): void {
    if (this.loaded) return;
    this.loaded = true;
    this.ctx.host.request<OverviewResult>('gotrace/overview', {}).promise.then((r) => this.render(r), (e) => {
      this.loaded = false;
      this.element.replaceChildren(message(`Could not read the overview: ${errorText(e)}`, 'summary-error', 'view-message error'));
      this.ctx.log('error', `overview failed: ${errorText(e)}`);
    });
  }

  private render(r: OverviewResult): void {
    this.data = r;
    const s = r.summary;
    const parts: HTMLElement[] = [];
    parts.push(el('h2', { text: 'Trace summary' }));
    const facts = el('div', { className: 'facts', testid: 'summary-facts' }, [
      fact('Duration', formatDuration(s.durationNs), 'summary-duration', `${formatCount(s.durationNs)} ns`),
      fact('Go version (trace format)', s.format, 'summary-format'),
      fact('Events', formatCount(s.events), 'summary-events'),
      fact('Goroutines', formatCount(s.goroutines), 'summary-goroutines'),
      fact('Procs', formatCount(s.procs), 'summary-procs'),
      fact('Threads', formatCount(s.threads), 'summary-threads'),
      fact('Generations', formatCount(s.generations), 'summary-generations'),
      fact('Size', formatBytes(s.bytes), 'summary-bytes'),
    ]);
    parts.push(facts);

    const damage = s.damage;
    if (damage) {
      const d = el('div', { className: 'notice damage-notice summary-damage', testid: 'summary-damage' });
      d.setAttribute('role', 'status');
      const dropped = damage.eventsDropped > 0 ? ` ${formatCount(damage.eventsDropped)} events after it were dropped.` : '';
      d.append(el('strong', { text: 'Damaged trace. ' }),
        el('span', { text: `${damage.message} (generation ${damage.generation}, byte ${formatCount(damage.offset)}). `
          + `Everything here covers what comes before it.${dropped}` }));
      parts.push(d);
    }

    const gc = r.gc;
    parts.push(el('h3', { text: 'Garbage collection' }));
    parts.push(el('div', { className: 'facts', testid: 'summary-gc' }, [
      fact('GC cycles', formatCount(gc.cycles), 'summary-gc-cycles', 'Mark phases begun in the trace'),
      fact('Mark time', formatDuration(gc.markNs), 'summary-gc-mark'),
      fact('Stop-the-world pauses', formatCount(gc.pauses), 'summary-gc-pauses'),
      fact('Total pause', formatDuration(gc.pauseNs), 'summary-gc-pause-total',
        `${formatCount(gc.pauseNs)} ns, ${formatPercent(gc.pauseNs, s.durationNs)} of the trace`),
      fact('Longest pause', formatDuration(gc.maxPauseNs), 'summary-gc-pause-max'),
    ]));

    parts.push(el('h3', { text: 'Blocking' }));
    const kinds = el('div', { className: 'summary-kinds' });
    for (const k of r.blocking) kinds.appendChild(this.kindCard(k));
    parts.push(kinds);

    parts.push(el('h3', { text: 'Goroutine groups that block most' }));
    parts.push(this.groupsTable(r.topGroups));
    this.element.replaceChildren(...parts);
  }

  private kindCard(k: KindOverview): HTMLElement {
    const card = el('section', { className: 'kind-card', testid: `summary-kind-${k.kind}` });
    const head = el('div', { className: 'kind-head' });
    head.append(el('span', { className: 'kind-name', text: KIND_LABELS[k.kind] }),
      el('span', { className: 'kind-total', testid: `summary-total-${k.kind}`, text: exactMs(k.totalNs),
        title: `${formatDuration(k.totalNs)}: ${formatCount(k.totalNs)} ns, the total of go tool trace -pprof=${k.kind}` }),
      el('span', { className: 'muted', text: `${formatCount(k.totalCount)} ${k.totalCount === 1 ? 'wait' : 'waits'}` }));
    const all = linkButton('All sites…', `Open the ${KIND_LABELS[k.kind]} sites`, () => this.links.showKind(k.kind),
      { testid: `summary-all-${k.kind}` });
    head.append(all);
    card.appendChild(head);
    if (k.top.length === 0) {
      card.appendChild(el('p', { className: 'muted', text: 'None in this trace.' }));
      return card;
    }
    const list = el('ol', { className: 'site-list' });
    k.top.forEach((site: Site, i: number) => {
      const li = el('li', { className: 'site-item', testid: 'summary-site' });
      li.append(
        el('span', { className: 'site-time', text: formatDuration(site.timeNs), title: `${formatCount(site.timeNs)} ns, ${formatPercent(site.timeNs, k.totalNs)} of ${k.kind}` }),
        el('span', { className: 'muted site-count', text: `${formatCount(site.count)}×` }),
        siteLink(this.ctx, site, `summary-site-link-${k.kind}-${i}`),
        miniHistogram(site, 80, 16),
        el('div', { className: 'site-sub muted', text: `${quantilesText(site)} · ${siteGroups(site)}` }),
      );
      list.appendChild(li);
    });
    card.appendChild(list);
    return card;
  }

  private groupsTable(groups: GoroutineGroup[]): HTMLElement {
    if (groups.length === 0) return el('p', { className: 'muted', text: 'No goroutine groups.' });
    const t = el('table', { className: 'data-table compact', testid: 'summary-groups' });
    const head = el('tr');
    for (const [h, num] of [['Group', false], ['Goroutines', true], ['Blocked', true], ['Execution', true], ['Sched wait', true], ['Syscall', true]] as const) {
      const th = el('th', { text: h, className: num ? 'num' : '' });
      th.setAttribute('scope', 'col');
      head.appendChild(th);
    }
    t.appendChild(el('thead', {}, [head]));
    const body = el('tbody');
    for (const g of groups) {
      const tr = el('tr', { testid: 'summary-group-row' });
      const name = linkButton(g.name || '(no stack)', 'Show this group in the Goroutines tab', () => this.links.showGroup(g.name));
      tr.append(el('td', {}, [name]), el('td', { className: 'num', text: formatCount(g.count) }),
        el('td', { className: 'num', text: formatDuration(g.blockNs) }), el('td', { className: 'num', text: formatDuration(g.execNs) }),
        el('td', { className: 'num', text: formatDuration(g.schedWaitNs) }), el('td', { className: 'num', text: formatDuration(g.syscallNs) }));
      body.appendChild(tr);
    }
    t.appendChild(body);
    return t;
  }
}
