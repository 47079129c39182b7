import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GoroutinePages, pageRange } from '../../src/webview/pages';
import { chanSenders } from './fixtures';

test('pages: missing, pending, stored, located', () => {
  const p = new GoroutinePages(2);
  assert.deepEqual(p.missing('main.chanSender', 0, 2), [0, 1]);
  p.markPending('main.chanSender', 0);
  assert.deepEqual(p.missing('main.chanSender', 0, 2), [1]);
  // the real first page of main.chanSender by block time (3 goroutines) split in pages of 2
  const items = chanSenders.goroutines;
  assert.deepEqual(items.map((g) => g.id), [90, 167, 13]);
  p.store('main.chanSender', 0, items.slice(0, 2));
  p.store('main.chanSender', 1, items.slice(2));
  assert.equal(p.isPending('main.chanSender', 0), false);
  assert.deepEqual(p.missing('main.chanSender', 0, 2), []);
  assert.equal(p.get('main.chanSender', 2)!.id, 13);
  assert.equal(p.get('main.chanSender', 3), undefined);
  assert.deepEqual(p.locate(167), { group: 'main.chanSender', slot: 1 });
  assert.equal(p.locate(14), undefined);
  assert.equal(p.loadedCount(), 3);
  p.clear();
  assert.equal(p.get('main.chanSender', 0), undefined);
  assert.equal(p.locate(90), undefined);
  assert.deepEqual(pageRange(3, 200), { offset: 600, limit: 200 });
  assert.deepEqual(p.missing('x', 5, 4), []);
});
