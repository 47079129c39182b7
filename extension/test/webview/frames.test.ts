import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUserFunction, firstUserFrame, sourceTarget, isStdFunction } from '../../src/webview/frames';
import { g13Stack } from './fixtures';

test('user functions by the module-path rule', () => {
  assert.equal(isUserFunction('main.chanSender'), true);
  assert.equal(isUserFunction('main.main.func1'), true);
  assert.equal(isUserFunction('example.com/app/db.(*Pool).Get'), true);
  assert.equal(isUserFunction('github.com/x/y.F.func2'), true);
  assert.equal(isUserFunction('runtime.chansend1'), false);
  assert.equal(isUserFunction('sync.(*Mutex).Lock'), false);
  assert.equal(isUserFunction('internal/poll.(*FD).Read'), false);
  assert.equal(isUserFunction('net/http.(*conn).serve'), false);
  assert.equal(isUserFunction('runtime/trace.(*traceMultiplexer).startLocked.func1'), false);
  assert.equal(isUserFunction(''), false);
  assert.equal(isStdFunction('time.Sleep'), true);
  assert.equal(isStdFunction('myapp/worker.Run'), false);
});

test("the first user frame of G13's chan send is main.chanSender (main.go:52)", () => {
  const frames = g13Stack.eventStack;
  assert.equal(frames[0].func, 'runtime.chansend1');
  assert.equal(firstUserFrame(frames), 1);
  const t = sourceTarget(frames)!;
  assert.deepEqual(t.target, { file: 'gotrace.test/blocking/main.go', line: 52, func: 'main.chanSender' });
  assert.equal(t.frames.length, frames.length);
  assert.deepEqual(t.frames[0], { file: 'runtime/chan.go', line: 161, func: 'runtime.chansend1' });
});

test('first user frame fallbacks', () => {
  const f = (func: string) => ({ func });
  // a module without a dot in its path is the program too
  assert.equal(isUserFunction('myapp/worker.Run'), true);
  assert.equal(isUserFunction('worker.Run'), true);
  assert.equal(firstUserFrame([f('runtime.gopark'), f('sync.(*WaitGroup).Wait'), f('myapp/worker.Run'), f('main.main')]), 2);
  // odd symbols that are not the standard library's: the first of them
  assert.equal(firstUserFrame([f('runtime.gopark'), f(''), f('time.Sleep')]), 0);
  // only runtime frames: the innermost
  assert.equal(firstUserFrame([f('runtime.gopark'), f('runtime.goexit')]), 0);
  assert.equal(firstUserFrame([]), -1);
  assert.equal(sourceTarget([]), null);
});
