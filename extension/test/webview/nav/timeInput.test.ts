import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTimeInput, formatTimeInput, windowAround } from '../../../src/webview/nav/timeInput';

test('parseTimeInput: units, spaces, plain ns, separators', () => {
  assert.equal(parseTimeInput('12.5ms'), 12_500_000);
  assert.equal(parseTimeInput('1.2s'), 1_200_000_000);
  assert.equal(parseTimeInput('350µs'), 350_000);
  assert.equal(parseTimeInput('350μs'), 350_000); // Greek mu
  assert.equal(parseTimeInput('350us'), 350_000);
  assert.equal(parseTimeInput('350 US'), 350_000);
  assert.equal(parseTimeInput('800ns'), 800);
  assert.equal(parseTimeInput('123456'), 123_456);
  assert.equal(parseTimeInput('1_234_567'), 1_234_567);
  assert.equal(parseTimeInput(' 2 ms '), 2_000_000);
  assert.equal(parseTimeInput('1m30s'), 90_000_000_000);
  assert.equal(parseTimeInput('1.5e3us'), 1_500_000);
  assert.equal(parseTimeInput('.5ms'), 500_000);
});

test('parseTimeInput: refuses what it cannot read', () => {
  for (const bad of ['', '  ', 'ms', '12 parsecs', '-5ms', '1s 5', 'abc', '1..2ms', '12ms!']) {
    assert.equal(parseTimeInput(bad), undefined, bad);
  }
});

test('formatTimeInput round-trips through parseTimeInput', () => {
  assert.equal(formatTimeInput(12_500_000), '12.5ms');
  assert.equal(formatTimeInput(350_000), '350µs');
  assert.equal(formatTimeInput(800), '800ns');
  assert.equal(formatTimeInput(1_200_000_000), '1.2s');
  for (const ns of [1, 999, 1000, 1234, 56_789_000, 113_294_849]) {
    const back = parseTimeInput(formatTimeInput(ns))!;
    assert.ok(Math.abs(back - ns) <= ns * 1e-3, `${ns} -> ${formatTimeInput(ns)} -> ${back}`);
  }
});

test('windowAround keeps the width and stays in the trace', () => {
  assert.deepEqual(windowAround(50, 20, 100), { startNs: 40, endNs: 60 });
  assert.deepEqual(windowAround(5, 20, 100), { startNs: 0, endNs: 20 });
  assert.deepEqual(windowAround(99, 20, 100), { startNs: 80, endNs: 100 });
  assert.deepEqual(windowAround(10, 500, 100), { startNs: 0, endNs: 100 });
});
