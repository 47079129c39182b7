#!/usr/bin/env node
// Captures the server answers the analysis views' unit tests run on (fixtures/*.json here), from a build of the server
// on committed testdata traces:
//
//   node extension/test/webview/views/capture-views-fixtures.mjs [--server /tmp/gotrace-server-dev/gotrace]
//
// Each fixture records the requests ("requests") next to the answers ("responses"), in the same order.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GotraceProcess, DEFAULT_SERVER, captureFixture } from '../../../dev/rpc.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..', '..', '..');
const i = process.argv.indexOf('--server');
const server = new GotraceProcess(i >= 0 ? process.argv[i + 1] : DEFAULT_SERVER);
const outDir = path.join(here, 'fixtures');
fs.mkdirSync(outDir, { recursive: true });

await server.initialize();

const capture = (name, trace, make) => captureFixture({ server, repo, outDir, capturedBy: 'extension/test/webview/views/capture-views-fixtures.mjs' }, name, trace, make);

await capture('blocking-views.json', 'blocking.go1.27.trace', (s, res) => [
  // 0 the Summary's overview
  { method: 'gotrace/overview', params: {} },
  // 1 the Blocking tab's sync sites (as it asks: limit 1000)
  { method: 'gotrace/blockingSites', params: { kind: 'sync', limit: 1000 } },
  // 2 "Show on timeline" of the main.condWaiter site (main.go:106)
  () => {
    const site = res[1].sites.find((x) => x.stack.some((f) => f.func === 'main.condWaiter' && f.line === 106));
    return { method: 'gotrace/siteEvents', params: { kind: 'sync', stackId: site.stackId, order: 'duration', limit: 1000 } };
  },
  // 3 the Goroutines tab: the groups, 4 one group's goroutines, 5 that group's goroutine items (lifetimes)
  { method: 'gotrace/goroutineGroups', params: {} },
  { method: 'gotrace/goroutineGroup', params: { name: 'main.condWaiter' } },
  { method: 'gotrace/goroutines', params: { group: 'main.condWaiter', orderBy: 'id', limit: 10000 } },
  // 6 sync sites within a time range (the "Use timeline range" filter)
  { method: 'gotrace/blockingSites', params: { kind: 'sync', limit: 1000, filter: { fromNs: 30000000, toNs: 50000000 } } },
]);

await capture('annotations-views.json', 'annotations.go1.27.trace', (s, res) => [
  // 0 task types, 1 region types
  { method: 'gotrace/taskTypes', params: {} },
  { method: 'gotrace/regionTypes', params: {} },
  // 2 the tasks of batch's first bucket (1 ms .. 1.584893 ms), as a bucket click asks
  () => {
    const b = res[0].types.find((t) => t.name === 'batch').histogram[0];
    return { method: 'gotrace/tasks', params: { name: 'batch', minNs: b.minNs, maxNs: b.maxNs, limit: 1000 } };
  },
  // 3 the regions of process.step's 1 ms bucket
  () => {
    const t = res[1].types.find((x) => x.name === 'process.step');
    const b = t.histogram.find((h) => h.minNs === 1000000);
    return { method: 'gotrace/regions', params: { name: t.name, pc: t.frame.pc, minNs: b.minNs, maxNs: b.maxNs, limit: 1000 } };
  },
]);

await capture('gcheavy-views.json', 'gcheavy.go1.27.trace', () => [
  // 0 the MMU curve with go tool trace's default toggles, 1 with percentiles, 2 the worst 1 ms windows
  { method: 'gotrace/mmu', params: { flags: 'stw|background|assist' } },
  { method: 'gotrace/mmu', params: { flags: 'stw|background|assist', quantiles: [0, 0.001, 0.01, 0.05] } },
  { method: 'gotrace/mmu', params: { flags: 'stw|background|assist', windowsNs: [1000000], worst: 10 } },
  // 3 per-goroutine with sweep
  { method: 'gotrace/mmu', params: { flags: 'perProc|stw|background|assist|sweep' } },
]);

await server.stop();
