// What the webview keeps in vscode.setState so that hiding and showing the tab (which re-creates the webview
// unless retained) restores the view: window, scroll, collapsed sections and groups, selection, sort. Restored
// state is untrusted input: sanitize() keeps only well-formed members. Pure, no DOM.

import { type SortOrder, SortOrders } from './layout';

export interface PersistedSelection {
  /** Track key of the selected span's row ("goroutine:12:0", "proc:1:0", ...). */
  trackKey: string;
  /** A time inside the selected span. */
  timeNs: number;
}

export interface PersistedState {
  version: 1;
  /** The trace this state belongs to (a state for another file is dropped). */
  path?: string;
  window?: { startNs: number; endNs: number };
  scrollTop?: number;
  collapsed?: string[];
  sort?: SortOrder;
  grouped?: boolean;
  procColor?: 'goroutine' | 'state';
  selection?: PersistedSelection;
  tab?: string;
  detailsHeight?: number;
  /** Width of the track names' column, when the user dragged it. */
  labelWidth?: number;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function sanitizeState(raw: unknown): PersistedState {
  const out: PersistedState = { version: 1 };
  if (!raw || typeof raw !== 'object') return out;
  const r = raw as Record<string, unknown>;
  if (r.version !== 1) return out;
  if (typeof r.path === 'string') out.path = r.path;
  const w = r.window as Record<string, unknown> | undefined;
  if (w && finite(w.startNs) && finite(w.endNs) && w.endNs > w.startNs && w.startNs >= 0) {
    out.window = { startNs: w.startNs, endNs: w.endNs };
  }
  if (finite(r.scrollTop) && r.scrollTop >= 0) out.scrollTop = r.scrollTop;
  if (Array.isArray(r.collapsed)) out.collapsed = r.collapsed.filter((c): c is string => typeof c === 'string').slice(0, 10000);
  if (typeof r.sort === 'string' && (SortOrders as readonly string[]).includes(r.sort)) out.sort = r.sort as SortOrder;
  if (typeof r.grouped === 'boolean') out.grouped = r.grouped;
  if (r.procColor === 'goroutine' || r.procColor === 'state') out.procColor = r.procColor;
  const s = r.selection as Record<string, unknown> | undefined;
  if (s && typeof s.trackKey === 'string' && finite(s.timeNs)) out.selection = { trackKey: s.trackKey, timeNs: s.timeNs };
  if (typeof r.tab === 'string') out.tab = r.tab;
  if (finite(r.detailsHeight) && r.detailsHeight >= 0) out.detailsHeight = r.detailsHeight;
  if (finite(r.labelWidth) && r.labelWidth > 0) out.labelWidth = r.labelWidth;
  return out;
}

/** The restored state, if it belongs to this trace. */
export function stateFor(raw: unknown, path: string): PersistedState {
  const s = sanitizeState(raw);
  if (s.path !== undefined && s.path !== path) return { version: 1, path };
  return { ...s, path };
}
