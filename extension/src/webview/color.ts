// Colour strings: parsing the values VS Code puts in its CSS variables (#rgb, #rrggbb, #rrggbbaa, rgb(), rgba()),
// alpha, mixing, and the per-goroutine hues of the proc tracks. Pure, no DOM.

import type { ColorClass } from './states';

export interface Rgba { r: number; g: number; b: number; a: number }

export function parseColor(text: string | undefined): Rgba | undefined {
  if (!text) return undefined;
  const s = text.trim().toLowerCase();
  let m = /^#([0-9a-f]{3,8})$/.exec(s);
  if (m) {
    const h = m[1];
    if (h.length === 3 || h.length === 4) {
      const c = h.split('').map((x) => parseInt(x + x, 16));
      return { r: c[0], g: c[1], b: c[2], a: h.length === 4 ? c[3] / 255 : 1 };
    }
    if (h.length === 6 || h.length === 8) {
      const c = [0, 2, 4, 6].map((i) => parseInt(h.slice(i, i + 2), 16));
      return { r: c[0], g: c[1], b: c[2], a: h.length === 8 ? c[3] / 255 : 1 };
    }
    return undefined;
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/.exec(s);
  if (m) {
    let a = 1;
    if (m[4] !== undefined) a = m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
    return { r: Number(m[1]), g: Number(m[2]), b: Number(m[3]), a };
  }
  return undefined;
}

export function toCss(c: Rgba): string {
  const a = Math.round(c.a * 1000) / 1000;
  return `rgba(${Math.round(c.r)}, ${Math.round(c.g)}, ${Math.round(c.b)}, ${a})`;
}

export function withAlpha(c: Rgba, alpha: number): Rgba {
  return { ...c, a: c.a * alpha };
}

/** `a` blended over `b` by `t` (0 = b, 1 = a), alpha included. */
export function mix(a: Rgba, b: Rgba, t: number): Rgba {
  return { r: a.r * t + b.r * (1 - t), g: a.g * t + b.g * (1 - t), b: a.b * t + b.b * (1 - t), a: a.a * t + b.a * (1 - t) };
}

/** Relative luminance (0 black .. 1 white), to pick light/dark text. */
export function luminance(c: Rgba): number {
  const ch = (v: number) => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
}

/** A stable hue (0..359) for a goroutine id: neighbours get far-apart hues (golden-angle steps). */
export function goroutineHue(id: number): number {
  const x = ((id * 137.508) % 360 + 360) % 360;
  return Math.round(x);
}

/** The proc-track colour of a goroutine, lighter on dark themes. */
export function goroutineColor(id: number, dark: boolean): string {
  const h = goroutineHue(id);
  return dark ? `hsl(${h}, 55%, 62%)` : `hsl(${h}, 60%, 42%)`;
}

/** The theme colours the timeline uses (read from VS Code's CSS variables; see theme.ts). */
export interface ThemeColors {
  background: string;
  foreground: string;
  descriptionForeground: string;
  lines: string;
  focusBorder: string;
  selectionBackground: string;
  red: string;
  blue: string;
  yellow: string;
  orange: string;
  green: string;
  purple: string;
  /** The theme kind: dark or high contrast dark draws light colours. */
  dark: boolean;
  highContrast: boolean;
}

/** Fallbacks: VS Code's Dark Modern values (used when a variable is missing, e.g. in the dev harness). */
export const DEFAULT_COLORS: ThemeColors = {
  background: '#1f1f1f', foreground: '#cccccc', descriptionForeground: '#9d9d9d', lines: 'rgba(204, 204, 204, 0.5)',
  focusBorder: '#0078d4', selectionBackground: '#264f78', red: '#f14c4c', blue: '#3794ff', yellow: '#cca700',
  orange: '#d18616', green: '#89d185', purple: '#b180d7', dark: true, highContrast: false,
};

/** The fill of each colour class. */
export function classColors(t: ThemeColors): Record<ColorClass, string> {
  const p = (s: string) => parseColor(s) ?? parseColor('#888888')!;
  const fg = p(t.foreground);
  const a = (s: string, alpha: number) => toCss(withAlpha(p(s), alpha));
  return {
    none: 'transparent',
    running: a(t.green, 1),
    runnable: a(t.yellow, 0.85),
    syscall: a(t.purple, 1),
    syscallBlocked: a(t.purple, 0.55),
    waitSync: a(t.red, 0.9),
    waitNet: a(t.blue, 0.9),
    waitSyscall: a(t.purple, 0.4),
    waitSleep: toCss(withAlpha(fg, 0.28)),
    waitGC: a(t.orange, 0.9),
    waitOther: toCss(withAlpha(fg, 0.14)),
    waiting: a(t.red, 0.55),
    idle: 'transparent',
    scheduling: toCss(withAlpha(fg, 0.35)),
    gc: a(t.orange, 0.85),
    stw: a(t.red, 0.85),
    sweep: a(t.orange, 0.55),
    assist: a(t.orange, 0.75),
    task: a(t.blue, 0.7),
    region: a(t.blue, 0.45),
  };
}
