// The end-to-end tests (issue 6, then issue 7's from views.mjs), run in order by run.mjs against one VS Code window. `ctx` holds the page, the
// installed extension's manifest, the workspace and the fixture (e2e/fixtures/blocking.json, from Go's own tools).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  waitFor, explorerRow, closeQuickInput, runCommand, clearNotifications, waitForPaletteCommand, commandLabel,
  editorFor, readEditorPosition, viewLine, hookFrames, framePointToPage, visibleTabs, hasTab, theOnlyHookFrame,
} from './lib/workbench.mjs';
import { viewTests } from './views.mjs';
import { parseDurations, equalsAtDisplayPrecision, formatLike } from './lib/duration.mjs';

const TRACE_NAME = 'blocking.go1.27.trace';

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

/** Lines of VS Code's extension-host logs (the remote extension host runs in code-server) mentioning `needle`. */
function extHostLogLines(ctx, needle) {
  const found = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/exthost.*\.log$/i.test(e.name)) {
        for (const l of fs.readFileSync(p, 'utf8').split('\n')) if (l.includes(needle)) found.push(l);
      }
    }
  };
  const logs = path.join(ctx.userDataDir, 'logs');
  if (fs.existsSync(logs)) walk(logs);
  return found;
}

function extensionId(ctx) {
  const m = ctx.extension.manifest;
  return `${m.publisher}.${m.name}`;
}

/** The "open a trace" command of the manifest (title mentions opening a trace), else its first command. */
function openCommand(ctx) {
  const cmds = ctx.extension.manifest.contributes?.commands ?? [];
  assert(cmds.length > 0, 'the extension contributes no commands');
  return cmds.find((c) => /open.*trace/i.test(commandLabel(c))) ?? cmds[0];
}

async function theHookFrame(ctx, timeoutMs = 60_000) {
  return theOnlyHookFrame(ctx.page, timeoutMs);
}

export const tests = [
  {
    id: 'activate',
    title: 'the extension is activated and its command is in the palette and runs',
    timeoutMs: 90_000,
    async run(ctx) {
      const { page } = ctx;
      const cmd = openCommand(ctx);
      const label = commandLabel(cmd);
      const rows = await waitForPaletteCommand(page, label, 30_000);
      ctx.log(`palette: ${rows.slice(0, 3).join(' | ')}`);
      await runCommand(page, label);
      const id = extensionId(ctx);
      const lines = await waitFor(`the extension host to log the activation of ${id}`, async () => {
        const l = extHostLogLines(ctx, `_doActivateExtension ${id}`);
        return l.length ? l : null;
      }, { timeoutMs: 30_000, intervalMs: 500 });
      ctx.log(lines[0].replace(/^.*?_doActivateExtension/, 'activated:'));
      const failed = extHostLogLines(ctx, `Activating extension '${id}' failed`);
      assert(failed.length === 0, `activation failed: ${failed.join('\n')}`);
      // Without an argument the command asks for a trace: VS Code's open dialog (a quick input in the browser).
      // (Its input holds a folder path, where the palette's held ">…".)
      const dialog = await waitFor('the command\'s open dialog', async () => {
        if (!(await page.isVisible('.quick-input-widget'))) return null;
        const value = await page.inputValue('.quick-input-widget .quick-input-box input').catch(() => '');
        if (!value.startsWith('/')) return null;
        const title = (await page.textContent('.quick-input-widget .quick-input-title').catch(() => '')) ?? '';
        return { value, title: title.trim() };
      }, { timeoutMs: 15_000 });
      ctx.log(`the command opened a dialog "${dialog.title}" at ${dialog.value}`);
      await closeQuickInput(page);
    },
  },
  {
    id: 'open-trace',
    title: 'clicking the trace in the explorer opens it in the trace editor and the timeline is drawn',
    timeoutMs: 150_000,
    async run(ctx) {
      const { page } = ctx;
      await clearNotifications(page);
      const row = await explorerRow(page, TRACE_NAME);
      await row.click();
      await waitFor(`an active editor tab "${TRACE_NAME}"`, async () => {
        return hasTab(await visibleTabs(page, { active: true }), TRACE_NAME);
      });
      const frame = await theHookFrame(ctx);
      const t0 = Date.now();
      await frame.evaluate(() => window.gotraceTest.ready());
      ctx.log(`timeline ready ${((Date.now() - t0) / 1000).toFixed(1)}s after the webview appeared`);
      // Opened by the custom editor, not as text (the default editor for *.trace files must be ours).
      assert(!(await editorFor(page, TRACE_NAME)), `${TRACE_NAME} opened in a text editor`);
      ctx.hookFrame = frame;
      ctx.openTrace = TRACE_NAME;
    },
  },
  {
    id: 'click-span',
    title: 'clicking a known sync-blocking span opens main.go at its line',
    needs: ['open-trace'],
    timeoutMs: 90_000,
    async run(ctx) {
      const { page, fixture } = ctx;
      const { goroutine, timeNs } = fixture.span;
      const { line, file } = fixture.source;
      const frame = ctx.hookFrame;
      const pt = await frame.evaluate(([g, t]) => window.gotraceTest.locateSpan(g, t), [goroutine, timeNs]);
      assert(pt && Number.isFinite(pt.x) && Number.isFinite(pt.y),
        `locateSpan(${goroutine}, ${timeNs}) found no span: ${JSON.stringify(pt)}`);
      const p = await framePointToPage(frame, pt.x, pt.y);
      ctx.log(`span of G${goroutine} at ${timeNs} ns: webview (${pt.x.toFixed(1)}, ${pt.y.toFixed(1)}) -> page (${p.x.toFixed(1)}, ${p.y.toFixed(1)})`);
      await page.mouse.move(p.x, p.y);
      await page.mouse.click(p.x, p.y);
      const editor = await waitFor(`an editor showing ${file}`, () => editorFor(page, file), { timeoutMs: 30_000 });
      let last;
      try {
        await waitFor(`${file} to show the cursor or selection at line ${line}`, async () => {
          last = await readEditorPosition(page, editor);
          return last.statusLine === line || last.cursorLines.includes(line) || last.selectedLines[0] === line;
        }, { timeoutMs: 20_000 });
      } catch (e) {
        throw new Error(`${e.message}; editor state: ${JSON.stringify(last)}`);
      }
      ctx.log(`${file}: status "${last.status}", cursor lines ${last.cursorLines}, selected lines ${last.selectedLines}`);
      // The details pane describes the wait Go reports: its goroutine's function, its start and end (since the trace
      // start, at the pane's precision).
      const details = await frame.evaluate(() => window.gotraceTest.detailsText());
      const excerpt = JSON.stringify(details.slice(0, 600));
      assert(details.includes('main.lockContender'), `the details pane does not show main.lockContender: ${excerpt}`);
      const shown = parseDurations(details);
      for (const [what, ns] of [['start', fixture.span.blockStartNs], ['end', fixture.span.blockEndNs]]) {
        const rel = ns - fixture.span.traceStartNs;
        assert(shown.some((d) => equalsAtDisplayPrecision(d, rel)),
          `the details pane does not show the wait's ${what} ${rel} ns (Go): ${excerpt}`);
      }
    },
  },
  {
    id: 'hover',
    title: 'hovering that line shows its cumulative sync blocking time, equal to Go\'s profile',
    timeoutMs: 60_000,
    async run(ctx) {
      const { page, fixture } = ctx;
      const { line, file } = fixture.source;
      const expectedNs = fixture.syncProfile.delayNs;
      // main.go is open after click-span; open it from the explorer when that test failed or did not run.
      if (!(await editorFor(page, file))) {
        await closeQuickInput(page);
        await (await explorerRow(page, file)).click();
      }
      const editor = await waitFor(`an editor showing ${file}`, () => editorFor(page, file));
      const lineEl = await waitFor(`line ${line} of ${file} rendered`, () => viewLine(editor, line));
      // Hover a token of the line (the statement, not the comment).
      const token = await lineEl.evaluateHandle((el) => {
        const spans = [...el.querySelectorAll('span > span')];
        return spans.find((s) => /\bLock\b/.test(s.textContent)) ?? spans.find((s) => s.textContent.trim());
      });
      const box = await token.asElement().boundingBox();
      assert(box, `no box for a token of line ${line}`);
      let text = '';
      let attempt = 0;
      const hover = await waitFor('a hover with a sync blocking time', async () => {
        if (attempt++ % 10 === 0) {
          // (re)trigger: move away, then onto the token
          await page.mouse.move(box.x + box.width / 2, box.y - 40);
          await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
        }
        const hovers = await page.$$('.monaco-hover:not(.hidden)');
        for (const h of hovers) {
          if (!(await h.isVisible())) continue;
          text = (await h.innerText()).trim();
          if (/sync/i.test(text) && parseDurations(text).length) return text;
        }
        return null;
      }, { timeoutMs: 30_000, intervalMs: 300 }).catch((e) => { throw new Error(`${e.message}; hover text: ${JSON.stringify(text)}`); });
      fs.writeFileSync(path.join(ctx.artifacts, 'hover.txt'), hover + '\n');
      const tables = await page.$$eval('.monaco-hover:not(.hidden) table', (ts) => ts.map((t) => ({
        headers: [...t.querySelectorAll('thead th, tr:first-child th')].map((c) => c.textContent.trim()),
        rows: [...t.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent.trim())),
      })));
      const verdict = checkSyncCumulative(hover, expectedNs, { tables, contentions: fixture.syncProfile.contentions });
      ctx.log(`hover: ${verdict.detail}`);
      assert(verdict.ok, `${verdict.detail}\nhover text:\n${hover}`);
    },
  },
  {
    id: 'cancel-open',
    title: 'a trace still being read shows its progress; Cancel closes the tab and the extension keeps working',
    timeoutMs: 120_000,
    async run(ctx) {
      const { page, fixture } = ctx;
      // A named pipe the test feeds slowly: the server reads what arrives and waits for more, so the editor stays in
      // its progress view until Cancel (the server reads pipes without a length: totalBytes 0). The feed never stops
      // for long: the host closes the tab when the server acknowledges the cancel, which a read blocked on a silent
      // pipe delays until more bytes come (see the e2e README).
      const name = 'stalled.trace';
      const fifo = path.join(ctx.workspace, name);
      const made = spawnSync('mkfifo', [fifo]);
      assert(made.status === 0, `mkfifo failed: ${made.stderr}`);
      const fd = fs.openSync(fifo, 'r+'); // read-write: never blocks, and the reader sees no EOF while it is open
      const bytes = fs.readFileSync(path.join(ctx.root, fixture.trace));
      let sent = 0;
      const feeder = setInterval(() => {
        // 512 bytes a tick up to 16 KiB (the first events), then 64 (the rest would take about 25 s)
        const n = Math.min(sent < 16384 ? 512 : 64, bytes.length - 1 - sent);
        if (n <= 0) return;
        try { sent += fs.writeSync(fd, bytes, sent, n); } catch { /* full pipe: next time */ }
      }, 100);
      try {
        const before = await hookFrames(page);
        await closeQuickInput(page);
        await (await explorerRow(page, name)).click();
        const frame = await waitFor('the progress view of the new trace editor', async () => {
          for (const f of await hookFrames(page)) {
            if (before.includes(f)) continue;
            if (await f.isVisible('.progress-view').catch(() => false)) return f;
          }
          return null;
        }, { timeoutMs: 30_000, intervalMs: 300 });
        const progress = await waitFor('progress with bytes and events read', async () => {
          const t = (await frame.textContent('.progress-view .progress-line').catch(() => '')) ?? '';
          // e.g. "12.0 KiB of 0 B · 1,234 events": some bytes and some events read
          const m = /^([\d.,]+)\s*([KMG]?i?B)\b.*?([\d,]+) events/.exec(t.trim());
          return m && Number(m[1].replace(/,/g, '')) > 0 && Number(m[3].replace(/,/g, '')) > 0 ? t.trim() : null;
        }, { timeoutMs: 30_000, intervalMs: 200 });
        ctx.log(`progress: "${progress}" (sent ${sent} of ${bytes.length} bytes)`);
        await frame.locator('.progress-view button', { hasText: 'Cancel' }).click();
        let labels = [];
        await waitFor(`the tab "${name}" to close after Cancel`, async () => {
          labels = await visibleTabs(page);
          return !hasTab(labels, name);
        }, { timeoutMs: 20_000 }).catch((e) => { throw new Error(`${e.message}; tabs: ${JSON.stringify(labels)}`); });
        const errors = await page.$$eval('.notifications-toasts .notification-toast', (ts) =>
          ts.filter((t) => t.querySelector('.codicon-error')).map((t) => t.textContent.trim()));
        assert(errors.length === 0, `error notifications after Cancel: ${errors.join(' | ')}`);
        // The server still answers: the first trace's editor (from open-trace; shown again, its webview is made anew
        // when it was hidden) draws its timeline and finds the span again.
        if (hasTab(await visibleTabs(page, { active: true }), TRACE_NAME)) {
          const again = await theHookFrame(ctx);
          await again.evaluate(() => window.gotraceTest.ready());
          const pt = await again.evaluate(([g, t]) => window.gotraceTest.locateSpan(g, t), [fixture.span.goroutine, fixture.span.timeNs]);
          assert(pt, 'after Cancel, the first trace\'s editor no longer finds the span');
          ctx.hookFrame = again;
          ctx.log('after Cancel, the first trace\'s timeline is drawn again and finds the span');
        }
      } finally {
        clearInterval(feeder);
        fs.closeSync(fd);
      }
    },
  },
  // issue 7: the analysis tabs and the timeline's navigation (e2e/views.mjs)
  ...viewTests,
];

/**
 * Finds the cumulative sync blocking time in the hover and compares it with Go's. The host's hover
 * (extension/src/host/format.ts formatLineHover) is a Markdown table per trace, one row per blocking kind with a
 * "cumulative" column (3 significant digits: "6.37 ms") and an "events (cum/flat)" column, followed by exact
 * lines "- sync exact: cumulative 6,372,929 ns in 48 events, ...". When the hover has such a table, its sync row
 * decides (and the exact line and the event count, when shown, must match too); otherwise the durations of the
 * lines about sync (those saying "cum…" first) are searched.
 */
export function checkSyncCumulative(text, expectedNs, { tables = [], contentions } = {}) {
  const notes = [];
  for (const t of tables) {
    const cumCol = t.headers.findIndex((h) => /^cum/i.test(h));
    const row = t.rows.find((r) => /^sync\b/i.test(r[0] ?? ''));
    if (cumCol < 0 || !row) continue;
    const cell = row[cumCol] ?? '';
    const shown = parseDurations(cell);
    if (shown.length !== 1) return { ok: false, detail: `the sync row's cumulative cell is not one duration: ${JSON.stringify(cell)}` };
    if (!equalsAtDisplayPrecision(shown[0], expectedNs)) {
      return { ok: false, detail: `the sync row's cumulative time is ${shown[0].raw}; Go's sync profile: ${expectedNs} ns (= ${formatLike(shown[0], expectedNs)})` };
    }
    notes.push(`table: sync cumulative ${shown[0].raw} = Go's ${expectedNs} ns at display precision`);
    const evCol = t.headers.findIndex((h) => /^events/i.test(h));
    if (evCol >= 0 && contentions !== undefined) {
      const cum = Number((/^([\d,]+)/.exec(row[evCol] ?? '')?.[1] ?? 'NaN').replace(/,/g, ''));
      if (cum !== contentions) return { ok: false, detail: `the sync row shows ${JSON.stringify(row[evCol])} events; Go's profile: ${contentions} contentions` };
      notes.push(`events ${cum} = Go's ${contentions}`);
    }
    const exact = /sync\b[^\n]*?exact:\s*cumulative\s+([\d,]+)\s*ns/i.exec(text);
    if (exact) {
      const ns = Number(exact[1].replace(/,/g, ''));
      if (ns !== expectedNs) return { ok: false, detail: `the exact line says ${exact[1]} ns; Go's sync profile: ${expectedNs} ns` };
      notes.push(`exact ${exact[1]} ns = Go's`);
    }
    return { ok: true, detail: notes.join('; ') };
  }
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  // The sync part: from a line naming sync to the next line naming another kind (a table row or a heading).
  const other = /\b(net(work)?|syscall|sched(uler|uling)?)\b/i;
  const syncLines = [];
  let inSync = false;
  for (const l of lines) {
    if (/\bsync\b/i.test(l)) inSync = true;
    else if (other.test(l)) inSync = false;
    if (inSync) syncLines.push(l);
  }
  const cumLines = syncLines.filter((l) => /cum/i.test(l));
  const pool = cumLines.length ? cumLines : syncLines;
  const shown = pool.flatMap((l) => parseDurations(l));
  const expect = (d) => formatLike(d, expectedNs);
  const hit = shown.find((d) => equalsAtDisplayPrecision(d, expectedNs));
  if (hit) return { ok: true, detail: `shows ${hit.raw}; Go's sync profile: ${expectedNs} ns (= ${expect(hit)})` };
  return {
    ok: false,
    detail: `no sync duration equals Go's ${expectedNs} ns at display precision; shown: ${shown.map((d) => `${d.raw} (Go: ${expect(d)})`).join(', ') || 'none'}`,
  };
}
