// Turns Go's own output (see make-fixtures.sh) into e2e/fixtures/blocking.json. Reads only text Go printed.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    line: { type: 'string' },
    main: { type: 'string' },
    parsed: { type: 'string' },
    raw: { type: 'string' },
    'go-version': { type: 'string' },
  },
});
const line = Number(args.line);
const fail = (msg) => { process.stderr.write(`make-fixtures: ${msg}\n`); process.exit(1); };

// The line must be one the program marks as blocking in the sync profile.
const sourceLines = readFileSync(args.main, 'utf8').split('\n');
const sourceLine = sourceLines[line - 1] ?? '';
if (!/\/\/ BLOCKS: .*-pprof=sync/.test(sourceLine)) fail(`main.go:${line} carries no "// BLOCKS: ... -pprof=sync" marker`);
const siteSuffix = `/main.go:${line}`;

// ---- go tool trace -d=parsed: events start with "M=", stacks follow on indented lines ----
const events = [];
let cur = null;
for (const text of readFileSync(args.parsed, 'utf8').split('\n')) {
  if (text.startsWith('M=')) {
    cur = { head: text, stacks: {} , stackName: null };
    events.push(cur);
  } else if (cur && /^[A-Za-z]+Stack=$|^Stack=$/.test(text)) {
    cur.stackName = text.slice(0, -1);
    cur.stacks[cur.stackName] = [];
  } else if (cur && cur.stackName && text.startsWith('\t\t')) {
    cur.stacks[cur.stackName].at(-1).pos = text.trim();
  } else if (cur && cur.stackName && text.startsWith('\t')) {
    cur.stacks[cur.stackName].push({ func: text.trim().replace(/ @ 0x[0-9a-f]+$/, ''), pos: '' });
  }
}
if (events.length === 0) fail('no events in the -d=parsed output');
const time = (e) => Number(/ Time=(\d+)/.exec(e.head)[1]);
const traceStartNs = time(events[0]);

const waits = [];
const open = new Map(); // goroutine -> the wait it is in
for (const e of events) {
  const m = / StateTransition Time=(\d+) GoID=(\d+) (\w+)->(\w+) Reason="([^"]*)"/.exec(e.head);
  if (!m) continue;
  const [, t, g, from, to, reason] = m;
  const w = open.get(g);
  if (w && from === 'Waiting') { w.endNs = Number(t); w.next = `${from}->${to}`; open.delete(g); }
  if (from === 'Running' && to === 'Waiting' && reason === 'sync') {
    const stack = e.stacks.TransitionStack ?? e.stacks.Stack ?? [];
    if (stack.some((f) => f.pos.endsWith(siteSuffix))) {
      const wait = { goroutine: Number(g), startNs: Number(t), endNs: null, stack };
      waits.push(wait);
      open.set(g, wait);
    }
  }
}
const ended = waits.filter((w) => w.endNs !== null);
if (ended.length === 0) fail(`no finished sync wait at main.go:${line}`);
ended.sort((a, b) => (b.endNs - b.startNs) - (a.endNs - a.startNs) || a.startNs - b.startNs);
const span = ended[0];

// ---- go tool pprof -raw: samples "count delay: loc loc ...", then "Locations" ----
const raw = readFileSync(args.raw, 'utf8').split('\n');
const samples = [];
const locations = new Map(); // id -> [file:line ...] (inlined frames continue on the next lines)
let section = '';
let lastLoc = null;
for (const text of raw) {
  if (/^(Samples|Locations|Mappings):?$/.test(text.trim())) { section = text.trim().replace(':', ''); continue; }
  if (section === 'Samples') {
    const m = /^\s*(\d+)\s+(\d+):((?:\s+\d+)*)\s*$/.exec(text);
    if (m) samples.push({ count: Number(m[1]), delay: Number(m[2]), locs: m[3].trim().split(/\s+/).map(Number) });
  } else if (section === 'Locations') {
    const m = /^\s*(\d+): 0x[0-9a-f]+ M=\d+ (\S+) (\S+):(\d+):\d+ s=\d+$/.exec(text);
    const c = /^\s+(\S+) (\S+):(\d+):\d+ s=\d+$/.exec(text);
    if (m) { lastLoc = Number(m[1]); locations.set(lastLoc, [`${m[3]}:${m[4]}`]); }
    else if (c && lastLoc !== null) locations.get(lastLoc).push(`${c[2]}:${c[3]}`);
  }
}
if (samples.length === 0 || locations.size === 0) fail('could not read the -raw profile');
let delayNs = 0, contentions = 0, through = 0;
for (const s of samples) {
  if (s.locs.some((id) => (locations.get(id) ?? []).some((p) => p.endsWith(siteSuffix)))) {
    delayNs += s.delay; contentions += s.count; through++;
  }
}
if (through === 0) fail(`no sample of the sync profile passes through main.go:${line}`);

const fixture = {
  program: 'testdata/programs/blocking/main.go',
  trace: 'testdata/traces/blocking.go1.27.trace',
  profile: 'testdata/golden-pprof/blocking.go1.27.trace.sync.pb.gz',
  goVersion: args['go-version'],
  derivedWith: 'e2e/tools/make-fixtures.sh (go tool trace -d=parsed; go tool pprof -raw)',
  source: { file: 'main.go', line, text: sourceLine.trim() },
  span: {
    goroutine: span.goroutine,
    traceStartNs,
    blockStartNs: span.startNs,
    blockEndNs: span.endNs,
    durationNs: span.endNs - span.startNs,
    // what the webview hook takes: ns since the trace start, the middle of the wait
    timeNs: Math.round((span.startNs + span.endNs) / 2) - traceStartNs,
    reason: 'sync',
    stack: span.stack.map((f) => `${f.func} ${f.pos}`),
    candidates: ended.length,
  },
  syncProfile: { line, delayNs, contentions, samples: through },
};
process.stdout.write(JSON.stringify(fixture, null, 2) + '\n');
