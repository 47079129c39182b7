import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sanitizeState, stateFor } from '../../src/webview/persist';

test('restored state keeps only well-formed members', () => {
  assert.deepEqual(sanitizeState(null), { version: 1 });
  assert.deepEqual(sanitizeState({ version: 2, scrollTop: 5 }), { version: 1 });
  const s = sanitizeState({
    version: 1, path: '/t/a.trace', window: { startNs: 100, endNs: 50 }, scrollTop: 120.5, collapsed: ['group:x', 3, 'section:threads'],
    sort: 'blockTime', grouped: false, procColor: 'state', selection: { trackKey: 'goroutine:13:0', timeNs: 200000 },
    tab: 'timeline', detailsHeight: 300, labelWidth: 180, extra: '<script>',
  });
  assert.deepEqual(s, {
    version: 1, path: '/t/a.trace', scrollTop: 120.5, collapsed: ['group:x', 'section:threads'], sort: 'blockTime', grouped: false,
    procColor: 'state', selection: { trackKey: 'goroutine:13:0', timeNs: 200000 }, tab: 'timeline', detailsHeight: 300,
    labelWidth: 180,
  });
  assert.deepEqual(sanitizeState({ version: 1, window: { startNs: 10, endNs: 20 }, sort: 'bogus', scrollTop: -1, labelWidth: -5 }),
    { version: 1, window: { startNs: 10, endNs: 20 } });
});

test('a state saved for another trace is dropped', () => {
  assert.deepEqual(stateFor({ version: 1, path: '/a', scrollTop: 10 }, '/b'), { version: 1, path: '/b' });
  assert.deepEqual(stateFor({ version: 1, path: '/a', scrollTop: 10 }, '/a'), { version: 1, path: '/a', scrollTop: 10 });
  assert.deepEqual(stateFor({ version: 1, scrollTop: 10 }, '/a'), { version: 1, path: '/a', scrollTop: 10 });
});
