// Maps a source path recorded in a trace (a path on the machine that built the program) to a file on this
// machine. Pure: no vscode, no file system; the look-ups are passed in (ResolveIO), so every rule is unit-tested.
//
// Trace paths come in these forms:
//   /home/ci/src/app/internal/db.go                 absolute, built elsewhere (or here)
//   C:\Users\ci\src\app\main.go                     absolute, built on Windows
//   /usr/local/go/src/runtime/chan.go               the standard library in the builder's GOROOT
//   /home/ci/go/pkg/mod/example.com/m@v1.2.3/x.go   a dependency in the builder's module cache
//   gotrace.test/blocking/main.go                   -trimpath: the main module, by module path
//   example.com/m@v1.2.3/x.go                       -trimpath: a dependency, module@version
//   runtime/chan.go                                 -trimpath: the standard library, by import path
//
// Order of resolution: (1) the user's prefix substitutions, (2) the path itself when it exists here, (3) the
// workspace, by the longest common suffix of path elements, (4) GOROOT and GOMODCACHE from `go env`.

export interface Substitution { from: string; to: string }
export interface GoEnv { goroot?: string; gomodcache?: string }

export interface ResolveIO {
  /** True when a file exists at this local path. */
  exists(path: string): Promise<boolean>;
  /** Local paths of the workspace files with this base name (the caller bounds the search). */
  findByBaseName(baseName: string): Promise<string[]>;
  /** GOROOT and GOMODCACHE of the local Go, or a reason why they are unknown (no `go` on PATH...). */
  goEnv(): Promise<GoEnv | { error: string }>;
}

export type ResolvedVia = 'substitution' | 'exact' | 'workspace' | 'goroot' | 'modcache';

export interface Resolution {
  /** The local file, when one was found. */
  path?: string;
  via?: ResolvedVia;
  /** Path elements the workspace match has in common with the trace path (counted from the end). */
  matched?: number;
  /** Other workspace files that matched exactly as well (the choice was a tie-break). */
  ambiguous?: string[];
  /** What was tried and why it failed, for the message shown when nothing matches. */
  notes: string[];
}

/** A path element with its position in the original string. */
interface Element { text: string; start: number; end: number }

function elements(p: string): Element[] {
  const out: Element[] = [];
  const re = /[^/\\]+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(p)) !== null) {
    if (m[0] === '.') continue;
    out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** The path's elements, split on both `/` and `\` (trace paths may come from Windows); `.` dropped. */
export function splitPath(p: string): string[] {
  return elements(p).map((e) => e.text);
}

/** A drive letter, a UNC prefix or a backslash: a path written on Windows (compared case-insensitively). */
export function isWindowsStyle(p: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\') || (p.includes('\\') && !p.includes('/'));
}

/** `m@v1.2.3` -> `m`: a module-cache directory matches the module's directory in a checkout. */
export function stripModuleVersion(element: string): string {
  const at = element.indexOf('@');
  return at > 0 ? element.slice(0, at) : element;
}

function elementEquals(a: string, b: string, caseInsensitive: boolean, ignoreVersion: boolean): boolean {
  if (caseInsensitive) { a = a.toLowerCase(); b = b.toLowerCase(); }
  if (a === b) return true;
  return ignoreVersion && stripModuleVersion(a) === stripModuleVersion(b);
}

/**
 * How many path elements `a` and `b` have in common counted from the end (0 when the base names differ).
 * A versioned module-cache element (`m@v1.2.3`) equals its unversioned name except as the base name.
 */
export function commonSuffixLength(a: string, b: string): number {
  const ea = splitPath(a), eb = splitPath(b);
  const ci = isWindowsStyle(a) || isWindowsStyle(b);
  let n = 0;
  while (n < ea.length && n < eb.length
    && elementEquals(ea[ea.length - 1 - n], eb[eb.length - 1 - n], ci, n > 0)) n++;
  return n;
}

function separatorOf(p: string): string {
  return p.includes('\\') && !p.includes('/') ? '\\' : '/';
}

function joinPath(base: string, rest: string[]): string {
  if (rest.length === 0) return base;
  const sep = separatorOf(base);
  const trimmed = base.replace(/[\\/]+$/, '');
  return (trimmed === '' && base.length > 0 ? sep : trimmed + sep) + rest.join(sep);
}

/**
 * The local paths the substitutions give for `tracePath`, most specific (longest `from`) first. A `from`
 * matches whole leading path elements only (`/build/app` matches `/build/app/x.go`, not `/build/apple/x.go`);
 * separators and, for Windows-style paths, letter case do not matter.
 */
export function applySubstitutions(tracePath: string, subs: readonly Substitution[]): string[] {
  const te = splitPath(tracePath);
  const absTrace = /^[\\/]/.test(tracePath);
  const ordered = subs
    .filter((s) => typeof s?.from === 'string' && typeof s?.to === 'string' && s.from.length > 0)
    .map((s, i) => ({ s, i, fe: splitPath(s.from) }))
    .sort((x, y) => y.fe.length - x.fe.length || x.i - y.i);
  const out: string[] = [];
  for (const { s, fe } of ordered) {
    if (fe.length === 0 || fe.length > te.length) continue;
    // "/build" must not match the relative "build/x.go" and vice versa.
    if (/^[\\/]/.test(s.from) !== absTrace && !/^[A-Za-z]:/.test(s.from)) continue;
    const ci = isWindowsStyle(s.from) || isWindowsStyle(tracePath);
    let ok = true;
    for (let i = 0; i < fe.length && ok; i++) ok = elementEquals(fe[i], te[i], ci, false);
    if (!ok) continue;
    const p = joinPath(s.to, te.slice(fe.length));
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

export interface SuffixChoice {
  best?: string;
  matched: number;
  /** The other candidates with as many matching elements as `best`. */
  ties: string[];
}

const UNLIKELY = new Set(['vendor', 'node_modules', '.git', 'testdata', 'third_party']);

/**
 * The candidate with the longest common path suffix with `tracePath`. Ties: a candidate outside vendor/,
 * testdata/, node_modules/... first, then the shorter path (fewer elements), then alphabetical order; the
 * others of the tie are reported in `ties`.
 */
export function chooseBySuffix(tracePath: string, candidates: readonly string[]): SuffixChoice {
  let matched = 0;
  let top: string[] = [];
  for (const c of candidates) {
    const n = commonSuffixLength(tracePath, c);
    if (n === 0) continue;
    if (n > matched) { matched = n; top = [c]; }
    else if (n === matched && !top.includes(c)) top.push(c);
  }
  if (top.length === 0) return { matched: 0, ties: [] };
  const unlikely = (p: string) => splitPath(p).slice(0, -matched).some((e) => UNLIKELY.has(e)) ? 1 : 0;
  top.sort((a, b) => unlikely(a) - unlikely(b) || splitPath(a).length - splitPath(b).length || (a < b ? -1 : a > b ? 1 : 0));
  return { best: top[0], matched, ties: top.slice(1) };
}

/** Module path escaping of the module cache: an upper-case letter becomes `!` and the lower-case letter. */
export function escapeModulePath(p: string): string {
  return p.replace(/[A-Z]/g, (c) => '!' + c.toLowerCase());
}

/** The standard library's first import path element has no dot (`runtime`, `net`, `internal`); modules' do. */
function looksLikeStdlib(first: string): boolean {
  return !first.includes('.') && !first.includes('@') && !/^[A-Za-z]:$/.test(first);
}

/**
 * Candidate local paths in GOROOT and the module cache for a trace path, in order of likelihood, each tagged
 * with where it comes from. Nothing is checked here.
 */
export function goEnvCandidates(tracePath: string, env: GoEnv): { path: string; via: 'goroot' | 'modcache' }[] {
  const e = splitPath(tracePath);
  const out: { path: string; via: 'goroot' | 'modcache' }[] = [];
  const absolute = /^[\\/]/.test(tracePath) || /^[A-Za-z]:[\\/]/.test(tracePath);
  if (env.gomodcache) {
    // .../pkg/mod/<module>@<version>/<file>: already escaped in the builder's cache.
    for (let i = e.length - 3; i >= 0; i--) {
      if (e[i] === 'pkg' && e[i + 1] === 'mod') {
        out.push({ path: joinPath(env.gomodcache, e.slice(i + 2)), via: 'modcache' });
        break;
      }
    }
    // -trimpath: <module>@<version>/<file> (the path starts with the module path).
    if (!absolute) {
      const v = e.findIndex((x) => x.includes('@'));
      if (v >= 0 && v < e.length - 1) {
        out.push({ path: joinPath(env.gomodcache, [...e.slice(0, v + 1).map(escapeModulePath), ...e.slice(v + 1)]), via: 'modcache' });
      }
    }
  }
  if (env.goroot) {
    if (absolute) {
      // <goroot>/src/<import path>/<file>: try the rest after each "src" element, innermost GOROOT last.
      for (let i = 0; i < e.length - 1; i++) {
        if (e[i] === 'src') out.push({ path: joinPath(env.goroot, ['src', ...e.slice(i + 1)]), via: 'goroot' });
      }
    } else if (e.length >= 2 && looksLikeStdlib(e[0])) {
      out.push({ path: joinPath(env.goroot, ['src', ...e]), via: 'goroot' });
    }
  }
  return out;
}

/**
 * The substitution that turns `tracePath` into `localPath` (the user located the file by hand): the longest
 * common suffix of elements is kept, the differing prefixes become `from` and `to`. When the whole trace path is
 * a suffix of the local one, `from` is the trace path's first element (a substitution needs a non-empty `from`).
 */
export function impliedSubstitution(tracePath: string, localPath: string): Substitution {
  const te = elements(tracePath), le = elements(localPath);
  const ci = isWindowsStyle(tracePath) || isWindowsStyle(localPath);
  let n = 0;
  while (n < te.length && n < le.length
    && elementEquals(te[te.length - 1 - n].text, le[le.length - 1 - n].text, ci, false)) n++;
  if (n === 0) return { from: tracePath, to: localPath };
  if (n >= te.length) n = te.length - 1;
  if (n === 0) return { from: tracePath, to: localPath };
  const tcut = te[te.length - 1 - n], lcut = le[le.length - 1 - n];
  return { from: tracePath.slice(0, tcut.end), to: localPath.slice(0, lcut.end) };
}

/** Resolves one trace path to a local file (see the order at the top of this file). */
export async function resolveTracePath(tracePath: string, subs: readonly Substitution[], io: ResolveIO): Promise<Resolution> {
  const notes: string[] = [];
  const tried = new Set<string>();
  const existsOnce = async (p: string) => {
    if (tried.has(p)) return false;
    tried.add(p);
    return io.exists(p);
  };

  const substituted = applySubstitutions(tracePath, subs);
  for (const p of substituted) {
    if (await existsOnce(p)) return { path: p, via: 'substitution', notes };
  }
  if (substituted.length > 0) notes.push(`path substitutions gave ${substituted.join(', ')}, which do not exist`);

  const absolute = /^\//.test(tracePath) || /^[A-Za-z]:[\\/]/.test(tracePath);
  if (absolute && await existsOnce(tracePath)) return { path: tracePath, via: 'exact', notes };

  const base = splitPath(tracePath).pop();
  if (!base) return { notes: [...notes, 'the trace gives no file name'] };
  const found = await io.findByBaseName(base);
  const choice = chooseBySuffix(tracePath, found);
  if (choice.best) {
    return { path: choice.best, via: 'workspace', matched: choice.matched, ambiguous: choice.ties, notes };
  }
  notes.push(found.length === 0 ? `no workspace file is named ${base}` : `no workspace file named ${base} matches`);

  const env = await io.goEnv();
  if ('error' in env) {
    notes.push(`GOROOT and the module cache were not searched: ${env.error}`);
    return { notes };
  }
  const cands = goEnvCandidates(tracePath, env);
  for (const c of cands) {
    if (await existsOnce(c.path)) return { path: c.path, via: c.via, notes };
  }
  notes.push(cands.length === 0
    ? 'the path is neither in GOROOT nor in the module cache'
    : `not found in GOROOT (${env.goroot ?? '?'}) nor the module cache (${env.gomodcache ?? '?'})`);
  return { notes };
}
