// The trace editor's HTML and the validation of what the webview posts to the host.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildWebviewHtml, contentSecurityPolicy, makeNonce } from '../../src/host/webviewHtml';
import { parseWebviewMessage, withTraceId } from '../../src/host/webviewMessages';

const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';

test('nonce: 16 random bytes, base64, different each time', () => {
  const a = makeNonce(), b = makeNonce();
  assert.match(a, /^[A-Za-z0-9+/]{22}==$/);
  assert.equal(Buffer.from(a, 'base64').length, 16);
  assert.notEqual(a, b);
});

test('CSP: nothing by default, scripts only by nonce, styles/images/fonts only from the extension', () => {
  const csp = contentSecurityPolicy(cspSource, 'NONCE');
  assert.equal(csp, `default-src 'none'; script-src 'nonce-NONCE'; style-src ${cspSource} 'nonce-NONCE'; img-src ${cspSource} data:; font-src ${cspSource}`);
  assert.ok(!csp.includes('unsafe'));
});

test('HTML: one CSP meta, the nonce on the script and stylesheet, escaped title, nothing remote', () => {
  const nonce = makeNonce();
  const html = buildWebviewHtml({
    cspSource, nonce,
    scriptUri: `${cspSource}/ext/out/webview.js`, styleUri: `${cspSource}/ext/out/webview.css`,
    title: '<img src=x onerror=alert(1)>.trace',
  });
  assert.equal(html.match(/Content-Security-Policy/g)?.length, 1);
  assert.ok(html.includes(`<script nonce="${nonce}" src="${cspSource}/ext/out/webview.js"></script>`));
  assert.ok(html.includes(`<link rel="stylesheet" nonce="${nonce}" href="${cspSource}/ext/out/webview.css">`));
  assert.ok(html.includes('<title>&lt;img src=x onerror=alert(1)&gt;.trace</title>'));
  assert.equal(html.match(/<script/g)?.length, 1, 'exactly one script element');
  assert.ok(!/<script(?![^>]*nonce=)/.test(html));
  assert.ok(!/\son[a-z]+=/.test(html.replace(/&lt;img[^<]*&gt;/, '')), 'no inline handlers');
  assert.throws(() => buildWebviewHtml({ cspSource, nonce: "a' 'unsafe-inline", scriptUri: '', styleUri: '', title: '' }));
});

test('messages: valid ones pass, requests limited to WebviewMethods, errors carry the request id', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { ok: true, message: { type: 'ready' } });
  const req = parseWebviewMessage({ type: 'request', requestId: 7, method: 'gotrace/timeline', params: { startNs: 0, endNs: 10, nsPerPixel: 1 } });
  assert.deepEqual(req, { ok: true, message: { type: 'request', requestId: 7, method: 'gotrace/timeline', params: { startNs: 0, endNs: 10, nsPerPixel: 1 } } });
  assert.deepEqual(parseWebviewMessage({ type: 'request', requestId: 8, method: 'gotrace/exportPprof', params: {} }),
    { ok: false, error: 'method gotrace/exportPprof is not available to the webview', requestId: 8 });
  assert.deepEqual(parseWebviewMessage({ type: 'request', requestId: 9, method: 'gotrace/close' }),
    { ok: false, error: 'method gotrace/close is not available to the webview', requestId: 9 });
  assert.equal(parseWebviewMessage({ type: 'request', requestId: 1.5, method: 'gotrace/timeline' }).ok, false);
  assert.deepEqual(parseWebviewMessage({ type: 'request', requestId: 3, method: 'gotrace/search', params: [1] }),
    { ok: false, error: 'params must be an object', requestId: 3 });
  assert.deepEqual(parseWebviewMessage({ type: 'request', requestId: 4, method: 'gotrace/goroutines' }),
    { ok: true, message: { type: 'request', requestId: 4, method: 'gotrace/goroutines', params: {} } });
  assert.equal(parseWebviewMessage(null).ok, false);
  assert.equal(parseWebviewMessage('ready').ok, false);
  assert.equal(parseWebviewMessage({ type: 'eval', code: 'x' }).ok, false);
});

test('messages: openSource, exportPprof, cancel, log are checked', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'openSource', target: { file: 'a/b.go', line: 3, func: 'main.f' }, frames: [{ file: 'c.go', line: 1 }, { bad: 1 }], preserveFocus: true }),
    { ok: true, message: { type: 'openSource', target: { file: 'a/b.go', line: 3, func: 'main.f' }, frames: [{ file: 'c.go', line: 1, func: undefined }], preserveFocus: true } });
  assert.equal(parseWebviewMessage({ type: 'openSource', target: { file: 'a.go' } }).ok, false);
  assert.equal(parseWebviewMessage({ type: 'openSource', target: { file: '', line: 1 } }).ok, false);
  assert.deepEqual(parseWebviewMessage({ type: 'exportPprof', kind: 'sync', filter: { goroutine: 3 } }),
    { ok: true, message: { type: 'exportPprof', kind: 'sync', filter: { goroutine: 3 } } });
  assert.equal(parseWebviewMessage({ type: 'exportPprof', kind: 'cpu' }).ok, false);
  assert.deepEqual(parseWebviewMessage({ type: 'cancelRequest', requestId: 2 }), { ok: true, message: { type: 'cancelRequest', requestId: 2 } });
  assert.deepEqual(parseWebviewMessage({ type: 'cancelOpen' }), { ok: true, message: { type: 'cancelOpen' } });
  assert.deepEqual(parseWebviewMessage({ type: 'log', level: 'shout', message: 42 }), { ok: true, message: { type: 'log', level: 'info', message: '42' } });
});

test('withTraceId: the host sets the trace id; the webview cannot choose another trace', () => {
  assert.deepEqual(withTraceId({ goroutine: 3, traceId: 't99' }, 't1'), { goroutine: 3, traceId: 't1' });
});
