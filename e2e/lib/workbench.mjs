// Driving the VS Code workbench (code-server) in the page: waiting, the explorer, the command palette, text
// editors (which line the cursor/selection is on), hovers, and the webview frames of custom editors.

/** Polls `fn` until it returns a truthy value (returned) or `timeoutMs` passes (throws with `what`). */
export async function waitFor(what, fn, { timeoutMs = 30_000, intervalMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}` +
        (lastError ? ` (last error: ${String(lastError.message ?? lastError).split('\n')[0]})` : ''));
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function waitForWorkbench(page, timeoutMs = 120_000) {
  await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
  // The explorer shows the folder's files once the workbench has restored its views.
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: timeoutMs });
}

/** Clears notification toasts (they can cover what a test clicks). */
export async function clearNotifications(page) {
  for (const b of await page.$$('.notifications-toasts .codicon-notifications-clear, .notification-toast .codicon-close')) {
    await b.click().catch(() => {});
  }
}

/** The explorer row of the file `name` (top level of the folder). */
export async function explorerRow(page, name) {
  return waitFor(`the explorer row "${name}"`, async () => {
    for (const row of await page.$$('.explorer-folders-view .monaco-list-row')) {
      const label = (await row.$eval('.label-name', (e) => e.textContent).catch(() => null));
      if (label === name) return row;
    }
    return null;
  });
}

/** The labels of the editor tabs shown (all groups); `active`: only each group's active tab. */
export async function visibleTabs(page, { active = false } = {}) {
  return page.$$eval(`.tabs-container .tab${active ? '.active' : ''}`, (els) => els
    .filter((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
    .map((e) => e.getAttribute('aria-label') ?? ''));
}

/** True when one of `labels` is the tab of the file `name` (tab labels may carry ", suffix"). */
export function hasTab(labels, name) {
  return labels.some((l) => l === name || l.startsWith(`${name},`));
}

/** Opens the command palette and types `text` (without the leading '>'). Returns the quick input widget. */
export async function openPalette(page, text) {
  const widget = '.quick-input-widget';
  await waitFor('the command palette', async () => {
    if (await page.isVisible(widget)) return true;
    await page.keyboard.press('F1');
    await page.waitForSelector(widget, { state: 'visible', timeout: 2_000 });
    return true;
  }, { timeoutMs: 20_000 });
  const input = page.locator(`${widget} .quick-input-box input`);
  await input.fill(`>${text}`);
  return page.locator(widget);
}

/** The labels of the palette's current rows. */
export async function paletteRows(page) {
  return page.$$eval('.quick-input-widget .quick-input-list .monaco-list-row', (rows) =>
    rows.map((r) => (r.getAttribute('aria-label') ?? r.textContent ?? '').trim()));
}

export async function closeQuickInput(page) {
  if (await page.isVisible('.quick-input-widget')) await page.keyboard.press('Escape');
  await page.waitForSelector('.quick-input-widget', { state: 'hidden', timeout: 5_000 }).catch(() => {});
}

/**
 * Waits until the palette lists `label` (the command palette shows what was registered when it opened, so it is
 * reopened until then); returns the rows shown. Closes the palette.
 */
export async function waitForPaletteCommand(page, label, timeoutMs = 60_000) {
  const rows = await waitFor(`"${label}" in the command palette`, async () => {
    await closeQuickInput(page);
    await openPalette(page, label);
    await page.waitForTimeout(300);
    const r = await paletteRows(page);
    return r.some((l) => l.startsWith(label)) ? r : null;
  }, { timeoutMs, intervalMs: 1_000 });
  await closeQuickInput(page);
  return rows;
}

/** The palette label of a contributed command ("Category: Title"). */
export function commandLabel(cmd) {
  const title = typeof cmd.title === 'string' ? cmd.title : cmd.title?.value;
  const category = typeof cmd.category === 'string' ? cmd.category : cmd.category?.value;
  return category ? `${category}: ${title}` : title;
}

/** Runs a palette command by its exact label (e.g. "Go Trace: Open Go Trace…"). */
export async function runCommand(page, label) {
  await openPalette(page, label);
  const row = await waitFor(`the palette row "${label}"`, async () => {
    for (const r of await page.$$('.quick-input-widget .quick-input-list .monaco-list-row')) {
      const l = (await r.getAttribute('aria-label')) ?? '';
      if (l === label || l.startsWith(`${label},`) || l.startsWith(`${label} `)) return r;
    }
    return null;
  }, { timeoutMs: 15_000 });
  await row.click();
}

/** The `.monaco-editor` element showing the file whose path ends with `/${fileName}`, or null. */
export async function editorFor(page, fileName) {
  for (const ed of await page.$$('.editor-instance .monaco-editor[data-uri]')) {
    const uri = await ed.getAttribute('data-uri');
    if (uri && decodeURIComponent(uri).endsWith(`/${fileName}`) && await ed.isVisible()) return ed;
  }
  return null;
}

/**
 * What a text editor shows about its selection, read from its DOM: for each visible line number its top offset,
 * then which lines hold a cursor, selected text or the current-line highlight. Also the status bar's "Ln N, Col M".
 */
export async function readEditorPosition(page, editor) {
  const dom = await editor.evaluate((ed) => {
    const topOf = (el) => parseFloat(el.style.top || getComputedStyle(el).top);
    const lineAtTop = new Map();
    for (const n of ed.querySelectorAll('.margin-view-overlays .line-numbers')) {
      const row = n.parentElement;
      const line = Number(n.textContent.trim());
      if (Number.isFinite(line) && line > 0) lineAtTop.set(Math.round(topOf(row)), line);
    }
    const linesOf = (selector) => [...ed.querySelectorAll(selector)]
      .map((el) => lineAtTop.get(Math.round(topOf(el.parentElement.style.top ? el.parentElement : el))))
      .filter((l) => l !== undefined);
    const cursorLines = [...ed.querySelectorAll('.cursors-layer .cursor')]
      .filter((c) => c.style.display !== 'none')
      .map((c) => {
        const t = Math.round(topOf(c));
        // the cursor's top is the line's top (cursor height = line height)
        return lineAtTop.get(t);
      }).filter((l) => l !== undefined);
    const activeLineNumbers = [...ed.querySelectorAll('.margin-view-overlays .active-line-number')]
      .map((n) => Number(n.textContent.trim()));
    return {
      cursorLines,
      selectedLines: [...new Set(linesOf('.view-overlays .selected-text'))].sort((a, b) => a - b),
      currentLines: linesOf('.view-overlays .current-line'),
      activeLineNumbers,
      visibleLines: [...lineAtTop.values()].sort((a, b) => a - b),
    };
  });
  const status = await page.$eval('[id="status.editor.selection"]', (e) => e.textContent.trim()).catch(() => '');
  const m = /Ln (\d+), Col (\d+)/.exec(status);
  return { ...dom, status, statusLine: m ? Number(m[1]) : null };
}

/** The `.view-line` element of line `line` in `editor` (must be rendered, i.e. scrolled into view). */
export async function viewLine(editor, line) {
  const handle = await editor.evaluateHandle((ed, wanted) => {
    const topOf = (el) => parseFloat(el.style.top || getComputedStyle(el).top);
    for (const n of ed.querySelectorAll('.margin-view-overlays .line-numbers')) {
      if (Number(n.textContent.trim()) !== wanted) continue;
      const top = Math.round(topOf(n.parentElement));
      for (const v of ed.querySelectorAll('.view-lines .view-line')) if (Math.round(topOf(v)) === top) return v;
    }
    return null;
  }, line);
  return handle.asElement();
}

/** Frames (at any depth) whose window defines `window.gotraceTest`. */
export async function hookFrames(page) {
  const found = [];
  for (const f of page.frames()) {
    if (f.isDetached()) continue;
    const has = await f.evaluate(() => typeof window.gotraceTest === 'object' && window.gotraceTest !== null)
      .catch((e) => {
        if (process.env.GOTRACE_E2E_DEBUG) console.error(`hookFrames: ${f.url().slice(-60)}: ${e.message.split('\n')[0]}`);
        return false;
      });
    if (has) found.push(f);
  }
  return found;
}

/** Page coordinates of the point (x, y) given in the document coordinates of `frame` (nested iframes included). */
export async function framePointToPage(frame, x, y) {
  let px = x, py = y;
  for (let f = frame; f.parentFrame(); f = f.parentFrame()) {
    const el = await f.frameElement();
    const { left, top } = await el.evaluate((e) => {
      const r = e.getBoundingClientRect();
      return { left: r.left + e.clientLeft, top: r.top + e.clientTop };
    });
    px += left;
    py += top;
  }
  return { x: px, y: py };
}

/** The one frame defining `window.gotraceTest` (waits until there is exactly one: one trace editor open). */
export async function theOnlyHookFrame(page, timeoutMs = 60_000) {
  let found = [];
  try {
    return await waitFor('the trace editor\'s webview (one frame defining window.gotraceTest)', async () => {
      found = await hookFrames(page);
      return found.length === 1 ? found[0] : null;
    }, { timeoutMs, intervalMs: 500 });
  } catch (e) {
    const frames = page.frames().map((f) => f.url().replace(/^https?:\/\/[^/]+/, '').slice(0, 100));
    throw new Error(`${e.message}; ${found.length} hook frames; frames: ${frames.join(' , ')}`);
  }
}
