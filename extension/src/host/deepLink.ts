// Deep links to a view of a trace: `<scheme>://<publisher.name>/open?path=<abs trace path>&start=<ns>&end=<ns>
// &g=<goroutine>&t=<ns of the selection>` ("Go Trace: Copy Link to View"; opening it restores the view). Pure: no
// vscode import (deepLinkHandler.ts does the VS Code side).
//
// VS Code hands a URI handler the query already percent-decoded (vscode.Uri.query), so a path holding `&` or `=`
// arrives raw: the parser splits only before the known keys, and decodes once more only what is still encoded.

/** What a link restores: ns since the trace start. */
export interface ViewLink { path: string; startNs?: number; endNs?: number; goroutine?: number; timeNs?: number }

const KEYS = ['path', 'start', 'end', 'g', 't'] as const;
type Key = (typeof KEYS)[number];

/** The link to `link` for an editor whose URI scheme is `scheme` (vscode.env.uriScheme) and extension `extensionId`. */
export function formatViewLink(scheme: string, extensionId: string, link: ViewLink): string {
  const parts = [`path=${encodeURIComponent(link.path)}`];
  if (link.startNs !== undefined && link.endNs !== undefined) parts.push(`start=${Math.floor(link.startNs)}`, `end=${Math.ceil(link.endNs)}`);
  if (link.goroutine !== undefined) parts.push(`g=${Math.floor(link.goroutine)}`);
  if (link.timeNs !== undefined) parts.push(`t=${Math.round(link.timeNs)}`);
  return `${scheme}://${extensionId.toLowerCase()}/open?${parts.join('&')}`;
}

export type ParsedLink = { ok: true; link: ViewLink } | { ok: false; error: string };

/**
 * Splits a (decoded) query into the known keys. Links put `path` first and only digits in the others, so the
 * numbers are read from the end (`&t=42`, `&g=7`...) and what is left after `path=` is the path, whatever it holds
 * (`&`, `=`, even `&start=`). A query not starting with `path=` is split before each known key.
 */
export function splitQuery(query: string): Partial<Record<Key, string>> {
  const out: Partial<Record<Key, string>> = {};
  if (query.startsWith('path=')) {
    let rest = query;
    const tail = /&(start|end|g|t)=(\d*)$/;
    for (let m = tail.exec(rest); m; m = tail.exec(rest)) {
      const k = m[1] as Key;
      if (out[k] === undefined) out[k] = m[2];
      rest = rest.slice(0, m.index);
    }
    out.path = rest.slice('path='.length);
    return out;
  }
  const re = /(?:^|&)(path|start|end|g|t)=/g;
  const marks: { key: Key; at: number; from: number }[] = [];
  for (let m = re.exec(query); m; m = re.exec(query)) marks.push({ key: m[1] as Key, at: m.index, from: m.index + m[0].length });
  marks.forEach((mk, i) => {
    const end = i + 1 < marks.length ? marks[i + 1].at : query.length;
    if (out[mk.key] === undefined) out[mk.key] = query.slice(mk.from, end);
  });
  return out;
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

function ns(v: string | undefined, name: string): number | undefined | Error {
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,16}$/.test(v)) return new Error(`${name} is not a whole number of ns: ${v.slice(0, 40)}`);
  return Number(v);
}

/** Reads a link's path (`/open`) and query (as vscode.Uri.query gives it, decoded). */
export function parseViewLink(uriPath: string, query: string): ParsedLink {
  if (uriPath !== '/open' && uriPath !== 'open') return { ok: false, error: `unknown link ${uriPath.slice(0, 60)} (expected /open)` };
  const q = splitQuery(query);
  let path = q.path ?? '';
  // still percent-encoded (a link pasted through something that did not decode it): decode once
  if (/^(%2f|%5c|[a-z]%3a)/i.test(path)) {
    try { path = decodeURIComponent(path); } catch { return { ok: false, error: 'the path is not well encoded' }; }
  }
  if (!path) return { ok: false, error: 'the link names no trace (path=)' };
  if (!isAbsolute(path)) return { ok: false, error: `the trace path is not absolute: ${path.slice(0, 200)}` };
  const link: ViewLink = { path };
  const vals: Record<string, number | undefined> = {};
  for (const [k, name] of [['start', 'start'], ['end', 'end'], ['g', 'g'], ['t', 't']] as const) {
    const v = ns(q[k], name);
    if (v instanceof Error) return { ok: false, error: v.message };
    vals[k] = v;
  }
  if (vals.start !== undefined && vals.end !== undefined) {
    if (vals.end <= vals.start) return { ok: false, error: 'end is not after start' };
    link.startNs = vals.start;
    link.endNs = vals.end;
  }
  if (vals.g !== undefined) link.goroutine = vals.g;
  if (vals.t !== undefined) link.timeNs = vals.t;
  return { ok: true, link };
}

/** The view a link restores in a trace of `durationNs` (window clamped into it; whole trace when absent). */
export function restoredWindow(link: ViewLink, durationNs: number): { startNs: number; endNs: number } {
  const d = Math.max(1, durationNs);
  if (link.startNs === undefined || link.endNs === undefined) return { startNs: 0, endNs: d };
  const a = Math.min(link.startNs, d - 1);
  const b = Math.min(Math.max(link.endNs, a + 1), d);
  return { startNs: a, endNs: b };
}

/** The latest view of each trace session's timeline (what "Copy Link to View" links to), kept by the editor. */
export const latestViews = new WeakMap<object, { startNs: number; endNs: number; goroutine?: number; timeNs?: number }>();
