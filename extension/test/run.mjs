// Unit tests of the extension: bundles every extension/test/**/*.test.ts with esbuild (platform node) and runs
// them with node:test. Prints the spec report, then as its LAST line exactly "N passed, N failed"; exits
// non-zero when a test failed (or none ran).
//   node extension/test/run.mjs [filter]      (filter: a substring of the test file paths)
// GOTRACE_SERVER: the server executable the integration tests start; when unset, the first that exists of
// dist-server/linux-x64/gotrace (npm run package), /tmp/gotrace-server-dev/gotrace (a developer's build),
// server/GoTrace.Server/bin/Release/net10.0/gotrace (left by dotnet build/test) is used.
import * as esbuild from 'esbuild';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const filter = process.argv[2];

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

if (!process.env.GOTRACE_SERVER) {
  const candidates = [
    join(root, 'dist-server/linux-x64/gotrace'),
    '/tmp/gotrace-server-dev/gotrace',
    join(root, 'server/GoTrace.Server/bin/Release/net10.0/gotrace'),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (found) process.env.GOTRACE_SERVER = found;
}
console.log(`GOTRACE_SERVER=${process.env.GOTRACE_SERVER ?? '(none found: the server integration tests will be skipped)'}`);

const sources = findTests(here).filter((f) => !filter || f.includes(filter));
const outdir = mkdtempSync(join(tmpdir(), 'gotrace-unit-'));
let passed = 0, failed = 0;
try {
  const entryPoints = Object.fromEntries(sources.map((f) => [relative(here, f).replace(/\.ts$/, ''), f]));
  await esbuild.build({
    entryPoints, outdir, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    sourcemap: 'inline', external: ['vscode'], logLevel: 'warning', outExtension: { '.js': '.cjs' },
  });
  const files = sources.map((f) => join(outdir, relative(here, f).replace(/\.ts$/, '.cjs')));
  const stream = run({ files, concurrency: 1, timeout: 120_000 });
  stream.on('test:pass', (e) => { if (e.details?.type !== 'suite' && !e.skip && !e.todo) passed++; });
  stream.on('test:fail', (e) => { if (e.details?.type !== 'suite') failed++; });
  const reporter = stream.compose(spec);
  for await (const chunk of reporter) process.stdout.write(chunk);
} catch (e) {
  console.error(e);
  failed++;
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
