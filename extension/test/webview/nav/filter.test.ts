import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spanPasses, countPassing, filterActive, NO_FILTER, type SpanFilter } from '../../../src/webview/nav/filter';
import { earlyWindow, earlyWindowParams, wholeWindow, wholeWindowParams } from './fixtures';
import { GoroutineState } from '../../../src/webview/states';

const g = (r: typeof earlyWindow, id: number) => r.tracks.find((t) => t.track.kind === 'goroutine' && t.track.id === id)!.spans;

test('filterActive', () => {
  assert.equal(filterActive(NO_FILTER), false);
  assert.equal(filterActive({ state: 'sync', minDurationNs: 0 }), true);
  assert.equal(filterActive({ state: 'any', minDurationNs: 1 }), true);
});

test('state filters on G13 (chan sender) of blocking.go1.27.trace, raw spans', () => {
  const spans = g(earlyWindow, 13).filter((s) => s.count === 1);
  const sync: SpanFilter = { state: 'sync', minDurationNs: 0 };
  const passing = spans.filter((s) => spanPasses(sync, s, earlyWindowParams.nsPerPixel));
  assert.ok(passing.length > 0);
  assert.ok(passing.every((s) => s.state === GoroutineState.Waiting && /chan|select|sync/i.test(s.reason ?? '')), JSON.stringify(passing[0]));
  assert.equal(spans.filter((s) => spanPasses({ state: 'net', minDurationNs: 0 }, s, 1)).length, 0);
  const running = spans.filter((s) => spanPasses({ state: 'running', minDurationNs: 0 }, s, 1));
  assert.ok(running.length > 0 && running.every((s) => s.state === GoroutineState.Running));
  const blocked = spans.filter((s) => spanPasses({ state: 'blocked', minDurationNs: 0 }, s, 1));
  assert.ok(blocked.length >= passing.length);
});

test('minimum duration: only the spans at least that long; merged spans only when the minimum is under a pixel', () => {
  const spans = g(earlyWindow, 13);
  const min = 100_000;
  const long = spans.filter((s) => spanPasses({ state: 'any', minDurationNs: min }, s, earlyWindowParams.nsPerPixel));
  assert.ok(long.length > 0);
  assert.ok(long.every((s) => s.endNs - s.startNs >= min));
  const whole = g(wholeWindow, 13);
  const merged = whole.find((s) => s.count > 1)!;
  assert.ok(merged, 'the whole-trace answer has merged spans');
  assert.equal(spanPasses({ state: 'any', minDurationNs: wholeWindowParams.nsPerPixel * 2 }, merged, wholeWindowParams.nsPerPixel), false);
  assert.equal(spanPasses({ state: 'any', minDurationNs: 10 }, merged, wholeWindowParams.nsPerPixel), true);
});

test('countPassing: G17 never waits on the network; G13 has sync waits in the early window', () => {
  const { startNs, endNs, nsPerPixel } = earlyWindowParams;
  assert.equal(countPassing({ state: 'net', minDurationNs: 0 }, g(earlyWindow, 17), startNs, endNs, nsPerPixel), 0);
  assert.ok(countPassing({ state: 'sync', minDurationNs: 0 }, g(earlyWindow, 13), startNs, endNs, nsPerPixel) >= 2);
});
