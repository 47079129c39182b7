// The Tasks & regions tab on real answers (annotations.go1.27.trace): go tool trace's /usertasks counts, a bucket's
// instances, and what "Show on timeline" reveals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taskTypes, regionTypes, batchTasks, batchTasksParams, stepRegions, annotationsSummary } from './fixtures';
import { fillGoBuckets } from '../../../src/webview/views/histogram';
import { revealTask, revealIntervals } from '../../../src/webview/views/reveal';
import { displayName } from '../../../src/webview/views/tasks';

test("task types count as go tool trace's /usertasks: batch 10, never-ended 1, request 15, server-round 5", () => {
  const count = Object.fromEntries(taskTypes.types.map((t) => [t.name, t.count]));
  assert.equal(count['batch'], 10);
  assert.equal(count['never-ended'], 1);
  assert.equal(count['request'], 15);
  assert.equal(count['server-round'], 5);
  assert.equal(displayName(''), '(unnamed)');
  // the page's buckets: batch 1ms (5) and 1.584893ms (5); request and server-round 2.511886ms
  const batch = fillGoBuckets(taskTypes.types.find((t) => t.name === 'batch')!.histogram);
  assert.deepEqual(batch.map((b) => [b.label, b.count]), [['1ms', 5], ['1.584893ms', 5]]);
  const req = fillGoBuckets(taskTypes.types.find((t) => t.name === 'request')!.histogram);
  assert.deepEqual(req.map((b) => [b.label, b.count]), [['2.511886ms', 15]]);
  assert.deepEqual(fillGoBuckets(taskTypes.types.find((t) => t.name === 'never-ended')!.histogram), []);
});

test("a bucket lists its instances: batch's 1 ms bucket holds 5 tasks within its bounds", () => {
  assert.equal(batchTasks.total, 5);
  assert.equal(batchTasks.tasks.length, 5);
  for (const t of batchTasks.tasks) {
    assert.equal(t.name, 'batch');
    assert.ok(t.durationNs >= batchTasksParams.minNs && t.durationNs <= batchTasksParams.maxNs, String(t.durationNs));
    assert.ok(t.events.length > 0);
  }
  // regions: process.step's 1 ms bucket lists its 41
  const step = regionTypes.types.find((r) => r.name === 'process.step')!;
  assert.equal(step.histogram.find((h) => h.minNs === 1000000)!.count, 41);
  assert.equal(stepRegions.total, 41);
  for (const r of stepRegions.regions) assert.equal(r.stats.length, stepRegions.columns.length);
});

test("a task's Show on timeline: its range and each of its goroutines outlined once, at its first event", () => {
  const t = batchTasks.tasks[0];
  assert.equal(t.id, 11);
  const r = revealTask(t, annotationsSummary.durationNs, 'Task 11 batch');
  assert.ok(r.startNs <= t.startNs && r.endNs >= t.endNs);
  assert.deepEqual(r.spans, [{ goroutine: 22, timeNs: 19332544 }, { goroutine: 20, timeNs: 20367936 }]);
  // a region: its goroutine's row, the region's middle
  const g = stepRegions.regions[0];
  const rr = revealIntervals([{ goroutine: g.goroutine, startNs: g.startNs, endNs: g.endNs }], annotationsSummary.durationNs, 'x');
  assert.equal(rr.spans.length, 1);
  assert.equal(rr.spans[0].goroutine, g.goroutine);
  assert.ok(rr.spans[0].timeNs > g.startNs && rr.spans[0].timeNs < g.endNs);
});
