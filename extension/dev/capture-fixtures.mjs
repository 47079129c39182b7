#!/usr/bin/env node
// Captures the server answers the webview's unit tests run on (extension/test/webview/fixtures/*.json), from the
// dev build of the server on committed testdata traces:
//
//   node extension/dev/capture-fixtures.mjs [--server /tmp/gotrace-server-dev/gotrace]
//
// Each fixture records the requests it was made from ("requests") next to the answers ("responses").

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GotraceProcess, DEFAULT_SERVER, captureFixture } from './rpc.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const i = process.argv.indexOf('--server');
const server = new GotraceProcess(i >= 0 ? process.argv[i + 1] : DEFAULT_SERVER);
const outDir = path.join(repo, 'extension', 'test', 'webview', 'fixtures');
fs.mkdirSync(outDir, { recursive: true });

await server.initialize();

const capture = (name, trace, make) => captureFixture({ server, repo, outDir, capturedBy: 'extension/dev/capture-fixtures.mjs' }, name, trace, make);

await capture('blocking-timeline.json', 'blocking.go1.27.trace', (s) => [
  // 0: the discovery query the webview makes at start (whole trace, ~1000 px)
  { method: 'gotrace/timeline', params: { startNs: 0, endNs: s.durationNs, nsPerPixel: Math.ceil(s.durationNs / 1000),
    kinds: ['gc', 'stw', 'tasks', 'counter', 'cpuSamples', 'logs', 'proc', 'thread', 'procRanges'] } },
  // 1: whole trace at 1200 px for a few goroutines and the procs (merged spans)
  { method: 'gotrace/timeline', params: { startNs: 0, endNs: s.durationNs, nsPerPixel: Math.floor(s.durationNs / 1200),
    tracks: [{ kind: 'goroutine', id: 13 }, { kind: 'goroutine', id: 14 }, { kind: 'goroutine', id: 19 },
      { kind: 'proc', id: 0 }, { kind: 'proc', id: 1 }, { kind: 'counter', id: 2 }] } },
  // 2: a 350 µs window at 1200 px (raw spans of G13's chan send wait at 182528..474048)
  { method: 'gotrace/timeline', params: { startNs: 150000, endNs: 500000, nsPerPixel: Math.floor(350000 / 1200),
    tracks: [{ kind: 'goroutine', id: 13 }, { kind: 'goroutine', id: 14 }, { kind: 'regions', id: 13, lane: 0 }] } },
  // 3: what G13 was doing at 200 µs
  { method: 'gotrace/goroutineStack', params: { goroutine: 13, timeNs: 200000 } },
  // 4: the goroutine groups and 5: the first page of one group by block time
  { method: 'gotrace/goroutineGroups', params: {} },
  { method: 'gotrace/goroutines', params: { group: 'main.chanSender', orderBy: 'blockTime', offset: 0, limit: 200 } },
]);

await capture('annotations-regions.json', 'annotations.go1.27.trace', (s) => [
  // 0: region lanes 0..2 and range lane 0 of G10 (a request handler with nested regions) and G1, whole trace
  { method: 'gotrace/timeline', params: { startNs: 0, endNs: s.durationNs, nsPerPixel: Math.floor(s.durationNs / 1200),
    tracks: [0, 1, 2].map((lane) => ({ kind: 'regions', id: 10, lane }))
      .concat([{ kind: 'goroutineRanges', id: 10, lane: 0 }, { kind: 'regions', id: 1, lane: 0 },
        { kind: 'goroutineRanges', id: 1, lane: 0 }, { kind: 'goroutineRanges', id: 1, lane: 1 }]) } },
  // 1: tasks and logs over the whole trace
  { method: 'gotrace/timeline', params: { startNs: 0, endNs: s.durationNs, nsPerPixel: Math.floor(s.durationNs / 1200),
    kinds: ['tasks', 'logs'] } },
]);

// The same timeline queries answered in both encodings: the unit tests check that unpacking gives the JSON answer.
const pair = (params) => [{ method: 'gotrace/timeline', params }, { method: 'gotrace/timeline', params: { ...params, encoding: 'packed' } }];
await capture('packed-timeline.json', 'blocking.go1.27.trace', (s) => [
  // 0, 1: whole trace at 600 px (merged spans, bucketed points); 2, 3: a 350 µs window at 1 ns/px (raw spans)
  ...pair({ startNs: 0, endNs: s.durationNs, nsPerPixel: Math.floor(s.durationNs / 600),
    tracks: [{ kind: 'goroutine', id: 13 }, { kind: 'goroutine', id: 19 }, { kind: 'proc', id: 0 }, { kind: 'counter', id: 0 }, { kind: 'gc' }] }),
  ...pair({ startNs: 150000, endNs: 500000, nsPerPixel: 1,
    tracks: [{ kind: 'goroutine', id: 13 }, { kind: 'goroutine', id: 14 }, { kind: 'proc', id: 1 }, { kind: 'thread', id: 0 }] }),
]);
await capture('packed-annotations.json', 'annotations.go1.27.trace', (s) => [
  // 0, 1: tasks, logs (texts), regions and ranges of G10 (names), whole trace at 400 px
  ...pair({ startNs: 0, endNs: s.durationNs, nsPerPixel: Math.floor(s.durationNs / 400), kinds: ['tasks', 'logs', 'cpuSamples'],
    tracks: [{ kind: 'regions', id: 10, lane: 0 }, { kind: 'regions', id: 10, lane: 1 }, { kind: 'goroutineRanges', id: 10, lane: 0 }] }),
]);

await server.stop();
