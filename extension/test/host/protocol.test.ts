// The TypeScript mirror of the protocol (src/protocol.ts) against server/PROTOCOL.md, and the webview contract.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCodes, Methods, Notifications } from '../../src/protocol';
import { WebviewMethods } from '../../src/webview/messages';

const root = fs.existsSync(path.join(process.cwd(), 'server/PROTOCOL.md')) ? process.cwd() : path.resolve(__dirname, '../../../..');
const doc = fs.readFileSync(path.join(root, 'server/PROTOCOL.md'), 'utf8');

test('every method of protocol.ts has a section in PROTOCOL.md, and every section a method', () => {
  const documented = [...doc.matchAll(/^### `(gotrace\/[A-Za-z]+)` \(request\)/gm)].map((m) => m[1]).sort();
  const mirrored = Object.values(Methods).slice().sort();
  assert.deepEqual(mirrored, documented);
});

test('notifications of protocol.ts are in PROTOCOL.md; error codes match its table', () => {
  for (const n of Object.values(Notifications)) assert.ok(doc.includes('`' + n + '`'), n);
  const row = (name: string) => new RegExp(`^\\| (-?\\d+) \\| ${name} \\|`, 'm').exec(doc)?.[1];
  assert.equal(Number(row('TraceFormat')), ErrorCodes.traceFormat);
  assert.equal(Number(row('UnknownTrace')), ErrorCodes.unknownTrace);
  assert.equal(Number(row('BadParams')), ErrorCodes.badParams);
  assert.equal(Number(row('RequestCancelled')), ErrorCodes.requestCancelled);
});

test('the webview may only call server methods that exist, and never open/close/exportPprof/sourceLines', () => {
  const all = Object.values(Methods) as string[];
  for (const m of WebviewMethods) assert.ok(all.includes(m), m);
  for (const m of [Methods.open, Methods.close, Methods.exportPprof, Methods.sourceLines, Methods.ping]) {
    assert.ok(!(WebviewMethods as readonly string[]).includes(m), m);
  }
});
