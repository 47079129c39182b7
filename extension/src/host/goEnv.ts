// GOROOT and GOMODCACHE of the Go toolchain on PATH (`go env -json GOROOT GOMODCACHE`), asked once.
import { execFile } from 'child_process';
import type { GoEnv } from './pathMapping';

let cached: Promise<GoEnv | { error: string }> | undefined;

export function goEnv(): Promise<GoEnv | { error: string }> {
  cached ??= new Promise((resolve) => {
    execFile('go', ['env', '-json', 'GOROOT', 'GOMODCACHE'], { timeout: 15_000, windowsHide: true }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        resolve({ error: code === 'ENOENT' ? '`go` is not on PATH' : `\`go env\` failed: ${(stderr || err.message).trim()}` });
        return;
      }
      try {
        const j = JSON.parse(stdout) as { GOROOT?: string; GOMODCACHE?: string };
        resolve({ goroot: j.GOROOT || undefined, gomodcache: j.GOMODCACHE || undefined });
      } catch (e) {
        resolve({ error: `\`go env -json\` printed something unexpected: ${e instanceof Error ? e.message : e}` });
      }
    });
  });
  return cached;
}

/** Ask again next time (PATH or the Go installation may have changed). */
export function forgetGoEnv(): void {
  cached = undefined;
}
