import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatDuration, formatAxisTime, formatTimestamp, formatBytes, formatCount, formatPercent, shortFile, significant, axisUnit,
} from '../../src/webview/format';

test('significant keeps three digits and drops trailing zeros', () => {
  assert.equal(significant(12.345), '12.3');
  assert.equal(significant(1.5), '1.5');
  assert.equal(significant(120), '120');
  assert.equal(significant(0.5), '0.5');
  assert.equal(significant(999.4), '999');
});

test('formatDuration picks the unit', () => {
  assert.equal(formatDuration(0), '0 ns');
  assert.equal(formatDuration(640), '640 ns');
  assert.equal(formatDuration(291520), '292 µs');
  assert.equal(formatDuration(12_345), '12.3 µs');
  assert.equal(formatDuration(1_250_000), '1.25 ms');
  assert.equal(formatDuration(113_294_849), '113 ms');
  assert.equal(formatDuration(2_500_000_000), '2.5 s');
  assert.equal(formatDuration(63_000_000_000), '1 min 3 s');
  assert.equal(formatDuration(-1500), '-1.5 µs');
});

test('formatDuration never prints 1000 of a unit', () => {
  assert.equal(formatDuration(999_960), '1 ms');
  assert.equal(formatDuration(999_960_000), '1 s');
});

test('axis labels have the decimals the step needs', () => {
  assert.deepEqual(axisUnit(10_000_000), { unit: 'ms', div: 1e6, decimals: 0 });
  assert.deepEqual(axisUnit(200_000), { unit: 'µs', div: 1e3, decimals: 0 });
  assert.deepEqual(axisUnit(500), { unit: 'ns', div: 1, decimals: 0 });
  assert.equal(formatAxisTime(20_000_000, 10_000_000), '20 ms');
  assert.equal(formatAxisTime(1_500_000_000, 500_000_000), '1500 ms');
  assert.equal(formatAxisTime(3_000_000_000, 1_000_000_000), '3 s');
  assert.equal(formatAxisTime(1_000_000_000, 2_000_000_000), '1 s');
  assert.equal(formatAxisTime(300_000, 100_000), '300 µs');
  assert.equal(formatAxisTime(12_345_000, 5_000), '12345 µs');
});

test('formatTimestamp is precise', () => {
  assert.equal(formatTimestamp(474048), '474.048 µs');
  assert.equal(formatTimestamp(36779072), '36.779072 ms');
  assert.equal(formatTimestamp(512), '512 ns');
  assert.equal(formatTimestamp(1_234_567_890), '1.234567890 s');
});

test('bytes, counts, percentages, short files', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(32615), '31.9 KiB');
  assert.equal(formatBytes(4 * 1024 * 1024), '4 MiB');
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatCount(-1000), '-1,000');
  assert.equal(formatCount(999), '999');
  assert.equal(formatPercent(1, 8), '12.5%');
  assert.equal(formatPercent(1, 0), '0%');
  assert.equal(shortFile('gotrace.test/blocking/main.go'), 'blocking/main.go');
  assert.equal(shortFile('C:\\src\\app\\main.go', 1), 'main.go');
});
