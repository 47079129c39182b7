// Which frame of a stack is "the program's line": the innermost frame that is not Go's runtime or standard
// library. Pure, no DOM.

import type { Frame } from '../protocol';
import type { SourceRef } from './messages';

/** The first elements of the standard library's import paths (Go 1.27), plus `vendor` and `cmd`. */
const STD_ROOTS = new Set([
  'archive', 'bufio', 'builtin', 'bytes', 'cmp', 'compress', 'container', 'context', 'crypto', 'database', 'debug',
  'embed', 'encoding', 'errors', 'expvar', 'flag', 'fmt', 'go', 'hash', 'html', 'image', 'index', 'internal', 'io',
  'iter', 'log', 'maps', 'math', 'mime', 'net', 'os', 'path', 'plugin', 'reflect', 'regexp', 'runtime', 'slices',
  'sort', 'strconv', 'strings', 'structs', 'sync', 'syscall', 'testing', 'text', 'time', 'unicode', 'unique',
  'unsafe', 'weak', 'vendor', 'cmd',
]);

/**
 * True when `func` (a Go symbol such as "main.worker.func1", "example.com/app/db.(*Pool).Get",
 * "runtime.chanrecv1") belongs to the program: its package is `main`, or the first element of its import path has
 * a dot (a module path, the go command's rule), or is not one of the standard library's roots (a module named
 * without a dot, such as "myapp/worker").
 */
export function isUserFunction(func: string): boolean {
  if (!func) return false;
  const slash = func.lastIndexOf('/');
  const dot = func.indexOf('.', slash + 1);
  const pkg = dot < 0 ? func : func.slice(0, dot);
  if (pkg === 'main') return true;
  const firstSlash = pkg.indexOf('/');
  const first = firstSlash < 0 ? pkg : pkg.slice(0, firstSlash);
  return first.includes('.') || !STD_ROOTS.has(first);
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
 * Index of the first (innermost) user frame of a stack (leaf first); failing that, the first frame not in a known
 * standard package; failing that, 0. -1 for an empty stack.
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
