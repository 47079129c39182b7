// Reading the analysis tabs' numbers as shown and comparing them with Go's (pure; self-tested in checks.test.mjs).
import { parseDurations, equalsAtDisplayPrecision } from './duration.mjs';

/** "1,234" / "180" → number; NaN when the text is not one integer. */
export function parseCount(text) {
  const m = /^\s*(\d{1,3}(?:,\d{3})+|\d+)\s*$/.exec(text ?? '');
  return m ? Number(m[1].replace(/,/g, '')) : NaN;
}

/** The one duration of a cell ("355.815425 ms", "90.05 µs"), or null when it holds none or several. */
export function oneDuration(text) {
  const d = parseDurations(text ?? '');
  return d.length === 1 ? d[0] : null;
}

/** True when the cell shows exactly one duration equal to `expectedNs` at its display precision. */
export function durationCellEquals(text, expectedNs) {
  const d = oneDuration(text);
  return d !== null && equalsAtDisplayPrecision(d, expectedNs);
}

/** A decimal as shown ("0.370", "1") equals `expected` rounded to the digits shown. */
export function decimalEquals(shown, expected) {
  const m = /^\s*(\d+)(?:\.(\d+))?\s*$/.exec(shown ?? '');
  if (!m) return false;
  const decimals = (m[2] ?? '').length;
  return Math.abs(Number(shown) - expected) <= 0.5 * 10 ** -decimals * (1 + 1e-9);
}

/** The MMU tab's readout "MMU 0.370 for 1.2 ms windows …" → { mmu: '0.370', window: parsed duration } or null. */
export function parseMmuReadout(text) {
  const m = /MMU\s+(\d+(?:\.\d+)?)\s+for\s+(.+?)\s+windows/.exec(text ?? '');
  if (!m) return null;
  const w = parseDurations(m[2]);
  return w.length === 1 ? { mmu: m[1], window: w[0] } : null;
}

/** "Tasks …: 5" / "… : 1,234 (the first 1,000)" → the total after the last colon (NaN if none). */
export function titleTotal(text) {
  const m = /:\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\s*\(the first [\d,]+\))?\s*$/.exec((text ?? '').trim());
  return m ? Number(m[1].replace(/,/g, '')) : NaN;
}
