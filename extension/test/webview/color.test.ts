import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseColor, toCss, withAlpha, mix, luminance, goroutineHue, classColors, DEFAULT_COLORS } from '../../src/webview/color';
import { ColorClasses } from '../../src/webview/states';

test('parses the colour forms VS Code variables hold', () => {
  assert.deepEqual(parseColor('#f14c4c'), { r: 241, g: 76, b: 76, a: 1 });
  assert.deepEqual(parseColor('#fff'), { r: 255, g: 255, b: 255, a: 1 });
  assert.deepEqual(parseColor('#00000080'), { r: 0, g: 0, b: 0, a: 128 / 255 });
  assert.deepEqual(parseColor('rgba(204, 204, 204, 0.5)'), { r: 204, g: 204, b: 204, a: 0.5 });
  assert.deepEqual(parseColor('rgb(1 2 3 / 50%)'), { r: 1, g: 2, b: 3, a: 0.5 });
  assert.equal(parseColor('hsl(10, 50%, 50%)'), undefined);
  assert.equal(parseColor(''), undefined);
  assert.equal(toCss(withAlpha(parseColor('#3794ff')!, 0.5)), 'rgba(55, 148, 255, 0.5)');
  assert.deepEqual(mix({ r: 255, g: 0, b: 0, a: 1 }, { r: 0, g: 0, b: 255, a: 1 }, 0.5), { r: 127.5, g: 0, b: 127.5, a: 1 });
  assert.ok(luminance({ r: 255, g: 255, b: 255, a: 1 }) > 0.99);
  assert.equal(luminance({ r: 0, g: 0, b: 0, a: 1 }), 0);
});

test('goroutine hues: stable and spread', () => {
  assert.equal(goroutineHue(13), goroutineHue(13));
  const hues = [1, 2, 3, 4, 5, 6].map(goroutineHue);
  for (let i = 1; i < hues.length; i++) {
    const d = Math.abs(hues[i] - hues[i - 1]);
    assert.ok(Math.min(d, 360 - d) > 60, `${hues[i - 1]} ${hues[i]}`);
  }
});

test('every colour class has a fill; empty states are transparent', () => {
  const f = classColors(DEFAULT_COLORS);
  for (const c of ColorClasses) assert.equal(typeof f[c], 'string', c);
  assert.equal(f.none, 'transparent');
  assert.equal(f.running, 'rgba(137, 209, 133, 1)');
  assert.equal(f.waitSync, 'rgba(241, 76, 76, 0.9)');
  // blocking waits, network waits and running are told apart
  assert.notEqual(f.waitSync, f.waitNet);
  assert.notEqual(f.running, f.runnable);
});
