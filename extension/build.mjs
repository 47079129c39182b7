// Bundles the extension with esbuild.
//   node extension/build.mjs              development build (sourcemaps)
//   node extension/build.mjs --production minified, no sourcemaps (what the .vsix ships)
//   node extension/build.mjs --watch
// Outputs (repo root out/): extension.js (extension host, CommonJS, `vscode` external),
// webview.js (the timeline, from src/webview/main.ts, browser IIFE), webview.css (src/webview/style.css).
// The webview sources belong to another part of the project; while they do not exist the build says so
// and produces the host bundle only.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const outdir = join(root, 'out');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'info',
  legalComments: 'none',
};

const configs = [{
  ...common,
  entryPoints: [join(here, 'src/host/extension.ts')],
  outfile: join(outdir, 'extension.js'),
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode'],
}];

const webviewEntry = join(here, 'src/webview/main.ts');
const webviewCss = join(here, 'src/webview/style.css');
if (existsSync(webviewEntry)) {
  configs.push({
    ...common,
    entryPoints: [webviewEntry],
    outfile: join(outdir, 'webview.js'),
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  });
} else {
  console.warn(`build: ${webviewEntry} does not exist yet; out/webview.js not built`);
}

mkdirSync(outdir, { recursive: true });
for (const stale of ['extension.js.map', 'webview.js.map']) if (production) rmSync(join(outdir, stale), { force: true });
function copyCss() {
  if (existsSync(webviewCss)) copyFileSync(webviewCss, join(outdir, 'webview.css'));
  else console.warn(`build: ${webviewCss} does not exist yet; out/webview.css not copied`);
}

if (watch) {
  copyCss();
  for (const c of configs) await (await esbuild.context(c)).watch();
  console.log('build: watching');
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
  copyCss();
}
