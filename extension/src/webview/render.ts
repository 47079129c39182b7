// Canvas drawing of one track's data in a row: spans batched by fill, merged spans hatched, lane labels, counters,
// instants. Takes the already-measured geometry; knows nothing of rows or requests.

import type { Track, TrackKind, Span } from '../protocol';
import { colorClass, drawnState, drawnShare, GoroutineState, ProcActivity } from './states';
import { goroutineColor, parseColor, toCss, withAlpha, mix, luminance, type Rgba } from './color';
import { type Viewport, timeToX } from './viewport';
import { toSteps, maxOf, type Steps } from './counters';
import type { Palette } from './theme';
import { formatBytes, formatCount } from './format';

export interface Geometry {
  /** Left edge of the plot in canvas CSS px. */
  x0: number;
  /** Plot width in CSS px. */
  width: number;
  vp: Viewport;
  dpr: number;
}

/** The x extent of [a, b] in canvas px, snapped to device pixels, at least 1 device pixel wide, clipped. */
export function spanPixels(g: Geometry, a: number, b: number): [number, number] | undefined {
  let xa = g.x0 + timeToX(g.vp, g.width, a);
  let xb = g.x0 + timeToX(g.vp, g.width, b);
  const right = g.x0 + g.width;
  if (xb < g.x0 || xa > right) return undefined;
  xa = Math.max(g.x0 - 1, xa);
  xb = Math.min(right + 1, xb);
  xa = Math.round(xa * g.dpr) / g.dpr;
  xb = Math.round(xb * g.dpr) / g.dpr;
  if (xb - xa < 1 / g.dpr) xb = xa + 1 / g.dpr;
  return [xa, xb];
}

/** How a span is filled: its colour class, or per goroutine on proc tracks. */
export function spanFill(kind: TrackKind, s: Span, pal: Palette, procColor: 'goroutine' | 'state'): string {
  const merged = s.count > 1;
  const state = drawnState(kind, s);
  if (state < 0) return 'transparent';
  if (kind === 'proc' && procColor === 'goroutine' && !merged && (state === ProcActivity.Running) && s.goroutine >= 0) {
    return goroutineColor(s.goroutine, pal.theme.dark);
  }
  const fill = pal.fills[colorClass(kind, state, s.reason, merged)];
  if (!merged) return fill;
  // a merged span mostly empty by time is drawn lighter (four levels, so fills still batch)
  const share = drawnShare(kind, s);
  if (share >= 0.75) return fill;
  const level = share >= 0.5 ? 0.8 : share >= 0.25 ? 0.6 : 0.45;
  return fadeFill(fill, level);
}

/** The opacity of spans a filter dims. */
export const DIM_ALPHA = 0.18;

const fadeCache = new Map<string, string>();
function fadeFill(fill: string, level: number): string {
  const key = `${fill}|${level}`;
  let v = fadeCache.get(key);
  if (v === undefined) {
    const c = parseColor(fill);
    v = c ? toCss(withAlpha(c, level)) : fill;
    fadeCache.set(key, v);
  }
  return v;
}

export interface SpanDrawOptions {
  procColor: 'goroutine' | 'state';
  /** Draw names (regions, tasks, ranges) inside spans wide enough. */
  labels: boolean;
  /** Draw the goroutine id inside wide running spans of proc/thread tracks. */
  goroutineLabels: boolean;
  /** Spans for which this is true are drawn faded (the timeline's filter highlights the others). */
  dim?: (s: Span) => boolean;
}

/** Draws the spans of `track` in [y, y + h). */
export function drawSpans(ctx: CanvasRenderingContext2D, g: Geometry, track: Track, y: number, h: number,
  pal: Palette, o: SpanDrawOptions): void {
  const kind = track.track.kind;
  const byFill = new Map<string, Path2D>();
  const hatched = new Path2D();
  let anyHatch = false;
  const labels: { x: number; w: number; text: string; fill: string }[] = [];
  for (const s of track.spans) {
    let fill = spanFill(kind, s, pal, o.procColor);
    if (fill === 'transparent') continue;
    if (o.dim?.(s)) fill = fadeFill(fill, DIM_ALPHA);
    const px = spanPixels(g, s.startNs, s.endNs);
    if (!px) continue;
    const [xa, xb] = px;
    let p = byFill.get(fill);
    if (!p) { p = new Path2D(); byFill.set(fill, p); }
    p.rect(xa, y, xb - xa, h);
    if (s.count > 1) { hatched.rect(xa, y, xb - xa, h); anyHatch = true; }
    else if (xb - xa > 28) {
      if (o.labels && s.reason && (kind === 'regions' || kind === 'tasks' || kind === 'gc' || kind === 'stw'
        || kind === 'goroutineRanges' || kind === 'procRanges')) {
        labels.push({ x: xa, w: xb - xa, text: s.reason, fill });
      } else if (o.goroutineLabels && (kind === 'proc' || kind === 'thread') && s.goroutine >= 0) {
        labels.push({ x: xa, w: xb - xa, text: `G${s.goroutine}`, fill });
      } else if (kind === 'goroutine' && s.state === GoroutineState.Waiting && s.reason && xb - xa > 60) {
        labels.push({ x: xa, w: xb - xa, text: s.reason, fill });
      }
    }
  }
  for (const [fill, p] of byFill) {
    ctx.fillStyle = fill;
    ctx.fill(p);
  }
  if (anyHatch && pal.hatch) {
    ctx.fillStyle = pal.hatch;
    ctx.fill(hatched);
  }
  if (labels.length > 0 && h >= 9) drawLabels(ctx, labels, y, h, pal);
}

function drawLabels(ctx: CanvasRenderingContext2D, labels: { x: number; w: number; text: string; fill: string }[],
  y: number, h: number, pal: Palette): void {
  const size = Math.min(pal.fontSize, h - 2);
  ctx.font = `${size}px ${pal.font}`;
  ctx.textBaseline = 'middle';
  const bg = parseColor(pal.theme.background) ?? { r: 30, g: 30, b: 30, a: 1 };
  const charW = ctx.measureText('abcdefghij').width / 10 || 6;
  const textFor = new Map<string, string>();
  for (const l of labels) {
    const max = Math.floor((l.w - 6) / charW);
    if (max < 2) continue;
    let color = textFor.get(l.fill);
    if (!color) {
      color = textOn(l.fill, bg, pal.theme.dark);
      textFor.set(l.fill, color);
    }
    ctx.fillStyle = color;
    const text = l.text.length > max ? l.text.slice(0, Math.max(1, max - 1)) + '…' : l.text;
    ctx.fillText(text, l.x + 3, y + h / 2 + 0.5);
  }
}

/** Black or white text, whichever reads better on `fill` drawn over the background. */
export function textOn(fill: string, bg: Rgba, dark: boolean): string {
  const c = parseColor(fill);
  if (!c) return dark ? '#000' : '#fff'; // hsl() goroutine colours: light on dark themes, dark on light ones
  const blended = mix({ ...c, a: 1 }, bg, c.a);
  return luminance(blended) > 0.35 ? '#000' : '#fff';
}

/** Instants as ticks; a bucket of several is wider and opaque. */
export function drawInstants(ctx: CanvasRenderingContext2D, g: Geometry, track: Track, y: number, h: number, color: string): void {
  const p = new Path2D();
  const many = new Path2D();
  for (const it of track.instants) {
    const xa = g.x0 + timeToX(g.vp, g.width, it.timeNs);
    if (xa < g.x0 - 2 || xa > g.x0 + g.width + 2) continue;
    if (it.count > 1) {
      const xb = Math.max(xa + 2, g.x0 + timeToX(g.vp, g.width, it.endNs));
      many.rect(xa, y, xb - xa, h);
    } else {
      p.rect(Math.round(xa * g.dpr) / g.dpr - 0.5, y, 1.5, h);
    }
  }
  ctx.fillStyle = color;
  ctx.fill(p);
  ctx.fill(many);
}

export interface CounterStyle {
  mode: 'heap' | 'stacked';
}

/** Draws a counter track as areas (stacked) or the heap's allocated area and goal line; returns the scale max. */
export function drawCounter(ctx: CanvasRenderingContext2D, g: Geometry, track: Track, y: number, h: number, pal: Palette,
  mode: 'heap' | 'stacked'): { max: number; steps: Steps } {
  const n = track.series.length;
  const steps = toSteps(track.points, n, g.vp.endNs);
  const t = pal.theme;
  const fg = parseColor(t.foreground) ?? { r: 200, g: 200, b: 200, a: 1 };
  const series = track.series.map((s) => s.toLowerCase());
  const colorOf = (name: string): string => {
    switch (name) {
      case 'running': return pal.fills.running;
      case 'runnable': return pal.fills.runnable;
      case 'gcwaiting': return pal.fills.waitGC;
      case 'waiting': return toCss(withAlpha(fg, 0.22));
      case 'insyscall': return pal.fills.syscall;
      case 'allocated': return toCss(withAlpha(parseColor(t.blue) ?? fg, 0.55));
      default: return toCss(withAlpha(fg, 0.4));
    }
  };
  // visible part only for the scale
  const visible = windowSteps(steps, g.vp);
  const top = y + 2;
  const height = h - 3;
  if (mode === 'heap') {
    const max = maxOf(visible, [0, 1].filter((i) => i < n), false) || 1;
    fillArea(ctx, g, steps, 0, null, top, height, max, colorOf('allocated'));
    if (n > 1) strokeSteps(ctx, g, steps, 1, top, height, max, t.orange);
    return { max, steps };
  }
  const all = Array.from({ length: n }, (_, i) => i);
  const max = maxOf(visible, all, true) || 1;
  const base = new Array(Math.max(0, steps.t.length - 1)).fill(0);
  for (let s = 0; s < n; s++) {
    fillArea(ctx, g, steps, s, base, top, height, max, colorOf(series[s]));
    for (let i = 0; i < base.length; i++) base[i] += steps.v[s][i];
  }
  return { max, steps };
}

function windowSteps(steps: Steps, vp: Viewport): Steps {
  const keep: number[] = [];
  for (let i = 0; i + 1 < steps.t.length; i++) if (steps.t[i + 1] > vp.startNs && steps.t[i] < vp.endNs) keep.push(i);
  return { t: keep.map((i) => steps.t[i]).concat(keep.length ? [steps.t[keep[keep.length - 1] + 1]] : []),
    v: steps.v.map((s) => keep.map((i) => s[i])) };
}

function fillArea(ctx: CanvasRenderingContext2D, g: Geometry, steps: Steps, s: number, base: number[] | null, top: number,
  height: number, max: number, color: string): void {
  const p = new Path2D();
  const bottom = top + height;
  for (let i = 0; i + 1 < steps.t.length; i++) {
    const v = steps.v[s][i];
    if (v <= 0) continue;
    const px = spanPixels(g, steps.t[i], steps.t[i + 1]);
    if (!px) continue;
    const b = base ? base[i] : 0;
    const y0 = bottom - (Math.min(max, b) / max) * height;
    const y1 = bottom - (Math.min(max, b + v) / max) * height;
    p.rect(px[0], y1, px[1] - px[0], y0 - y1);
  }
  ctx.fillStyle = color;
  ctx.fill(p);
}

function strokeSteps(ctx: CanvasRenderingContext2D, g: Geometry, steps: Steps, s: number, top: number, height: number,
  max: number, color: string): void {
  const bottom = top + height;
  ctx.beginPath();
  let open = false;
  for (let i = 0; i + 1 < steps.t.length; i++) {
    const v = steps.v[s][i];
    if (v <= 0) { open = false; continue; } // a goal of 0 means none (Go writes 0 above 2^50)
    const px = spanPixels(g, steps.t[i], steps.t[i + 1]);
    if (!px) continue;
    const yy = bottom - (Math.min(max, v) / max) * height;
    if (!open) { ctx.moveTo(px[0], yy); open = true; } else ctx.lineTo(px[0], yy);
    ctx.lineTo(px[1], yy);
  }
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.25;
  ctx.stroke();
}

/** The label of a counter's scale. */
export function counterScaleLabel(mode: 'heap' | 'stacked', max: number): string {
  return mode === 'heap' ? formatBytes(max) : formatCount(max);
}
