import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { locateServer, runtimeId } from '../../src/host/serverLocation';

const base = { extensionPath: '/ext', settingPath: '', platform: 'linux', arch: 'x64' };

test('runtimeId: .NET RIDs', () => {
  assert.equal(runtimeId('linux', 'x64'), 'linux-x64');
  assert.equal(runtimeId('darwin', 'arm64'), 'osx-arm64');
  assert.equal(runtimeId('win32', 'x64'), 'win-x64');
  assert.equal(runtimeId('freebsd', 'x64'), undefined);
  assert.equal(runtimeId('linux', 'ia32'), undefined);
});

test('locateServer: setting, then GOTRACE_SERVER, then the packaged server', () => {
  const all = (_: string) => true;
  assert.deepEqual(locateServer({ ...base, settingPath: '/dev/gotrace', envPath: '/env/gotrace', exists: all }),
    { command: '/dev/gotrace', args: ['serve'], source: 'setting gotrace.server.path' });
  assert.deepEqual(locateServer({ ...base, settingPath: ' ', envPath: '/env/gotrace', exists: all }),
    { command: '/env/gotrace', args: ['serve'], source: 'environment variable GOTRACE_SERVER' });
  assert.deepEqual(locateServer({ ...base, exists: all }),
    { command: '/ext/server/linux-x64/gotrace', args: ['serve'], source: 'packaged (linux-x64)' });
  assert.deepEqual(locateServer({ ...base, settingPath: '/b/gotrace.dll', exists: all }),
    { command: 'dotnet', args: ['/b/gotrace.dll', 'serve'], source: 'setting gotrace.server.path' });
});

test('locateServer: a missing file is an error that names the setting', () => {
  const none = (_: string) => false;
  assert.throws(() => locateServer({ ...base, settingPath: '/nope', exists: none }), /gotrace\.server\.path is set to \/nope/);
  assert.throws(() => locateServer({ ...base, exists: none }), /not packaged for linux-x64.*set gotrace\.server\.path/);
  assert.throws(() => locateServer({ ...base, platform: 'aix', exists: none }), /no Go trace server is packaged for aix-x64/);
});
