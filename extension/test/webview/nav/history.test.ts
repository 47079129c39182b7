import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NavHistory } from '../../../src/webview/nav/history';

const e = (s: number, key?: string) => ({ window: { startNs: s, endNs: s + 10 }, scrollTop: 0, selection: key ? { trackKey: key, timeNs: s } : undefined });

test('NavHistory: last in, first out; equal consecutive views kept once; bounded', () => {
  const h = new NavHistory(3);
  assert.equal(h.pop(), undefined);
  h.push(e(1, 'goroutine:13:0'));
  h.push(e(1, 'goroutine:13:0'));
  assert.equal(h.size, 1);
  h.push(e(2));
  h.push(e(3, 'goroutine:14:0'));
  h.push(e(4));
  assert.equal(h.size, 3);
  assert.equal(h.pop()!.window.startNs, 4);
  assert.equal(h.pop()!.selection!.trackKey, 'goroutine:14:0');
  assert.equal(h.pop()!.window.startNs, 2);
  assert.equal(h.pop(), undefined);
});
