import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  reasonClass, colorClass, isBlockingSpan, isBlockingStateName, dominantState, stateBreakdown, isEmptyState, GoroutineState,
  drawnState, drawnShare,
} from '../../src/webview/states';
import { blockingWhole, blockingWindow, track, g13Stack } from './fixtures';

test("Go's block reasons fall into the classes the timeline colours", () => {
  for (const r of ['chan send', 'chan receive', 'select', 'sync', 'sync.(*Cond).Wait', 'synctest', 'chan send (nil chan)',
    'select (no cases)']) assert.equal(reasonClass(r), 'sync', r);
  assert.equal(reasonClass('network'), 'net');
  assert.equal(reasonClass('sleep'), 'sleep');
  for (const r of ['GC mark assist wait for work', 'GC background sweeper wait', 'wait until GC ends', 'GC weak to strong wait']) {
    assert.equal(reasonClass(r), 'gc', r);
  }
  for (const r of ['forever', 'system goroutine wait', 'preempted', 'unspecified', 'wait for debug call', '', undefined]) {
    assert.equal(reasonClass(r), 'other', String(r));
  }
  assert.equal(reasonClass('syscall'), 'syscall');
});

test('colour classes per track kind and state', () => {
  assert.equal(colorClass('goroutine', GoroutineState.Running), 'running');
  assert.equal(colorClass('goroutine', GoroutineState.Runnable, 'created'), 'runnable');
  assert.equal(colorClass('goroutine', GoroutineState.Waiting, 'chan send'), 'waitSync');
  assert.equal(colorClass('goroutine', GoroutineState.Waiting, 'network'), 'waitNet');
  assert.equal(colorClass('goroutine', GoroutineState.Waiting, 'sleep'), 'waitSleep');
  assert.equal(colorClass('goroutine', GoroutineState.Waiting, 'chan send', true), 'waiting');
  assert.equal(colorClass('goroutine', GoroutineState.SyscallBlocked), 'syscallBlocked');
  assert.equal(colorClass('goroutine', GoroutineState.NotSeen), 'none');
  assert.equal(colorClass('goroutine', GoroutineState.Dead), 'none');
  assert.equal(colorClass('proc', 1), 'none'); // idle
  assert.equal(colorClass('proc', 2), 'scheduling');
  assert.equal(colorClass('proc', 3), 'running');
  assert.equal(colorClass('thread', 3), 'syscallBlocked');
  assert.equal(colorClass('stw', 1), 'stw');
  assert.equal(colorClass('regions', 0), 'none');
  assert.equal(colorClass('tasks', 1), 'task');
  assert.equal(isEmptyState('goroutine', GoroutineState.NotSeen), true);
  assert.equal(isEmptyState('goroutine', GoroutineState.Waiting), false);
});

test('blocking spans are the waits on sync, channels, select, network and syscalls', () => {
  assert.equal(isBlockingSpan(GoroutineState.Waiting, 'chan send'), true);
  assert.equal(isBlockingSpan(GoroutineState.Waiting, 'sync.(*Cond).Wait'), true);
  assert.equal(isBlockingSpan(GoroutineState.Waiting, 'network'), true);
  assert.equal(isBlockingSpan(GoroutineState.Syscall), true);
  assert.equal(isBlockingSpan(GoroutineState.Waiting, 'sleep'), false);
  assert.equal(isBlockingSpan(GoroutineState.Waiting, 'GC mark assist wait for work'), false);
  assert.equal(isBlockingSpan(GoroutineState.Running), false);
  assert.equal(isBlockingSpan(GoroutineState.Runnable, 'unblocked'), false);
  // the state names gotrace/goroutineStack returns
  assert.equal(g13Stack.state, 'Waiting');
  assert.equal(isBlockingStateName(g13Stack.state, g13Stack.reason), true);
  assert.equal(isBlockingStateName('Running'), false);
  assert.equal(isBlockingStateName('Bogus', 'chan send'), false);
});

test("a merged span's dominant state computed from stateNs is the state the server drew it with", () => {
  let merged = 0;
  for (const t of [...blockingWhole.tracks, ...blockingWindow.tracks]) {
    for (const s of t.spans) {
      if (s.count <= 1) { assert.equal(s.stateNs, undefined); continue; }
      merged++;
      assert.ok(s.stateNs, 'a merged span has its time per state');
      assert.equal(dominantState(s.stateNs), s.state, `${t.name} ${s.startNs}`);
      // time per state adds up to the span's extent
      assert.equal(s.stateNs!.reduce((a, b) => a + b, 0), s.endNs - s.startNs);
    }
  }
  assert.ok(merged > 100, `fixture has merged spans (${merged})`);
  assert.equal(dominantState([0, 0, 0]), -1);
  assert.equal(dominantState([5, 7, 7]), 1);
  assert.equal(dominantState(undefined), -1);
});

test('the breakdown of a real merged goroutine span', () => {
  const g13 = track(blockingWhole, 'goroutine', 13);
  const m = g13.spans.find((s) => s.count > 1)!;
  const b = stateBreakdown('goroutine', m.stateNs!);
  assert.ok(b.length >= 2);
  assert.equal(b.reduce((a, x) => a + x.ns, 0), m.endNs - m.startNs);
  for (let i = 1; i < b.length; i++) assert.ok(b[i - 1].ns >= b[i].ns);
  assert.equal(b[0].state, m.state);
  assert.ok(b.every((x) => ['not seen', 'runnable', 'running', 'syscall', 'syscall (blocked)', 'waiting', 'dead'].includes(x.name)));
});

test('merged spans draw their dominant drawn state, lighter by how much of them is empty', () => {
  // a thousand short goroutines merged at a coarse zoom: mostly not seen / dead by time, but they ran
  const s = { state: 0, count: 40, stateNs: [9000, 10, 50, 0, 0, 5, 900] };
  assert.equal(drawnState('goroutine', s), 2);
  assert.ok(Math.abs(drawnShare('goroutine', s) - 65 / 9965) < 1e-12);
  assert.equal(drawnState('goroutine', { state: 0, count: 3, stateNs: [100, 0, 0, 0, 0, 0, 5] }), -1);
  assert.equal(drawnState('goroutine', { state: 6, count: 1 }), -1);
  assert.equal(drawnState('goroutine', { state: 5, count: 1 }), 5);
  assert.equal(drawnShare('goroutine', { state: 5, count: 1 }), 1);
  // on the real merged proc spans: the drawn state is the largest non-idle state, when there is one
  for (const t of blockingWhole.tracks.filter((x) => x.track.kind === 'proc')) {
    for (const sp of t.spans.filter((x) => x.count > 1)) {
      const d = drawnState('proc', sp);
      const busy = sp.stateNs!.map((ns, i) => (i >= 2 ? ns : 0));
      const max = Math.max(...busy);
      if (max === 0) assert.equal(d, -1);
      else assert.equal(sp.stateNs![d], max);
      if (d === sp.state) assert.ok(drawnShare('proc', sp) > 0);
    }
  }
});
