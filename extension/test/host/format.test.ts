import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  dominantKind, escapeHtml, heatLabel, escapeMarkdown, formatDuration, formatInt, formatLensTitle, formatLineHover, formatNs, formatStack,
} from '../../src/host/format';
import type { SourceLinesResult } from '../../src/protocol';

test('formatDuration: 3 significant digits, half up on exact ns, largest unit', () => {
  const cases: [number, string][] = [
    [0, '0 ns'], [7, '7 ns'], [99, '99 ns'], [100, '100 ns'], [812, '812 ns'], [999, '999 ns'],
    [1000, '1.00 µs'], [1004, '1.00 µs'], [1005, '1.01 µs'], [4500, '4.50 µs'], [12_345, '12.3 µs'], [123_456, '123 µs'],
    [999_499, '999 µs'], [999_500, '1.00 ms'], [999_999, '1.00 ms'],
    [20_834_916, '20.8 ms'], [20_850_000, '20.9 ms'], [20_849_999, '20.8 ms'], [60_568_832, '60.6 ms'],
    [102_867_392, '103 ms'], [355_815_425, '356 ms'], [999_500_000, '1.00 s'], [1_234_567_890, '1.23 s'],
    [61_000_000_000, '61.0 s'], [1_234_000_000_000, '1230 s'], [-1500, '-1.50 µs'],
  ];
  for (const [ns, want] of cases) assert.equal(formatDuration(ns), want, `${ns}`);
});

test('formatInt / formatNs: thousands separators', () => {
  assert.equal(formatInt(0), '0');
  assert.equal(formatInt(999), '999');
  assert.equal(formatInt(1000), '1,000');
  assert.equal(formatInt(20834916), '20,834,916');
  assert.equal(formatInt(-1234567), '-1,234,567');
  assert.equal(formatNs(60568832), '60,568,832 ns');
});

test('escapeMarkdown: every Markdown-active character is escaped; the text survives', () => {
  const hostile = 'main.(*T).f [x](javascript:alert(1)) <img src=x onerror=1> **b** _i_ `c` # h | t ~s~ \\ &amp; https://e.com\nline2';
  const e = escapeMarkdown(hostile);
  // no unescaped syntax characters remain
  assert.equal(/(^|[^\\])[[\]()<>*_`#|~&]/.test(e.replace(/\\\\/g, '')), false, e);
  assert.ok(!e.includes('\n'));
  // unescaping gives back the text (with the newline turned into a space)
  assert.equal(e.replace(/\\(.)/g, '$1'), hostile.replace('\n', ' '));
  assert.equal(escapeMarkdown('main.lockContender'), 'main\\.lockContender');
  assert.equal(escapeMarkdown('plain words'), 'plain words');
});

test('escapeHtml: element text and attribute values', () => {
  assert.equal(escapeHtml(`<script>alert("x" + 'y')</script> & co`), '&lt;script&gt;alert(&quot;x&quot; + &#39;y&#39;)&lt;/script&gt; &amp; co');
  assert.equal(escapeHtml('a.go'), 'a.go');
});

// The fixture is a real response: gotrace/sourceLines for testdata/programs/blocking/main.go (asked as
// /home/someone/src/blocking/main.go) on testdata/traces/blocking.go1.27.trace, captured from the dev server.
function fixture(): SourceLinesResult {
  const p = path.join(__dirname, 'fixtures', 'sourceLines.blocking.main.json');
  const alt = path.join(process.cwd(), 'extension/test/host/fixtures/sourceLines.blocking.main.json');
  return JSON.parse(fs.readFileSync(fs.existsSync(p) ? p : alt, 'utf8')) as SourceLinesResult;
}

test('hover text of main.go:106 (cond.Wait) from a real sourceLines response', () => {
  const r = fixture();
  assert.equal(r.match.tracePath, 'gotrace.test/blocking/main.go');
  const line = r.lines.find((l) => l.line === 106)!;
  const md = formatLineHover({ traceName: 'blocking.go1.27.trace', match: r.match, line });
  const rows = md.split('\n');
  assert.equal(rows[0], '**Go trace blocking\\.go1\\.27\\.trace**, line 106 — trace path gotrace\\.test\\/blocking\\/main\\.go');
  // table: header, alignment, one row per kind present (sync and sched for this line)
  const syncRow = rows.find((x) => x.startsWith('| sync |'))!;
  assert.equal(syncRow, '| sync | 60.6 ms | 0 ns | 63 / 0 | 1.12 ms | 1.56 ms | 1.56 ms |');
  assert.ok(md.includes('- sync exact: cumulative 60,568,832 ns in 63 events, flat 0 ns in 0 events'), md);
  assert.ok(md.includes('Top sync stacks through this line:'));
  assert.ok(md.includes('1. 60.6 ms in 63 events: sync\\.\\(\\*Cond\\)\\.Wait sync\\/cond\\.go:71 ← main\\.condWaiter blocking\\/main\\.go:106'), md);
  assert.ok(md.includes('Goroutine groups (sync): main\\.condWaiter (63×, 60.6 ms)'), md);
  // nothing in it is raw HTML or a link
  assert.ok(!/<[a-z]/i.test(md) && !/\]\(/.test(md));
});

test('hover of a line with several kinds lists them in kind order; lens title and dominant kind', () => {
  const r = fixture();
  const multi = r.lines.find((l) => [l.sync, l.net, l.syscall, l.sched].filter(Boolean).length >= 2)!;
  assert.ok(multi, 'the fixture has a line with two kinds');
  const md = formatLineHover({ traceName: 't', match: r.match, line: multi });
  const kinds = md.split('\n').filter((x) => /^\| (sync|net|syscall|sched) \|/.test(x)).map((x) => x.split(' ')[1]);
  assert.deepEqual(kinds, ['sync', 'net', 'syscall', 'sched'].filter((k) => (multi as unknown as Record<string, unknown>)[k]));
  const d = dominantKind(multi)!;
  for (const k of ['sync', 'net', 'syscall', 'sched'] as const) if (multi[k]) assert.ok(multi[k]!.cumNs <= d.cumNs);
  const l106 = r.lines.find((l) => l.line === 106)!;
  assert.equal(formatLensTitle(l106, 'blocking.go1.27.trace'), 'Blocking: sync 60.6 ms in 63 (blocking.go1.27.trace)');
  const l42 = r.lines.find((l) => l.line === 42)!;
  assert.equal(formatLensTitle(l42, 'x'), 'Blocking: sched 4.28 ms in 55 (x)');
});

test('hover escapes hostile trace strings (function, file, group names)', () => {
  const md = formatLineHover({
    traceName: '[evil](http://x) <b>.trace',
    match: { tracePath: 'a/<script>.go', matchedElements: 1, ambiguous: ['b/*x*.go'] },
    line: {
      line: 3,
      sync: {
        flatNs: 1, flatCount: 1, cumNs: 2, cumCount: 1, p50Ns: 1, p99Ns: 1, maxNs: 1,
        topStacks: [{ timeNs: 2, count: 1, p50Ns: 1, p90Ns: 1, p99Ns: 1, maxNs: 1, userFrame: 0, stackId: 7, histogram: [{ minNs: 1, maxNs: 2, count: 1 }],
          stack: [{ func: 'main.`f`|x', file: 'x/[a](b).go', line: 3, pc: 1 }], groups: [] }],
        groups: [{ name: '<img src=x>', count: 1, timeNs: 2 }],
      },
    },
  });
  const unescaped = md.replace(/\\./g, '');
  for (const raw of ['[evil](http://x)', '<b>', '<script>', '*x*', '`f`', '|x', '[a](b)', '<img', '<', '`']) assert.ok(!unescaped.includes(raw), raw);
  assert.ok(md.includes('\\[evil\\]\\(http\\:\\/\\/x\\)'));
});

test('formatStack starts at the call the program blocked in and elides the rest', () => {
  const site = {
    timeNs: 1, count: 1, p50Ns: 1, p90Ns: 1, p99Ns: 1, maxNs: 1, userFrame: 1, groups: [], stackId: 3, histogram: [],
    stack: [
      { func: 'sync.(*Mutex).Lock', file: 'sync/mutex.go', line: 46, pc: 1 },
      { func: 'main.a', file: '/x/app/main.go', line: 10, pc: 2 },
      { func: 'main.b', file: '/x/app/main.go', line: 20, pc: 3 },
      { func: 'main.c', file: '/x/app/main.go', line: 30, pc: 4 },
    ],
  };
  assert.equal(formatStack(site, 2), 'sync\\.\\(\\*Mutex\\)\\.Lock sync\\/mutex\\.go:46 ← main\\.a app\\/main\\.go:10 ← … (2 more)');
  assert.equal(formatStack({ ...site, userFrame: 0 }, 1), 'sync\\.\\(\\*Mutex\\)\\.Lock sync\\/mutex\\.go:46 ← … (3 more)');
});

test('heat label: one trace with its share, several named', () => {
  const r = fixture();
  const l39 = r.lines.find((l) => l.line === 39)!;
  const one = [{ t: { session: { name: 'a.trace' } }, line: l39, share: 6372929 / 355815425 }];
  assert.equal(heatLabel(one), "sync 6.37 ms (1.8% of the trace's sync)");
  assert.equal(heatLabel([{ ...one[0], share: 0.54 }]), "sync 6.37 ms (54% of the trace's sync)");
  assert.equal(heatLabel([...one, { ...one[0], t: { session: { name: 'b.out' } } }]), 'sync 6.37 ms in a.trace | sync 6.37 ms in b.out');
});
