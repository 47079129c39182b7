import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatViewLink, parseViewLink, splitQuery, restoredWindow } from '../../src/host/deepLink';

/** What VS Code's URI handler receives: path and query of the link, percent-decoded once. */
function asReceived(link: string): { path: string; query: string } {
  const u = /^[a-z-]+:\/\/[^/]+(\/[^?]*)\?(.*)$/.exec(link)!;
  return { path: u[1], query: decodeURIComponent(u[2]) };
}

test('formatViewLink: the documented shape, scheme and id as given (id lower-cased)', () => {
  const l = formatViewLink('vscode', 'gotrace.go-trace-viewer', {
    path: '/work/main/testdata/traces/blocking.go1.27.trace', startNs: 100000, endNs: 3000000, goroutine: 13, timeNs: 200000,
  });
  assert.equal(l, 'vscode://gotrace.go-trace-viewer/open?path=%2Fwork%2Fmain%2Ftestdata%2Ftraces%2Fblocking.go1.27.trace'
    + '&start=100000&end=3000000&g=13&t=200000');
  assert.ok(formatViewLink('code-oss', 'GoTrace.Go-Trace-Viewer', { path: '/a' }).startsWith('code-oss://gotrace.go-trace-viewer/open?path=%2Fa'));
  // fractional windows widen to whole ns
  assert.ok(formatViewLink('vscode', 'x.y', { path: '/a', startNs: 10.7, endNs: 20.2 }).endsWith('start=10&end=21'));
});

test('parse(format(x)) after VS Code decoded it gives x back, for awkward paths too', () => {
  const paths = ['/tmp/a b/trace.out', '/srv/x&start=5/y=1.trace', '/home/ü/trace#1?.out', 'C:\\traces\\t.trace', '/p/100%/t.trace'];
  for (const path of paths) {
    const v = { path, startNs: 5, endNs: 99, goroutine: 7, timeNs: 42 };
    const r = asReceived(formatViewLink('vscode', 'gotrace.go-trace-viewer', v));
    const p = parseViewLink(r.path, r.query);
    assert.deepEqual(p, { ok: true, link: v }, path);
  }
  const minimal = asReceived(formatViewLink('vscode', 'a.b', { path: '/t.trace' }));
  assert.deepEqual(parseViewLink(minimal.path, minimal.query), { ok: true, link: { path: '/t.trace' } });
});

test('a query still percent-encoded is decoded once', () => {
  assert.deepEqual(parseViewLink('/open', 'path=%2Ftmp%2Fa%20b.trace&start=1&end=2'),
    { ok: true, link: { path: '/tmp/a b.trace', startNs: 1, endNs: 2 } });
});

test('bad links are refused with a reason', () => {
  const bad: [string, string, RegExp][] = [
    ['/close', 'path=/a', /unknown link/],
    ['/open', 'start=1&end=2', /names no trace/],
    ['/open', 'path=relative/t.trace', /not absolute/],
    ['/open', 'path=/a&start=5&end=5', /end is not after start/],
    ['/open', 'start=-1&end=5&path=/a', /start is not a whole number/],
    ['/open', 'g=1e3&path=/a', /g is not a whole number/],
    ['/open', 't=12.5&path=/a', /t is not a whole number/],
  ];
  for (const [p, q, re] of bad) {
    const r = parseViewLink(p, q);
    assert.equal(r.ok, false, q);
    assert.match((r as { error: string }).error, re);
  }
});

test('splitQuery: numbers from the end (the last of repeated keys), the rest is the path; other orders split by key', () => {
  assert.deepEqual(splitQuery('path=/a&x=1&g=2&g=3'), { path: '/a&x=1', g: '3' });
  assert.deepEqual(splitQuery('path=/srv/x&start=5/y&start=1&end=2'), { path: '/srv/x&start=5/y', start: '1', end: '2' });
  assert.deepEqual(splitQuery('g=4&path=/b&t=9'), { g: '4', path: '/b', t: '9' });
});

test('restoredWindow clamps to the trace', () => {
  assert.deepEqual(restoredWindow({ path: '/a' }, 1000), { startNs: 0, endNs: 1000 });
  assert.deepEqual(restoredWindow({ path: '/a', startNs: 100, endNs: 5000 }, 1000), { startNs: 100, endNs: 1000 });
  assert.deepEqual(restoredWindow({ path: '/a', startNs: 4000, endNs: 5000 }, 1000), { startNs: 999, endNs: 1000 });
});
