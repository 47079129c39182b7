// A minimal JSON-RPC client for `gotrace serve` (LSP base-protocol framing over stdio), for the dev
// harness and the fixture capture script only. The extension itself uses vscode-jsonrpc on the host side.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const DEFAULT_SERVER = process.env.GOTRACE_SERVER || '/tmp/gotrace-server-dev/gotrace';

export class GotraceProcess {
  constructor(executable = DEFAULT_SERVER, onNotification = () => {}) {
    this.proc = spawn(executable, ['serve', '--log-level', 'warning'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.nextId = 1;
    this.pending = new Map();
    this.buf = Buffer.alloc(0);
    this.onNotification = onNotification;
    this.proc.stdout.on('data', (chunk) => this.onData(chunk));
    this.proc.on('exit', (code) => {
      for (const { reject } of this.pending.values()) reject(new Error(`server exited (${code})`));
      this.pending.clear();
    });
  }

  onData(chunk) {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      const headerEnd = this.buf.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buf.subarray(0, headerEnd).toString('ascii');
      const m = /content-length:\s*(\d+)/i.exec(header);
      if (!m) throw new Error('bad header from server: ' + header);
      const len = Number(m[1]);
      if (this.buf.length < headerEnd + 4 + len) return;
      const body = this.buf.subarray(headerEnd + 4, headerEnd + 4 + len).toString('utf8');
      this.buf = this.buf.subarray(headerEnd + 4 + len);
      const msg = JSON.parse(body);
      if (msg.id !== undefined && msg.id !== null && this.pending.has(msg.id)) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p.reject(Object.assign(new Error(msg.error.message), { rpc: msg.error }));
        else p.resolve(msg.result);
      } else if (msg.method) {
        this.onNotification(msg.method, msg.params);
      }
    }
  }

  write(msg) {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  /** Sends a request; returns { id, promise }. */
  start(method, params) {
    const id = this.nextId++;
    const promise = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.write({ id, method, params });
    return { id, promise };
  }

  request(method, params) { return this.start(method, params).promise; }
  cancel(id) { this.write({ method: '$/cancelRequest', params: { id } }); }

  async initialize() {
    const r = await this.request('initialize', { processId: process.pid, clientInfo: { name: 'gotrace-webview-dev' } });
    this.write({ method: 'initialized', params: {} });
    return r;
  }

  async stop() {
    try { await this.request('shutdown'); } catch { /* already gone */ }
    this.write({ method: 'exit' });
    this.proc.stdin.end();
  }
}

/**
 * Opens a committed testdata trace, sends the requests `make(summary, responsesSoFar)` lists (each a request or a
 * function returning one, so a request can use earlier answers), and writes them with the answers as a test fixture
 * `outDir/name`; closes the trace. Shared by the fixture capture scripts.
 */
export async function captureFixture({ server, repo, outDir, capturedBy }, name, trace, make) {
  const version = (await server.request('gotrace/ping', {})).version;
  const open = await server.request('gotrace/open', { path: path.join(repo, 'testdata', 'traces', trace) });
  const requests = [];
  const responses = [];
  for (const r of make(open.summary, responses)) {
    const req = typeof r === 'function' ? r() : r;
    requests.push(req);
    responses.push(await server.request(req.method, { ...req.params, traceId: open.traceId }));
  }
  const fixture = { capturedBy, serverVersion: version, trace: `testdata/traces/${trace}`, summary: open.summary, requests, responses };
  const file = path.join(outDir, name);
  fs.writeFileSync(file, JSON.stringify(fixture) + '\n');
  console.log(`wrote ${path.relative(repo, file)} (${fs.statSync(file).size} bytes)`);
  await server.request('gotrace/close', { traceId: open.traceId });
}
