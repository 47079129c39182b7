import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  applySubstitutions, chooseBySuffix, commonSuffixLength, escapeModulePath, goEnvCandidates, impliedSubstitution,
  isWindowsStyle, resolveTracePath, splitPath, type ResolveIO,
} from '../../src/host/pathMapping';

test('splitPath: both separators, drive letters, dots', () => {
  assert.deepEqual(splitPath('/home/me/src/app/main.go'), ['home', 'me', 'src', 'app', 'main.go']);
  assert.deepEqual(splitPath('C:\\Users\\me\\app\\main.go'), ['C:', 'Users', 'me', 'app', 'main.go']);
  assert.deepEqual(splitPath('./a//b/./c.go'), ['a', 'b', 'c.go']);
  assert.ok(isWindowsStyle('C:\\x\\y.go'));
  assert.ok(isWindowsStyle('c:/x/y.go'));
  assert.ok(!isWindowsStyle('/x/y.go'));
  assert.ok(!isWindowsStyle('runtime/chan.go'));
});

test('commonSuffixLength: elements from the end, module versions, Windows case', () => {
  assert.equal(commonSuffixLength('/build/app/internal/db.go', '/home/me/src/app/internal/db.go'), 3);
  assert.equal(commonSuffixLength('gotrace.test/blocking/main.go', '/work/testdata/programs/blocking/main.go'), 2);
  assert.equal(commonSuffixLength('/build/app/main.go', '/home/me/other/main.go'), 1);
  assert.equal(commonSuffixLength('/build/app/main.go', '/home/me/app/main_test.go'), 0);
  // a partial element is not a match: "papp" is not "app"
  assert.equal(commonSuffixLength('/x/app/main.go', '/y/papp/main.go'), 1);
  // module cache: m@v1.2.3 matches a checkout's m (but a base name must be equal)
  assert.equal(commonSuffixLength('/home/ci/go/pkg/mod/example.com/m@v1.2.3/sub/x.go', '/src/example.com/m/sub/x.go'), 4);
  assert.equal(commonSuffixLength('x.go@v1', 'x.go'), 0);
  // Windows traces: separators and case do not matter
  assert.equal(commonSuffixLength('C:\\Users\\CI\\src\\App\\main.go', '/home/me/src/app/main.go'), 3);
  assert.equal(commonSuffixLength('/home/ci/App/main.go', '/home/me/app/main.go'), 1, 'POSIX paths are case-sensitive');
});

test('applySubstitutions: whole leading elements, longest from first', () => {
  const subs = [
    { from: '/build', to: '/home/me/work' },
    { from: '/build/app', to: '/home/me/src/app' },
    { from: 'gotrace.test', to: '/ws/testdata/programs' },
    { from: 'C:\\ci', to: '/mnt/ci' },
  ];
  assert.deepEqual(applySubstitutions('/build/app/main.go', subs), ['/home/me/src/app/main.go', '/home/me/work/app/main.go']);
  assert.deepEqual(applySubstitutions('/build/apple/x.go', subs), ['/home/me/work/apple/x.go']);
  assert.deepEqual(applySubstitutions('/buildx/app/main.go', subs), []);
  assert.deepEqual(applySubstitutions('gotrace.test/blocking/main.go', subs), ['/ws/testdata/programs/blocking/main.go']);
  assert.deepEqual(applySubstitutions('build/app/main.go', subs), [], 'an absolute from does not match a relative path');
  assert.deepEqual(applySubstitutions('c:\\CI\\pkg\\a.go', subs), ['/mnt/ci/pkg/a.go']);
  assert.deepEqual(applySubstitutions('/x/y.go', [{ from: '/x', to: 'D:\\src' }]), ['D:\\src\\y.go']);
  assert.deepEqual(applySubstitutions('/x/y.go', [{ from: '/x', to: '/local/' }]), ['/local/y.go']);
  assert.deepEqual(applySubstitutions('/x/y.go', [{ from: '', to: '/z' }, { from: '/x' } as never]), []);
});

test('chooseBySuffix: longest suffix wins; ties prefer non-vendor, then shorter, then alphabetical; reported', () => {
  const c1 = chooseBySuffix('gotrace.test/blocking/main.go', [
    '/ws/testdata/programs/netio/main.go', '/ws/testdata/programs/blocking/main.go', '/ws/cmd/main.go']);
  assert.equal(c1.best, '/ws/testdata/programs/blocking/main.go');
  assert.equal(c1.matched, 2);
  assert.deepEqual(c1.ties, []);

  const c2 = chooseBySuffix('/build/app/util.go', ['/ws/vendor/x/app/util.go', '/ws/b/app/util.go', '/ws/a/deep/app/util.go', '/ws/a/app/util.go']);
  assert.equal(c2.best, '/ws/a/app/util.go');
  assert.equal(c2.matched, 2);
  assert.deepEqual(c2.ties, ['/ws/b/app/util.go', '/ws/a/deep/app/util.go', '/ws/vendor/x/app/util.go']);

  assert.deepEqual(chooseBySuffix('/a/b.go', ['/x/c.go']), { matched: 0, ties: [] });
  assert.deepEqual(chooseBySuffix('/a/b.go', []), { matched: 0, ties: [] });
});

test('escapeModulePath: upper case as !lower (module cache encoding)', () => {
  assert.equal(escapeModulePath('github.com/BurntSushi/toml@v1.3.2'), 'github.com/!burnt!sushi/toml@v1.3.2');
  assert.equal(escapeModulePath('example.com/m@v1.0.0'), 'example.com/m@v1.0.0');
});

test('goEnvCandidates: GOROOT and module cache forms, -trimpath forms, Windows traces', () => {
  const env = { goroot: '/usr/lib/go', gomodcache: '/home/me/go/pkg/mod' };
  assert.deepEqual(goEnvCandidates('/usr/local/go/src/runtime/chan.go', env),
    [{ path: '/usr/lib/go/src/runtime/chan.go', via: 'goroot' }]);
  assert.deepEqual(goEnvCandidates('runtime/chan.go', env), [{ path: '/usr/lib/go/src/runtime/chan.go', via: 'goroot' }]);
  assert.deepEqual(goEnvCandidates('internal/runtime/maps/map.go', env), [{ path: '/usr/lib/go/src/internal/runtime/maps/map.go', via: 'goroot' }]);
  assert.deepEqual(goEnvCandidates('/home/ci/go/pkg/mod/github.com/!burnt!sushi/toml@v1.3.2/decode.go', env),
    [{ path: '/home/me/go/pkg/mod/github.com/!burnt!sushi/toml@v1.3.2/decode.go', via: 'modcache' }]);
  assert.deepEqual(goEnvCandidates('github.com/BurntSushi/toml@v1.3.2/decode.go', env),
    [{ path: '/home/me/go/pkg/mod/github.com/!burnt!sushi/toml@v1.3.2/decode.go', via: 'modcache' }]);
  assert.deepEqual(goEnvCandidates('golang.org/x/sync@v0.7.0/errgroup/errgroup.go', env),
    [{ path: '/home/me/go/pkg/mod/golang.org/x/sync@v0.7.0/errgroup/errgroup.go', via: 'modcache' }]);
  // -trimpath main module: a module path, neither GOROOT nor the cache
  assert.deepEqual(goEnvCandidates('gotrace.test/blocking/main.go', env), []);
  assert.deepEqual(goEnvCandidates('C:\\Go\\src\\net\\http\\server.go', env), [{ path: '/usr/lib/go/src/net/http/server.go', via: 'goroot' }]);
  assert.deepEqual(goEnvCandidates('C:\\Users\\ci\\go\\pkg\\mod\\example.com\\m@v1.2.3\\x.go', env),
    [{ path: '/home/me/go/pkg/mod/example.com/m@v1.2.3/x.go', via: 'modcache' }]);
  assert.deepEqual(goEnvCandidates('runtime/chan.go', {}), []);
});

test('impliedSubstitution: the prefixes before the longest common suffix', () => {
  assert.deepEqual(impliedSubstitution('/build/app/internal/db.go', '/home/me/src/app/internal/db.go'), { from: '/build', to: '/home/me/src' });
  assert.deepEqual(impliedSubstitution('gotrace.test/blocking/main.go', '/ws/testdata/programs/blocking/main.go'),
    { from: 'gotrace.test', to: '/ws/testdata/programs' });
  // the whole trace path is a suffix: keep its first element in from
  assert.deepEqual(impliedSubstitution('blocking/main.go', '/ws/p/blocking/main.go'), { from: 'blocking', to: '/ws/p/blocking' });
  // different names: map the file itself
  assert.deepEqual(impliedSubstitution('/b/x.go', '/l/y.go'), { from: '/b/x.go', to: '/l/y.go' });
  assert.deepEqual(impliedSubstitution('C:\\ci\\app\\main.go', '/home/me/app/main.go'), { from: 'C:\\ci', to: '/home/me' });
  // and applying it maps the trace path (and its siblings) to the picked file's tree
  const s = impliedSubstitution('/build/app/internal/db.go', '/home/me/src/app/internal/db.go');
  assert.deepEqual(applySubstitutions('/build/app/cmd/main.go', [s]), ['/home/me/src/app/cmd/main.go']);
});

function fakeIO(files: string[], env: { goroot?: string; gomodcache?: string } | { error: string }, calls: string[] = []): ResolveIO {
  const set = new Set(files);
  return {
    exists: async (p) => { calls.push(`exists ${p}`); return set.has(p); },
    findByBaseName: async (b) => { calls.push(`find ${b}`); return files.filter((f) => f.startsWith('/ws/') && f.endsWith('/' + b)); },
    goEnv: async () => env,
  };
}

test('resolveTracePath: substitution, then the path itself, then the workspace, then go env', async () => {
  const files = ['/ws/testdata/programs/blocking/main.go', '/ws/testdata/programs/netio/main.go', '/usr/lib/go/src/runtime/chan.go',
    '/mnt/src/app/main.go', '/build/here/x.go', '/ws/app/x.go'];
  const env = { goroot: '/usr/lib/go', gomodcache: '/home/me/go/pkg/mod' };
  const io = fakeIO(files, env);
  let r = await resolveTracePath('gotrace.test/blocking/main.go', [], io);
  assert.equal(r.path, '/ws/testdata/programs/blocking/main.go');
  assert.equal(r.via, 'workspace');
  assert.equal(r.matched, 2);
  r = await resolveTracePath('/ci/app/main.go', [{ from: '/ci', to: '/mnt/src' }], io);
  assert.deepEqual([r.path, r.via], ['/mnt/src/app/main.go', 'substitution']);
  r = await resolveTracePath('/build/here/x.go', [], io);
  assert.deepEqual([r.path, r.via], ['/build/here/x.go', 'exact']);
  r = await resolveTracePath('runtime/chan.go', [], io);
  assert.deepEqual([r.path, r.via], ['/usr/lib/go/src/runtime/chan.go', 'goroot']);
  r = await resolveTracePath('/opt/go/src/runtime/chan.go', [], io);
  assert.deepEqual([r.path, r.via], ['/usr/lib/go/src/runtime/chan.go', 'goroot']);
  // a substitution that gives a missing file falls through, and says so
  r = await resolveTracePath('gotrace.test/blocking/main.go', [{ from: 'gotrace.test', to: '/nowhere' }], io);
  assert.equal(r.via, 'workspace');
  assert.match(r.notes[0], /\/nowhere\/blocking\/main.go/);
});

test('resolveTracePath: nothing found explains why, including a missing go', async () => {
  const r = await resolveTracePath('runtime/chan.go', [], fakeIO([], { error: '`go` is not on PATH' }));
  assert.equal(r.path, undefined);
  assert.ok(r.notes.some((n) => n.includes('no workspace file is named chan.go')), r.notes.join('|'));
  assert.ok(r.notes.some((n) => n.includes('`go` is not on PATH')), r.notes.join('|'));
  const r2 = await resolveTracePath('example.com/m@v1.0.0/x.go', [], fakeIO([], { goroot: '/g', gomodcache: '/m' }));
  assert.equal(r2.path, undefined);
  assert.ok(r2.notes.some((n) => n.includes('not found in GOROOT (/g) nor the module cache (/m)')), r2.notes.join('|'));
});

test('resolveTracePath: ambiguity is reported', async () => {
  const r = await resolveTracePath('/ci/util/strings.go', [], fakeIO(['/ws/a/util/strings.go', '/ws/b/util/strings.go'], { error: 'x' }));
  assert.equal(r.path, '/ws/a/util/strings.go');
  assert.deepEqual(r.ambiguous, ['/ws/b/util/strings.go']);
});
