import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDefaultTraceName, isSniffCandidate, sniffGoTrace, SNIFF_BYTES } from '../../src/host/traceSniff';

const bytes = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));

test('sniffGoTrace: modern and legacy headers', () => {
  assert.equal(sniffGoTrace(bytes('go 1.22 trace\0\0\0')), '1.22');
  assert.equal(sniffGoTrace(bytes('go 1.5 trace\0\0\0\0')), '1.5');
  assert.equal(sniffGoTrace(bytes('go 1.11 trace\0\0\0\x01\x02')), '1.11');
  assert.equal(sniffGoTrace(bytes('go 1.22 trace\0\0')), undefined, 'too short');
  assert.equal(sniffGoTrace(bytes('go 1.22 tracex\0\0')), undefined);
  assert.equal(sniffGoTrace(bytes('go 2.22 trace\0\0\0')), undefined);
  assert.equal(sniffGoTrace(bytes('\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0')), undefined, 'an a.out binary');
  assert.equal(sniffGoTrace(bytes('go 1.22 trace   ')), undefined, 'spaces, not NULs');
  assert.equal(sniffGoTrace(new Uint8Array(0)), undefined);
});

test('sniffGoTrace: every committed trace is recognised, a Go source file is not', () => {
  const root = fs.existsSync(path.join(process.cwd(), 'testdata')) ? process.cwd() : path.resolve(__dirname, '../../../..');
  const dir = path.join(root, 'testdata/traces');
  const traces = fs.readdirSync(dir).filter((f) => f.endsWith('.trace'));
  assert.ok(traces.length >= 30, `${traces.length} traces`);
  for (const f of traces) {
    const head = fs.readFileSync(path.join(dir, f)).subarray(0, SNIFF_BYTES);
    const v = sniffGoTrace(head);
    const m = /\.go(1\.\d+)\.trace$/.exec(f)!;
    assert.ok(v, f);
    // The header names the format version, which may be older than the toolchain (Go 1.27 writes "go 1.26 trace").
    assert.ok(Number(v.split('.')[1]) <= Number(m[1].split('.')[1]), `${f}: ${v}`);
  }
  assert.equal(sniffGoTrace(fs.readFileSync(path.join(root, 'testdata/programs/blocking/main.go')).subarray(0, SNIFF_BYTES)), undefined);
});

test('trace file names: defaults and .out candidates', () => {
  for (const n of ['/a/x.trace', 'trace.out', '/a/b/trace.out', 'x.trace.out', 'C:\\t\\TRACE.OUT']) assert.ok(isDefaultTraceName(n), n);
  for (const n of ['a.out', '/x/cpu.out', 'mytrace.out']) { assert.ok(!isDefaultTraceName(n), n); assert.ok(isSniffCandidate(n), n); }
  for (const n of ['x.trace', 'x.go', 'out']) assert.ok(!isSniffCandidate(n), n);
});
