// Text for hovers, CodeLenses and messages: durations and Markdown made from trace strings. Pure.
//
// Durations: 3 significant digits, rounded half up on the exact integer nanoseconds, in the largest unit
// (ns, µs, ms, s) that keeps the value >= 1: 812 ns, 4.50 µs, 20.8 ms, 1.00 s, 1230 s (below 100 ns: the
// integer, 7 ns). Hovers also print the exact figure in ns with thousands separators (20,834,916 ns).

import type { BlockingKind, GroupShare, LineKind, LineNumbers, PathMatch, Site } from '../protocol';

const UNITS: [number, string][] = [[1e9, 's'], [1e6, 'ms'], [1e3, 'µs'], [1, 'ns']];

/** `ns` with 3 significant digits and a unit (see the top of this file). */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  if (ns < 0) return '-' + formatDuration(-ns);
  ns = Math.round(ns);
  if (ns < 100) return `${ns} ns`;
  let k = 0;
  while (ns >= 1000 * 10 ** k) k++;
  // ns / 10^k is in [100, 1000): round it half up to three digits.
  let digits = k === 0 ? ns : Math.floor((ns + 5 * 10 ** (k - 1)) / 10 ** k);
  if (digits >= 1000) { digits = 100; k++; }
  const value = digits * 10 ** k;
  const [scale, unit] = UNITS.find(([s]) => value >= s)!;
  const exp = k - Math.log10(scale); // value in the unit = digits * 10^exp
  let text: string;
  if (exp >= 0) text = String(digits) + '0'.repeat(exp);
  else {
    const s = String(digits).padStart(-exp + 1, '0');
    text = s.slice(0, s.length + exp) + '.' + s.slice(s.length + exp);
  }
  return `${text} ${unit}`;
}

/** An integer with thousands separators: 20834916 -> "20,834,916". */
export function formatInt(n: number): string {
  const s = String(Math.round(Math.abs(n)));
  return (n < 0 ? '-' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The exact figure: "20,834,916 ns". */
export function formatNs(ns: number): string {
  return `${formatInt(ns)} ns`;
}

/**
 * Escapes text for Markdown so that it renders as itself: every ASCII punctuation character Markdown could
 * read as syntax gets a backslash, line breaks become spaces. Used for every string that comes from a trace
 * (function names, file paths, goroutine group names) before it goes into a hover or a message.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    .replace(/[\\`*_{}[\]()#+\-.!|<>~&"'=:;$%^@?,/]/g, (c) => '\\' + c);
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
}

/** The last `n` elements of a path ("runtime/chan.go"). */
export function shortPath(p: string, n = 2): string {
  const parts = p.split(/[\\/]+/).filter((x) => x.length > 0);
  return parts.slice(-n).join('/');
}

export const KINDS: readonly BlockingKind[] = ['sync', 'net', 'syscall', 'sched'];
export const KIND_TITLES: Record<BlockingKind, string> = {
  sync: 'sync', net: 'net', syscall: 'syscall', sched: 'sched',
};
export const KIND_DESCRIPTIONS: Record<BlockingKind, string> = {
  sync: 'synchronization blocking (go tool trace -pprof=sync)',
  net: 'network blocking (-pprof=net)',
  syscall: 'syscalls (-pprof=syscall)',
  sched: 'scheduler latency (-pprof=sched)',
};

/**
 * One stack of a site as "func file:line ← func file:line ← …", escaped: from the call the program blocked in
 * (the frame just below its first own frame, e.g. sync.(*Mutex).Lock), innermost first.
 */
export function formatStack(site: Site, maxFrames = 4): string {
  const start = Math.max(0, Math.min(site.userFrame - 1, site.stack.length - 1));
  const frames = site.stack.slice(start, start + maxFrames)
    .map((f) => `${escapeMarkdown(f.func)} ${escapeMarkdown(shortPath(f.file))}:${f.line}`);
  const more = site.stack.length - start - maxFrames;
  return frames.join(' ← ') + (more > 0 ? ` ← … (${more} more)` : '');
}

function formatGroups(groups: readonly GroupShare[], max = 4): string {
  const shown = groups.slice(0, max).map((g) =>
    `${escapeMarkdown(g.name === '' ? '(no stack)' : g.name)} (${formatInt(g.count)}×, ${formatDuration(g.timeNs)})`);
  const more = groups.length - max;
  return shown.join(', ') + (more > 0 ? `, and ${more} more` : '');
}

export interface HoverSection {
  /** Shown as the trace's name (its file name). */
  traceName: string;
  match: PathMatch;
  line: LineNumbers;
}

/** The hover text of one source line in one trace: a table per kind, the exact figures, top stacks, groups. */
export function formatLineHover(section: HoverSection, topStacks = 3): string {
  const { traceName, match, line } = section;
  const out: string[] = [];
  const matched = match.tracePath ? ` — trace path ${escapeMarkdown(match.tracePath)}` : '';
  out.push(`**Go trace ${escapeMarkdown(traceName)}**, line ${line.line}${matched}`);
  if (match.ambiguous.length > 0) {
    out.push('', `*The file also matches ${match.ambiguous.map(escapeMarkdown).join(', ')} in this trace.*`);
  }
  const kinds = KINDS.filter((k) => line[k] !== undefined);
  if (kinds.length === 0) {
    out.push('', 'No blocking recorded on this line.');
    return out.join('\n');
  }
  out.push('', '| blocking | cumulative | flat | events (cum/flat) | p50 | p99 | max |', '|:--|--:|--:|--:|--:|--:|--:|');
  for (const k of kinds) {
    const v = line[k] as LineKind;
    out.push(`| ${KIND_TITLES[k]} | ${formatDuration(v.cumNs)} | ${formatDuration(v.flatNs)} | ` +
      `${formatInt(v.cumCount)} / ${formatInt(v.flatCount)} | ${formatDuration(v.p50Ns)} | ${formatDuration(v.p99Ns)} | ${formatDuration(v.maxNs)} |`);
  }
  out.push('');
  for (const k of kinds) {
    const v = line[k] as LineKind;
    out.push(`- ${KIND_TITLES[k]} exact: cumulative ${formatNs(v.cumNs)} in ${formatInt(v.cumCount)} events, ` +
      `flat ${formatNs(v.flatNs)} in ${formatInt(v.flatCount)} events`);
  }
  for (const k of kinds) {
    const v = line[k] as LineKind;
    if (v.topStacks.length > 0) {
      out.push('', `Top ${KIND_TITLES[k]} stacks through this line:`, '');
      for (const s of v.topStacks.slice(0, topStacks)) {
        out.push(`1. ${formatDuration(s.timeNs)} in ${formatInt(s.count)} events: ${formatStack(s)}`);
      }
    }
    if (v.groups.length > 0) out.push('', `Goroutine groups (${KIND_TITLES[k]}): ${formatGroups(v.groups)}`);
  }
  return out.join('\n');
}

/** The largest cumulative time of a line over the kinds, and its kind. */
export function dominantKind(line: LineNumbers): { kind: BlockingKind; cumNs: number; cumCount: number } | undefined {
  let best: { kind: BlockingKind; cumNs: number; cumCount: number } | undefined;
  for (const k of KINDS) {
    const v = line[k];
    if (v && (!best || v.cumNs > best.cumNs)) best = { kind: k, cumNs: v.cumNs, cumCount: v.cumCount };
  }
  return best;
}

/** The CodeLens title of a line: "Blocking: sync 60.6 ms in 63 (blocking.go1.27.trace)". Plain text. */
export function formatLensTitle(line: LineNumbers, traceName: string): string {
  const parts = KINDS.filter((k) => line[k] && line[k]!.cumNs > 0)
    .map((k) => `${k} ${formatDuration(line[k]!.cumNs)} in ${formatInt(line[k]!.cumCount)}`);
  return `Blocking: ${parts.join(', ')} (${traceName.replace(/[\r\n]+/g, ' ')})`;
}

function percent(share: number): string {
  return (share * 100).toFixed(share >= 0.1 ? 0 : 1);
}

/** "sync 6.37 ms (1.8% of the trace's sync)"; with several traces each is named: "sync 6.37 ms in a.trace | …". */
export function heatLabel(items: readonly { t: { session: { name: string } }; line: LineNumbers; share: number }[]): string {
  if (items.length === 1) {
    const k = dominantKind(items[0].line)!;
    return `${k.kind} ${formatDuration(k.cumNs)} (${percent(items[0].share)}% of the trace's ${k.kind})`;
  }
  return items.map((s) => {
    const k = dominantKind(s.line)!;
    return `${k.kind} ${formatDuration(k.cumNs)} in ${s.t.session.name}`;
  }).join(' | ');
}
