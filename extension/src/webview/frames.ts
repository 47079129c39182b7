// Which frame of a stack is "the program's line": the innermost frame that is not Go's runtime or standard
// library. Pure, no DOM.

import type { Frame } from '../protocol';
import type { SourceRef } from './messages';

/**
 * True when `func` (a Go symbol such as "main.worker.func1", "example.com/app/db.(*Pool).Get",
 * "runtime.chanrecv1") belongs to the program: its package is `main`, or the first element of its import path
 * has a dot (a module path), which is how the go command tells standard packages apart.
 */
export function isUserFunction(func: string): boolean {
  if (!func) return false;
  const slash = func.lastIndexOf('/');
  const dot = func.indexOf('.', slash + 1);
  const pkg = dot < 0 ? func : func.slice(0, dot);
  if (pkg === 'main') return true;
  const firstSlash = pkg.indexOf('/');
  const first = firstSlash < 0 ? pkg : pkg.slice(0, firstSlash);
  return first.includes('.');
}

/** Prefixes of functions that are certainly Go's own (a module without a dot in its path is otherwise user code). */
const STD_PREFIXES = [
  'runtime.', 'runtime/', 'sync.', 'sync/', 'internal/', 'syscall.', 'net.', 'net/', 'os.', 'os/', 'time.',
  'io.', 'io/', 'bufio.', 'context.', 'reflect.', 'fmt.', 'crypto/', 'crypto.', 'iter.', 'log.', 'log/',
];

export function isStdFunction(func: string): boolean {
  return STD_PREFIXES.some((p) => func.startsWith(p));
}

/**
 * Index of the first (innermost) user frame of a stack (leaf first): a frame of the program by the module-path
 * rule; failing that, the first frame not in a known standard package (a program whose module path has no dot);
 * failing that, 0. -1 for an empty stack.
 */
export function firstUserFrame(frames: readonly Pick<Frame, 'func'>[]): number {
  if (frames.length === 0) return -1;
  for (let i = 0; i < frames.length; i++) if (isUserFunction(frames[i].func)) return i;
  for (let i = 0; i < frames.length; i++) if (frames[i].func && !isStdFunction(frames[i].func)) return i;
  return 0;
}

export function toSourceRef(f: Frame): SourceRef {
  return { file: f.file, line: f.line, func: f.func };
}

/** The `openSource` target for a stack: its first user frame, with the whole stack as fallbacks. */
export function sourceTarget(frames: readonly Frame[]): { target: SourceRef; frames: SourceRef[] } | null {
  const i = firstUserFrame(frames);
  if (i < 0) return null;
  return { target: toSourceRef(frames[i]), frames: frames.map(toSourceRef) };
}
