import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GroupBody, RowLayout, buildLayout, inventoryOf, orderGroups, trackKey, parseTrackKey, clampScroll, scrollToShow,
  RowHeights, ALL_GROUP, type GoroutineSlotRow,
} from '../../src/webview/layout';
import { blockingDiscovery, blockingGroups } from './fixtures';

test('a group body: positions with sparse lanes', () => {
  const b = new GroupBody('g', 10, 20, 12);
  assert.equal(b.height(), 200);
  assert.equal(b.setLanes(3, 2), true);
  assert.equal(b.setLanes(3, 2), false);
  b.setLanes(7, 1);
  assert.equal(b.height(), 200 + 24 + 12);
  assert.equal(b.top(3), 60);
  assert.equal(b.slotHeight(3), 44);
  assert.equal(b.top(4), 60 + 44);
  assert.equal(b.top(8), 8 * 20 + 24 + 12);
  // slotAt is the inverse of top for every pixel
  for (let y = 0; y < b.height(); y++) {
    const s = b.slotAt(y);
    assert.ok(b.top(s) <= y && y < b.top(s) + b.slotHeight(s), `y=${y} slot=${s}`);
  }
  assert.equal(b.setLanes(3, 0), true);
  assert.equal(b.top(4), 80);
  assert.equal(b.setLanes(99, 1), false); // outside the body
});

test('a million goroutines: only the visible rows are made, quickly', () => {
  const body = new GroupBody(ALL_GROUP, 1_000_000);
  for (let i = 0; i < 1000; i++) body.setLanes(i * 997, 1 + (i % 3));
  const layout = new RowLayout([{ type: 'rows', rows: [] }, { type: 'body', body }]);
  const t0 = performance.now();
  let rows = 0;
  for (let k = 0; k < 200; k++) {
    const y = (k / 200) * (layout.totalHeight - 800);
    const v = layout.visible(y, y + 800);
    rows += v.length;
    // contiguous, covering the view
    assert.ok(v[0].y <= y && v[v.length - 1].y + v[v.length - 1].height >= y + 800);
    for (let i = 1; i < v.length; i++) assert.equal(v[i].y, v[i - 1].y + v[i - 1].height);
  }
  const ms = performance.now() - t0;
  assert.ok(rows / 200 <= 800 / RowHeights.goroutine + 2, `rows per view ${rows / 200}`);
  assert.ok(ms < 500, `200 views took ${ms} ms`);
  assert.equal(layout.totalHeight, 1_000_000 * RowHeights.goroutine
    + Array.from({ length: 1000 }, (_, i) => (1 + (i % 3)) * RowHeights.lane).reduce((a, b) => a + b, 0));
  const last = layout.rowAt(layout.totalHeight - 1)!.row as GoroutineSlotRow;
  assert.equal(last.slot, 999_999);
});

test('the inventory of the blocking trace', () => {
  const inv = inventoryOf(blockingDiscovery.tracks);
  assert.deepEqual(inv.procs, [0, 1]);
  assert.equal(inv.threads.length, 3);
  assert.deepEqual(inv.counters, [0, 1, 2, 3]);
  assert.deepEqual(inv.stwLanes, [0]);
  assert.deepEqual(inv.gcLanes, []);
  assert.deepEqual(inv.taskLanes, []);
  assert.equal(inv.cpuSamples, false);
  assert.equal(inv.logs, false);
});

test('the rows of the blocking trace, expanded and collapsed', () => {
  const inv = inventoryOf(blockingDiscovery.tracks);
  const groups = orderGroups(blockingGroups.groups, 'id').map((g) => ({ name: g.name, count: g.count }));
  const bodies = new Map<string, GroupBody>();
  const collapsed = new Set(['section:threads']);
  const layout = buildLayout({ inventory: inv, groups, grouped: true, collapsed, bodies, totalGoroutines: 239 });
  const rows = layout.visible(0, 1e9);
  const keys = rows.slice(0, 12).map((r) => r.row.key);
  assert.deepEqual(keys, [
    'section:overview', 'stw:0:0', 'counter:0:0', 'counter:2:0', 'counter:3:0',
    'section:procs', 'proc:0:0', 'proc:1:0', 'section:threads', 'section:goroutines',
    `group:${groups[0].name}`, `slot:${groups[0].name}:0`,
  ]);
  const slots = rows.filter((r) => r.row.type === 'goroutine').length;
  assert.equal(slots, 239);
  assert.equal(rows.filter((r) => r.row.type === 'group').length, blockingGroups.groups.length);
  // collapsing a group hides its goroutines; collapsing the section hides all
  collapsed.add(`group:${groups[0].name}`);
  const l2 = buildLayout({ inventory: inv, groups, grouped: true, collapsed, bodies, totalGoroutines: 239 });
  assert.equal(l2.visible(0, 1e9).filter((r) => r.row.type === 'goroutine').length, 239 - groups[0].count);
  assert.equal(l2.findSlot(groups[0].name, 0), undefined);
  collapsed.add('section:goroutines');
  const l3 = buildLayout({ inventory: inv, groups, grouped: true, collapsed, bodies, totalGoroutines: 239 });
  assert.equal(l3.visible(0, 1e9).filter((r) => r.row.type === 'goroutine' || r.row.type === 'group').length, 0);
  // ungrouped: one body of every goroutine, no group rows
  const l4 = buildLayout({ inventory: inv, groups: [{ name: ALL_GROUP, count: 239 }], grouped: false, collapsed: new Set(),
    bodies: new Map(), totalGoroutines: 239 });
  const r4 = l4.visible(0, 1e9);
  assert.equal(r4.filter((r) => r.row.type === 'group').length, 0);
  assert.equal(r4.filter((r) => r.row.type === 'goroutine').length, 239);
  assert.ok(r4.some((r) => r.row.key === 'thread:' + inv.threads[0] + ':0'));
});

test('lanes set on a persistent body survive a rebuild and move the rows below', () => {
  const inv = inventoryOf(blockingDiscovery.tracks);
  const groups = [{ name: 'a', count: 3 }, { name: 'b', count: 2 }];
  const bodies = new Map<string, GroupBody>();
  const opts = { inventory: inv, groups, grouped: true, collapsed: new Set<string>(), bodies, totalGoroutines: 5 };
  const l1 = buildLayout(opts);
  const before = l1.findSlot('b', 0)!;
  bodies.get('a')!.setLanes(1, 2);
  const l2 = buildLayout(opts);
  assert.equal(l2.findSlot('b', 0)!.y, before.y + 2 * RowHeights.lane);
  assert.equal(l2.findSlot('a', 1)!.height, RowHeights.goroutine + 2 * RowHeights.lane);
});

test('group order by the sort', () => {
  const names = (s: Parameters<typeof orderGroups>[1]) => orderGroups(blockingGroups.groups, s).map((g) => g.name);
  const byName = names('id');
  assert.deepEqual(byName, [...byName].sort());
  const byBlock = orderGroups(blockingGroups.groups, 'blockTime');
  for (let i = 1; i < byBlock.length; i++) assert.ok(byBlock[i - 1].blockNs >= byBlock[i].blockNs);
  const byExec = orderGroups(blockingGroups.groups, 'execTime');
  for (let i = 1; i < byExec.length; i++) assert.ok(byExec[i - 1].execNs >= byExec[i].execNs);
});

test('track keys, scrolling', () => {
  assert.equal(trackKey({ kind: 'goroutine', id: 13 }), 'goroutine:13:0');
  assert.equal(trackKey({ kind: 'cpuSamples', id: -1, lane: 0 }), 'cpuSamples:-1:0');
  assert.deepEqual(parseTrackKey('regions:10:1'), { kind: 'regions', id: 10, lane: 1 });
  assert.deepEqual(parseTrackKey('logs:-1:0'), { kind: 'logs', id: -1, lane: 0 });
  assert.equal(parseTrackKey('nonsense'), undefined);
  assert.equal(clampScroll(-5, 1000, 300), 0);
  assert.equal(clampScroll(900, 1000, 300), 700);
  assert.equal(clampScroll(50, 200, 300), 0);
  assert.equal(scrollToShow(0, 100, 20, 500), 0); // already visible
  assert.equal(scrollToShow(0, 5000, 20, 600), 5000 - 580 / 3);
});
