// Shared pieces of the views that show blocking sites (Summary, Blocking): kind names, a site's source link and
// its small duration histogram.

import type { BlockingKind, Site } from '../../protocol';
import { formatCount, formatDuration } from '../format';
import { el, linkButton, frameText } from './dom';
import { fillPow2, verticalBars, rangeLabel } from './histogram';
import type { ViewContext } from './context';

export const KINDS: BlockingKind[] = ['sync', 'net', 'syscall', 'sched'];

/** The names of go tool trace's profiles. */
export const KIND_LABELS: Record<BlockingKind, string> = {
  sync: 'Synchronization blocking',
  net: 'Network blocking',
  syscall: 'Syscall blocking',
  sched: 'Scheduler latency',
};

/** The frame a site is known by: its first user frame (else the leaf). */
export function siteFrame(s: Site): { func: string; file: string; line: number; pc: number } | undefined {
  return s.stack[Math.max(0, Math.min(s.userFrame, s.stack.length - 1))];
}

/** "main.condWaiter blocking/main.go:106" as a link that opens the line (the whole stack as fallbacks). */
export function siteLink(ctx: ViewContext, s: Site, testid: string): HTMLElement {
  const f = siteFrame(s);
  if (!f) return el('span', { text: '(no stack)', className: 'muted' });
  const b = linkButton(frameText(f), `Open ${f.file}:${f.line}`, () => ctx.openSource(s.stack, s.userFrame), { testid, className: 'site-link' });
  return b;
}

/** The site's goroutine groups, "main.condWaiter (63)". */
export function siteGroups(s: Site, max = 2): string {
  const g = s.groups.slice(0, max).map((x) => `${x.name} (${formatCount(x.count)})`).join(', ');
  return s.groups.length > max ? `${g}, +${s.groups.length - max}` : g;
}

/** A small bar chart of the site's waits by duration (power-of-two buckets), one div per bucket. */
export function miniHistogram(s: Site, width = 120, height = 22): HTMLElement {
  const buckets = fillPow2(s.histogram);
  const box = el('div', { className: 'mini-hist', testid: 'site-histogram' });
  box.style.width = `${width}px`;
  box.style.height = `${height}px`;
  const bars = verticalBars(buckets.map((b) => b.count), width, height, buckets.length > 24 ? 0 : 1);
  const lines: string[] = [];
  buckets.forEach((b, i) => {
    const r = bars[i];
    const d = el('div', { className: 'mini-bar' });
    d.style.left = `${r.x}px`;
    d.style.width = `${r.w}px`;
    d.style.top = `${r.y}px`;
    d.style.height = `${r.h}px`;
    box.appendChild(d);
    if (b.count > 0) lines.push(`${rangeLabel(b.minNs, b.maxNs)}: ${formatCount(b.count)}`);
  });
  box.title = `Waits by duration\n${lines.join('\n')}`;
  box.setAttribute('role', 'img');
  box.setAttribute('aria-label', `Waits by duration: ${lines.join('; ')}`);
  return box;
}

/** "p50 1.12 ms · p99 1.56 ms · max 1.56 ms" */
export function quantilesText(s: Site): string {
  return `p50 ${formatDuration(s.p50Ns)} · p90 ${formatDuration(s.p90Ns)} · p99 ${formatDuration(s.p99Ns)} · max ${formatDuration(s.maxNs)}`;
}
