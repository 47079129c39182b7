#!/usr/bin/env node
// Captures the server answers the timeline navigation tests run on (extension/test/webview/nav/fixtures/*.json),
// from the dev build of the server on committed testdata traces:
//
//   node extension/test/webview/nav/capture-nav-fixtures.mjs [--server /tmp/gotrace-server-dev/gotrace]
//
// Each fixture records its requests ("requests") next to the answers ("responses"), in the same order.

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

const capture = (name, trace, make) => captureFixture({ server, repo, outDir, capturedBy: 'extension/test/webview/nav/capture-nav-fixtures.mjs' }, name, trace, make);

const goroutineTracks = (ids) => ids.map((id) => ({ kind: 'goroutine', id, lane: 0 }));

await capture('blocking-nav.json', 'blocking.go1.27.trace', (s) => [
  // 0: goroutines whose function contains "chanSender"
  { method: 'gotrace/goroutines', params: { nameContains: 'chanSender', orderBy: 'id', limit: 50 } },
  // 1: what G13 was doing at 0 (how a goroutine ID is resolved to its group)
  { method: 'gotrace/goroutineStack', params: { goroutine: 13, timeNs: 0 } },
  // 2: G1 and G13..G20 over [100 µs, 3 ms] at 1400 px (unblock and create relations among them)
  { method: 'gotrace/timeline', params: { startNs: 100000, endNs: 3000000, nsPerPixel: Math.floor(2900000 / 1400),
    tracks: goroutineTracks([1, 13, 14, 15, 16, 17, 18, 19, 20]) } },
  // 3: the same rows over the whole trace at 1400 px (merged spans)
  { method: 'gotrace/timeline', params: { startNs: 0, endNs: s.durationNs, nsPerPixel: Math.floor(s.durationNs / 1400),
    tracks: goroutineTracks([1, 13, 14, 15, 16, 17, 18, 19, 20]) } },
  // 4: goroutines of the group main.chanSender by ID
  { method: 'gotrace/goroutines', params: { group: 'main.chanSender', orderBy: 'id', limit: 50 } },
]);

await capture('annotations-nav.json', 'annotations.go1.27.trace', (s) => [
  // 0..2: regions, tasks and logs matching a text
  { method: 'gotrace/search', params: { kind: 'region', text: 'decode', limit: 100 } },
  { method: 'gotrace/search', params: { kind: 'task', text: 'batch', limit: 100 } },
  { method: 'gotrace/search', params: { kind: 'log', text: 'round', limit: 100 } },
  // 3: G12's region lane 0 from the "decode" region's start to the end of the trace at 4096 px (its end)
  { method: 'gotrace/timeline', params: { startNs: 271616, endNs: s.durationNs, nsPerPixel: Math.ceil((s.durationNs - 271616) / 4096),
    tracks: [{ kind: 'regions', id: 12, lane: 0 }] } },
  // 4: the task lanes from the "batch" task's start at 4096 px
  { method: 'gotrace/timeline', params: { startNs: 278848, endNs: s.durationNs, nsPerPixel: Math.ceil((s.durationNs - 278848) / 4096),
    tracks: [{ kind: 'tasks', id: 0, lane: 3 }] } },
]);

await server.stop();
