// The manifest (package.json) against the code: commands registered, settings read, editors and scripts.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = fs.existsSync(path.join(process.cwd(), 'extension/src/host')) ? process.cwd() : path.resolve(__dirname, '../../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const hostDir = path.join(root, 'extension/src/host');
const source = fs.readdirSync(hostDir).map((f) => fs.readFileSync(path.join(hostDir, f), 'utf8')).join('\n');

test('every contributed command is registered, and every registered command contributed', () => {
  const contributed = (pkg.contributes.commands as { command: string; title: string; category: string }[]).map((c) => c.command).sort();
  const registered = [...source.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]).sort();
  assert.deepEqual(registered, contributed);
  for (const c of pkg.contributes.commands) assert.equal(c.category, 'Go Trace');
});

test('every setting the code reads is contributed with a description, and vice versa', () => {
  const props = pkg.contributes.configuration.properties as Record<string, { description?: string; markdownDescription?: string }>;
  const read = new Set([...source.matchAll(/get(?:<[^>]+>)?\('([a-zA-Z.]+)'/g)].map((m) => `gotrace.${m[1]}`));
  for (const k of ['pathSubstitutions', 'annotations.enabled']) read.add(`gotrace.${k}`);
  for (const k of read) assert.ok(props[k], `${k} is read but not contributed`);
  for (const [k, v] of Object.entries(props)) {
    assert.ok(read.has(k), `${k} is contributed but never read`);
    assert.ok((v.description ?? v.markdownDescription ?? '').length > 20, `${k} has a description`);
  }
});

test('custom editors: default for trace names, an option for .out and any file', () => {
  const eds = pkg.contributes.customEditors as { viewType: string; priority: string; selector: { filenamePattern: string }[] }[];
  const main = eds.find((e) => e.viewType === 'gotrace.timeline')!;
  assert.equal(main.priority, 'default');
  assert.deepEqual(main.selector.map((s) => s.filenamePattern), ['*.trace', 'trace.out', '*.trace.out']);
  const any = eds.find((e) => e.viewType === 'gotrace.timelineAny')!;
  assert.equal(any.priority, 'option');
  assert.ok(any.selector.some((s) => s.filenamePattern === '*.out'));
  for (const e of eds) assert.ok(pkg.activationEvents.includes(`onCustomEditor:${e.viewType}`));
  assert.ok(source.includes("'gotrace.timeline'") && source.includes("'gotrace.timelineAny'"));
});

test('scripts: test unchanged, unit tests, build, lint, package', () => {
  assert.equal(pkg.scripts.test, 'bash scripts/test.sh');
  assert.equal(pkg.scripts.bench, 'bash bench/run.sh');
  assert.equal(pkg.scripts['test:unit'], 'node extension/test/run.mjs');
  assert.equal(pkg.main, './out/extension.js');
  assert.ok(pkg.scripts.build.includes('--production'));
  assert.ok(pkg.scripts.lint.startsWith('tsc'));
});
