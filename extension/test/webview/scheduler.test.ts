import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatestQueryScheduler } from '../../src/webview/scheduler';

function harness(maxAge = 100) {
  let now = 0;
  let next = 1;
  const sent: { id: number; q: string }[] = [];
  const cancelled: number[] = [];
  const s = new LatestQueryScheduler<string>({
    send: (q) => { const id = next++; sent.push({ id, q }); return id; },
    cancel: (id) => cancelled.push(id),
    now: () => now,
  }, maxAge);
  return { s, sent, cancelled, advance: (ms: number) => { now += ms; } };
}

test('one query in flight; later wishes replace each other and go when it answers', () => {
  const h = harness();
  h.s.want('A', 'a');
  h.s.want('B', 'b');
  h.s.want('C', 'c');
  assert.deepEqual(h.sent.map((x) => x.q), ['A']);
  assert.equal(h.s.answered(1), 'older'); // A answered, but C is what is wanted now
  assert.deepEqual(h.sent.map((x) => x.q), ['A', 'C']);
  assert.equal(h.s.answered(2), 'current');
  assert.equal(h.s.busy, false);
  assert.deepEqual(h.cancelled, []);
});

test('the same wish twice sends once; an answered wish is not asked again unless forced', () => {
  const h = harness();
  h.s.want('A', 'a');
  h.s.want('A', 'a');
  assert.equal(h.sent.length, 1);
  h.s.answered(1);
  h.s.want('A', 'a');
  assert.equal(h.sent.length, 1);
  h.s.want('A', 'a', true);
  assert.equal(h.sent.length, 2);
  // going back to the in-flight wish drops the queued one
  h.s.want('B', 'b');
  h.s.want('A', 'a');
  h.s.answered(2);
  assert.equal(h.sent.length, 2);
});

test('a slow query is superseded: cancelled, and the new one sent at once', () => {
  const h = harness(100);
  h.s.want('A', 'a');
  h.advance(150);
  h.s.want('B', 'b');
  assert.deepEqual(h.cancelled, [1]);
  assert.deepEqual(h.sent.map((x) => x.q), ['A', 'B']);
  // the cancelled one's late answer is ignored
  assert.equal(h.s.answered(1), 'ignored');
  assert.equal(h.s.inflightId, 2);
  assert.equal(h.s.answered(2), 'current');
  assert.equal(h.s.answered(99), 'ignored');
});
