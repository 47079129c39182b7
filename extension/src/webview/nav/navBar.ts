// The timeline's navigation bar (DOM): search (goroutines by ID, function or group; regions, tasks and logs by
// name) with a result list, go to time, go to goroutine, the span filter (highlight, dim the rest), the causality
// arrows toggle, follow the unblocker, back, and "Copy link". Every control has a stable data-testid (README
// "Timeline navigation"). Trace strings are set with textContent only.

import type { GoroutineStackResult, GoroutinesResult, SearchResult, TimelineResult } from '../../protocol';
import { normalizeTimeline } from '../../protocol';
import type { Host } from '../host';
import { RequestError } from '../host';
import type { TimelineView } from '../timeline';
import { formatDuration, formatTimestamp } from '../format';
import { windowNs } from '../viewport';
import {
  type SearchItem, type SearchScope, SearchScopes, ScopeLabels, parseQuery, planSearch, goroutineItems, goroutineIdItem,
  hitItems, mergeItems, spanEndFrom, aliveTime,
} from './search';
import { parseTimeInput, formatTimeInput } from './timeInput';
import { type StateFilter, StateFilters, StateFilterLabels, filterActive } from './filter';

export interface NavBarActions {
  /** Copy a link to the current view (the host builds it and puts it on the clipboard). */
  copyLink(): void;
  /** The timeline's window or selection changed (for the host's "Copy Link to View" command). */
  viewChanged(): void;
  status(text: string): void;
}

let uid = 0;

export class NavBar {
  readonly element: HTMLElement;
  readonly searchInput: HTMLInputElement;
  private readonly scope: HTMLSelectElement;
  private readonly results: HTMLElement;
  private readonly searchStatus: HTMLElement;
  private readonly timeInput: HTMLInputElement;
  private readonly goroutineInput: HTMLInputElement;
  private readonly stateSelect: HTMLSelectElement;
  private readonly minInput: HTMLInputElement;
  private readonly arrowsButton: HTMLButtonElement;
  private readonly arrowsInfo: HTMLElement;
  private readonly backButton: HTMLButtonElement;
  private items: SearchItem[] = [];
  private active = -1;
  private inFlight: number[] = [];
  private generation = 0;
  private debounce: number | undefined;
  private viewTimer: number | undefined;
  private readonly idBase = `nav${++uid}`;

  constructor(private readonly host: Host, private readonly tl: TimelineView, private readonly actions: NavBarActions) {
    const bar = document.createElement('div');
    bar.className = 'nav-bar';
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', 'Timeline navigation');
    bar.dataset.testid = 'timeline-nav';
    this.element = bar;

    // search
    const box = document.createElement('div');
    box.className = 'nav-search';
    box.setAttribute('role', 'search');
    this.searchInput = input('search', 'timeline-search-input', 'G123, function, group, region, task, log (/)');
    this.searchInput.classList.add('nav-search-input');
    this.searchInput.setAttribute('role', 'combobox');
    this.searchInput.setAttribute('aria-autocomplete', 'list');
    this.searchInput.setAttribute('aria-expanded', 'false');
    this.searchInput.setAttribute('aria-controls', `${this.idBase}-results`);
    this.searchInput.setAttribute('aria-label', 'Search the trace');
    this.scope = document.createElement('select');
    this.scope.dataset.testid = 'timeline-search-scope';
    this.scope.setAttribute('aria-label', 'Search in');
    for (const s of SearchScopes) this.scope.appendChild(option(s, ScopeLabels[s]));
    this.results = document.createElement('div');
    this.results.className = 'nav-results';
    this.results.id = `${this.idBase}-results`;
    this.results.setAttribute('role', 'listbox');
    this.results.setAttribute('aria-label', 'Search results');
    this.results.dataset.testid = 'timeline-search-results';
    this.results.hidden = true;
    this.searchStatus = document.createElement('span');
    this.searchStatus.className = 'nav-search-status';
    this.searchStatus.setAttribute('aria-live', 'polite');
    this.searchStatus.dataset.testid = 'timeline-search-status';
    box.append(this.searchInput, this.scope, this.results);
    bar.append(box, this.searchStatus);

    // go to
    this.timeInput = input('text', 'timeline-goto-time', '12.5ms');
    this.timeInput.setAttribute('aria-label', 'Go to time (T): 12.5ms, 1.2s, 350µs or ns');
    this.timeInput.title = 'Go to time (T): 12.5ms, 1.2s, 350µs or ns since the trace start; Enter goes';
    this.timeInput.classList.add('nav-short');
    this.goroutineInput = input('text', 'timeline-goto-goroutine', 'G123');
    this.goroutineInput.setAttribute('aria-label', 'Go to goroutine (G): its ID');
    this.goroutineInput.title = 'Go to goroutine (G): its ID; Enter goes';
    this.goroutineInput.classList.add('nav-short');
    bar.append(labelled('Time', this.timeInput), labelled('Goroutine', this.goroutineInput));

    // filter
    this.stateSelect = document.createElement('select');
    this.stateSelect.dataset.testid = 'timeline-filter-state';
    this.stateSelect.setAttribute('aria-label', 'Highlight goroutine spans in this state (dim the rest)');
    for (const s of StateFilters) this.stateSelect.appendChild(option(s, StateFilterLabels[s]));
    this.minInput = input('text', 'timeline-filter-min-duration', 'min, e.g. 1ms');
    this.minInput.setAttribute('aria-label', 'Highlight goroutine spans at least this long (dim the rest)');
    this.minInput.title = 'Highlight goroutine spans at least this long: 1ms, 350µs...; empty for any';
    this.minInput.classList.add('nav-short');
    bar.append(labelled('Highlight', this.stateSelect), labelled('≥', this.minInput));

    // causality, history, link
    this.arrowsButton = button('timeline-arrows-toggle', 'Arrows', 'Flow arrows: who unblocked / created whom, in view (C)',
      () => this.toggleArrows());
    this.arrowsButton.setAttribute('aria-pressed', 'false');
    this.arrowsInfo = document.createElement('span');
    this.arrowsInfo.className = 'nav-info';
    this.arrowsInfo.dataset.testid = 'timeline-arrows-info';
    this.arrowsInfo.setAttribute('aria-live', 'polite');
    const follow = button('timeline-follow-unblocker', 'Unblocker', 'Follow the unblocker of the selected wait (U)',
      () => void this.tl.followUnblocker().then((ok) => { if (ok) this.tl.canvas.focus(); this.updateBack(); }));
    this.backButton = button('timeline-back', 'Back', 'Back to the view before the last jump (B, Backspace)',
      () => void this.tl.back().then(() => { this.tl.canvas.focus(); this.updateBack(); }));
    const link = button('timeline-copy-link', 'Copy link', 'Copy a link to this view: window and selection (palette: Go Trace: Copy Link to View)',
      () => this.actions.copyLink());
    bar.append(this.arrowsButton, this.arrowsInfo, follow, this.backButton, link);

    this.wire();
    this.updateBack();
  }

  // ------------------------------------------------------------------ wiring

  private wire(): void {
    const s = this.searchInput;
    s.addEventListener('input', () => this.scheduleSearch());
    s.addEventListener('keydown', (e) => this.onSearchKey(e));
    s.addEventListener('blur', () => setTimeout(() => {
      if (!this.element.contains(document.activeElement)) this.closeResults();
    }, 150));
    s.addEventListener('focus', () => { if (this.items.length > 0 && s.value.trim() !== '') this.openResults(); });
    this.scope.addEventListener('change', () => this.runSearch());

    this.timeInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); this.goToTime(); }
      else if (e.key === 'Escape') { e.preventDefault(); this.tl.canvas.focus(); }
    });
    this.goroutineInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); void this.goToGoroutine(); }
      else if (e.key === 'Escape') { e.preventDefault(); this.tl.canvas.focus(); }
    });
    this.stateSelect.addEventListener('change', () => this.applyFilter());
    this.minInput.addEventListener('change', () => this.applyFilter());
    this.minInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); this.applyFilter(); }
      else if (e.key === 'Escape') { e.preventDefault(); this.tl.canvas.focus(); }
    });

    this.tl.setExtraKeys((e) => this.onTimelineKey(e));
    // Ctrl/⌘+F anywhere in the webview (the canvas, the details pane, a button) opens the search
    document.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === 'f' || e.key === 'F') && this.element.isConnected
        && this.element.offsetParent !== null) {
        e.preventDefault();
        e.stopPropagation();
        this.focusSearch();
      }
    }, { capture: true });
    this.tl.onViewChanged(() => {
      this.updateBack();
      if (this.viewTimer !== undefined) return;
      this.viewTimer = window.setTimeout(() => {
        this.viewTimer = undefined;
        this.actions.viewChanged();
        this.updateArrowsInfo();
      }, 300);
    });
  }

  /** Keys of the timeline (see help.ts): / search, T time, G goroutine, U unblocker, B/Backspace back, C arrows. */
  private onTimelineKey(e: KeyboardEvent): boolean {
    if (e.altKey) return false;
    if (e.ctrlKey || e.metaKey) {
      if (e.key === 'f' || e.key === 'F') { this.focusSearch(); return true; }
      return false;
    }
    switch (e.key) {
      case '/': this.focusSearch(); return true;
      case 't': case 'T':
        this.timeInput.value = formatTimeInput(Math.round((this.tl.getViewport().startNs + this.tl.getViewport().endNs) / 2));
        this.timeInput.focus();
        this.timeInput.select();
        return true;
      case 'g': case 'G': {
        const sel = this.tl.getSelection();
        this.goroutineInput.value = sel?.track.kind === 'goroutine' ? `G${sel.track.id ?? 0}` : '';
        this.goroutineInput.focus();
        this.goroutineInput.select();
        return true;
      }
      case 'u': case 'U':
        void this.tl.followUnblocker().then(() => this.updateBack());
        return true;
      case 'b': case 'B': case 'Backspace':
        void this.tl.back().then(() => this.updateBack());
        return true;
      case 'c': case 'C':
        this.toggleArrows();
        return true;
      default:
        return false;
    }
  }

  focusSearch(): void {
    this.searchInput.focus();
    this.searchInput.select();
    if (this.items.length > 0 && this.searchInput.value.trim() !== '') this.openResults();
  }

  private updateBack(): void {
    const n = this.tl.history.size;
    this.backButton.disabled = n === 0;
    this.backButton.title = n === 0 ? 'Back (B): nothing to go back to yet' : `Back to the view before the last jump (B, Backspace; ${n} kept)`;
  }

  // ------------------------------------------------------------------ search

  private scheduleSearch(): void {
    if (this.debounce !== undefined) clearTimeout(this.debounce);
    this.debounce = window.setTimeout(() => { this.debounce = undefined; this.runSearch(); }, 250);
  }

  private cancelSearch(): void {
    for (const id of this.inFlight) this.host.cancel(id);
    this.inFlight = [];
  }

  /** Runs the query now; resolves when its results are shown. */
  async runSearch(): Promise<void> {
    if (this.debounce !== undefined) { clearTimeout(this.debounce); this.debounce = undefined; }
    const gen = ++this.generation;
    this.cancelSearch();
    const q = parseQuery(this.searchInput.value);
    const plan = planSearch(q, this.scope.value as SearchScope, this.tl.groupNames());
    if (plan.length === 0) {
      this.items = [];
      this.renderResults();
      this.searchStatus.textContent = q.text === '' ? '' : 'Nothing to search for in this scope';
      return;
    }
    this.searchStatus.textContent = 'Searching…';
    const at = (ns: number) => formatTimestamp(ns);
    const lists = await Promise.all(plan.map(async (r) => {
      const { id, promise } = this.host.request<unknown>(r.method, r.params);
      this.inFlight.push(id);
      try {
        const res = await promise;
        switch (r.as) {
          case 'goroutineId': return [goroutineIdItem(res as GoroutineStackResult)];
          case 'goroutinesByName': case 'goroutinesByGroup': return goroutineItems(res as GoroutinesResult, at);
          default: return hitItems(r.as, res as SearchResult, at);
        }
      } catch (e) {
        if (!(e instanceof RequestError && e.cancelled) && r.as !== 'goroutineId') {
          this.host.log('warning', `search ${r.method} failed: ${String((e as Error)?.message ?? e)}`);
        }
        return [] as SearchItem[];
      }
    }));
    if (gen !== this.generation) return;
    this.inFlight = [];
    this.items = mergeItems(lists);
    this.active = this.items.length > 0 ? 0 : -1;
    this.renderResults();
    const n = this.items.length;
    this.searchStatus.textContent = n === 0 ? 'No match' : `${n}${n >= 200 ? '+' : ''} result${n === 1 ? '' : 's'}`;
    if (document.activeElement === this.searchInput) this.openResults();
  }

  private renderResults(): void {
    this.results.replaceChildren(...this.items.map((it, i) => {
      const o = document.createElement('div');
      o.className = 'nav-result';
      o.id = `${this.idBase}-r${i}`;
      o.setAttribute('role', 'option');
      o.setAttribute('aria-selected', String(i === this.active));
      o.dataset.testid = 'timeline-search-result';
      o.dataset.kind = it.kind;
      o.dataset.goroutine = String(it.goroutine);
      const kind = document.createElement('span');
      kind.className = `nav-result-kind nav-kind-${it.kind}`;
      kind.textContent = it.kind;
      const title = document.createElement('span');
      title.className = 'nav-result-title';
      title.textContent = it.kind === 'goroutine' ? it.title : it.title.slice(it.kind.length + 1);
      const detail = document.createElement('span');
      detail.className = 'nav-result-detail';
      detail.textContent = it.detail;
      o.append(kind, title, detail);
      o.addEventListener('pointerdown', (e) => e.preventDefault()); // keep the focus in the input until chosen
      o.addEventListener('click', () => void this.choose(i));
      return o;
    }));
    if (this.items.length === 0) this.closeResults();
    this.markActive();
  }

  private markActive(): void {
    const kids = this.results.children;
    for (let i = 0; i < kids.length; i++) kids[i].setAttribute('aria-selected', String(i === this.active));
    if (this.active >= 0 && kids[this.active]) {
      this.searchInput.setAttribute('aria-activedescendant', kids[this.active].id);
      (kids[this.active] as HTMLElement).scrollIntoView?.({ block: 'nearest' });
    } else this.searchInput.removeAttribute('aria-activedescendant');
  }

  private openResults(): void {
    if (this.items.length === 0) return;
    this.results.hidden = false;
    this.searchInput.setAttribute('aria-expanded', 'true');
  }

  private closeResults(): void {
    this.results.hidden = true;
    this.searchInput.setAttribute('aria-expanded', 'false');
  }

  private onSearchKey(e: KeyboardEvent): void {
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        e.preventDefault();
        if (this.items.length === 0) return;
        this.openResults();
        const d = e.key === 'ArrowDown' ? 1 : -1;
        this.active = (this.active + d + this.items.length) % this.items.length;
        this.markActive();
        break;
      }
      case 'Enter':
        e.preventDefault();
        if (this.debounce !== undefined || this.items.length === 0) {
          void this.runSearch().then(() => { if (this.items.length > 0) void this.choose(Math.max(0, this.active)); });
        } else void this.choose(Math.max(0, this.active));
        break;
      case 'Escape':
        e.preventDefault();
        if (!this.results.hidden) this.closeResults();
        else this.tl.canvas.focus();
        break;
      default:
        break;
    }
  }

  /** Shows result `i` on the timeline: a goroutine's row (selected), a region/task zoomed to, a log centred. */
  async choose(i: number): Promise<void> {
    const it = this.items[i];
    if (!it) return;
    this.active = i;
    this.markActive();
    this.closeResults();
    const vp = this.tl.getViewport();
    let ok = false;
    if (it.kind === 'goroutine') {
      const t = await this.aliveTimeNear(it.goroutine, Math.round((vp.startNs + vp.endNs) / 2));
      ok = await this.tl.focusGoroutine(it.goroutine, { timeNs: t, focus: true });
    } else if (it.kind === 'log') {
      const t = it.timeNs ?? 0;
      this.tl.pushHistory();
      this.tl.showWindow(...around(t, Math.min(windowNs(vp), 2_000_000), this.tl.traceDurationNs()));
      this.tl.setMarker(t);
      ok = it.goroutine >= 0 ? await this.tl.focusGoroutine(it.goroutine, { timeNs: t, focus: true }) : true;
    } else {
      const a = it.timeNs ?? 0;
      const b = await this.spanEnd(it);
      const pad = Math.max(200, (b - a) * 0.1);
      this.tl.pushHistory();
      this.tl.setMarker(undefined);
      this.tl.showWindow(Math.max(0, a - pad), b + pad);
      ok = it.goroutine >= 0 ? await this.tl.focusGoroutine(it.goroutine, { timeNs: a, focus: true }) : true;
    }
    this.actions.status(ok ? `${it.title}` : `${it.title}: not found on the timeline`);
    this.updateBack();
  }

  /** A time near `t` at which goroutine `id` exists (its creation when later, just before its end when earlier). */
  private async aliveTimeNear(id: number, t: number): Promise<number> {
    try {
      const st = await this.host.request<GoroutineStackResult>('gotrace/goroutineStack', { goroutine: id, timeNs: t }).promise;
      return aliveTime(st) ?? t;
    } catch {
      return t;
    }
  }

  /** The end of a region/task hit's span: from timeline answers starting at it, narrowed until drawn whole. */
  private async spanEnd(it: SearchItem): Promise<number> {
    const a = it.timeNs ?? 0;
    const dur = this.tl.traceDurationNs();
    let end = dur;
    for (let round = 0; round < 4 && it.track; round++) {
      if (end <= a) break;
      const npp = Math.max(1, Math.ceil((end - a) / 4096));
      try {
        const r = await this.host.request<TimelineResult>('gotrace/timeline', { startNs: a, endNs: end, nsPerPixel: npp, tracks: [it.track], encoding: 'packed' }).promise.then(normalizeTimeline);
        const found = spanEndFrom(r.tracks[0]?.spans ?? [], a);
        if (!found) break;
        end = found.endNs;
        if (found.exact) return end;
      } catch {
        break;
      }
    }
    return end === dur ? Math.min(dur, a + Math.max(1000, windowNs(this.tl.getViewport()) / 4)) : end;
  }

  // ------------------------------------------------------------------ go to

  goToTime(): boolean {
    const t = parseTimeInput(this.timeInput.value);
    if (t === undefined) {
      this.timeInput.setAttribute('aria-invalid', 'true');
      this.actions.status(`Not a time: “${this.timeInput.value}” (try 12.5ms, 1.2s, 350µs or ns)`);
      return false;
    }
    this.timeInput.removeAttribute('aria-invalid');
    this.tl.goToTime(t);
    this.actions.status(`At ${formatTimestamp(t)}${t > this.tl.traceDurationNs() ? ' (past the end of the trace)' : ''}`);
    this.tl.canvas.focus();
    this.updateBack();
    return true;
  }

  async goToGoroutine(): Promise<boolean> {
    const q = parseQuery(this.goroutineInput.value);
    if (q.goroutineId === undefined) {
      this.goroutineInput.setAttribute('aria-invalid', 'true');
      this.actions.status(`Not a goroutine ID: “${this.goroutineInput.value}”`);
      return false;
    }
    this.goroutineInput.removeAttribute('aria-invalid');
    const vp = this.tl.getViewport();
    const t = await this.aliveTimeNear(q.goroutineId, Math.round((vp.startNs + vp.endNs) / 2));
    const ok = await this.tl.focusGoroutine(q.goroutineId, { timeNs: t, focus: true });
    if (!ok) this.actions.status(`G${q.goroutineId} is not in this trace`);
    this.updateBack();
    return ok;
  }

  // ------------------------------------------------------------------ filter and arrows

  private applyFilter(): void {
    const raw = this.minInput.value.trim();
    let min = 0;
    if (raw !== '') {
      const v = parseTimeInput(raw);
      if (v === undefined) {
        this.minInput.setAttribute('aria-invalid', 'true');
        this.actions.status(`Not a duration: “${raw}”`);
        return;
      }
      min = v;
    }
    this.minInput.removeAttribute('aria-invalid');
    const f = { state: this.stateSelect.value as StateFilter, minDurationNs: min };
    this.tl.setFilter(f);
    this.element.classList.toggle('nav-filtering', filterActive(f));
    this.actions.status(filterActive(f)
      ? `Highlight: ${f.state === 'any' ? 'spans' : StateFilterLabels[f.state]}${min > 0 ? ` ≥ ${formatDuration(min)}` : ''}`
      : 'Highlight off');
  }

  toggleArrows(): void {
    const on = !this.tl.arrowsShown();
    this.tl.setArrows(on);
    this.arrowsButton.setAttribute('aria-pressed', String(on));
    this.arrowsButton.classList.toggle('on', on);
    setTimeout(() => this.updateArrowsInfo(), 120);
  }

  private updateArrowsInfo(): void {
    if (!this.tl.arrowsShown()) { this.arrowsInfo.textContent = ''; return; }
    const s = this.tl.arrowStats();
    const more = [s.offscreen > 0 ? `${s.offscreen} from rows out of view` : '', s.dropped > 0 ? `${s.dropped} left out` : '']
      .filter((x) => x).join(', ');
    this.arrowsInfo.textContent = `${s.shown} arrow${s.shown === 1 ? '' : 's'}${more ? ` (${more})` : ''}`;
  }
}

function around(t: number, w: number, dur: number): [number, number] {
  const a = Math.max(0, Math.min(dur - w, t - w / 2));
  return [a, a + w];
}

function input(type: string, testid: string, placeholder: string): HTMLInputElement {
  const i = document.createElement('input');
  i.type = type;
  i.placeholder = placeholder;
  i.dataset.testid = testid;
  i.spellcheck = false;
  i.autocomplete = 'off';
  return i;
}

function option(value: string, text: string): HTMLOptionElement {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  return o;
}

function labelled(text: string, control: HTMLElement): HTMLElement {
  const l = document.createElement('label');
  l.className = 'tool-label';
  l.append(`${text} `, control);
  return l;
}

function button(testid: string, text: string, title: string, f: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.className = 'tool';
  b.textContent = text;
  b.title = title;
  b.dataset.testid = testid;
  b.addEventListener('click', () => f());
  return b;
}
