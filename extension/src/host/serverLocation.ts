// Where the server executable is: the setting `gotrace.server.path` (for development, e.g. a dev build), else
// the environment variable GOTRACE_SERVER, else the copy packaged in the extension under server/<rid>/.
// Pure apart from the `exists` check passed in.

import * as path from 'path';
import type { LaunchSpec } from './serverClient';

/** .NET runtime identifier of this platform (the folder of the packaged server). */
export function runtimeId(platform: string, arch: string): string | undefined {
  const os = platform === 'linux' ? 'linux' : platform === 'darwin' ? 'osx' : platform === 'win32' ? 'win' : undefined;
  const cpu = arch === 'x64' ? 'x64' : arch === 'arm64' ? 'arm64' : undefined;
  return os && cpu ? `${os}-${cpu}` : undefined;
}

export interface LocateInput {
  extensionPath: string;
  /** `gotrace.server.path` ("" when unset). */
  settingPath: string;
  /** The GOTRACE_SERVER environment variable, if set. */
  envPath?: string;
  platform: string;
  arch: string;
  exists: (p: string) => boolean;
}

function specFor(p: string, source: string): LaunchSpec {
  // A framework-dependent build is started through the dotnet host.
  if (p.toLowerCase().endsWith('.dll')) return { command: 'dotnet', args: [p, 'serve'], source };
  return { command: p, args: ['serve'], source };
}

export function locateServer(input: LocateInput): LaunchSpec {
  const setting = input.settingPath.trim();
  if (setting) {
    if (!input.exists(setting)) throw new Error(`gotrace.server.path is set to ${setting}, which does not exist`);
    return specFor(setting, 'setting gotrace.server.path');
  }
  const env = input.envPath?.trim();
  if (env) {
    if (!input.exists(env)) throw new Error(`GOTRACE_SERVER is set to ${env}, which does not exist`);
    return specFor(env, 'environment variable GOTRACE_SERVER');
  }
  const rid = runtimeId(input.platform, input.arch);
  if (!rid) throw new Error(`no Go trace server is packaged for ${input.platform}-${input.arch}; set gotrace.server.path`);
  const exe = path.join(input.extensionPath, 'server', rid, input.platform === 'win32' ? 'gotrace.exe' : 'gotrace');
  if (!input.exists(exe)) {
    throw new Error(`the Go trace server is not packaged for ${rid} (${exe} is missing); set gotrace.server.path to a gotrace executable`);
  }
  return specFor(exe, `packaged (${rid})`);
}
