// The end-to-end tests of issue 7: the trace editor's analysis tabs and the timeline's search, in the same VS Code
// window as tests.mjs (run after them by run.mjs). Every expected number comes from Go 1.27's own output, through
// e2e/fixtures/views.json (e2e/tools/make-fixtures.sh → make-view-fixtures.mjs), never from this project's server.
import {
  waitFor, explorerRow, closeQuickInput, runCommand, clearNotifications, visibleTabs, hasTab, hookFrames, theOnlyHookFrame,
} from './lib/workbench.mjs';
import { equalsAtDisplayPrecision, formatLike } from './lib/duration.mjs';
import { parseCount, durationCellEquals, decimalEquals, parseMmuReadout, titleTotal } from './lib/views-checks.mjs';

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const tid = (id) => `[data-testid="${id}"]`;

/**
 * The webview frame of the trace `name`, open and drawn: the active editor when it already is (and the only trace
 * editor), else every editor is closed and the trace is opened from the explorer.
 */
async function traceEditor(ctx, name) {
  const { page } = ctx;
  if (ctx.openTrace === name && hasTab(await visibleTabs(page, { active: true }), name)) {
    const frames = await hookFrames(page);
    if (frames.length === 1) {
      await frames[0].evaluate(() => window.gotraceTest.ready());
      return frames[0];
    }
  }
  ctx.openTrace = null;
  await closeQuickInput(page);
  await runCommand(page, 'View: Close All Editors');
  await waitFor('every editor closed', async () => (await visibleTabs(page)).length === 0 && (await hookFrames(page)).length === 0,
    { timeoutMs: 20_000, intervalMs: 300 });
  await clearNotifications(page);
  await (await explorerRow(page, name)).click();
  await waitFor(`an active editor tab "${name}"`, async () => hasTab(await visibleTabs(page, { active: true }), name));
  const frame = await theOnlyHookFrame(page);
  await frame.evaluate(() => window.gotraceTest.ready());
  ctx.openTrace = name;
  return frame;
}

/** Clicks the tab button `tab-<id>` (a real click) and waits until the hook says it is shown and its panel is visible. */
async function showTab(frame, id, panel) {
  await frame.click(tid(`tab-${id}`));
  await waitFor(`the ${id} tab to be shown`, async () =>
    (await frame.evaluate(() => window.gotraceTest.currentTab?.())) === id && frame.isVisible(tid(panel)), { timeoutMs: 15_000 });
}

/** The rows of the data table `testid`: key (data-key), cells' text, by header label (sort marks removed). */
async function tableRows(frame, testid) {
  return frame.$$eval(`${tid(testid)} tbody tr`, (trs) => {
    if (trs.length === 0) return [];
    const table = trs[0].closest('table');
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent.replace(/[▲▼]/g, '').trim());
    return trs.map((tr) => {
      const cells = [...tr.querySelectorAll(':scope > td')].map((td) => td.textContent.trim());
      const byHeader = {};
      headers.forEach((h, i) => { byHeader[h] = cells[i]; });
      return { key: tr.dataset.key, cells: byHeader, selected: tr.getAttribute('aria-selected') === 'true' };
    });
  });
}

const short = (x) => JSON.stringify(x).slice(0, 400);

/** A window size as shown equals Go's at its display precision, or within 0.1%. */
function sameWindow(shown, goNs) {
  if (equalsAtDisplayPrecision(shown, goNs)) return true;
  const unitNs = shown.value ? shown.ns / shown.value : 1;
  const halfStepNs = 0.5 * 10 ** -shown.decimals * unitNs; // the shown value stands for shown.ns ± halfStepNs
  return Math.abs(shown.ns - goNs) <= halfStepNs + goNs * 1e-3;
}

export const viewTests = [
  {
    id: 'view-summary',
    title: 'the Summary tab shows each blocking kind\'s total and wait count as Go\'s -pprof=KIND profiles',
    timeoutMs: 120_000,
    async run(ctx) {
      const { blocking } = ctx.views;
      const frame = await traceEditor(ctx, blocking.trace);
      await showTab(frame, 'summary', 'view-summary');
      const notes = [];
      for (const [kind, go] of Object.entries(blocking.kinds)) {
        const total = await waitFor(`the Summary's ${kind} total`, () => frame.textContent(tid(`summary-total-${kind}`)).catch(() => null),
          { timeoutMs: 30_000 });
        assert(durationCellEquals(total, go.delayNs),
          `Summary ${kind} total shows ${JSON.stringify(total)}; Go's -pprof=${kind} total: ${go.delayNs} ns`);
        // the card's head: "Synchronization blocking", the total, "503 waits", "All sites…"
        const head = (await frame.$eval(tid(`summary-kind-${kind}`), (c) =>
          [...(c.querySelector('.kind-head')?.children ?? [])].map((e) => e.textContent.trim()).join(' | '))) ?? '';
        const waits = /\|\s*([\d,]+)\s+waits?\s*(\||$)/.exec(head);
        assert(waits && parseCount(waits[1]) === go.contentions,
          `Summary ${kind} card says ${JSON.stringify(head)}; Go's profile: ${go.contentions} contentions`);
        notes.push(`${kind} ${total.trim()} in ${waits[1]} waits`);
      }
      ctx.log(`summary = Go: ${notes.join('; ')}`);
    },
  },
  {
    id: 'view-goroutines',
    title: 'the Goroutines tab lists Go\'s groups with their counts and execution times; a group lists Go\'s goroutines',
    timeoutMs: 120_000,
    async run(ctx) {
      const { blocking } = ctx.views;
      const frame = await traceEditor(ctx, blocking.trace);
      await showTab(frame, 'goroutines', 'view-goroutines');
      const rows = await waitFor('the goroutine groups table', async () => {
        const r = await tableRows(frame, 'goroutine-groups');
        return r.length ? r : null;
      }, { timeoutMs: 30_000 });
      for (const g of blocking.groups) {
        const row = rows.find((r) => r.key === g.name);
        assert(row, `no row for Go's group ${g.name}; rows: ${rows.map((r) => r.key).join(', ')}`);
        assert(parseCount(row.cells.Count) === g.count, `group ${g.name}: count ${row.cells.Count}; Go: ${g.count}`);
        assert(durationCellEquals(row.cells.Execution, g.execNs),
          `group ${g.name}: execution ${row.cells.Execution}; Go: ${g.execText} (${g.execNs} ns)`);
      }
      assert(rows.length === blocking.groups.length, `${rows.length} groups shown; Go has ${blocking.groups.length}`);
      const sl = blocking.groups.find((g) => g.name === 'main.shortLived');
      ctx.log(`${rows.length} groups = Go's (e.g. main.shortLived: ${sl?.count} goroutines, ${sl?.execText})`);

      // A group: its goroutines, as Go's page of that group (IDs and total times).
      const { function: fn, goroutines } = blocking.search;
      await frame.click(`${tid('goroutine-groups-row')}[data-key="${fn}"]`);
      await waitFor(`the group pane of ${fn}`, async () =>
        ((await frame.textContent(tid('goroutine-group-title')).catch(() => '')) ?? '').startsWith(fn), { timeoutMs: 20_000 });
      const members = await waitFor('the group\'s goroutines', async () => {
        const r = await tableRows(frame, 'group-goroutines');
        return r.length ? r : null;
      });
      const ids = members.map((r) => Number(r.key)).sort((a, b) => a - b);
      const goIds = goroutines.map((g) => g.id).sort((a, b) => a - b);
      assert(JSON.stringify(ids) === JSON.stringify(goIds), `${fn}: goroutines ${ids.join(',')}; Go: ${goIds.join(',')}`);
      for (const g of goroutines) {
        const r = members.find((m) => Number(m.key) === g.id);
        assert(durationCellEquals(r.cells.Total, g.totalNs), `G${g.id}: total ${r.cells.Total}; Go: ${g.totalText}`);
      }
      ctx.log(`${fn}: ${ids.length} goroutines with Go's IDs and total times`);
    },
  },
  {
    id: 'view-blocking',
    title: 'the Blocking tab\'s total and wait count of each kind equal Go\'s -pprof=KIND profiles',
    timeoutMs: 120_000,
    async run(ctx) {
      const { blocking } = ctx.views;
      const frame = await traceEditor(ctx, blocking.trace);
      await showTab(frame, 'blocking', 'view-blocking');
      const notes = [];
      for (const [kind, go] of Object.entries(blocking.kinds)) {
        await frame.selectOption(tid('blocking-kind'), kind);
        let last = '';
        await waitFor(`the Blocking tab's ${kind} total (Go: ${go.delayNs} ns in ${go.contentions} waits)`, async () => {
          last = ((await frame.textContent(tid('blocking-totals'))) ?? '').trim();
          const total = (await frame.textContent(tid('blocking-total'))) ?? '';
          const waits = /in\s+([\d,]+)\s+waits?\b/.exec(last);
          return durationCellEquals(total, go.delayNs) && waits && parseCount(waits[1]) === go.contentions;
        }, { timeoutMs: 20_000 }).catch((e) => { throw new Error(`${e.message}; shown: ${JSON.stringify(last)}`); });
        notes.push(`${kind}: ${last}`);
      }
      ctx.log(`blocking = Go: ${notes.join(' | ')}`);
    },
  },
  {
    id: 'timeline-search',
    title: 'searching main.lockContender lists Go\'s goroutines; picking one scrolls to its row and selects it',
    timeoutMs: 150_000,
    async run(ctx) {
      const { page } = ctx;
      const { blocking } = ctx.views;
      const { function: fn, goroutines } = blocking.search;
      const frame = await traceEditor(ctx, blocking.trace);
      await showTab(frame, 'timeline', 'panel-timeline');
      const thumbTop = () => frame.$eval('.timeline .vscroll-thumb', (e) => (e.hidden ? 0 : parseFloat(e.style.top) || 0));
      // scrolled to the top: PageUp on the timeline until the scrollbar's thumb stops moving; returns where it rests
      const toTop = async () => {
        let prev = null;
        return waitFor('the timeline scrolled to the top', async () => {
          await frame.press('.timeline-canvas', 'PageUp');
          await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
          const t = await thumbTop();
          if (prev !== null && t === prev) return { top: t };
          prev = t;
          return null;
        }, { timeoutMs: 15_000, intervalMs: 50 }).then((x) => x.top);
      };
      // The target: Go's goroutine of that function whose row is furthest down (highest ID tried first) and out of
      // view with the rows at the top — checked by asking the hook to show it, which must scroll.
      const top = await toTop();
      let target = null;
      for (const g of goroutines.slice().sort((a, b) => b.id - a.id)) {
        const pt = await frame.evaluate(([id, t]) => window.gotraceTest.locateSpan(id, t), [g.id, g.timeNs]);
        assert(pt, `locateSpan(${g.id}, ${g.timeNs}) found no span (Go: G${g.id} has one from ${g.spanStartNs} to ${g.spanEndNs} ns)`);
        const moved = await thumbTop();
        await toTop();
        if (moved > top) { target = g; break; }
      }
      assert(target, `every ${fn} goroutine's row is visible without scrolling: the test would prove nothing`);

      // Search by function: the goroutine results are Go's goroutines of that group.
      await frame.click(tid('timeline-search-input'));
      await frame.fill(tid('timeline-search-input'), fn);
      const found = await waitFor(`goroutine results for "${fn}"`, async () => {
        const status = (await frame.textContent(tid('timeline-search-status')).catch(() => '')) ?? '';
        if (/searching/i.test(status)) return null;
        const ids = await frame.$$eval(`${tid('timeline-search-result')}[data-kind="goroutine"]`, (os) => os.map((o) => Number(o.dataset.goroutine)));
        return ids.length ? ids : null;
      }, { timeoutMs: 30_000 });
      const goIds = goroutines.map((g) => g.id).sort((a, b) => a - b);
      const shown = [...new Set(found)].sort((a, b) => a - b);
      assert(JSON.stringify(shown) === JSON.stringify(goIds), `goroutine results ${shown.join(',')}; Go's ${fn}: ${goIds.join(',')}`);

      // Pick the target (a real click); the view must scroll to its row and select it.
      const before = await thumbTop();
      await frame.click(`${tid('timeline-search-result')}[data-kind="goroutine"][data-goroutine="${target.id}"]`);
      const title = `G${target.id} ${fn}`;
      let details = '';
      await waitFor(`the details pane to show ${title}`, async () => {
        details = await frame.evaluate(() => window.gotraceTest.detailsText());
        return details.startsWith(title) || details.split('\n')[0].includes(title);
      }, { timeoutMs: 30_000 }).catch((e) => { throw new Error(`${e.message}; details: ${short(details)}`); });
      const after = await thumbTop();
      assert(after > before, `the rows did not scroll (scrollbar thumb at ${before}px, then ${after}px)`);
      // Its row is in view: showing it again through the hook needs no scrolling, and lands inside the plot.
      const pt = await frame.evaluate(([id, t]) => window.gotraceTest.locateSpan(id, t), [target.id, target.timeNs]);
      const again = await thumbTop();
      assert(pt && again === after, `G${target.id}'s row was not in view after the search (showing it scrolled ${after}px → ${again}px)`);
      const box = await frame.$eval('.timeline-canvas', (c) => { const r = c.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; });
      assert(pt.y > box.top && pt.y < box.bottom, `G${target.id}'s row is at y=${pt.y}, outside the timeline (${box.top}..${box.bottom})`);
      ctx.log(`search "${fn}": ${shown.length} goroutines = Go's; G${target.id} picked: rows scrolled (thumb ${before} → ${after}px), row in view, details "${details.split('\n')[0]}"`);
    },
  },
  {
    id: 'view-tasks',
    title: 'the Tasks & regions tab lists Go\'s task types with Go\'s counts (annotations.go1.27.trace)',
    timeoutMs: 150_000,
    async run(ctx) {
      const { tasks } = ctx.views;
      const frame = await traceEditor(ctx, tasks.trace);
      await showTab(frame, 'tasks', 'view-tasks');
      const rows = await waitFor('the task types table', async () => {
        const r = await tableRows(frame, 'task-types');
        return r.length ? r : null;
      }, { timeoutMs: 30_000 });
      for (const t of tasks.types) {
        const row = rows.find((r) => r.key === t.name);
        assert(row, `no row for Go's task type ${JSON.stringify(t.name)}; rows: ${short(rows.map((r) => r.key))}`);
        assert(parseCount(row.cells.Count) === t.count, `task type ${JSON.stringify(t.name)}: count ${row.cells.Count}; Go: ${t.count}`);
      }
      assert(rows.length === tasks.types.length, `${rows.length} task types shown; Go has ${tasks.types.length}`);
      ctx.log(`task types = Go's: ${tasks.types.map((t) => `${t.name || '""'} ${t.count}`).join(', ')}`);
    },
  },
  {
    id: 'task-bucket',
    title: 'a task type\'s histogram bucket lists exactly the tasks Go lists for it',
    timeoutMs: 120_000,
    async run(ctx) {
      const { tasks } = ctx.views;
      const b = tasks.bucket;
      const frame = await traceEditor(ctx, tasks.trace);
      await showTab(frame, 'tasks', 'view-tasks');
      const row = `${tid('task-types-row')}[data-key="${b.type}"]`;
      const buckets = await waitFor(`the histogram buckets of "${b.type}"`, async () => {
        const bs = await frame.$$eval(`${row} ${tid('task-bucket')}`, (els) => els.map((e) => ({ minNs: Number(e.dataset.minNs), label: e.textContent.trim(), disabled: e.disabled })));
        return bs.length ? bs : null;
      }, { timeoutMs: 30_000 });
      const i = buckets.findIndex((x) => Math.abs(x.minNs - b.minNs) <= 1);
      assert(i >= 0, `no bucket of "${b.type}" starting at Go's ${b.label} (${b.minNs} ns): ${short(buckets)}`);
      const button = frame.locator(`${row} ${tid('task-bucket')}`).nth(i);
      await button.click();
      assert((await button.getAttribute('aria-pressed')) === 'true', 'the bucket button is not pressed after the click');
      const goIds = b.tasks.map((t) => t.id).sort((x, y) => x - y);
      let shown = [];
      await waitFor(`the instance list of the ${b.label} bucket`, async () => {
        shown = await tableRows(frame, 'task-instances');
        return shown.length > 0;
      }, { timeoutMs: 30_000 });
      const ids = shown.map((r) => Number(r.key)).sort((x, y) => x - y);
      assert(JSON.stringify(ids) === JSON.stringify(goIds), `the bucket lists tasks ${ids.join(',')}; Go's ${b.page}: ${goIds.join(',')}`);
      const title = (await frame.textContent(tid('instances-title'))) ?? '';
      assert(titleTotal(title) === b.tasks.length, `the list's title says ${JSON.stringify(title)}; Go lists ${b.tasks.length}`);
      for (const t of b.tasks) {
        const r = shown.find((s) => Number(s.key) === t.id);
        assert(durationCellEquals(r.cells.Duration, t.durationNs), `task ${t.id}: duration ${r.cells.Duration}; Go: ${t.durationText}`);
      }
      ctx.log(`bucket "${b.type}" ${buckets[i].label}: tasks ${ids.join(',')} with their durations = Go's ${b.page}`);
    },
  },
  {
    id: 'view-mmu',
    title: 'the MMU tab, set to Go\'s flags, reads Go\'s MMU curve (gcheavy.go1.27.trace) and the whole trace\'s worst window',
    timeoutMs: 150_000,
    async run(ctx) {
      const { page } = ctx;
      const { mmu } = ctx.views;
      const frame = await traceEditor(ctx, mmu.trace);
      await showTab(frame, 'mmu', 'view-mmu');
      // Go's flags of the fixture's curve: the view radio and the Include checkboxes set to them (each change reloads)
      const flags = new Set(mmu.flags.split('|').filter(Boolean));
      await frame.check(tid(flags.has('perProc') ? 'mmu-view-perProc' : 'mmu-view-system'));
      for (const f of ['stw', 'background', 'assist', 'sweep']) await frame.setChecked(tid(`mmu-${f}`), flags.has(f));
      // loaded: the readout invites to read the curve and the options' status no longer says "Computing…"
      await waitFor('the MMU curve', async () => /←\/→/.test((await frame.textContent(tid('mmu-readout'))) ?? '')
        && ((await frame.textContent('.mmu-options > .muted')) ?? '').trim() === '', { timeoutMs: 60_000 });
      await frame.focus(tid('mmu-plot'));
      const read = async () => (await frame.textContent(tid('mmu-readout'))) ?? '';
      // Every point of the curve, Home then → one by one to End: the window equals Go's point (the same 100 log-spaced
      // sizes from 1 µs to the duration) and the MMU is at least Go's at the 3 decimals shown, and equal at the first
      // point and at the last (the whole trace). Not equal everywhere by design: a window longer than one of the
      // 1,000 bands can start in a band past the last window that fits, which Go still evaluates (reaching past the
      // trace's end, where utilization is 0) and the server skips (server/GoTrace.Analysis/Mmu/README.md, "Where Go
      // is wrong", 2) — there Go's MMU can only be lower.
      const checkPoint = async (i) => {
        const [goWindow, goMmu] = mmu.curve[i];
        const text = await read();
        const r = parseMmuReadout(text);
        assert(r, `point ${i}: unreadable readout ${JSON.stringify(text)}`);
        // the same size as Go's point (at the precision shown, or within 0.1%: the tab's sizes run from 1 µs to the
        // server's duration, Go's from its xMin to its own duration, truncated to whole ns)
        assert(sameWindow(r.window, goWindow),
          `point ${i}: window ${r.window.raw}; Go's point ${i}: ${goWindow} ns (${formatLike(r.window, goWindow)})`);
        const equal = decimalEquals(r.mmu, goMmu);
        if (i === 0 || i === mmu.curve.length - 1) assert(equal, `point ${i} (${r.window.raw}): MMU ${r.mmu}; Go: ${goMmu}`);
        assert(equal || Number(r.mmu) > goMmu, `point ${i} (${r.window.raw}): MMU ${r.mmu}, lower than Go's ${goMmu}`);
        return equal ? 'equal' : 'above';
      };
      await page.keyboard.press('Home');
      const verdicts = [await checkPoint(0)];
      for (let i = 1; i < mmu.curve.length; i++) {
        await page.keyboard.press('ArrowRight');
        await waitFor(`the readout of point ${i}`, async () => {
          const r = parseMmuReadout(await read());
          return r && sameWindow(r.window, mmu.curve[i][0]);
        }, { timeoutMs: 5_000, intervalMs: 50 }).catch(() => {});
        verdicts.push(await checkPoint(i));
      }
      const last = mmu.curve.length - 1;
      await page.keyboard.press('End');
      await checkPoint(last);
      const above = verdicts.map((v, i) => (v === 'above' ? `${i}` : null)).filter(Boolean);
      const seen = [`${verdicts.length} points, ${verdicts.length - above.length} equal to Go's${above.length ? `, above Go's at ${above.join(',')}` : ''}`];
      // Enter: the worst windows of that size (the whole trace): Go's utilization of it.
      await page.keyboard.press('Enter');
      const first = await waitFor('the worst windows list', async () =>
        (await frame.textContent(`${tid('mmu-worst-list')} ${tid('mmu-worst-item')}`).catch(() => null)), { timeoutMs: 30_000 });
      const u = /^\s*(\d+\.\d+)/.exec(first)?.[1];
      const go = mmu.wholeTraceWorst[0].utilization;
      assert(u && decimalEquals(u, go), `the worst ${mmu.curve[last][0]} ns window shows ${JSON.stringify(first)}; Go: utilization ${go}`);
      ctx.log(`MMU = Go's curve at ${seen.join(', ')}; whole trace ${u}`);
    },
  },
];
