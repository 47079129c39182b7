// The MMU tab: gotrace/mmu's minimum mutator utilization curve drawn on a canvas (log window axis from 1 µs to the
// trace's duration, utilization 0–1), with go tool trace's toggles (system or per-goroutine; STW, background
// workers, mark assist, sweep; percentiles). Hover (or ←/→ on the focused plot) reads a point; a click (or Enter)
// lists the worst windows of that size, each shown on the timeline on request.

import type { MmuPoint, MmuResult } from '../../protocol';
import { formatDuration, formatTimestamp } from '../format';
import { el, button, message, errorText, isCancelled } from './dom';
import type { AnalysisView, ViewContext } from './context';
import {
  DEFAULT_TOGGLES, GO_QUANTILES, type LogScale, type MmuToggles, describePoint, logTicks, logX, mmuFlags, nearestPoint,
  quantileLabel, utilY, windowRange,
} from './mmuPlot';
import { revealWindow } from './reveal';

const PAD = { left: 56, right: 16, top: 14, bottom: 38 };

export class MmuView implements AnalysisView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly readout: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly worstPane: HTMLElement;
  private readonly status: HTMLElement;
  private toggles: MmuToggles = { ...DEFAULT_TOGGLES };
  private percentiles = false;
  private data: MmuResult | undefined;
  private loadedKey = '';
  private req: number | undefined;
  private hover = -1;
  private selected = -1;
  private readonly resize: ResizeObserver;

  constructor(private readonly ctx: ViewContext) {
    this.element = el('div', { className: 'analysis-view mmu-view', testid: 'view-mmu' });
    const options = el('div', { className: 'view-toolbar mmu-options' });
    const view = el('fieldset', {}, [el('legend', { text: 'View' })]);
    for (const [id, text, title] of [['system', 'System', 'Whole-system utilization (the standard MMU)'],
      ['perProc', 'Per-goroutine', 'Per-goroutine utilization: 0 when even one goroutine is interrupted by GC']] as const) {
      const r = el('input', { testid: `mmu-view-${id}`, title, attrs: { type: 'radio', name: 'mmu-view' } });
      r.checked = (id === 'perProc') === this.toggles.perProc;
      r.addEventListener('change', () => { this.toggles.perProc = id === 'perProc'; this.load(); });
      view.appendChild(el('label', { title }, [r, text]));
    }
    const include = el('fieldset', {}, [el('legend', { text: 'Include' })]);
    for (const [id, text, title] of [['stw', 'STW', 'Stop-the-world stops all goroutines'],
      ['background', 'Background workers', 'GC background mark workers'],
      ['assist', 'Mark assist', 'Mark assists done by allocating goroutines'],
      ['sweep', 'Sweep', 'Sweeping (may be slow)']] as const) {
      const c = el('input', { testid: `mmu-${id}`, title, attrs: { type: 'checkbox' } });
      c.checked = this.toggles[id];
      c.addEventListener('change', () => { this.toggles[id] = c.checked; this.load(); });
      include.appendChild(el('label', { title }, [c, text]));
    }
    const display = el('fieldset', {}, [el('legend', { text: 'Display' })]);
    const pc = el('input', { testid: 'mmu-percentiles', attrs: { type: 'checkbox' } });
    pc.addEventListener('change', () => { this.percentiles = pc.checked; this.load(); });
    display.appendChild(el('label', { title: 'Also the 99.9th, 99th and 95th percentile of the windowed utilization' }, [pc, 'Show percentiles']));
    this.status = el('span', { className: 'muted', attrs: { 'aria-live': 'polite' } });
    options.append(view, include, display, this.status);

    this.canvas = el('canvas', { className: 'mmu-canvas', testid: 'mmu-plot' });
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Minimum mutator utilization by window size. Left and right arrows move along the curve, Enter lists the worst windows.');
    this.readout = el('div', { className: 'mmu-readout', testid: 'mmu-readout', text: 'Point at the curve to read it; click for the worst windows.' });
    this.legend = el('div', { className: 'muted mmu-legend', testid: 'mmu-legend' });
    this.worstPane = el('div', { className: 'detail-pane', testid: 'mmu-worst' });
    this.worstPane.hidden = true;
    this.element.append(el('h2', { text: 'Minimum mutator utilization' }), options,
      el('div', { className: 'mmu-plot-wrap' }, [this.canvas]), this.readout, this.legend, this.worstPane);

    this.canvas.addEventListener('pointermove', (e) => this.onMove(e));
    this.canvas.addEventListener('pointerleave', () => { this.hover = -1; this.draw(); this.updateReadout(); });
    this.canvas.addEventListener('click', (e) => { this.onMove(e); if (this.hover >= 0) this.selectPoint(this.hover); });
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
    this.resize = new ResizeObserver(() => this.draw());
    this.resize.observe(this.element);
  }

  shown(): void { this.load(); this.draw(); }

  themeChanged(): void { this.draw(); }

  private load(): void {
    const flags = mmuFlags(this.toggles);
    const key = `${flags}:${this.percentiles}`;
    if (key === this.loadedKey) return;
    this.loadedKey = key;
    if (this.req !== undefined) this.ctx.host.cancel(this.req);
    this.status.textContent = 'Computing…';
    const params: Record<string, unknown> = { flags };
    if (this.percentiles) params.quantiles = GO_QUANTILES;
    const req = this.ctx.host.request<MmuResult>('gotrace/mmu', params);
    this.req = req.id;
    req.promise.then((r) => {
      this.req = undefined;
      this.status.textContent = '';
      this.data = r;
      this.hover = -1;
      this.worstPane.hidden = true;
      this.selected = -1;
      this.legend.textContent = this.percentiles
        ? `Lines: MMU (solid blue); dashed orange, from lightest to darkest: ${GO_QUANTILES.slice(1).map(quantileLabel).join(', ')}` : '';
      this.draw();
      this.updateReadout();
    }, (e) => {
      this.req = undefined;
      if (isCancelled(e)) return;
      this.loadedKey = '';
      this.status.textContent = `Could not compute the MMU: ${errorText(e)}`;
    });
  }

  private scale(): { s: LogScale; y0: number; h: number; w: number; hgt: number } {
    const w = Math.max(300, Math.min(1000, Math.floor(this.element.clientWidth - 40)));
    const hgt = Math.round(Math.max(240, Math.min(420, w * 0.45)));
    const r = windowRange(this.data?.points ?? []);
    return { s: { min: r.min, max: r.max, x0: PAD.left, width: w - PAD.left - PAD.right }, y0: PAD.top, h: hgt - PAD.top - PAD.bottom, w, hgt };
  }

  private draw(): void {
    if (this.element.hidden || this.element.clientWidth === 0) return;
    const { s, y0, h, w, hgt } = this.scale();
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(hgt * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(hgt * dpr);
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${hgt}px`;
    }
    const g = this.canvas.getContext('2d');
    if (!g) return;
    const pal = this.ctx.palette();
    const t = pal.theme;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = t.background;
    g.fillRect(0, 0, w, hgt);
    g.font = `${pal.fontSize}px ${pal.font}`;
    g.lineWidth = 1;
    // grid and axes
    g.strokeStyle = t.lines;
    g.fillStyle = t.descriptionForeground;
    g.globalAlpha = 0.35;
    g.beginPath();
    for (const u of [0, 0.25, 0.5, 0.75, 1]) { const y = Math.round(utilY(u, y0, h)) + 0.5; g.moveTo(s.x0, y); g.lineTo(s.x0 + s.width, y); }
    const ticks = logTicks(s.min, s.max);
    for (const tk of ticks) { const x = Math.round(logX(s, tk.v)) + 0.5; g.moveTo(x, y0); g.lineTo(x, y0 + h); }
    g.stroke();
    g.globalAlpha = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const u of [0, 0.25, 0.5, 0.75, 1]) g.fillText(u.toFixed(2), s.x0 - 6, utilY(u, y0, h));
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (const tk of ticks) g.fillText(tk.label, logX(s, tk.v), y0 + h + 4);
    g.fillText('Window duration', s.x0 + s.width / 2, y0 + h + 20);
    g.save();
    g.translate(12, y0 + h / 2);
    g.rotate(-Math.PI / 2);
    g.textBaseline = 'middle';
    g.fillText(this.percentiles ? 'Mutator utilization' : 'Minimum mutator utilization', 0, 0);
    g.restore();
    const pts = this.data?.points ?? [];
    if (pts.length === 0) return;
    // percentile lines (dashed), then the MMU
    const nq = pts[0].percentiles?.length ?? 0;
    for (let q = nq - 1; q >= 1; q--) {
      g.setLineDash([5, 3]);
      g.strokeStyle = t.orange;
      g.globalAlpha = 0.45 + 0.5 * (q / nq);
      this.line(g, pts, s, y0, h, (p) => p.percentiles?.[q] ?? p.mmu);
    }
    g.setLineDash([]);
    g.globalAlpha = 1;
    g.strokeStyle = t.blue;
    g.lineWidth = 2;
    this.line(g, pts, s, y0, h, (p) => p.mmu);
    g.lineWidth = 1;
    for (const [i, color] of [[this.selected, t.focusBorder], [this.hover, t.foreground]] as const) {
      if (i < 0 || i >= pts.length) continue;
      const x = logX(s, pts[i].windowNs);
      const y = utilY(pts[i].mmu, y0, h);
      g.strokeStyle = color;
      g.globalAlpha = 0.6;
      g.beginPath();
      g.moveTo(Math.round(x) + 0.5, y0);
      g.lineTo(Math.round(x) + 0.5, y0 + h);
      g.stroke();
      g.globalAlpha = 1;
      g.fillStyle = color;
      g.beginPath();
      g.arc(x, y, 4, 0, Math.PI * 2);
      g.fill();
    }
  }

  private line(g: CanvasRenderingContext2D, pts: readonly MmuPoint[], s: LogScale, y0: number, h: number, v: (p: MmuPoint) => number): void {
    g.beginPath();
    pts.forEach((p, i) => {
      const x = logX(s, p.windowNs);
      const y = utilY(v(p), y0, h);
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    g.stroke();
  }

  private onMove(e: { clientX: number }): void {
    const pts = this.data?.points ?? [];
    if (pts.length === 0) return;
    const r = this.canvas.getBoundingClientRect();
    const { s } = this.scale();
    const x = e.clientX - r.left;
    const i = x < s.x0 - 8 || x > s.x0 + s.width + 8 ? -1 : nearestPoint(pts, s, x);
    if (i !== this.hover) { this.hover = i; this.draw(); this.updateReadout(); }
  }

  private onKey(e: KeyboardEvent): void {
    const pts = this.data?.points ?? [];
    if (pts.length === 0) return;
    let i = this.hover >= 0 ? this.hover : this.selected >= 0 ? this.selected : Math.floor(pts.length / 2);
    if (e.key === 'ArrowRight') i = Math.min(pts.length - 1, i + (e.shiftKey ? 10 : 1));
    else if (e.key === 'ArrowLeft') i = Math.max(0, i - (e.shiftKey ? 10 : 1));
    else if (e.key === 'Home') i = 0;
    else if (e.key === 'End') i = pts.length - 1;
    else if (e.key === 'Enter') { this.selectPoint(i); e.preventDefault(); return; }
    else return;
    e.preventDefault();
    this.hover = i;
    this.draw();
    this.updateReadout();
  }

  private updateReadout(): void {
    const pts = this.data?.points ?? [];
    const i = this.hover >= 0 ? this.hover : this.selected;
    if (i < 0 || i >= pts.length) {
      this.readout.textContent = pts.length ? 'Point at the curve (or focus it and use ←/→) to read it; click or Enter lists the worst windows.' : '';
      return;
    }
    const p = pts[i];
    let text = describePoint(p.windowNs, p.mmu);
    if (p.percentiles && p.percentiles.length > 1) {
      text += ' · ' + p.percentiles.slice(1).map((v, k) => `${quantileLabel(GO_QUANTILES[k + 1])} ${v.toFixed(3)}`).join(' · ');
    }
    this.readout.textContent = text;
  }

  private selectPoint(i: number): void {
    const pts = this.data?.points ?? [];
    if (i < 0 || i >= pts.length) return;
    this.selected = i;
    this.draw();
    const w = pts[i].windowNs;
    const flags = mmuFlags(this.toggles);
    this.worstPane.hidden = false;
    this.worstPane.replaceChildren(message(`Finding the worst ${formatDuration(w)} windows…`));
    this.ctx.host.request<MmuResult>('gotrace/mmu', { flags, windowsNs: [w], worst: 10 }).promise.then((r) => {
      const worst = r.points[0]?.worst ?? [];
      const list = el('ol', { className: 'worst-list', testid: 'mmu-worst-list' });
      for (const x of worst) {
        const rel = x.timeNs; // since the trace start, as every time of the protocol
        const label = `Utilization ${x.utilization.toFixed(3)} in the ${formatDuration(w)} window at ${formatTimestamp(rel)}`;
        list.appendChild(el('li', { testid: 'mmu-worst-item' }, [
          el('span', { text: `${x.utilization.toFixed(3)} at ${formatTimestamp(rel)} ` }),
          button('Show on timeline', 'Show this window on the timeline', () => this.ctx.reveal(
            revealWindow(x.timeNs, w, this.ctx.summary.durationNs, label)), { className: 'link-button', testid: 'mmu-worst-show' }),
        ]));
      }
      this.worstPane.replaceChildren(
        el('h4', { text: `Lowest mutator utilization in ${formatDuration(w)} windows` }),
        worst.length ? list : message('No windows.'),
      );
    }, (e) => {
      this.worstPane.replaceChildren(message(`Could not find the worst windows: ${errorText(e)}`, undefined, 'view-message error'));
    });
  }
}
