// The Goroutines tab on real answers (blocking.go1.27.trace): the groups' columns, a group's breakdown, and where a
// goroutine's row is focused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groups, condWaiterGroup, condWaiterItems, blockingSummary } from './fixtures';
import { sortRows, type SortColumn } from '../../../src/webview/views/sort';
import { lifetimeWindow } from '../../../src/webview/views/lifetime';
import type { GoroutineGroup, GoroutineRow } from '../../../src/protocol';

test('the groups cover every goroutine; sorting by a column orders by it', () => {
  assert.equal(groups.groups.reduce((s, g) => s + g.count, 0), blockingSummary.goroutines);
  const cols: SortColumn<GoroutineGroup>[] = [
    { id: 'count', value: (g) => g.count, numeric: true },
    { id: 'block', value: (g) => g.blockNs, numeric: true },
    { id: 'name', value: (g) => g.name },
  ];
  assert.equal(sortRows(groups.groups, cols, { column: 'count', dir: 'desc' })[0].name, 'main.shortLived');
  assert.equal(sortRows(groups.groups, cols, { column: 'count', dir: 'desc' })[0].count, 180);
  const byName = sortRows(groups.groups, cols, { column: 'name', dir: 'asc' }).map((g) => g.name);
  assert.deepEqual(byName.slice(0, 3), ['main.chanReceiver', 'main.chanSender', 'main.condSignaler']);
  const g = groups.groups.find((x) => x.name === 'main.condWaiter')!;
  assert.equal(g.count, 9);
  assert.equal(g.blockNs, 60568832); // = the sync site main.go:106 (all of the group's blocking)
  for (const x of groups.groups) assert.equal(x.totalNs >= x.execNs + x.schedWaitNs + x.blockNs + x.syscallNs - 1, true);
});

test("a group's goroutines: one stat per column, the breakdown adds up to the total", () => {
  assert.equal(condWaiterGroup.goroutines.length, 9);
  assert.equal(condWaiterGroup.columns[0], 'Execution time');
  assert.ok(condWaiterGroup.columns.includes('Block time (sync.(*Cond).Wait)'));
  for (const r of condWaiterGroup.goroutines) {
    assert.equal(r.stats.length, condWaiterGroup.columns.length);
    assert.equal(r.ranges.length, condWaiterGroup.rangeColumns.length);
    assert.equal(r.stats.reduce((s, v) => s + v, 0), r.totalNs);
  }
  const cols: SortColumn<GoroutineRow>[] = [{ id: 'total', value: (r) => r.totalNs, numeric: true }];
  assert.equal(sortRows(condWaiterGroup.goroutines, cols, { column: 'total', dir: 'desc' })[0].id, 98);
  const block = condWaiterGroup.columns.indexOf('Block time (sync.(*Cond).Wait)');
  assert.equal(condWaiterGroup.goroutines.reduce((s, r) => s + r.stats[block], 0), 60568832);
});

test("a goroutine's row is focused at its first activity, its life in view", () => {
  const g19 = condWaiterItems.goroutines.find((x) => x.id === 19)!;
  assert.deepEqual(lifetimeWindow(g19, blockingSummary.durationNs), { startNs: 161344, endNs: 3624128, timeNs: 161345 });
  // alive at the end: to the trace's end; created before the trace: from its start
  assert.deepEqual(lifetimeWindow({ creationNs: -5, endNs: -1 }, 1000), { startNs: 0, endNs: 1000, timeNs: 1 });
  assert.deepEqual(lifetimeWindow(undefined, 1000), { startNs: 0, endNs: 1000, timeNs: 0 });
  assert.equal(condWaiterItems.goroutines.length, 9);
});
