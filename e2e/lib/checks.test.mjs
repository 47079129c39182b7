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
