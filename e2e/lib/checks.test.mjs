// Self-tests of the e2e suite's own parsing and comparisons (no browser): node --test e2e/lib/checks.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDurations, equalsAtDisplayPrecision } from './duration.mjs';
import { checkSyncCumulative } from '../tests.mjs';

const GO_NS = 6372929; // Go's cumulative sync delay of main.go:39 (fixtures/blocking.json)

test('durations as the UI prints them', () => {
  const d = parseDurations('sync 6.37 ms, 6,372,929 ns, 31.4 µs, 1.703744 ms, 2m3.5s, 640 ns');
  assert.deepEqual(d.map((x) => x.raw), ['6.37 ms', '6,372,929 ns', '31.4 µs', '1.703744 ms', '2m3.5s', '640 ns']);
  assert.deepEqual(d.map((x) => x.ns), [6370000, 6372929, 31400, 1703744, 123.5e9, 640]);
  assert.equal(parseDurations('48 events, line 39').length, 0);
});

test('equal at display precision, and only then', () => {
  const ok = ['6.37 ms', '6.4 ms', '6 ms', '6373 µs', '6,372,929 ns', '6.372929 ms'];
  const bad = ['6.36 ms', '6.38 ms', '6.3 ms', '7 ms', '6,372,930 ns', '6.37 s', '6.37 µs'];
  for (const t of ok) assert.ok(equalsAtDisplayPrecision(parseDurations(t)[0], GO_NS), t);
  for (const t of bad) assert.ok(!equalsAtDisplayPrecision(parseDurations(t)[0], GO_NS), t);
});

test('the hover table decides: cumulative column of the sync row, events, exact line', () => {
  const table = (cum, events) => [{
    headers: ['blocking', 'cumulative', 'flat', 'events (cum/flat)', 'p50', 'p99', 'max'],
    rows: [['sync', cum, '0 ns', events, '31.4 µs', '1.13 ms', '1.13 ms']],
  }];
  const exact = (ns) => `Go trace blocking.go1.27.trace, line 39\n- sync exact: cumulative ${ns} ns in 48 events, flat 0 ns in 0 events`;
  assert.ok(checkSyncCumulative(exact('6,372,929'), GO_NS, { tables: table('6.37 ms', '48 / 0'), contentions: 48 }).ok);
  assert.ok(!checkSyncCumulative(exact('6,372,929'), GO_NS, { tables: table('6.38 ms', '48 / 0'), contentions: 48 }).ok);
  assert.ok(!checkSyncCumulative(exact('6,372,929'), GO_NS, { tables: table('6.37 ms', '47 / 0'), contentions: 48 }).ok);
  assert.ok(!checkSyncCumulative(exact('6,372,930'), GO_NS, { tables: table('6.37 ms', '48 / 0'), contentions: 48 }).ok);
  // a right number in another column does not count
  const flatOnly = [{ headers: ['blocking', 'cumulative', 'flat'], rows: [['sync', '1 ms', '6.37 ms']] }];
  assert.ok(!checkSyncCumulative('', GO_NS, { tables: flatOnly }).ok);
});

test('without a table: the sync lines, "cumulative" first', () => {
  assert.ok(checkSyncCumulative('sync blocking\ncumulative 6.37 ms (48 events)\nflat 0 ns', GO_NS).ok);
  assert.ok(!checkSyncCumulative('sync blocking\ncumulative 6.36 ms\nnet\ncumulative 6.37 ms', GO_NS).ok);
  assert.ok(!checkSyncCumulative('no blocking recorded on this line', GO_NS).ok);
});

// The analysis tabs' readers (lib/views-checks.mjs)
import { parseCount, durationCellEquals, decimalEquals, parseMmuReadout, titleTotal } from './views-checks.mjs';

test('counts, duration cells and decimals as the tabs show them', () => {
  assert.equal(parseCount('180'), 180);
  assert.equal(parseCount(' 1,234 '), 1234);
  assert.ok(Number.isNaN(parseCount('12 goroutines')));
  assert.ok(durationCellEquals('355.815425 ms', 355815425));
  assert.ok(durationCellEquals('90 µs', 90048));
  assert.ok(!durationCellEquals('355.815426 ms', 355815425));
  assert.ok(!durationCellEquals('1 ms 2 ms', 1e6));
  assert.ok(decimalEquals('0.347', 0.34692474935617496));
  assert.ok(!decimalEquals('0.346', 0.34692474935617496));
  assert.ok(decimalEquals('1', 0.9998));
  assert.ok(!decimalEquals('0.340', 0.3405921318296932));
});

test('the MMU readout and an instance list title', () => {
  const r = parseMmuReadout('MMU 0.370 for 1.12 ms windows · 99.9th percentile MU 0.371');
  assert.equal(r.mmu, '0.370');
  assert.equal(r.window.ns, 1.12e6);
  assert.equal(parseMmuReadout('Point at the curve'), null);
  assert.equal(titleTotal('Tasks batch, 1 ms – 1.58 ms: 5'), 5);
  assert.equal(titleTotal('Tasks request: 1,500 (the first 1,000)'), 1500);
  assert.ok(Number.isNaN(titleTotal('Tasks')));
});
