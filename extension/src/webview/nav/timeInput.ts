// "Go to time" and the minimum-duration filter read times typed by the user: `12.5ms`, `1.2s`, `350µs` (or `us`),
// `800ns`, a plain number of ns, with or without a space before the unit, `_` or `,` as digit separators; `1m30s`
// style sums of parts are accepted too. Pure, no DOM.

const UNIT_NS: Record<string, number> = {
  ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, sec: 1e9, m: 60e9, min: 60e9, h: 3600e9,
};

/** The ns of a typed duration or time (ns since the trace start), rounded to whole ns; undefined when malformed. */
export function parseTimeInput(text: string): number | undefined {
  const s = text.trim().replace(/[_,]/g, '').toLowerCase();
  if (s === '') return undefined;
  const part = /(\d+(?:\.\d*)?|\.\d+)(?:e([+-]?\d+))?\s*(ns|us|µs|μs|ms|sec|s|min|m|h)?/y;
  let pos = 0;
  let total = 0;
  let parts = 0;
  let unitless = false;
  while (pos < s.length) {
    while (s[pos] === ' ') pos++;
    if (pos >= s.length) break;
    part.lastIndex = pos;
    const m = part.exec(s);
    if (!m) return undefined;
    const v = Number(m[1]) * (m[2] ? 10 ** Number(m[2]) : 1);
    if (!m[3]) unitless = true;
    total += v * (m[3] ? UNIT_NS[m[3]] : 1);
    parts++;
    pos = part.lastIndex;
  }
  // a bare number is ns; a bare number among units ("1s 5") is ambiguous
  if (parts === 0 || (unitless && parts > 1) || !Number.isFinite(total)) return undefined;
  return Math.round(total);
}

/** A duration as the fields show it, re-readable by parseTimeInput ("12.5ms", "350µs", "800ns", "1.2s"). */
export function formatTimeInput(ns: number): string {
  const a = Math.abs(ns);
  const trim = (v: number) => String(Number(v.toFixed(3)));
  if (a < 1e3) return `${Math.round(ns)}ns`;
  if (a < 1e6) return `${trim(ns / 1e3)}µs`;
  if (a < 1e9) return `${trim(ns / 1e6)}ms`;
  return `${trim(ns / 1e9)}s`;
}

/** The window to show for "go to time": the current width centred on `t`, or `widthNs` when given. */
export function windowAround(t: number, widthNs: number, durationNs: number): { startNs: number; endNs: number } {
  const w = Math.min(Math.max(1, widthNs), Math.max(1, durationNs));
  let a = t - w / 2;
  if (a < 0) a = 0;
  if (a + w > durationNs) a = Math.max(0, durationNs - w);
  return { startNs: a, endNs: a + w };
}
