// Server start-up figures for the README: for each server build given, N runs of: spawn -> initialize answered,
// spawn -> first gotrace/open of a trace answered, RSS after the open (and peak RSS), plus a sanity check that
// sourceLines and exportPprof work with that build. Not a test (run by hand):
//   node extension/test/host/startup-bench.mjs [--runs N] [--trace FILE] NAME=PATH/TO/gotrace ...
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const rpc = require('vscode-jsonrpc/node');
const args = process.argv.slice(2);
let runs = 5;
let trace = resolve('testdata/traces/blocking.go1.27.trace');
const builds = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--trace') trace = resolve(args[++i]);
  else { const [name, path] = args[i].split('='); builds.push({ name, path }); }
}

/** CPU time (user + system) the process has used so far, ms (10 ms resolution). */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // utime, stime in clock ticks (USER_HZ = 100)
}

function status(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

async function once(path, check) {
  const t0 = process.hrtime.bigint();
  const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
  // As the extension starts it (serverClient.ts serverEnvironment): this environment as it is.
  const env = { ...process.env };
  const p = spawn(path, ['serve', '--log-level', 'warning'], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const c = rpc.createMessageConnection(new rpc.StreamMessageReader(p.stdout), new rpc.StreamMessageWriter(p.stdin));
  c.listen();
  await c.sendRequest('initialize', { processId: process.pid });
  const init = ms();
  const initCpu = cpuMs(p.pid);
  const o = await c.sendRequest('gotrace/open', { path: trace });
  const open = ms();
  const openCpu = cpuMs(p.pid);
  const mem = status(p.pid);
  if (check) {
    const lines = await c.sendRequest('gotrace/sourceLines', { traceId: o.traceId, file: '/x/blocking/main.go', line: 106 });
    const dir = mkdtempSync(join(tmpdir(), 'gotrace-bench-'));
    const r = await c.sendRequest('gotrace/exportPprof', { traceId: o.traceId, kind: 'sync', outputPath: join(dir, 'p.pb.gz') });
    check.push(`line 106 sync cum ${lines.lines[0]?.sync?.cumNs} ns; pprof ${r.samples} samples, ${statSync(r.outputPath).size} bytes`);
    rmSync(dir, { recursive: true, force: true });
  }
  await c.sendRequest('shutdown');
  await c.sendNotification('exit');
  await new Promise((r) => p.once('exit', r));
  c.dispose();
  return { init, open, initCpu, openCpu, ...mem };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
console.log(`trace ${trace}, ${runs} runs each, builds interleaved (after one warm-up run each)`);
console.log('build | size MiB | initialize wall ms (median, min) | initialize CPU ms | first open wall ms (median, min) | first open CPU ms | RSS after open MiB');
const checks = new Map(), results = new Map();
for (const b of builds) { const check = []; await once(b.path, check); checks.set(b, check); results.set(b, []); }
for (let i = 0; i < runs; i++) for (const b of builds) results.get(b).push(await once(b.path));
for (const b of builds) {
  const check = checks.get(b), rs = results.get(b);
  const du = Number(require('node:child_process').execSync(`du -sm ${JSON.stringify(join(b.path, '..'))}`).toString().split('\t')[0]);
  const f = (k) => `${median(rs.map((r) => r[k])).toFixed(0)} (${Math.min(...rs.map((r) => r[k])).toFixed(0)})`;
  console.log(`${b.name} | ${du} | ${f('init')} | ${f('initCpu')} | ${f('open')} | ${f('openCpu')} | ${median(rs.map((r) => r.rss)).toFixed(0)}`);
  console.log(`  check: ${check.join('; ')}`);
}
