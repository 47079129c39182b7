// Integration: starts the real server (GOTRACE_SERVER, set by run.mjs when it finds a build) through
// GoTraceClient and drives initialize / open (with progress) / sourceLines / close / cancel / restart / stop.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { GoTraceClient, serverEnvironment, type LogLevel } from '../../src/host/serverClient';
import { RestartPolicy } from '../../src/host/restartPolicy';
import { findLineEvents, revealWindow } from '../../src/host/lineEvents';
import { WebviewMethods } from '../../src/webview/messages';
import { Methods, ErrorCodes, type OpenResult, type ProgressParams, type SourceLinesResult } from '../../src/protocol';

const server = process.env.GOTRACE_SERVER;
const repo = path.resolve(__dirname, '..', '..', '..', '..');
// run.mjs bundles into a temp dir: find the repository from the working directory instead.
const root = fs.existsSync(path.join(process.cwd(), 'testdata')) ? process.cwd() : repo;
const trace = path.join(root, 'testdata/traces/blocking.go1.27.trace');
const mainGo = path.join(root, 'testdata/programs/blocking/main.go');
const skip = !server ? 'GOTRACE_SERVER is not set and no built server was found' : !fs.existsSync(trace) ? `${trace} missing` : false;

function makeClient(logs: string[], policy?: RestartPolicy) {
  return new GoTraceClient({
    launch: () => ({ command: server!, args: ['serve'], source: 'test' }),
    logger: { log: (level, m) => logs.push(`${level} ${m}`) },
    logLevel: (): LogLevel => 'info',
    policy,
    restartDelayMs: 10,
  });
}

test('server environment: the host\'s, tiered compilation left to the runtime config unless the user chose', () => {
  const base = { PATH: '/usr/bin', HOME: '/home/u' };
  const env = serverEnvironment(base);
  assert.equal(env.DOTNET_TieredCompilation, undefined);
  assert.equal(env.COMPlus_TieredCompilation, undefined);
  assert.deepEqual(env, base);
  assert.notEqual(env, base, 'a copy: the host environment is not modified by later changes');
  assert.equal(serverEnvironment({ DOTNET_TieredCompilation: '1' }).DOTNET_TieredCompilation, '1');
});

test('server: open with progress, sourceLines of a BLOCKS line, close', { skip }, async () => {
  const logs: string[] = [];
  const client = makeClient(logs);
  try {
    const init = await client.start();
    assert.equal(init.serverInfo?.name, 'gotrace');
    // What the extension uses: the host's own calls and what webviews may ask for.
    const used = [Methods.open, Methods.close, Methods.sourceLines, Methods.blockingSites, Methods.exportPprof, Methods.search,
      Methods.goroutines, Methods.goroutineStack, Methods.lineEvents, Methods.ping, ...WebviewMethods];
    for (const m of used) assert.ok(init.capabilities.experimental?.methods?.includes(m), m);
    const progress: ProgressParams[] = [];
    const sub = client.onProgress((p) => progress.push(p));
    const opened = await client.request<OpenResult>(Methods.open, { path: trace });
    sub.dispose();
    assert.equal(opened.summary.events, 3381);
    assert.equal(opened.summary.goroutines, 239);
    assert.ok(progress.length >= 1, 'at least the final progress notification');
    const last = progress[progress.length - 1];
    assert.equal(last.path, trace);
    assert.equal(last.bytesRead, last.totalBytes);
    assert.equal(last.totalBytes, fs.statSync(trace).size);

    // main.go:106 is cond.Wait() (// BLOCKS: sync.(*Cond).Wait): 63 waits, 60.568832 ms (gotrace report / Go's -pprof=sync).
    const src = fs.readFileSync(mainGo, 'utf8').split('\n');
    assert.match(src[105], /cond\.Wait\(\) \/\/ BLOCKS/);
    const lines = await client.request<SourceLinesResult>(Methods.sourceLines, { traceId: opened.traceId, file: mainGo });
    assert.equal(lines.match.tracePath, 'gotrace.test/blocking/main.go');
    const l106 = lines.lines.find((l) => l.line === 106);
    assert.ok(l106?.sync, 'line 106 has sync blocking');
    assert.equal(l106.sync.cumNs, 60568832);
    assert.equal(l106.sync.cumCount, 63);
    const one = await client.request<SourceLinesResult>(Methods.sourceLines, { traceId: opened.traceId, file: mainGo, line: 106 });
    assert.deepEqual(one.lines.map((l) => l.line), [106]);

    await client.request(Methods.close, { traceId: opened.traceId });
    await assert.rejects(client.request(Methods.close, { traceId: opened.traceId }), (e: { code: number }) => e.code === ErrorCodes.unknownTrace);
  } finally {
    await client.stop();
  }
  assert.equal(client.state, 'stopped');
  assert.ok(logs.some((l) => l.includes('ready in')), logs.join('\n'));
});

test('server: a cancelled open is answered RequestCancelled or completes; the server stays usable', { skip }, async () => {
  const client = makeClient([]);
  try {
    await client.start();
    const cts = new CancellationTokenSource();
    const p = client.request<OpenResult>(Methods.open, { path: trace }, cts.token);
    cts.cancel();
    try {
      const r = await p;
      assert.ok(r.traceId, 'finished before the cancellation arrived');
    } catch (e) {
      assert.equal((e as { code: number }).code, ErrorCodes.requestCancelled);
    }
    const ping = await client.request<{ version: string; message?: string }>(Methods.ping, { message: 'still there' });
    assert.equal(ping.message, 'still there');
  } finally {
    await client.stop();
  }
});

test('server: restarted after it is killed, and not again past the policy', { skip }, async () => {
  const logs: string[] = [];
  const client = makeClient(logs, new RestartPolicy(2, 60_000));
  try {
    await client.start();
    const pid1 = client.pid!;
    const restarted = new Promise<{ reason: string }>((r) => client.onDidRestart(r));
    process.kill(pid1, 'SIGKILL');
    assert.equal((await restarted).reason, 'crash');
    assert.notEqual(client.pid, pid1);
    const ping = await client.request<{ message?: string }>(Methods.ping, { message: 'again' });
    assert.equal(ping.message, 'again');
    // A request while the restart is pending starts the server at once; the restart is still announced.
    const restarted2 = new Promise<{ reason: string }>((r) => client.onDidRestart(r));
    const exited = new Promise<void>((r) => { const pid = client.pid!; const t = setInterval(() => { try { process.kill(pid, 0); } catch { clearInterval(t); r(); } }, 5); });
    process.kill(client.pid!, 'SIGKILL');
    await exited;
    await new Promise((r) => setTimeout(r, 1));
    const ping2 = await client.request<{ message?: string }>(Methods.ping, { message: 'during restart' });
    assert.equal(ping2.message, 'during restart');
    assert.equal((await restarted2).reason, 'crash');
    const gaveUp = new Promise<string>((r) => client.onDidGiveUp(r));
    process.kill(client.pid!, 'SIGKILL');
    assert.match(await gaveUp, /will not be restarted/);
    assert.equal(client.state, 'failed');
  } finally {
    await client.stop();
  }
});

test('server: reverse navigation finds the 63 cond.Wait events of main.go:106', { skip }, async () => {
  const client = makeClient([]);
  try {
    const opened = await client.request<OpenResult>(Methods.open, { path: trace });
    const lines = await client.request<SourceLinesResult>(Methods.sourceLines, { traceId: opened.traceId, file: mainGo, line: 106 });
    const l = lines.lines[0];
    const r = await findLineEvents((m, p) => client.request(m, p), opened.traceId, lines.match.tracePath!, l);
    assert.equal(r.events.length, l.sync!.cumCount);
    assert.equal(r.events.length, 63);
    assert.equal(r.total, 63);
    assert.equal(r.truncated, false);
    assert.deepEqual(r.skippedKinds, []);
    assert.ok(r.events.every((e) => e.kind === 'sync' && e.endNs > e.timeNs && e.chargedNs > 0 && e.chargedNs <= e.endNs - e.timeNs));
    // the charged times add up to the line's cumulative sync time (the profile's number)
    const sum = r.events.reduce((s, e) => s + e.chargedNs, 0);
    assert.equal(sum, l.sync!.cumNs);
    // sorted by time; each is the goroutine's span at that time on the timeline
    for (let i = 1; i < r.events.length; i++) assert.ok(r.events[i].timeNs >= r.events[i - 1].timeNs);
    const first = r.events[0];
    const st = await client.request<{ spanStartNs: number; spanEndNs: number; state: string }>(Methods.goroutineStack,
      { traceId: opened.traceId, goroutine: first.goroutine, timeNs: first.timeNs });
    assert.deepEqual([st.spanStartNs, st.spanEndNs], [first.timeNs, first.endNs]);
    // a limit keeps the longest and says so
    const few = await findLineEvents((m, p) => client.request(m, p), opened.traceId, lines.match.tracePath!, l, { limit: 5 });
    assert.equal(few.events.length, 5);
    assert.equal(few.total, 63);
    assert.equal(few.truncated, true);
    const longest = [...r.events].sort((a, b) => (b.endNs - b.timeNs) - (a.endNs - a.timeNs)).slice(0, 5).map((e) => e.endNs - e.timeNs);
    assert.deepEqual(few.events.map((e) => e.endNs - e.timeNs).sort((a, b) => b - a), longest);
    const w = revealWindow(r.events, opened.summary.durationNs);
    assert.ok(w.startNs <= r.events[0].timeNs && w.endNs >= r.events[r.events.length - 1].endNs && w.endNs <= opened.summary.durationNs);
  } finally {
    await client.stop();
  }
});

test('server: every method the extension and its webview use answers on a real trace (checks a packaged/trimmed build)', { skip }, async () => {
  const client = makeClient([]);
  const os = await import('node:os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-client-'));
  try {
    const { traceId, summary } = await client.request<OpenResult>(Methods.open, { path: trace });
    const calls: [string, object, (r: never) => void][] = [
      [Methods.ping, { message: 'x' }, (r: { message: string }) => assert.equal(r.message, 'x')],
      [Methods.blockingSites, { traceId, kind: 'sync', limit: 1 }, (r: { totalNs: number; totalCount: number }) => {
        assert.equal(r.totalNs, 355815425); assert.equal(r.totalCount, 503);
      }],
      [Methods.timeline, { traceId, startNs: 0, endNs: summary.durationNs, nsPerPixel: Math.ceil(summary.durationNs / 1000), kinds: ['proc', 'gc', 'counter'] },
        (r: { tracks: unknown[] }) => assert.ok(r.tracks.length >= 3)],
      [Methods.goroutineGroups, { traceId }, (r: { groups: { name: string; count: number }[] }) =>
        assert.equal(r.groups.find((g) => g.name === 'main.condWaiter')?.count, 9)],
      [Methods.goroutineGroup, { traceId, name: 'main.condWaiter' }, (r: { count: number }) => assert.equal(r.count, 9)],
      [Methods.goroutines, { traceId, limit: 5 }, (r: { total: number; goroutines: unknown[] }) => { assert.equal(r.total, 239); assert.equal(r.goroutines.length, 5); }],
      [Methods.search, { traceId, kind: 'goBlock', limit: 3 }, (r: { hits: unknown[] }) => assert.equal(r.hits.length, 3)],
      [Methods.mmu, { traceId, windowsNs: [1_000_000] }, (r: { points: { mmu: number }[] }) => assert.ok(r.points[0].mmu >= 0 && r.points[0].mmu <= 1)],
      [Methods.exportPprof, { traceId, kind: 'sync', outputPath: path.join(dir, 'sync.pb.gz') }, (r: { samples: number; outputPath: string }) => {
        assert.equal(r.samples, 11);
        const head = fs.readFileSync(r.outputPath).subarray(0, 2);
        assert.deepEqual([...head], [0x1f, 0x8b], 'gzip');
      }],
    ];
    for (const [m, p, check] of calls) check(await client.request<never>(m, p));
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
