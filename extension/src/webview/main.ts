// Entry point of the trace editor's webview (bundled to out/webview.js). It says `ready` to the host, shows the
// indexing progress, then the tabs of the trace editor (the timeline for now; more views join the tab strip
// later) with the details pane. See messages.ts for the host <-> webview contract.

import type { HostToWebview, WebviewTestHook, OpenedMessage, RevealMessage } from './messages';
import type { TraceSummary, DamageInfo } from '../protocol';
import { Host } from './host';
import { ProgressView } from './progress';
import { TimelineView, type Selection } from './timeline';
import { DetailsPane } from './details';
import { HelpOverlay } from './help';
import { readPalette, type Palette } from './theme';
import { stateFor, type PersistedState } from './persist';
import { type SortOrder, SortOrders, SortLabels } from './layout';
import { formatBytes, formatCount, formatDuration } from './format';
import { windowNs } from './viewport';
import { ColorClassLabel, type ColorClass } from './states';
import { Tabs } from './tabs';
import { NavBar } from './nav/navBar';
import { AnalysisViews } from './views/index';
import type { ViewContext } from './views/context';

declare global {
  interface Window { gotraceTest?: WebviewTestHook }
}

class App {
  private readonly root: HTMLElement;
  private path = '';
  private persisted: PersistedState = { version: 1 };
  private progress: ProgressView | undefined;
  private timeline: TimelineView | undefined;
  private details: DetailsPane | undefined;
  private readonly help = new HelpOverlay();
  private palette: Palette;
  private opened = false;
  private timelineStarted = false;
  private pendingReveal: RevealMessage | undefined;
  private pendingRestore: Extract<HostToWebview, { type: 'restoreView' }> | undefined;
  private saveTimer: number | undefined;
  private detailsHeight = 240;
  private tabs: Tabs | undefined;
  private views: AnalysisViews | undefined;
  private statusEl: HTMLElement | undefined;
  private rangeButton: HTMLButtonElement | undefined;
  private readonly ready: { promise: Promise<void>; resolve(): void; reject(e: unknown): void };

  constructor(private readonly host: Host) {
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
    promise.catch(() => undefined); // a failed open is reported through the hook, not as an unhandled rejection
    this.ready = { promise, resolve, reject };
    const existing = document.getElementById('app');
    this.root = existing ?? document.createElement('div');
    this.root.id = 'app';
    if (!existing) document.body.appendChild(this.root);
    document.body.appendChild(this.help.element);
    this.palette = readPalette();
    this.root.replaceChildren(centerMessage('Loading…'));

    // VS Code swaps the theme's CSS variables on the document when the theme changes
    new MutationObserver(() => this.refreshPalette()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    document.addEventListener('keydown', (e) => this.onGlobalKey(e));
  }

  testHook(): WebviewTestHook {
    return {
      ready: () => this.ready.promise,
      locateSpan: async (goroutine, timeNs) => {
        await this.ready.promise;
        this.tabs?.show('timeline');
        return this.timeline ? this.timeline.locateSpan(goroutine, timeNs) : null;
      },
      detailsText: () => this.details?.text() ?? '',
      showTab: (id) => { if (!this.tabs?.has(id)) return false; this.tabs.show(id); return true; },
      currentTab: () => this.tabs?.current,
    };
  }

  onMessage(m: HostToWebview): void {
    switch (m.type) {
      case 'init':
        this.path = m.path;
        this.persisted = stateFor(this.host.getState(), m.path);
        if (m.summary) this.open({ type: 'opened', summary: m.summary, damage: m.summary.damage });
        else this.showProgress();
        break;
      case 'progress':
        if (!this.opened) {
          if (!this.progress) this.showProgress();
          this.progress?.update(m);
        }
        break;
      case 'opened':
        this.open(m);
        break;
      case 'openFailed':
        this.showFailure(m.message, m.cancelled);
        break;
      case 'response':
        this.host.onResponse(m);
        break;
      case 'reveal':
        this.tabs?.show('timeline');
        if (this.timeline && this.opened) void this.timeline.reveal(m.startNs, m.endNs, m.spans, m.label);
        else this.pendingReveal = m;
        break;
      case 'restoreView': // a deep link (nav/, README "Timeline navigation")
        this.tabs?.show('timeline');
        if (this.timeline && this.timelineStarted) void this.timeline.restoreView(m).then(() => this.timeline?.canvas.focus());
        else this.pendingRestore = m;
        break;
      case 'theme':
        // the variables may change after the message: read them now and again on the next frame
        this.refreshPalette(m.kind);
        requestAnimationFrame(() => this.refreshPalette(m.kind));
        break;
      default:
        break;
    }
  }

  private refreshPalette(kind?: number): void {
    this.palette = readPalette(kind);
    this.timeline?.setPalette(this.palette);
    this.views?.themeChanged();
  }

  private showProgress(): void {
    if (this.opened) return;
    this.progress = new ProgressView(this.path, () => this.host.post({ type: 'cancelOpen' }));
    this.root.replaceChildren(this.progress.element);
    this.progress.focus();
  }

  private showFailure(message: string, cancelled: boolean): void {
    this.opened = false;
    const v = document.createElement('div');
    v.className = 'center-view failure-view';
    const h = document.createElement('h2');
    h.textContent = cancelled ? 'Opening the trace was cancelled' : 'This trace could not be opened';
    const p = document.createElement('p');
    p.className = 'path';
    p.textContent = this.path;
    const msg = document.createElement('pre');
    msg.className = 'error-message';
    msg.textContent = message;
    v.append(h, p, msg);
    this.root.replaceChildren(v);
    this.ready.reject(new Error(message));
  }

  private open(m: OpenedMessage): void {
    if (this.opened) return;
    this.opened = true;
    this.progress = undefined;
    const summary = m.summary;
    const damage = m.damage ?? summary.damage;
    this.detailsHeight = this.persisted.detailsHeight ?? Math.round(Math.min(260, Math.max(120, window.innerHeight * 0.3)));

    const shell = document.createElement('div');
    shell.className = 'shell';
    this.tabs = new Tabs(() => this.scheduleSave());
    const header = document.createElement('div');
    header.className = 'header';
    header.appendChild(this.tabs.strip);
    header.appendChild(traceFacts(summary));
    shell.appendChild(header);
    if (damage) shell.appendChild(damageNotice(damage));
    shell.appendChild(this.tabs.panels);
    this.root.replaceChildren(shell);

    const panel = document.createElement('div');
    panel.className = 'timeline-panel';
    const details = new DetailsPane(this.host, {
      openSource: (target, frames, preserveFocus) => this.host.post({ type: 'openSource', target, frames, preserveFocus }),
      follow: (g, t) => { void this.timeline?.followGoroutine(g, t).then((ok) => { if (ok) this.timeline?.canvas.focus(); }); },
      zoomTo: (a, b) => this.timeline?.zoomTo(a, b, 0.1),
    }, () => this.palette);
    this.details = details;
    let lastByClick = false;
    const timeline = new TimelineView(this.host, summary, this.palette, {
      select: (sel: Selection | null) => { details.show(sel, lastByClick); lastByClick = false; },
      changed: () => { this.scheduleSave(); this.updateStatus(); },
      rangeChanged: (r) => { if (this.rangeButton) this.rangeButton.disabled = !r; },
      status: (text) => this.setStatus(text),
      toggleHelp: () => this.help.toggle(),
      log: (level, message) => this.host.log(level, message),
    });
    this.timeline = timeline;
    // a click on the canvas is the only way a selection is "by click": mark it before the canvas handles it
    timeline.canvas.addEventListener('pointerdown', () => { lastByClick = true; }, { capture: true });
    timeline.canvas.addEventListener('pointerup', () => { setTimeout(() => { lastByClick = false; }, 0); });

    panel.appendChild(this.toolbar(timeline));
    panel.appendChild(new NavBar(this.host, timeline, {
      copyLink: () => this.host.post({ type: 'copyLink', view: timeline.viewState() }),
      viewChanged: () => this.host.post({ type: 'viewState', ...timeline.viewState() }),
      status: (text) => this.setStatus(text),
    }).element);
    panel.appendChild(timeline.element);
    const splitter = this.splitter(panel);
    panel.appendChild(splitter);
    panel.appendChild(details.element);
    details.element.style.height = `${this.detailsHeight}px`;
    // Esc in the details pane goes back to the timeline (where the keys are)
    details.element.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { e.preventDefault(); timeline.canvas.focus(); }
    });
    // the analysis tabs (views/): the Summary first (the tab a new trace opens on), the others after the timeline
    const views = new AnalysisViews(this.viewContext(summary));
    this.views = views;
    views.mountBefore(this.tabs);
    this.tabs.add('timeline', 'Timeline', panel, () => timeline.requestDraw());
    views.mountAfter(this.tabs);
    if (this.persisted.tab) this.tabs.show(this.persisted.tab);

    timeline.whenReady().then(() => this.ready.resolve(), (e) => this.ready.reject(e));
    timeline.start(this.persisted).then(() => {
      this.updateStatus();
      const r = this.pendingReveal;
      this.pendingReveal = undefined;
      if (r) void timeline.reveal(r.startNs, r.endNs, r.spans, r.label);
      this.timelineStarted = true;
      const v = this.pendingRestore;
      this.pendingRestore = undefined;
      if (v) void timeline.restoreView(v);
    }, (e) => {
      this.setStatus(`Could not read the timeline: ${(e as Error)?.message ?? e}`);
      this.host.log('error', `timeline start failed: ${(e as Error)?.message ?? e}`);
    });
    timeline.canvas.focus();
  }

  /** What the analysis views may do: open sources, and show things on the timeline (switching to its tab). */
  private viewContext(summary: TraceSummary): ViewContext {
    const toTimeline = () => { this.tabs?.show('timeline'); return this.timeline; };
    return {
      host: this.host,
      summary,
      palette: () => this.palette,
      openSource: (frames, first = 0) => {
        const refs = frames.map((f) => ({ file: f.file, line: f.line, func: f.func }));
        const target = refs[Math.max(0, Math.min(first, refs.length - 1))];
        if (target) this.host.post({ type: 'openSource', target, frames: refs });
      },
      reveal: (r) => {
        const tl = toTimeline();
        if (tl) void tl.revealSpans(r.startNs, r.endNs, r.spans, r.label).then(() => tl.canvas.focus());
      },
      showGoroutine: (id, timeNs, startNs, endNs) => {
        const tl = toTimeline();
        if (tl) void tl.focusGoroutine(id, { timeNs, startNs, endNs, focus: true });
      },
      timelineRange: () => {
        const r = this.timeline?.getRange();
        return r ? { fromNs: Math.round(Math.min(r.a, r.b)), toNs: Math.round(Math.max(r.a, r.b)) } : undefined;
      },
      showTab: (id) => this.tabs?.show(id),
      log: (level, message) => this.host.log(level, message),
    };
  }

  private toolbar(tl: TimelineView): HTMLElement {
    const bar = document.createElement('div');
    bar.className = 'toolbar';
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', 'Timeline');
    const btn = (text: string, title: string, f: () => void) => {
      const b = document.createElement('button');
      b.className = 'tool';
      b.textContent = text;
      b.title = title;
      b.addEventListener('click', () => { f(); });
      bar.appendChild(b);
      return b;
    };
    btn('Whole trace', 'Show the whole trace (Home, 0)', () => tl.fullView());
    btn('+', 'Zoom in (W)', () => tl.zoom(0.5, 0.5));
    btn('−', 'Zoom out (S)', () => tl.zoom(2, 0.5));
    this.rangeButton = btn('Zoom to range', 'Zoom to the dragged time range (Enter)', () => tl.zoomToSelectionRange());
    this.rangeButton.disabled = true;

    const sortLabel = document.createElement('label');
    sortLabel.className = 'tool-label';
    sortLabel.textContent = 'Sort goroutines by ';
    const sort = document.createElement('select');
    for (const s of SortOrders) {
      const o = document.createElement('option');
      o.value = s;
      o.textContent = SortLabels[s];
      sort.appendChild(o);
    }
    sort.value = this.persisted.sort ?? 'id';
    sort.addEventListener('change', () => tl.setSort(sort.value as SortOrder));
    sortLabel.appendChild(sort);
    bar.appendChild(sortLabel);

    const groupLabelEl = document.createElement('label');
    groupLabelEl.className = 'tool-label';
    const group = document.createElement('input');
    group.type = 'checkbox';
    group.checked = this.persisted.grouped ?? true;
    group.addEventListener('change', () => tl.setGrouped(group.checked));
    groupLabelEl.append(group, ' Group by function');
    bar.appendChild(groupLabelEl);

    const pcLabel = document.createElement('label');
    pcLabel.className = 'tool-label';
    pcLabel.textContent = 'Procs: colour by ';
    const pc = document.createElement('select');
    for (const [v, t] of [['goroutine', 'goroutine'], ['state', 'state']] as const) {
      const o = document.createElement('option');
      o.value = v;
      o.textContent = t;
      pc.appendChild(o);
    }
    pc.value = this.persisted.procColor ?? 'goroutine';
    pc.addEventListener('change', () => tl.setProcColor(pc.value as 'goroutine' | 'state'));
    pcLabel.appendChild(pc);
    bar.appendChild(pcLabel);

    bar.appendChild(this.legend());
    const spacer = document.createElement('span');
    spacer.className = 'spacer';
    bar.appendChild(spacer);
    this.statusEl = document.createElement('span');
    this.statusEl.className = 'status';
    this.statusEl.setAttribute('aria-live', 'polite');
    bar.appendChild(this.statusEl);
    btn('?', 'Keys and mouse (?)', () => this.help.toggle());
    return bar;
  }

  private legend(): HTMLElement {
    const d = document.createElement('details');
    d.className = 'legend';
    const s = document.createElement('summary');
    s.textContent = 'Colours';
    d.appendChild(s);
    const list = document.createElement('div');
    list.className = 'legend-list';
    const classes: ColorClass[] = ['running', 'runnable', 'syscall', 'syscallBlocked', 'waitSync', 'waitNet', 'waitSyscall',
      'waitSleep', 'waitGC', 'waitOther', 'waiting', 'gc', 'stw', 'task', 'region'];
    const fill = () => {
      list.replaceChildren(...classes.map((c) => {
        const item = document.createElement('span');
        item.className = 'legend-item';
        const sw = document.createElement('span');
        sw.className = 'swatch';
        sw.style.background = this.palette.fills[c];
        item.append(sw, ColorClassLabel[c]);
        return item;
      }));
      const merged = document.createElement('span');
      merged.className = 'legend-item';
      const sw = document.createElement('span');
      sw.className = 'swatch hatched';
      sw.style.background = this.palette.fills.waiting;
      merged.append(sw, 'hatched: many short spans merged');
      list.appendChild(merged);
    };
    d.addEventListener('toggle', fill);
    d.appendChild(list);
    return d;
  }

  private splitter(panel: HTMLElement): HTMLElement {
    const s = document.createElement('div');
    s.className = 'splitter';
    s.tabIndex = 0;
    s.setAttribute('role', 'separator');
    s.setAttribute('aria-orientation', 'horizontal');
    s.setAttribute('aria-label', 'Resize the details pane (arrow keys)');
    const apply = (h: number) => {
      const max = Math.max(80, panel.getBoundingClientRect().height - 160);
      this.detailsHeight = Math.round(Math.max(60, Math.min(max, h)));
      if (this.details) this.details.element.style.height = `${this.detailsHeight}px`;
      this.scheduleSave();
    };
    s.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      s.setPointerCapture(e.pointerId);
      const y0 = e.clientY;
      const h0 = this.detailsHeight;
      const move = (ev: PointerEvent) => apply(h0 - (ev.clientY - y0));
      const up = () => { s.removeEventListener('pointermove', move); s.removeEventListener('pointerup', up); };
      s.addEventListener('pointermove', move);
      s.addEventListener('pointerup', up);
    });
    s.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowUp') { apply(this.detailsHeight + 20); e.preventDefault(); }
      if (e.key === 'ArrowDown') { apply(this.detailsHeight - 20); e.preventDefault(); }
    });
    return s;
  }

  private onGlobalKey(e: KeyboardEvent): void {
    if (this.help.visible) return; // the overlay handles its keys
    const t = e.target as HTMLElement | null;
    const typing = t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');
    if (typing) return;
    if (e.key === '?' && t !== this.timeline?.canvas) { e.preventDefault(); this.help.toggle(); return; }
    // keys typed while nothing in particular has focus go to the timeline (when its tab is shown)
    if (this.timeline && this.tabs?.current === 'timeline' && (t === document.body || t === null || t === this.root)) this.timeline.onKey(e);
  }

  private setStatus(text: string): void {
    if (this.statusEl) this.statusEl.textContent = text;
  }

  private updateStatus(): void {
    if (!this.timeline) return;
    const vp = this.timeline.getViewport();
    const w = windowNs(vp);
    const px = Math.max(1, this.timeline.plotWidth());
    this.setStatus(`${formatDuration(w)} shown · ${formatDuration(w / px)}/px`);
  }

  private scheduleSave(): void {
    if (this.saveTimer !== undefined) return;
    this.saveTimer = window.setTimeout(() => {
      this.saveTimer = undefined;
      const s: PersistedState = {
        ...this.persisted, ...(this.timeline?.getState() ?? {}), version: 1, path: this.path,
        tab: this.tabs?.current, detailsHeight: this.detailsHeight,
      };
      this.persisted = s;
      this.host.setState(s);
    }, 250);
  }
}

function centerMessage(text: string): HTMLElement {
  const d = document.createElement('div');
  d.className = 'center-view';
  const p = document.createElement('p');
  p.textContent = text;
  d.appendChild(p);
  return d;
}

function traceFacts(s: TraceSummary): HTMLElement {
  const d = document.createElement('div');
  d.className = 'trace-facts';
  d.textContent = `${s.format} · ${formatDuration(s.durationNs)} · ${formatCount(s.events)} events · `
    + `${formatCount(s.goroutines)} goroutines · ${s.procs} procs · ${formatBytes(s.bytes)}`;
  return d;
}

function damageNotice(d: DamageInfo): HTMLElement {
  const n = document.createElement('div');
  n.className = 'notice damage-notice';
  n.setAttribute('role', 'status');
  const strong = document.createElement('strong');
  strong.textContent = 'This trace is damaged. ';
  const text = document.createElement('span');
  const where = d.offset >= 0 && !d.message.includes('offset') ? ` (byte ${formatCount(d.offset)})` : '';
  const dropped = d.eventsDropped > 0 ? ` ${formatCount(d.eventsDropped)} events after it were dropped.` : '';
  text.textContent = `${d.message}${where}. The timeline shows what comes before generation ${d.generation}.${dropped}`;
  const close = document.createElement('button');
  close.className = 'link-button';
  close.textContent = 'Dismiss';
  close.addEventListener('click', () => n.remove());
  n.append(strong, text, close);
  return n;
}

const host = new Host();
const app = new App(host);
window.gotraceTest = app.testHook();
window.addEventListener('message', (e: MessageEvent) => {
  const m = e.data as HostToWebview;
  if (m && typeof m === 'object' && typeof m.type === 'string') app.onMessage(m);
});
host.post({ type: 'ready' });
