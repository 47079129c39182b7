// Turns Go's own output into e2e/fixtures/views.json: the numbers the analysis-tab tests (issue 7) expect. Reads only
// what Go 1.27 printed or served (see make-fixtures.sh), never this project's server:
//
//   --pprof-raw KIND=FILE   `go tool pprof -raw` of testdata/golden-pprof/blocking.go1.27.trace.KIND.pb.gz
//                           (Go's -pprof=KIND): per kind the total delay and the contention count
//   --parsed FILE           `go tool trace -d=parsed` of blocking.go1.27.trace: per main.lockContender goroutine the
//                           longest interval between two of its state transitions (a time its timeline row has a span)
//   --pages-blocking FILE   testdata/golden-pages/blocking.go1.27.trace/pages.gz (Go's HTML pages): /goroutines (each
//                           group's count and execution time) and /goroutine?name=main.lockContender (its goroutines)
//   --pages-annotations F   the same of annotations.go1.27.trace: /usertasks (task types, counts, histogram buckets)
//                           and /usertask?type=batch&complete=true&latmin=…&latmax=… (the tasks of a bucket)
//   --mmu FILE              testdata/golden-mmu/gcheavy.go1.27.trace/mmu.tsv.gz: Go's MMU curve (flags: assist) and its
//                           worst windows for a window longer than the trace
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    'pprof-raw': { type: 'string', multiple: true },
    parsed: { type: 'string' },
    'pages-blocking': { type: 'string' },
    'pages-annotations': { type: 'string' },
    mmu: { type: 'string' },
    'go-version': { type: 'string' },
  },
});
const fail = (msg) => { process.stderr.write(`make-view-fixtures: ${msg}\n`); process.exit(1); };

// ------------------------------------------------------------------------------------------------ Go durations

/** Go's time.Duration.String() ("1.584893ms", "90.048µs", "0s", "1m2.5s") → ns. */
function goDurationNs(text) {
  const t = text.trim();
  if (t === '0s' || t === '0') return 0;
  const unit = { ns: 1, 'µs': 1e3, 'μs': 1e3, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let ns = 0, rest = t, m;
  const re = /^(\d+(?:\.\d+)?)(ns|µs|μs|us|ms|s|m|h)/;
  while (rest && (m = re.exec(rest))) { ns += Number(m[1]) * unit[m[2]]; rest = rest.slice(m[0].length); }
  if (rest) fail(`not a Go duration: ${JSON.stringify(text)}`);
  return Math.round(ns);
}

const unescapeHtml = (s) => s.replace(/&#34;/g, '"').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const stripTags = (s) => unescapeHtml(s.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();

// ------------------------------------------------------------------------------------------------ pages.gz

/** Go's pages of one trace: Map path+query → body (format: testdata/tools/capture-pages.sh). */
function readPages(file) {
  const buf = gunzipSync(readFileSync(file));
  const pages = new Map();
  let i = 0;
  while (i < buf.length) {
    const nl = buf.indexOf(10, i);
    const head = /^GET (\S+) (\d+)$/.exec(buf.subarray(i, nl).toString('utf8'));
    if (!head) fail(`${file}: bad page header at byte ${i}`);
    const len = Number(head[2]);
    pages.set(head[1], buf.subarray(nl + 1, nl + 1 + len).toString('utf8'));
    i = nl + 1 + len + 1;
  }
  return pages;
}
const page = (pages, p) => pages.get(p) ?? fail(`Go's page ${p} is not in pages.gz`);

// ------------------------------------------------------------------------------------------------ pprof -raw

function pprofTotal(file) {
  let section = '', delayNs = 0, contentions = 0, samples = 0;
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (/^(Samples|Locations|Mappings):?$/.test(text.trim())) { section = text.trim().replace(':', ''); continue; }
    if (section !== 'Samples') continue;
    const m = /^\s*(\d+)\s+(\d+):((?:\s+\d+)*)\s*$/.exec(text);
    if (m) { contentions += Number(m[1]); delayNs += Number(m[2]); samples++; }
  }
  return { delayNs, contentions, samples };
}
const blocking = {};
for (const kv of args['pprof-raw'] ?? []) {
  const [kind, file] = kv.split('=');
  blocking[kind] = pprofTotal(file);
}
if (!blocking.sync || blocking.sync.samples === 0) fail('no samples in the sync profile');

// ------------------------------------------------------------------------------------------------ goroutines

const bp = readPages(args['pages-blocking']);
const groups = [];
{
  const html = page(bp, '/goroutines');
  const rowRe = /<tr>\s*<td><code><a href="[^"]*">([^<]*)<\/a><\/code><\/td>\s*<td>(\d+)<\/td>\s*<td>([^<]*)<\/td>\s*<\/tr>/g;
  for (const m of html.matchAll(rowRe)) groups.push({ name: unescapeHtml(m[1]), count: Number(m[2]), execNs: goDurationNs(m[3]), execText: m[3].trim() });
  if (groups.length === 0) fail('no group rows in Go\'s /goroutines');
}
/** The goroutines of a group (/goroutine?name=…): id and total time, in Go's order. */
function groupGoroutines(name) {
  const html = page(bp, `/goroutine?name=${encodeURIComponent(name).replace(/\*/g, '%2a').replace(/\(/g, '%28').replace(/\)/g, '%29')}`);
  const details = html.slice(html.indexOf('<table class="details">'));
  const out = [];
  for (const m of details.matchAll(/<tr>\s*<td>\s*<a href="\/trace\?goid=(\d+)">\d+<\/a>\s*<\/td>\s*<td>\s*([^<]*?)\s*<\/td>/g)) {
    out.push({ id: Number(m[1]), totalNs: goDurationNs(m[2]), totalText: m[2] });
  }
  if (out.length === 0) fail(`no goroutine rows in Go's page of ${name}`);
  return out;
}
const searchFunction = 'main.lockContender';
const contenders = groupGoroutines(searchFunction);

// ------------------------------------------------------------------------------------------------ -d=parsed

const transitions = new Map(); // goroutine -> times of its state transitions
let traceStartNs = null;
for (const text of readFileSync(args.parsed, 'utf8').split('\n')) {
  if (!text.startsWith('M=')) continue;
  const t = / Time=(\d+)/.exec(text);
  if (t && traceStartNs === null) traceStartNs = Number(t[1]);
  const m = / StateTransition Time=(\d+) GoID=(\d+) (\w+)->(\w+)/.exec(text);
  if (!m) continue;
  const g = Number(m[2]);
  if (!transitions.has(g)) transitions.set(g, []);
  transitions.get(g).push(Number(m[1]));
}
for (const c of contenders) {
  const ts = transitions.get(c.id) ?? fail(`G${c.id} has no state transition in -d=parsed`);
  let best = null;
  for (let i = 1; i < ts.length; i++) if (!best || ts[i] - ts[i - 1] > best[1] - best[0]) best = [ts[i - 1], ts[i]];
  if (!best) fail(`G${c.id} has one transition only`);
  c.spanStartNs = best[0] - traceStartNs;
  c.spanEndNs = best[1] - traceStartNs;
  c.timeNs = Math.round((best[0] + best[1]) / 2) - traceStartNs;
}

// ------------------------------------------------------------------------------------------------ tasks

const ap = readPages(args['pages-annotations']);
const taskTypes = [];
{
  const html = page(ap, '/usertasks');
  const table = html.slice(html.indexOf('<th>Task type</th>'));
  // each type: <tr><td>NAME</td><td><a href="/usertask?type=NAME">COUNT</a></td><td>HISTOGRAM</td></tr> (the histogram's
  // own rows begin "<tr><td class=" or "<tr><td align=", so splitting at "<tr><td>" keeps each type whole)
  for (const chunk of table.split(/<tr>\s*<td>/).slice(1)) {
    const m = /^([^<]*)<\/td>\s*<td><a href="\/usertask\?type=[^"]*">(\d+)<\/a><\/td>/.exec(chunk);
    if (!m) continue;
    const buckets = [];
    for (const b of chunk.matchAll(/<a href=(\/usertask\?type=[^>]*?&latmin=([^&>]+)&latmax=([^&>]+))>([^<]*)<\/a><\/td><td><div[^>]*>&nbsp;<\/div><\/td><td align="right"><div[^>]*>(\d+)<\/div>/g)) {
      buckets.push({ path: unescapeHtml(b[1]), minNs: goDurationNs(decodeURIComponent(b[2])), maxNs: goDurationNs(decodeURIComponent(b[3])), label: b[4], count: Number(b[5]) });
    }
    taskTypes.push({ name: unescapeHtml(m[1]), count: Number(m[2]), buckets });
  }
  if (taskTypes.length === 0) fail('no task types in Go\'s /usertasks');
}
/** The tasks Go lists on a /usertask page: id and duration. */
function taskList(p) {
  const html = page(ap, p);
  const out = [];
  for (const m of html.matchAll(/<tr class="first">\s*<td class="when">[^<]*<\/td>\s*<td class="elapsed">([^<]*)<\/td>[\s\S]*?>Task (\d+)<\/a>/g)) {
    out.push({ id: Number(m[2]), durationNs: goDurationNs(m[1]), durationText: m[1].trim() });
  }
  return out;
}
// the bucket: the first bucket of the first type with two buckets or more (a choice among several)
const bucketType = taskTypes.find((t) => t.buckets.length >= 2) ?? fail('no task type with two histogram buckets');
const bucket = bucketType.buckets[0];
const bucketTasks = taskList(bucket.path);
if (bucketTasks.length !== bucket.count) fail(`Go's bucket says ${bucket.count} tasks, its page lists ${bucketTasks.length}`);

// ------------------------------------------------------------------------------------------------ MMU

const mmuLines = gunzipSync(readFileSync(args.mmu)).toString('utf8').split('\n').map((l) => l.split('\t'));
// The flag set compared: "assist" (mark assists only). Not Go's default (STW, background workers, mark assist): with
// background workers Go's MMU drifts (server/GoTrace.Analysis/Mmu/README.md, "Where Go is wrong", 1) and the tab
// shows the corrected values by design; mark assists are computed as Go does everywhere but gcstart.go1.27 (item 5).
const MMU_SET = 'assist';
const plot = mmuLines.find((f) => f[0] === 'plot' && f[1] === MMU_SET) ?? fail(`no MMU plot of the set ${MMU_SET}`);
const curveJson = JSON.parse(plot[3]);
const details = mmuLines.find((f) => f[0] === 'details' && f[1] === MMU_SET && f[3] === '10000000000') ?? fail(`no MMU details of ${MMU_SET} for 10 s`);
const whole = JSON.parse(details[4]);
const mmu = {
  trace: 'gcheavy.go1.27.trace',
  flags: plot[2],
  xMinNs: curveJson.xMin,
  xMaxNs: curveJson.xMax,
  // [window ns, MMU] for each of Go's 100 points, from xMin to xMax on a log scale (same as the tab's points)
  curve: curveJson.curve,
  wholeTraceWorst: whole.map((w) => ({ timeNs: w.Time, utilization: w.MutatorUtil })),
};

const fixture = {
  goVersion: args['go-version'],
  derivedWith: 'e2e/tools/make-fixtures.sh (go tool pprof -raw of the golden profiles; go tool trace -d=parsed; Go\'s pages in testdata/golden-pages; Go\'s MMU in testdata/golden-mmu)',
  blocking: {
    trace: 'blocking.go1.27.trace',
    kinds: blocking,
    groups,
    search: { function: searchFunction, goroutines: contenders },
  },
  tasks: {
    trace: 'annotations.go1.27.trace',
    types: taskTypes.map(({ name, count, buckets }) => ({ name, count, buckets: buckets.map(({ minNs, maxNs, label, count: n }) => ({ minNs, maxNs, label, count: n })) })),
    bucket: { type: bucketType.name, minNs: bucket.minNs, maxNs: bucket.maxNs, label: bucket.label, page: bucket.path, tasks: bucketTasks },
  },
  mmu,
};
process.stdout.write(JSON.stringify(fixture, null, 2) + '\n');
