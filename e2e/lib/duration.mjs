// Durations as the UI prints them ("6.37 ms", "1.2s", "640 ns", "6,372,929 ns", "2m3.5s"), and the comparison
// "equal at display precision": the shown number equals the expected one rounded to the digits shown.

const UNIT_NS = {
  ns: 1,
  'µs': 1e3, 'μs': 1e3, us: 1e3,
  ms: 1e6,
  s: 1e9, sec: 1e9,
  m: 60e9, min: 60e9,
  h: 3600e9,
};

// A number (digits with optional thousands separators and decimals), optional space, a unit, not followed by a
// letter; compound Go durations ("2m3.5s", "1h2m") are one match.
const ONE = String.raw`(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s?(ns|µs|μs|us|ms|sec|min|s|m|h)(?![A-Za-z])`;
const COMPOUND = new RegExp(String.raw`(?<![\w.])(?:${ONE})+`, 'g');
const PART = new RegExp(ONE, 'g');

/** Every duration in `text`, in order: { raw, ns, unit (of the last part), value, decimals, index }. */
export function parseDurations(text) {
  const out = [];
  for (const m of text.matchAll(COMPOUND)) {
    let ns = 0, last = null;
    for (const p of m[0].matchAll(PART)) {
      const intPart = p[1].replace(/,/g, '');
      const frac = p[2] ?? '';
      const value = Number(frac ? `${intPart}.${frac}` : intPart);
      ns += value * UNIT_NS[p[3]];
      last = { unit: p[3], value, decimals: frac.length };
    }
    if (last) out.push({ raw: m[0], ns, unit: last.unit, value: last.value, decimals: last.decimals, index: m.index });
  }
  return out;
}

/**
 * True when `shown` (a parsed duration) is `expectedNs` at the precision it is shown with: the shown last-part
 * value differs from the expected one, in that unit, by at most half a unit of its last digit.
 */
export function equalsAtDisplayPrecision(shown, expectedNs) {
  const unitNs = UNIT_NS[shown.unit];
  const higherPartsNs = shown.ns - shown.value * unitNs; // the "2m" of "2m3.5s"
  const expected = (expectedNs - higherPartsNs) / unitNs;
  const halfStep = 0.5 * 10 ** -shown.decimals;
  return Math.abs(shown.value - expected) <= halfStep * (1 + 1e-9);
}

/** Go's number formatted the way `shown` is (for messages). */
export function formatLike(shown, expectedNs) {
  const unitNs = UNIT_NS[shown.unit];
  return `${(expectedNs / unitNs).toFixed(shown.decimals)} ${shown.unit}`;
}
