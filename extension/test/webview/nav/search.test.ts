import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery, planSearch, goroutineItems, goroutineIdItem, hitItems, mergeItems, spanEndFrom } from '../../../src/webview/nav/search';
import { chanSenderByName, chanSenderGroup, g13AtZero, regionHits, taskHits, logHits, decodeLane, batchTaskLane } from './fixtures';

const fmt = (ns: number) => `${ns}ns`;

test('parseQuery: goroutine IDs in the forms users type', () => {
  assert.deepEqual(parseQuery('G123'), { goroutineId: 123, text: 'G123' });
  assert.deepEqual(parseQuery(' 42 '), { goroutineId: 42, text: '42' });
  assert.deepEqual(parseQuery('g7'), { goroutineId: 7, text: 'g7' });
  assert.deepEqual(parseQuery('#9'), { goroutineId: 9, text: '#9' });
  assert.deepEqual(parseQuery('main.chanSender'), { text: 'main.chanSender' });
  assert.deepEqual(parseQuery('G12x'), { text: 'G12x' });
});

test('planSearch: what each scope asks', () => {
  const groups = ['main.chanSender', 'main.main'];
  const all = planSearch(parseQuery('main.CHANSENDER'), 'all', groups);
  assert.deepEqual(all.map((r) => r.as), ['goroutinesByGroup', 'goroutinesByName', 'region', 'task', 'log']);
  assert.deepEqual(all[0].params, { group: 'main.chanSender', orderBy: 'id', limit: 50 });
  assert.deepEqual(all[1].params, { nameContains: 'main.CHANSENDER', orderBy: 'id', limit: 50 });
  assert.deepEqual(all[3].params, { kind: 'task', text: 'main.CHANSENDER', limit: 50 });
  assert.deepEqual(planSearch(parseQuery('G13'), 'goroutines', groups).map((r) => [r.method, r.params]),
    [['gotrace/goroutineStack', { goroutine: 13, timeNs: 0 }]]);
  assert.deepEqual(planSearch(parseQuery('decode'), 'regions', groups).map((r) => r.as), ['region']);
  assert.deepEqual(planSearch(parseQuery('13'), 'logs', groups).map((r) => r.as), ['log']);
  assert.deepEqual(planSearch(parseQuery(''), 'all', groups), []);
});

test('goroutine results of blocking.go1.27.trace: every chanSender, by ID, once', () => {
  const byName = goroutineItems(chanSenderByName, fmt);
  assert.deepEqual(byName.map((i) => i.goroutine), [13, 90, 167]);
  assert.equal(byName[0].title, 'G13 main.chanSender');
  assert.equal(byName[0].timeNs, 116864);
  const byId = goroutineIdItem(g13AtZero);
  assert.equal(byId.title, 'G13 main.chanSender');
  // asked at 0, before it existed: the item goes to its creation
  assert.equal(g13AtZero.state, 'NotSeen');
  assert.equal(byId.timeNs, 116864);
  const merged = mergeItems([[byId], byName, goroutineItems(chanSenderGroup, fmt)]);
  assert.deepEqual(merged.map((i) => i.goroutine), [13, 90, 167]);
  assert.equal(merged[0].detail, 'goroutine (by ID)');
});

test('region, task and log hits of annotations.go1.27.trace become list items in kind then time order', () => {
  const items = mergeItems([hitItems('log', logHits, fmt), hitItems('region', regionHits, fmt), hitItems('task', taskHits, fmt)]);
  const regions = items.filter((i) => i.kind === 'region');
  assert.equal(regions.length, regionHits.hits.length);
  assert.equal(regions[0].title, 'region decode');
  assert.equal(regions[0].goroutine, 12);
  assert.deepEqual(regions[0].track, { kind: 'regions', id: 12, lane: 0 });
  assert.ok(regions.every((r) => r.title.includes('decode')));
  const kinds = items.map((i) => i.kind);
  assert.deepEqual(kinds, [...kinds].sort((a, b) => ['region', 'task', 'log'].indexOf(a) - ['region', 'task', 'log'].indexOf(b)));
  const logs = items.filter((i) => i.kind === 'log');
  assert.deepEqual(logs.map((l) => l.title).slice(0, 2), ['log no task: background log', 'log round 0']);
  for (let i = 1; i < logs.length; i++) assert.ok(logs[i].timeNs! >= logs[i - 1].timeNs!);
});

test('spanEndFrom: the decode region of G12 ends at 297600 (drawn whole), a task end found', () => {
  assert.deepEqual(spanEndFrom(decodeLane.tracks[0].spans, 271616), { endNs: 297600, exact: true });
  const task = spanEndFrom(batchTaskLane.tracks[0].spans, 278848);
  assert.ok(task && task.endNs > 278848);
  assert.equal(spanEndFrom(decodeLane.tracks[0].spans, 1), undefined); // no span begins at or before 1 ns there
});
