// The Summary's and Blocking tab's figures on real answers (blocking.go1.27.trace): the numbers go tool trace gives,
// and the reveal a site's "Show on timeline" makes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { overview, syncSites, condWaiterEvents, condWaiterEventsParams, syncSitesInRange, blockingSummary } from './fixtures';
import { exactMs } from '../../../src/webview/views/numbers';
import { revealIntervals, windowOf, midpoint } from '../../../src/webview/views/reveal';
import { fillPow2 } from '../../../src/webview/views/histogram';
import { formatDuration } from '../../../src/webview/format';

test("the sync total reads as go tool trace -pprof=sync's: 355.815425 ms", () => {
  const sync = overview.blocking.find((k) => k.kind === 'sync')!;
  assert.equal(sync.totalNs, 355815425);
  assert.equal(exactMs(sync.totalNs), '355.815425 ms');
  assert.equal(exactMs(syncSites.totalNs), '355.815425 ms');
  assert.equal(formatDuration(sync.totalNs), '356 ms');
  assert.equal(exactMs(60568832), '60.568832 ms');
  assert.equal(exactMs(1_000_000), '1 ms');
  assert.equal(exactMs(500), '0.0005 ms');
  // the overview's kinds in order, its top three sites are the Blocking tab's first three
  assert.deepEqual(overview.blocking.map((k) => k.kind), ['sync', 'net', 'syscall', 'sched']);
  assert.deepEqual(sync.top.map((s) => s.timeNs), syncSites.sites.slice(0, 3).map((s) => s.timeNs));
  assert.equal(overview.gc.pauses, 3);
});

test('sites add up to the profile; each histogram adds up to its count', () => {
  assert.equal(syncSites.sites.length, syncSites.siteCount);
  assert.equal(syncSites.sites.reduce((s, x) => s + x.timeNs, 0), syncSites.totalNs);
  assert.equal(syncSites.sites.reduce((s, x) => s + x.count, 0), 503);
  for (const s of syncSites.sites) {
    const filled = fillPow2(s.histogram);
    assert.equal(filled.reduce((a, b) => a + b.count, 0), s.count);
    for (let i = 1; i < filled.length; i++) assert.equal(filled[i].minNs, filled[i - 1].maxNs);
  }
  // a time range counts less
  assert.ok(syncSitesInRange.totalNs > 0 && syncSitesInRange.totalNs < syncSites.totalNs);
});

test("a site's Show on timeline outlines each of its waits in a window holding them all", () => {
  const site = syncSites.sites.find((s) => s.stackId === condWaiterEventsParams.stackId)!;
  assert.equal(site.stack[site.userFrame].line, 106);
  assert.equal(condWaiterEvents.total, site.count);
  assert.equal(condWaiterEvents.totalNs, site.timeNs);
  assert.equal(condWaiterEvents.events.reduce((s, e) => s + e.chargedNs, 0), 60568832);
  const ivs = condWaiterEvents.events.map((e) => ({ goroutine: e.goroutine, startNs: e.startNs, endNs: e.endNs }));
  const r = revealIntervals(ivs, blockingSummary.durationNs, 'main.condWaiter blocking/main.go:106 — sync');
  assert.equal(r.spans.length, 63);
  assert.equal(new Set(r.spans.map((s) => s.goroutine)).size, 9); // the 9 condWaiter goroutines
  for (const e of condWaiterEvents.events) {
    assert.ok(r.startNs <= e.startNs && e.endNs <= r.endNs);
  }
  assert.ok(r.startNs >= 0 && r.endNs <= blockingSummary.durationNs);
  r.spans.forEach((s, i) => { const e = ivs[i]; assert.ok(s.timeNs >= e.startNs && s.timeNs < e.endNs); });
  assert.equal(r.label, 'main.condWaiter blocking/main.go:106 — sync');
});

test('windows: margins of 5% (at least 1 µs), clipped to the trace', () => {
  assert.deepEqual(windowOf([{ startNs: 1000, endNs: 21000 }], 100000), { startNs: 0, endNs: 22000 });
  assert.deepEqual(windowOf([{ startNs: 50000, endNs: 50010 }], 100000), { startNs: 49000, endNs: 51010 });
  assert.deepEqual(windowOf([{ startNs: 0, endNs: 100000 }], 100000), { startNs: 0, endNs: 100000 });
  assert.deepEqual(windowOf([], 5), { startNs: 0, endNs: 5 });
  assert.equal(midpoint({ startNs: 10, endNs: 21 }), 15);
});
