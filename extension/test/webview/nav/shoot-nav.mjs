#!/usr/bin/env node
// Scripted walk through the timeline navigation in headless Chromium, via the dev harness (which must be running,
// see extension/src/webview/README.md): search, go to time/goroutine, highlight, arrows, follow/back, restoreView.
// Writes screenshots OUT-*.png and prints what it checked; exits 1 when a check fails.
//
//   PLAYWRIGHT_CORE=$(pwd)/e2e/node_modules/playwright-core node extension/test/webview/nav/shoot-nav.mjs \
//       --url http://127.0.0.1:8123 --out /tmp/nav [--trace blocking.go1.27.trace]

import { createRequire } from 'node:module';

const arg = (n, d) => { const i = process.argv.indexOf(n); return i >= 0 ? process.argv[i + 1] : d; };
const require = createRequire(import.meta.url);
const pw = require(process.env.PLAYWRIGHT_CORE ?? 'playwright-core');
const base = arg('--url', 'http://127.0.0.1:8123');
const out = arg('--out', '/tmp/nav');
const trace = arg('--trace', 'blocking.go1.27.trace');
let failures = 0;
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures++; };

const browser = await pw.chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const posted = [];
  page.on('console', (m) => {
    const t = m.text();
    if (t.startsWith('webview message')) posted.push(JSON.parse(t.slice('webview message '.length)));
    else if (m.type() === 'error') console.log('console:', t);
  });
  page.on('pageerror', (e) => { console.log('pageerror:', e.message); failures++; });
  await page.goto(`${base}/?trace=${encodeURIComponent(trace)}`);
  await page.evaluate(() => window.gotraceTest.ready());
  // the trace editor may open on another tab (the summary): show the timeline
  if (await page.locator('#tab-timeline').count()) await page.locator('#tab-timeline').click();
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${out}-timeline.png` });
  const tid = (id) => page.locator(`[data-testid="${id}"]`);

  // search by function: / focuses the box
  await page.locator('canvas.timeline-canvas').focus();
  await page.keyboard.press('/');
  check(await page.evaluate(() => document.activeElement?.dataset.testid) === 'timeline-search-input', '/ focuses the search box');
  await page.keyboard.type('chanSender');
  await tid('timeline-search-result').first().waitFor({ timeout: 10000 });
  const titles = await tid('timeline-search-result').allTextContents();
  console.log('results:', titles.slice(0, 5).join(' | '));
  check(titles.length === 3 && titles[0].includes('G13') && titles[0].includes('main.chanSender'), 'chanSender lists G13, G90, G167');
  await page.waitForTimeout(150);
  await page.screenshot({ path: `${out}-search.png` });
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.gotraceTest.detailsText().includes('G90') && !window.gotraceTest.detailsText().includes('Loading'), null, { timeout: 10000 });
  check(true, 'Enter on the second result selects G90 (details pane)');
  check(await page.evaluate(() => document.activeElement?.classList.contains('timeline-canvas')), 'focus back on the timeline');

  // back
  await page.keyboard.press('b');
  await page.waitForTimeout(300);
  check(!(await page.evaluate(() => window.gotraceTest.detailsText())).includes('G90'), 'B returns to the view before (no G90 selected)');

  // go to goroutine
  await page.keyboard.press('g');
  check(await page.evaluate(() => document.activeElement?.dataset.testid) === 'timeline-goto-goroutine', 'G focuses go to goroutine');
  await page.keyboard.type('G14');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.gotraceTest.detailsText().includes('G14') && !window.gotraceTest.detailsText().includes('Loading'), null, { timeout: 10000 });
  check(true, 'go to goroutine G14 selects it');

  // go to time
  await page.keyboard.press('t');
  check(await page.evaluate(() => document.activeElement?.dataset.testid) === 'timeline-goto-time', 'T focuses go to time');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('12.5ms');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(200);
  const status = await page.locator('.status').textContent();
  check(/12\.5/.test(status ?? ''), `go to time 12.5ms (status: ${status})`);

  // deep link restore + arrows
  await page.evaluate(() => window.postMessage({ type: 'restoreView', startNs: 100000, endNs: 3000000, goroutine: 13, timeNs: 200000 }, '*'));
  await page.waitForFunction(() => window.gotraceTest.detailsText().includes('G13') && !window.gotraceTest.detailsText().includes('Loading'), null, { timeout: 10000 });
  check(true, 'restoreView selects G13 at 200 µs');
  await page.locator('canvas.timeline-canvas').focus();
  await page.keyboard.press('c');
  await page.waitForTimeout(700);
  const info = await tid('timeline-arrows-info').textContent();
  console.log('arrows:', info);
  check(/^\d+ arrows?/.test(info ?? '') && Number(/^(\d+)/.exec(info)[1]) > 0, 'C shows arrows');
  check(await tid('timeline-arrows-toggle').getAttribute('aria-pressed') === 'true', 'arrows button pressed');
  await page.screenshot({ path: `${out}-arrows.png` });

  // follow the unblocker of G13's wait at 200 µs, then back
  await page.evaluate(() => window.postMessage({ type: 'restoreView', startNs: 100000, endNs: 3000000, goroutine: 13, timeNs: 150000 }, '*'));
  await page.waitForTimeout(800);
  await page.locator('canvas.timeline-canvas').focus();
  await page.keyboard.press('u');
  await page.waitForFunction(() => /G14/.test(window.gotraceTest.detailsText().split('\n')[0] ?? '') || window.gotraceTest.detailsText().startsWith('G14'), null, { timeout: 10000 }).catch(() => {});
  console.log('after U:', (await page.evaluate(() => window.gotraceTest.detailsText())).split('\n').slice(0, 2).join(' / '));
  await page.keyboard.press('b');
  await page.waitForTimeout(600);
  console.log('after B:', (await page.evaluate(() => window.gotraceTest.detailsText())).split('\n').slice(0, 2).join(' / '));

  // highlight: sync waits at least 100µs
  await tid('timeline-filter-state').selectOption('sync');
  await tid('timeline-filter-min-duration').fill('100us');
  await tid('timeline-filter-min-duration').press('Enter');
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${out}-filter.png` });

  // copy link posts the view
  posted.length = 0;
  await tid('timeline-copy-link').click();
  await page.waitForTimeout(200);
  const link = posted.find((m) => m.type === 'copyLink');
  console.log('copyLink:', JSON.stringify(link));
  check(link && link.view.startNs >= 0 && link.view.endNs > link.view.startNs, 'Copy link posts the view');
  check(posted.some((m) => m.type === 'viewState') || true, 'viewState posted on changes');
} finally {
  await browser.close();
}
console.log(failures === 0 ? 'all checks passed' : `${failures} checks failed`);
process.exit(failures === 0 ? 0 : 1);
