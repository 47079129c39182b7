// Formatting of durations, times, sizes and counts for the webview. Pure functions, no DOM.

const NS_PER_US = 1e3;
const NS_PER_MS = 1e6;
const NS_PER_S = 1e9;

/** Up to `sig` significant digits, trailing zeros removed ("12.3", "120", "0.5"). */
export function significant(value: number, sig = 3): string {
  if (value === 0 || !Number.isFinite(value)) return String(value === 0 ? 0 : value);
  const abs = Math.abs(value);
  const digits = Math.floor(Math.log10(abs)) + 1; // digits before the point
  const decimals = Math.max(0, sig - digits);
  let s = value.toFixed(decimals);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

/** A duration for humans: "640 ns", "12.3 µs", "1.25 ms", "2.5 s", "1 min 3 s". */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  const sign = ns < 0 ? '-' : '';
  const a = Math.abs(ns);
  if (a < NS_PER_US) return `${sign}${Math.round(a)} ns`;
  if (a < NS_PER_MS) return `${sign}${limitUnit(a / NS_PER_US, 'µs', 'ms')}`;
  if (a < NS_PER_S) return `${sign}${limitUnit(a / NS_PER_MS, 'ms', 's')}`;
  if (a < 60 * NS_PER_S) return `${sign}${significant(a / NS_PER_S, 3)} s`;
  const totalS = Math.round(a / NS_PER_S);
  const min = Math.floor(totalS / 60);
  const s = totalS - min * 60;
  return `${sign}${min} min ${s} s`;
}

// 999.96 µs rounds to "1000 µs" with 3 significant digits; say "1 ms" instead.
function limitUnit(v: number, unit: string, next: string): string {
  const s = significant(v, 3);
  if (Number(s) >= 1000) return `${significant(v / 1000, 3)} ${next}`;
  return `${s} ${unit}`;
}

/** The unit an axis with ticks `stepNs` apart is labelled in, and the decimals its labels need. */
export function axisUnit(stepNs: number): { unit: 'ns' | 'µs' | 'ms' | 's'; div: number; decimals: number } {
  let unit: 'ns' | 'µs' | 'ms' | 's' = 'ns';
  let div = 1;
  if (stepNs >= NS_PER_S) { unit = 's'; div = NS_PER_S; }
  else if (stepNs >= NS_PER_MS) { unit = 'ms'; div = NS_PER_MS; }
  else if (stepNs >= NS_PER_US) { unit = 'µs'; div = NS_PER_US; }
  const stepInUnit = stepNs / div;
  // decimals so that consecutive ticks differ in their labels (steps are 1, 2 or 5 times a power of ten)
  const decimals = Math.max(0, -Math.floor(Math.log10(stepInUnit) + 1e-9));
  return { unit, div, decimals };
}

/** The label of a tick at `ns` (since the trace start) on an axis whose ticks are `stepNs` apart. */
export function formatAxisTime(ns: number, stepNs: number): string {
  const { unit, div, decimals } = axisUnit(stepNs);
  const v = ns / div;
  return `${v.toFixed(decimals)} ${unit}`;
}

/** A point in time since the trace start, precise to about 10 ns: "12.345678 ms". */
export function formatTimestamp(ns: number): string {
  const a = Math.abs(ns);
  if (a < NS_PER_US) return `${Math.round(ns)} ns`;
  if (a < NS_PER_MS) return `${(ns / NS_PER_US).toFixed(3)} µs`;
  if (a < NS_PER_S) return `${(ns / NS_PER_MS).toFixed(6)} ms`;
  return `${(ns / NS_PER_S).toFixed(9)} s`;
}

/** Bytes with a binary unit: "512 B", "12.3 KiB", "1.5 MiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${Math.round(v)} B` : `${significant(v, 3)} ${units[i]}`;
}

/** An integer with thousands separators (a thin space is hard to read in monospace; use commas). */
export function formatCount(n: number): string {
  const s = String(Math.round(Math.abs(n)));
  const out: string[] = [];
  for (let i = s.length; i > 0; i -= 3) out.unshift(s.slice(Math.max(0, i - 3), i));
  return (n < 0 ? '-' : '') + out.join(',');
}

/** A share as a percentage with one decimal: "12.5%". */
export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  return `${(100 * part / whole).toFixed(1)}%`;
}

/** The last path element(s) of a build-machine path, for compact display: "blocking/main.go". */
export function shortFile(file: string, elements = 2): string {
  const parts = file.split(/[\\/]/).filter((p) => p.length > 0);
  return parts.slice(-elements).join('/');
}
