// The pure parts of render.ts: span pixel extents, fills (per goroutine on procs, faded merged spans), label text colour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spanPixels, spanFill, textOn } from '../../src/webview/render';
import { classColors, DEFAULT_COLORS, goroutineColor, parseColor } from '../../src/webview/color';
import type { Palette } from '../../src/webview/theme';
import type { Span } from '../../src/protocol';
import { blockingWhole, blockingWholeParams, track } from './fixtures';

const pal: Palette = { theme: DEFAULT_COLORS, fills: classColors(DEFAULT_COLORS), font: 'sans-serif', monoFont: 'monospace', fontSize: 12,
  hatch: null };
const span = (o: Partial<Span>): Span => ({ startNs: 0, endNs: 10, state: 2, count: 1, index: 0, stack: 0, goroutine: -1, proc: -1,
  thread: -1, ref: -1, ...o });

test('span pixel extents: snapped to device pixels, clipped, never thinner than one device pixel', () => {
  const g = { x0: 100, width: 1000, vp: { startNs: 0, endNs: 1000 }, dpr: 2 };
  assert.deepEqual(spanPixels(g, 100, 200), [200, 300]);
  assert.deepEqual(spanPixels(g, 100.2, 100.3), [200, 200.5]); // half a CSS pixel = one device pixel
  assert.deepEqual(spanPixels(g, -500, 50), [99, 150]); // clipped one pixel left of the plot
  assert.deepEqual(spanPixels(g, 900, 5000), [1000, 1101]);
  assert.equal(spanPixels(g, 1200, 1300), undefined);
  assert.equal(spanPixels(g, -300, -200), undefined);
});

test('fills: goroutine colours on procs, state colours elsewhere, nothing for empty states', () => {
  assert.equal(spanFill('proc', span({ state: 3, goroutine: 13 }), pal, 'goroutine'), goroutineColor(13, true));
  assert.equal(spanFill('proc', span({ state: 3, goroutine: 13 }), pal, 'state'), pal.fills.running);
  assert.equal(spanFill('proc', span({ state: 1 }), pal, 'goroutine'), 'transparent'); // idle
  assert.equal(spanFill('goroutine', span({ state: 5, reason: 'chan send' }), pal, 'goroutine'), pal.fills.waitSync);
  assert.equal(spanFill('goroutine', span({ state: 0 }), pal, 'goroutine'), 'transparent');
});

test('merged spans: the busiest drawn state, faded when mostly empty', () => {
  // mostly waiting: the merged waiting colour at full strength
  assert.equal(spanFill('goroutine', span({ state: 5, count: 9, stateNs: [0, 10, 10, 0, 0, 80, 0] }), pal, 'goroutine'), pal.fills.waiting);
  // mostly "not seen" but it ran: running, faded to 0.45 of its alpha
  const f = spanFill('goroutine', span({ state: 0, count: 3, stateNs: [900, 0, 100, 0, 0, 0, 0] }), pal, 'goroutine');
  assert.equal(parseColor(f)!.a, 0.45);
  assert.deepEqual({ ...parseColor(f)!, a: 1 }, parseColor(pal.fills.running));
  // on the real whole-trace answer, every merged proc span with busy time is drawn, every idle-only one is not
  const procs = track(blockingWhole, 'proc', 0).spans.filter((s) => s.count > 1);
  for (const s of procs) {
    const busy = s.stateNs![2] + s.stateNs![3] + s.stateNs![4];
    assert.equal(spanFill('proc', s, pal, 'goroutine') === 'transparent', busy === 0, `${s.startNs}`);
  }
  assert.ok(blockingWholeParams.nsPerPixel > 0);
});

test('label text: dark on light fills, light on dark ones', () => {
  const bg = parseColor(DEFAULT_COLORS.background)!;
  assert.equal(textOn(pal.fills.running, bg, true), '#000'); // light green
  assert.equal(textOn('rgba(0, 0, 139, 1)', bg, true), '#fff'); // dark blue
  assert.equal(textOn('rgba(255, 255, 255, 0.1)', bg, true), '#fff'); // nearly transparent over a dark background
  assert.equal(textOn('hsl(10, 55%, 62%)', bg, true), '#000');
  assert.equal(textOn('hsl(10, 60%, 42%)', { r: 255, g: 255, b: 255, a: 1 }, false), '#fff');
});
