// Search on the timeline: what a typed query asks the server (gotrace/goroutines for goroutines by ID, function or
// group; gotrace/search for regions, tasks and logs by name) and the result list made of the answers. Pure, no DOM.

import type { GoroutinesResult, SearchResult, SearchHit, TrackRef, GoroutineStackResult, Span } from '../../protocol';

export type SearchScope = 'all' | 'goroutines' | 'regions' | 'tasks' | 'logs';
export const SearchScopes: readonly SearchScope[] = ['all', 'goroutines', 'regions', 'tasks', 'logs'];
export const ScopeLabels: Record<SearchScope, string> = {
  all: 'Everything', goroutines: 'Goroutines', regions: 'Regions', tasks: 'Tasks', logs: 'Logs',
};

export type ItemKind = 'goroutine' | 'region' | 'task' | 'log';

export interface SearchItem {
  kind: ItemKind;
  /** What the list shows: "G13 main.chanSender", "region decode", ... */
  title: string;
  detail: string;
  /** The goroutine whose row shows it. */
  goroutine: number;
  /** Start (regions, tasks), time (logs), creation (goroutines): ns since the trace start. */
  timeNs?: number;
  /** The span or instant of a region/task/log hit. */
  track?: TrackRef;
  index?: number;
}

export interface ParsedQuery {
  /** `G123`, `g123`, `#123` or `123`: a goroutine ID. */
  goroutineId?: number;
  /** The text (trimmed), for names. */
  text: string;
}

export function parseQuery(q: string): ParsedQuery {
  const text = q.trim();
  const m = /^(?:[gG]|#)?\s*(\d{1,15})$/.exec(text);
  if (m) return { goroutineId: Number(m[1]), text };
  return { text };
}

export interface PlannedRequest {
  method: 'gotrace/goroutines' | 'gotrace/search' | 'gotrace/goroutineStack';
  params: Record<string, unknown>;
  /** What the answer becomes. */
  as: 'goroutineId' | 'goroutinesByName' | 'goroutinesByGroup' | 'region' | 'task' | 'log';
}

/**
 * The requests for a query in a scope. `groups` are the trace's goroutine group names: a text naming one exactly
 * (case-insensitive) also lists that group's goroutines. A goroutine ID asks what it was doing at its start.
 */
export function planSearch(q: ParsedQuery, scope: SearchScope, groups: readonly string[], limit = 50): PlannedRequest[] {
  const out: PlannedRequest[] = [];
  const wantG = scope === 'all' || scope === 'goroutines';
  if (q.goroutineId !== undefined && wantG) {
    out.push({ method: 'gotrace/goroutineStack', params: { goroutine: q.goroutineId, timeNs: 0 }, as: 'goroutineId' });
  }
  if (q.text === '' || (q.goroutineId !== undefined && scope === 'goroutines')) return out;
  if (wantG) {
    const group = groups.find((g) => g.toLowerCase() === q.text.toLowerCase());
    if (group !== undefined) out.push({ method: 'gotrace/goroutines', params: { group, orderBy: 'id', limit }, as: 'goroutinesByGroup' });
    out.push({ method: 'gotrace/goroutines', params: { nameContains: q.text, orderBy: 'id', limit }, as: 'goroutinesByName' });
  }
  for (const k of ['region', 'task', 'log'] as const) {
    if (scope === 'all' || scope === `${k}s`) out.push({ method: 'gotrace/search', params: { kind: k, text: q.text, limit }, as: k });
  }
  return out;
}

export function goroutineTitle(id: number, name: string): string {
  return `G${id} ${name || '(no stack)'}`;
}

export function goroutineItems(r: GoroutinesResult, detail: (ns: number) => string): SearchItem[] {
  return r.goroutines.map((g) => ({
    kind: 'goroutine' as const, title: goroutineTitle(g.id, g.name) + (g.label ? ` ${g.label}` : ''),
    detail: `goroutine · created at ${detail(g.creationNs)}`, goroutine: g.id, timeNs: Math.max(0, g.creationNs),
  }));
}

export function goroutineIdItem(st: GoroutineStackResult): SearchItem {
  return { kind: 'goroutine', title: goroutineTitle(st.goroutine, st.name), detail: 'goroutine (by ID)', goroutine: st.goroutine,
    timeNs: aliveTime(st) };
}

/**
 * A time at which the goroutine exists, from what gotrace/goroutineStack said about a time: before its creation
 * (NotSeen) the end of that span (its creation); after its end (Dead) just before it; else the asked time (undefined).
 */
export function aliveTime(st: GoroutineStackResult): number | undefined {
  if (st.state === 'NotSeen') return st.spanEndNs;
  if (st.state === 'Dead') return Math.max(0, st.spanStartNs - 1);
  return undefined;
}

export function hitItems(kind: 'region' | 'task' | 'log', r: SearchResult, detail: (ns: number) => string): SearchItem[] {
  return r.hits.map((h: SearchHit) => ({
    kind, title: `${kind} ${h.text ?? ''}`.trim(), detail: `${kind === 'log' ? 'at' : 'from'} ${detail(h.timeNs)} · G${h.goroutine}`,
    goroutine: h.goroutine, timeNs: h.timeNs, track: h.track, index: h.index,
  }));
}

/** Merges result lists: goroutines once each (ID first), then regions, tasks, logs in time order. */
export function mergeItems(lists: SearchItem[][], max = 200): SearchItem[] {
  const seen = new Set<number>();
  const gs: SearchItem[] = [];
  const rest: SearchItem[] = [];
  for (const l of lists) {
    for (const it of l) {
      if (it.kind === 'goroutine') {
        if (seen.has(it.goroutine)) continue;
        seen.add(it.goroutine);
        gs.push(it);
      } else rest.push(it);
    }
  }
  const order: Record<ItemKind, number> = { goroutine: 0, region: 1, task: 2, log: 3 };
  rest.sort((a, b) => order[a.kind] - order[b.kind] || (a.timeNs ?? 0) - (b.timeNs ?? 0));
  return [...gs, ...rest].slice(0, max);
}

/**
 * The end of the region/task span starting at `startNs`, from a timeline answer beginning there: exact when the
 * span is drawn whole (not merged), else an upper bound (the merged span's end) to refine with a narrower query.
 */
export function spanEndFrom(spans: readonly Span[], startNs: number): { endNs: number; exact: boolean } | undefined {
  for (const s of spans) {
    if (s.endNs <= startNs) continue;
    if (s.startNs > startNs) return undefined;
    if (s.count === 1 && s.state !== 0 && s.startNs === startNs) return { endNs: s.endNs, exact: true };
    return { endNs: s.endNs, exact: false };
  }
  return undefined;
}
