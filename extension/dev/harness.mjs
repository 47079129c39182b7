#!/usr/bin/env node
// Dev harness for the trace editor's webview, outside VS Code: serves a page that loads the bundled webview
// (out/webview.js, out/webview.css) with a fake `acquireVsCodeApi` that forwards the webview's `request` messages
// by fetch POST to this process, which forwards them to a spawned `gotrace serve` for the chosen trace. Bound to
// 127.0.0.1 only.
//
//   node extension/dev/harness.mjs [--port 8123] [--out DIR] [--server PATH] [--traces DIR] [--log]
//   then open http://127.0.0.1:8123/?trace=blocking.go1.27.trace  (&theme=light, &delay=MS to slow answers)
//
// --out: folder with webview.js/webview.css (default: <repo>/out). --traces: folder the ?trace= names are taken
// from (default: <repo>/testdata/traces); nothing outside it is served. --log prints every server call and its time. The page also exposes window.__harness
// (openSource messages seen, reveal(...), theme(kind)) for scripted checks (see shoot.mjs).

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { GotraceProcess, DEFAULT_SERVER } from './rpc.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');

function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

const port = Number(arg('--port', '8123'));
const outDir = path.resolve(arg('--out', path.join(repo, 'out')));
const tracesDir = path.resolve(arg('--traces', path.join(repo, 'testdata', 'traces')));
const serverPath = arg('--server', DEFAULT_SERVER);
const logCalls = process.argv.includes('--log');

/** One open trace per page session: { traceId, progress, summary, error, cancelled, openId }. */
const sessions = new Map();
const progressByTrace = new Map();
const openTraces = new Map();
const server = new GotraceProcess(serverPath, (method, params) => {
  if (method === 'gotrace/progress') progressByTrace.set(params.path, params);
});
await server.initialize();

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try { resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}); } catch (e) { reject(e); }
    });
    req.on('error', reject);
  });
}

function send(res, status, type, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}

function json(res, obj) { send(res, 200, 'application/json', JSON.stringify(obj)); }

// Dark Modern / Light Modern values of the variables the webview reads, as VS Code sets them on <html>.
const THEMES = {
  dark: {
    'editor-background': '#1f1f1f', 'editor-foreground': '#cccccc', foreground: '#cccccc',
    descriptionForeground: '#9d9d9d', 'charts-lines': 'rgba(204, 204, 204, 0.5)', focusBorder: '#0078d4',
    'editor-selectionBackground': '#264f78', 'charts-red': '#f14c4c', 'charts-blue': '#3794ff',
    'charts-yellow': '#cca700', 'charts-orange': '#d18616', 'charts-green': '#89d185', 'charts-purple': '#b180d7',
    'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif', 'font-size': '13px',
    'editor-font-family': '"Droid Sans Mono", monospace', 'editor-font-size': '13px',
    'textLink-foreground': '#4daafc', 'panel-border': '#2b2b2b', 'button-background': '#0078d4',
    'button-foreground': '#ffffff', 'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc',
    'editorWidget-background': '#202020', 'badge-background': '#616161', 'badge-foreground': '#f8f8f8',
    'dropdown-background': '#313131', 'dropdown-border': '#3c3c3c',
  },
  light: {
    'editor-background': '#ffffff', 'editor-foreground': '#3b3b3b', foreground: '#3b3b3b',
    descriptionForeground: '#3b3b3b', 'charts-lines': 'rgba(59, 59, 59, 0.5)', focusBorder: '#005fb8',
    'editor-selectionBackground': '#add6ff', 'charts-red': '#e51400', 'charts-blue': '#1a85ff',
    'charts-yellow': '#bf8803', 'charts-orange': '#d18616', 'charts-green': '#388a34', 'charts-purple': '#652d90',
    'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif', 'font-size': '13px',
    'editor-font-family': '"Droid Sans Mono", monospace', 'editor-font-size': '13px',
    'textLink-foreground': '#005fb8', 'panel-border': '#e5e5e5', 'button-background': '#005fb8',
    'button-foreground': '#ffffff', 'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b',
    'editorWidget-background': '#f8f8f8', 'badge-background': '#cccccc', 'badge-foreground': '#3b3b3b',
    'dropdown-background': '#ffffff', 'dropdown-border': '#cecece',
  },
};

function page(theme, nonce) {
  const vars = Object.entries(THEMES[theme] ?? THEMES.dark).map(([k, v]) => `--vscode-${k}: ${v};`).join(' ');
  const bodyClass = theme === 'light' ? 'vscode-light' : 'vscode-dark';
  // the same kind of CSP the extension's webview uses: nothing remote, scripts by nonce only
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:;`;
  return `<!DOCTYPE html>
<html lang="en" style="${''}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gotrace webview harness</title>
<style nonce="${nonce}">html { ${vars} }</style>
<link rel="stylesheet" nonce="${nonce}" href="/webview.css">
</head>
<body class="${bodyClass}">
<div id="app"></div>
<script nonce="${nonce}" src="/harness-client.js"></script>
<script nonce="${nonce}" src="/webview.js"></script>
</body>
</html>`;
}

// Runs in the page before the webview: the fake VS Code API.
const CLIENT = String.raw`
(function () {
  const params = new URLSearchParams(location.search);
  const trace = params.get('trace') || 'blocking.go1.27.trace';
  const session = Math.random().toString(36).slice(2);
  const stateKey = 'gotrace-state:' + trace;
  const seen = { openSource: [], logs: [], requests: 0, cancels: 0 };
  function deliver(msg) { window.postMessage(msg, '*'); }
  async function post(url, body) {
    const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return r.json();
  }
  async function open() {
    const start = await post('/open', { session, trace });
    deliver({ type: 'init', path: start.path });
    for (;;) {
      const s = await post('/status', { session });
      if (s.progress) deliver({ type: 'progress', bytesRead: s.progress.bytesRead, totalBytes: s.progress.totalBytes, events: s.progress.events });
      if (s.summary) { deliver({ type: 'opened', summary: s.summary, damage: s.summary.damage }); return; }
      if (s.error) { deliver({ type: 'openFailed', message: s.error, cancelled: !!s.cancelled }); return; }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  window.__harness = {
    seen,
    reveal(m) { deliver(Object.assign({ type: 'reveal' }, m)); },
    theme(kind) { deliver({ type: 'theme', kind }); },
    /** A server call for scripted checks (same session and trace as the webview's). */
    rpc(method, params) { return post('/rpc', { session, requestId: -1, method, params }); },
  };
  window.acquireVsCodeApi = function () {
    return {
      postMessage(msg) {
        switch (msg.type) {
          case 'ready': open(); break;
          case 'request':
            seen.requests++;
            post('/rpc', { session, requestId: msg.requestId, method: msg.method, params: msg.params }).then((r) => {
              deliver(Object.assign({ type: 'response', requestId: msg.requestId }, r));
            });
            break;
          case 'cancelRequest': seen.cancels++; post('/cancel', { session, requestId: msg.requestId }); break;
          case 'cancelOpen': post('/cancelOpen', { session }); break;
          case 'openSource': seen.openSource.push(msg); console.log('openSource', JSON.stringify(msg)); break;
          case 'log': seen.logs.push(msg); console.log('webview log', msg.level, msg.message); break;
          default: console.log('webview message', JSON.stringify(msg));
        }
      },
      getState() { try { return JSON.parse(sessionStorage.getItem(stateKey) || 'null'); } catch (e) { return null; } },
      setState(s) { sessionStorage.setItem(stateKey, JSON.stringify(s)); },
    };
  };
})();
`;

const delayMs = (url) => Number(url.searchParams.get('delay') ?? '0');
let globalDelay = 0;

const httpServer = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  try {
    if (req.method === 'GET' && url.pathname === '/') {
      globalDelay = delayMs(url);
      const nonce = crypto.randomBytes(16).toString('base64');
      send(res, 200, 'text/html; charset=utf-8', page(url.searchParams.get('theme') ?? 'dark', nonce));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/harness-client.js') { send(res, 200, 'text/javascript', CLIENT); return; }
    if (req.method === 'GET' && (url.pathname === '/webview.js' || url.pathname === '/webview.css' || url.pathname === '/webview.js.map')) {
      const file = path.join(outDir, url.pathname.slice(1));
      const type = file.endsWith('.css') ? 'text/css' : file.endsWith('.map') ? 'application/json' : 'text/javascript';
      send(res, 200, type, fs.readFileSync(file));
      return;
    }
    if (req.method !== 'POST') { send(res, 404, 'text/plain', 'not found'); return; }
    const body = await readBody(req);
    if (url.pathname === '/open') {
      const name = path.basename(String(body.trace));
      const file = path.join(tracesDir, name);
      const s = { traceId: undefined, summary: undefined, error: undefined, cancelled: false, path: file, ids: new Map() };
      sessions.set(body.session, s);
      // a trace already open (a reload of the page) is reused, as the extension reuses it for a re-created tab
      let open = openTraces.get(file);
      if (!open) {
        const { id, promise } = server.start('gotrace/open', { path: file });
        open = { id, promise };
        openTraces.set(file, open);
        promise.catch(() => openTraces.delete(file));
      }
      s.openId = open.id;
      open.promise.then((r) => { s.traceId = r.traceId; s.summary = r.summary; },
        (e) => { s.error = e.message; s.cancelled = e.rpc?.code === -32800; });
      json(res, { path: file });
      return;
    }
    const s = sessions.get(body.session);
    if (!s) { json(res, { error: { code: 2, message: 'no such session' } }); return; }
    if (url.pathname === '/status') {
      json(res, { progress: progressByTrace.get(s.path), summary: s.summary, error: s.error, cancelled: s.cancelled });
      return;
    }
    if (url.pathname === '/cancelOpen') { server.cancel(s.openId); json(res, {}); return; }
    if (url.pathname === '/cancel') {
      const id = s.ids.get(body.requestId);
      if (id !== undefined) server.cancel(id);
      json(res, {});
      return;
    }
    if (url.pathname === '/rpc') {
      if (globalDelay > 0) await new Promise((r) => setTimeout(r, globalDelay));
      const { id, promise } = server.start(String(body.method), { ...(body.params ?? {}), traceId: s.traceId });
      s.ids.set(body.requestId, id);
      const t0 = performance.now();
      let outcome = 'ok';
      try {
        json(res, { result: await promise });
      } catch (e) {
        outcome = `error ${e.rpc?.code ?? ''}`;
        json(res, { error: e.rpc ?? { code: -32603, message: String(e.message ?? e) } });
      } finally {
        s.ids.delete(body.requestId);
        if (logCalls) {
          const p = body.params ?? {};
          const what = p.tracks ? `${p.tracks.length} tracks ${p.startNs}-${p.endNs}@${p.nsPerPixel}` : JSON.stringify(p).slice(0, 80);
          console.log(`${body.method} #${body.requestId} ${(performance.now() - t0).toFixed(1)} ms ${outcome} ${what}`);
        }
      }
      return;
    }
    send(res, 404, 'text/plain', 'not found');
  } catch (e) {
    send(res, 500, 'text/plain', String(e?.stack ?? e));
  }
});

httpServer.listen(port, '127.0.0.1', () => {
  const a = httpServer.address();
  console.log(`harness: http://127.0.0.1:${a.port}/?trace=blocking.go1.27.trace (webview from ${outDir})`);
});

function shutdown() {
  httpServer.close();
  server.stop().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
