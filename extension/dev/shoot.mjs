#!/usr/bin/env node
// Screenshots of the webview in headless Chromium through the dev harness (which must be running):
//
//   PLAYWRIGHT_CORE=/path/to/node_modules/playwright-core node extension/dev/shoot.mjs \
//       --url http://127.0.0.1:8123 --trace blocking.go1.27.trace --out /tmp/shot [--theme light]
//       [--click G:TIMENS] [--width 1400 --height 900]
//
// Writes OUT-timeline.png after the first timeline is drawn; with --click, uses the test hook to locate the span
// of goroutine G at TIMENS, clicks it and writes OUT-click.png, printing the details text and the openSource
// messages the page sent.

import { createRequire } from 'node:module';

function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

const require = createRequire(import.meta.url);
const pw = require(process.env.PLAYWRIGHT_CORE ?? 'playwright-core');
const base = arg('--url', 'http://127.0.0.1:8123');
const trace = arg('--trace', 'blocking.go1.27.trace');
const out = arg('--out', '/tmp/shot');
const theme = arg('--theme', 'dark');
const click = arg('--click', '');
const width = Number(arg('--width', '1400'));
const height = Number(arg('--height', '900'));

const browser = await pw.chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic'],
});
try {
  const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: Number(arg('--dpr', '1')) });
  page.on('console', (m) => { if (m.type() === 'error' || m.text().startsWith('webview log')) console.log('console:', m.text()); });
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  await page.goto(`${base}/?trace=${encodeURIComponent(trace)}&theme=${theme}`);
  const t0 = Date.now();
  try {
    await page.evaluate(() => window.gotraceTest.ready());
    console.log(`ready after ${Date.now() - t0} ms`);
  } catch (e) {
    console.log(`open failed after ${Date.now() - t0} ms: ${e.message.split('\n')[0]}`);
  }
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${out}-timeline.png` });
  console.log(`wrote ${out}-timeline.png`);
  if (click) {
    const [g, t] = click.split(':').map(Number);
    const p = await page.evaluate(([gg, tt]) => window.gotraceTest.locateSpan(gg, tt), [g, t]);
    console.log('locateSpan ->', JSON.stringify(p));
    if (p) {
      await page.mouse.click(p.x, p.y);
      await page.waitForFunction(() => window.gotraceTest.detailsText().length > 0 && !window.gotraceTest.detailsText().includes('Loading'));
      await page.waitForTimeout(200);
      console.log('details:\n' + await page.evaluate(() => window.gotraceTest.detailsText()));
      console.log('openSource:', JSON.stringify(await page.evaluate(() => window.__harness.seen.openSource)));
      await page.screenshot({ path: `${out}-click.png` });
      console.log(`wrote ${out}-click.png`);
    }
  }
} finally {
  await browser.close();
}
