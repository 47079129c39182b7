// Reverse navigation: the blocking events of one source line in a trace, to reveal on the timeline.
// With the current protocol this takes three steps: the line's goroutine groups (from gotrace/sourceLines),
// the goroutines of those groups (gotrace/goroutines), the block/syscall events of those goroutines
// (gotrace/search), and for each event the goroutine's stack (gotrace/goroutineStack), kept when it passes
// through the line. Bounded: at most `maxChecks` stacks are fetched. No vscode import (integration-tested).

import {
  Methods, type BlockingKind, type GoroutineStackResult, type GoroutinesResult, type LineNumbers, type SearchKind,
  type SearchResult,
} from '../protocol';

export type RequestFn = <R>(method: string, params: object) => Promise<R>;

export interface LineEvent { goroutine: number; timeNs: number; endNs: number; kind: BlockingKind }
export interface LineEventsResult {
  events: LineEvent[];
  /** Events examined (stacks fetched) and whether limits cut the search short. */
  checked: number;
  truncated: boolean;
  /** Kinds of the line that cannot be revealed this way (sched: waits to run are not block events). */
  skippedKinds: BlockingKind[];
}

const SEARCH_KIND: Partial<Record<BlockingKind, SearchKind>> = { sync: 'goBlock', net: 'goBlock', syscall: 'goSyscall' };

export interface LineEventsOptions { maxChecks?: number; concurrency?: number; maxGoroutinesPerGroup?: number }

export async function findLineEvents(
  request: RequestFn, traceId: string, tracePath: string, line: LineNumbers, options: LineEventsOptions = {},
): Promise<LineEventsResult> {
  const maxChecks = options.maxChecks ?? 2000;
  const concurrency = options.concurrency ?? 8;
  const skippedKinds: BlockingKind[] = [];
  let truncated = false;
  const events: LineEvent[] = [];
  let checked = 0;

  const kinds = (['sync', 'net', 'syscall', 'sched'] as BlockingKind[]).filter((k) => line[k] && line[k]!.cumCount > 0);
  const bySearch = new Map<SearchKind, BlockingKind[]>();
  for (const k of kinds) {
    const s = SEARCH_KIND[k];
    if (!s) { skippedKinds.push(k); continue; }
    bySearch.set(s, [...(bySearch.get(s) ?? []), k]);
  }

  for (const [searchKind, lineKinds] of bySearch) {
    const groups = new Set(lineKinds.flatMap((k) => line[k]!.groups.map((g) => g.name)));
    const goroutines = new Set<number>();
    for (const g of groups) {
      const r = await request<GoroutinesResult>(Methods.goroutines, { traceId, group: g, limit: options.maxGoroutinesPerGroup ?? 10_000 });
      for (const x of r.goroutines) goroutines.add(x.id);
      if (r.goroutines.length >= (options.maxGoroutinesPerGroup ?? 10_000)) truncated = true;
    }
    const search = await request<SearchResult>(Methods.search, { traceId, kind: searchKind, limit: 10_000 });
    if (search.hits.length >= 10_000) truncated = true;
    const hits = search.hits.filter((h) => goroutines.size === 0 || goroutines.has(h.goroutine));
    const todo = hits.slice(0, Math.max(0, maxChecks - checked));
    if (todo.length < hits.length) truncated = true;
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const h = todo[next++];
        checked++;
        let st: GoroutineStackResult;
        try {
          st = await request<GoroutineStackResult>(Methods.goroutineStack, { traceId, goroutine: h.goroutine, timeNs: h.timeNs });
        } catch {
          continue; // e.g. no span at that time
        }
        const through = (st.stack.length > 0 ? st.stack : st.eventStack).some((f) => f.line === line.line && f.file === tracePath);
        if (!through) continue;
        const kind = searchKind === 'goSyscall' ? 'syscall' : lineKinds.includes('sync') ? 'sync' : lineKinds[0];
        events.push({ goroutine: h.goroutine, timeNs: st.spanStartNs, endNs: st.spanEndNs, kind });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
  }
  events.sort((a, b) => a.timeNs - b.timeNs || a.goroutine - b.goroutine);
  return { events, checked, truncated, skippedKinds };
}

/** The window to show for the events: from the first start to the last end, with 5% margins. */
export function revealWindow(events: LineEvent[], traceDurationNs: number): { startNs: number; endNs: number } {
  if (events.length === 0) return { startNs: 0, endNs: traceDurationNs };
  const s = Math.min(...events.map((e) => e.timeNs));
  const e = Math.max(...events.map((x) => Math.max(x.endNs, x.timeNs + 1)));
  const pad = Math.max(1000, Math.round((e - s) * 0.05));
  return { startNs: Math.max(0, s - pad), endNs: traceDurationNs > 0 ? Math.min(traceDurationNs, e + pad) : e + pad };
}
