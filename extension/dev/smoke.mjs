#!/usr/bin/env node
// A scripted walk through the webview in headless Chromium via the dev harness (which must be running on
// blocking.go1.27.trace's folder): keys, drag-to-zoom, help, click a blocking span, follow the unblocker and the
// creator, frame links, state surviving a reload, the light theme. Prints each check; exits 1 on a failure.
// Screenshots go to OUT-*.png.
//
//   PLAYWRIGHT_CORE=/path/to/playwright-core node extension/dev/smoke.mjs --url http://127.0.0.1:8123 --out /tmp/smoke

import { createRequire } from 'node:module';

function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}
const require = createRequire(import.meta.url);
const pw = require(process.env.PLAYWRIGHT_CORE ?? 'playwright-core');
const base = arg('--url', 'http://127.0.0.1:8123');
const out = arg('--out', '/tmp/smoke');
const trace = 'blocking.go1.27.trace';
let failures = 0;
function check(ok, what, extra = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${extra ? ` (${extra})` : ''}`);
  if (!ok) failures++;
}

const browser = await pw.chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-first-run', '--disable-quic'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.on('pageerror', (e) => { console.log('pageerror:', e.message); failures++; });
const state = () => page.evaluate((t) => JSON.parse(sessionStorage.getItem('gotrace-state:' + t) || 'null'), trace);
const details = () => page.evaluate(() => window.gotraceTest.detailsText());
const settle = (ms = 400) => page.waitForTimeout(ms);
const waitDetails = (text) => page.waitForFunction((t) => window.gotraceTest.detailsText().includes(t), text, { timeout: 10000 })
  .then(() => true, () => false);

try {
  await page.goto(`${base}/?trace=${trace}`);
  await page.evaluate(() => window.gotraceTest.ready());
  check(true, 'ready');
  // a trace opens on its Summary tab: this walk is about the timeline
  check(await page.evaluate(() => window.gotraceTest.currentTab?.()) === 'summary', 'opens on the Summary tab');
  await page.evaluate(() => window.gotraceTest.showTab?.('timeline'));
  const canvas = await page.$('canvas.timeline-canvas');
  const box = await canvas.boundingBox();
  await page.mouse.click(box.x + 700, box.y + 14); // on the time axis: focuses without selecting
  await settle();
  const full = (await state()).window;
  check(full.startNs === 0 && full.endNs === 113294849, 'starts on the whole trace', JSON.stringify(full));

  // keys
  await page.mouse.move(box.x + 260 + (box.width - 260) / 2, box.y + 300);
  for (let i = 0; i < 3; i++) await page.keyboard.press('w');
  await settle();
  let w = (await state()).window;
  check(Math.abs((w.endNs - w.startNs) - 113294849 * 0.512) < 2, 'W three times zooms to 0.8^3', JSON.stringify(w));
  await page.keyboard.press('d');
  await settle();
  const w2 = (await state()).window;
  check(Math.abs((w2.startNs - w.startNs) - 0.2 * (w.endNs - w.startNs)) < 2, 'D pans a fifth of the window right');
  await page.keyboard.press('s');
  await page.keyboard.press('0');
  await settle();
  w = (await state()).window;
  check(w.startNs === 0 && w.endNs === 113294849, '0 shows the whole trace');

  // help
  await page.keyboard.press('?');
  await settle(200);
  check(await page.isVisible('.help-overlay'), '? opens the help');
  await page.screenshot({ path: `${out}-help.png` });
  await page.keyboard.press('Escape');
  await settle(200);
  check(!(await page.isVisible('.help-overlay')), 'Esc closes the help');

  // drag a range, Enter zooms to it
  const plotX = box.x + 260;
  await page.mouse.move(plotX + 200, box.y + 300);
  await page.mouse.down();
  await page.mouse.move(plotX + 300, box.y + 300, { steps: 5 });
  await page.mouse.move(plotX + 400, box.y + 310, { steps: 5 });
  await page.mouse.up();
  await settle(200);
  check(!(await page.isDisabled('text=Zoom to range')), 'a dragged range enables "Zoom to range"');
  await page.screenshot({ path: `${out}-range.png` });
  await page.keyboard.press('Enter');
  await settle();
  w = (await state()).window;
  const width = w.endNs - w.startNs;
  check(width > 113294849 * 0.1 && width < 113294849 * 0.25, 'Enter zooms to the range', `${width}`);
  await page.keyboard.press('Home');

  // wheel: ctrl zooms at the pointer, plain scrolls, shift pans
  await page.mouse.move(plotX + 100, box.y + 300);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -300);
  await page.keyboard.up('Control');
  await settle();
  w = (await state()).window;
  check(w.endNs - w.startNs < 113294849 * 0.6, 'ctrl+wheel zooms in', `${w.endNs - w.startNs}`);
  const before = (await state()).scrollTop ?? 0;
  await page.mouse.wheel(0, 200);
  await settle();
  check(((await state()).scrollTop ?? 0) > before, 'wheel scrolls the rows');
  await page.keyboard.press('Home');
  await page.mouse.wheel(0, -10000);

  // click a blocking span: details and the Go line
  const p = await page.evaluate(() => window.gotraceTest.locateSpan(13, 200000));
  check(!!p, 'locateSpan finds G13 at 200 µs', JSON.stringify(p));
  await page.mouse.click(p.x, p.y);
  check(await waitDetails('Where it blocked'), 'clicking it shows its details');
  const d1 = await details();
  check(d1.includes('G13 main.chanSender') && d1.includes('chan send') && d1.includes('292 µs'), 'details: goroutine, reason, duration');
  check(d1.includes('Unblocked by G14 at 474.048 µs'), 'details: the unblocker');
  const seen = await page.evaluate(() => window.__harness.seen.openSource);
  const last = seen[seen.length - 1];
  check(last && last.target.line === 52 && last.target.file.endsWith('blocking/main.go') && last.preserveFocus === true,
    'a blocking span opens main.go:52 (preserving focus)', JSON.stringify(last?.target));
  await page.screenshot({ path: `${out}-click.png` });

  // a frame link opens its line
  await page.click('.stack-section >> nth=1 >> .frame-link >> nth=1');
  const seen2 = await page.evaluate(() => window.__harness.seen.openSource);
  const l2 = seen2[seen2.length - 1];
  check(seen2.length === seen.length + 1 && l2.preserveFocus === false && l2.frames.length === 2, 'a frame link sends openSource with the stack');

  // follow the unblocker, then the creator
  await page.click('.stack-section >> nth=0 >> a.goroutine-link');
  check(await waitDetails('G14 main.chanReceiver'), 'the unblocker link selects G14');
  await settle();
  const s14 = (await state()).selection;
  check(s14 && s14.trackKey === 'goroutine:14:0' && s14.timeNs === 474048, 'selection is G14 at the unblock time', JSON.stringify(s14));
  await page.screenshot({ path: `${out}-follow.png` });
  await page.click('text=Created by >> a.goroutine-link');
  check(await waitDetails('G1 main.main'), 'the creator link selects G1');

  // state survives a reload (the tab hidden and shown again)
  const p2 = await page.evaluate(() => window.gotraceTest.locateSpan(13, 200000));
  await page.mouse.click(p2.x, p2.y); // back to G13's wait
  check(await waitDetails('G13 main.chanSender'), 'G13 selected again');
  await page.keyboard.press('w');
  await settle(500);
  const saved = await state();
  await page.reload();
  await page.evaluate(() => window.gotraceTest.ready());
  check(await waitDetails('G13 main.chanSender'), 'selection restored after a reload');
  await settle(500);
  const restored = await state();
  check(JSON.stringify(restored.window) === JSON.stringify(saved.window), 'window restored', JSON.stringify(restored.window));
  check(restored.scrollTop === saved.scrollTop, 'scroll restored', `${restored.scrollTop}`);

  // collapse a group, sort by block time
  await page.selectOption('select >> nth=0', 'blockTime');
  await settle(800);
  check((await state()).sort === 'blockTime', 'sort saved');
  await page.screenshot({ path: `${out}-sorted.png` });

  // light theme
  await page.evaluate(() => {
    document.body.className = 'vscode-light';
    const set = (k, v) => document.documentElement.style.setProperty('--vscode-' + k, v);
    set('editor-background', '#ffffff'); set('foreground', '#3b3b3b'); set('editor-foreground', '#3b3b3b');
    set('charts-green', '#388a34'); set('charts-red', '#e51400'); set('charts-blue', '#1a85ff'); set('charts-yellow', '#bf8803');
    set('charts-purple', '#652d90'); set('descriptionForeground', '#616161'); set('editor-selectionBackground', '#add6ff');
    window.__harness.theme(1);
  });
  await settle(500);
  const bg = await page.evaluate(() => {
    const c = document.querySelector('canvas.timeline-canvas');
    const d = c.getContext('2d').getImageData(3, 3, 1, 1).data; // the time axis, over the background
    return [d[0], d[1], d[2]];
  });
  check(bg[0] > 230 && bg[1] > 230 && bg[2] > 230, 'the theme message repaints with the light background', JSON.stringify(bg));
  await page.screenshot({ path: `${out}-light.png` });
} catch (e) {
  console.log('error:', e.message);
  failures++;
  await page.screenshot({ path: `${out}-error.png` });
} finally {
  await browser.close();
}
console.log(failures === 0 ? 'all checks passed' : `${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
