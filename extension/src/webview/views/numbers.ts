// Exact figures of the analysis views (where a number must read as go tool trace's). Pure.

/** A duration in milliseconds with every nanosecond: 355815425 → "355.815425 ms" (trailing zeros dropped). */
export function exactMs(ns: number): string {
  const sign = ns < 0 ? '-' : '';
  const a = Math.round(Math.abs(ns));
  const ms = Math.floor(a / 1e6);
  const frac = String(a % 1e6).padStart(6, '0').replace(/0+$/, '');
  return `${sign}${ms}${frac ? '.' + frac : ''} ms`;
}
