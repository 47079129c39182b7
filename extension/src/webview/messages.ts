// Messages between the extension host (extension/src/host) and the trace editor's webview
// (extension/src/webview), both ways over postMessage. The webview never talks to the server itself: it
// sends `request` and the host forwards it to `gotrace serve` for the editor's trace (adding `traceId`).
// Everything here is plain JSON; nothing in it is ever inserted as HTML on either side.

import type { TraceSummary, DamageInfo } from '../protocol';

/** Server methods the webview may call through the host (the host refuses others). */
export const WebviewMethods = [
  'gotrace/timeline',
  'gotrace/goroutineStack',
  'gotrace/goroutines',
  'gotrace/goroutineGroups',
  'gotrace/goroutineGroup',
  'gotrace/search',
  'gotrace/blockingSites',
  'gotrace/mmu',
  'gotrace/overview',
  'gotrace/taskTypes',
  'gotrace/tasks',
  'gotrace/regionTypes',
  'gotrace/regions',
  'gotrace/lineEvents',
  'gotrace/siteEvents',
  'gotrace/stack',
] as const;
export type WebviewMethod = (typeof WebviewMethods)[number];

/** Source position as carried in a trace (build-machine path). */
export interface SourceRef { file: string; line: number; func?: string }

// ---- host -> webview ----

/** Sent once after the webview said `ready`: which trace, and what the host knows so far. */
export interface InitMessage {
  type: 'init';
  path: string;
  /** Present when the trace is already indexed (e.g. the tab was re-created). */
  summary?: TraceSummary;
}
/** Indexing progress while the server opens the trace. */
export interface ProgressMessage { type: 'progress'; bytesRead: number; totalBytes: number; events: number }
/** The trace is open and queries may be sent. `damage` says what was lost, if anything. */
export interface OpenedMessage { type: 'opened'; summary: TraceSummary; damage?: DamageInfo }
/** Opening failed or was cancelled; the webview shows the message and offers nothing else. */
export interface OpenFailedMessage { type: 'openFailed'; message: string; cancelled: boolean }
/** Answer to a `request`. */
export interface ResponseMessage {
  type: 'response';
  requestId: number;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}
/**
 * Reverse navigation: show these spans on the timeline (e.g. the blocking events of one source line).
 * The webview scrolls/zooms to [startNs, endNs], makes the goroutines' rows visible and highlights the spans.
 */
export interface RevealMessage {
  type: 'reveal';
  startNs: number;
  endNs: number;
  spans: { goroutine: number; timeNs: number }[];
  /** Shown as the highlight's label, e.g. "main.go:39 — sync blocking, 12 events". */
  label?: string;
}
/** The colour theme changed (kind: 1 light, 2 dark, 3 high contrast, 4 high contrast light). */
export interface ThemeMessage { type: 'theme'; kind: number }
/**
 * What a view link restores (deep links, "Go Trace: Copy Link to View"): a time window, and optionally the
 * goroutine whose row is focused and the time of the selected span in it. ns since the trace start.
 */
export interface ViewState { startNs: number; endNs: number; goroutine?: number; timeNs?: number }
/** Opening a deep link: show this window, scroll to the goroutine's row and select its span at `timeNs`. */
export interface RestoreViewMessage extends ViewState { type: 'restoreView' }

export type HostToWebview =
  | InitMessage | ProgressMessage | OpenedMessage | OpenFailedMessage | ResponseMessage | RevealMessage | ThemeMessage
  | RestoreViewMessage;

// ---- webview -> host ----

/** The webview has loaded its script and listens. */
export interface ReadyMessage { type: 'ready' }
/** A server call for this editor's trace; `params` without `traceId`. Answered by a `response`. */
export interface RequestMessage { type: 'request'; requestId: number; method: WebviewMethod; params: Record<string, unknown> }
/** Cancel an outstanding `request` (the view moved on). */
export interface CancelRequestMessage { type: 'cancelRequest'; requestId: number }
/** Cancel indexing (the user pressed Cancel in the progress view); the host cancels the open and closes the tab. */
export interface CancelOpenMessage { type: 'cancelOpen' }
/**
 * Open a source position in an editor beside the trace and highlight the line. `frames` is the whole stack
 * (innermost first) so the host can fall back to the next frame it can map when the first is not found.
 */
export interface OpenSourceMessage { type: 'openSource'; target: SourceRef; frames?: SourceRef[]; preserveFocus?: boolean }
/** Export the blocking profile of `kind` (with an optional filter) as pprof; the host asks where to save. */
export interface ExportPprofMessage { type: 'exportPprof'; kind: 'sync' | 'net' | 'syscall' | 'sched'; filter?: Record<string, unknown> }
/** A line for the extension's output channel (errors the webview met). */
export interface LogMessage { type: 'log'; level: 'info' | 'warning' | 'error'; message: string }
/** The timeline's window and selection changed (debounced): what "Copy Link to View" links to. */
export interface ViewStateMessage extends ViewState { type: 'viewState' }
/** The webview's "Copy link" button: the host copies a link to this view of the trace to the clipboard. */
export interface CopyLinkMessage { type: 'copyLink'; view: ViewState }

export type WebviewToHost =
  | ReadyMessage | RequestMessage | CancelRequestMessage | CancelOpenMessage | OpenSourceMessage | ExportPprofMessage | LogMessage
  | ViewStateMessage | CopyLinkMessage;

/**
 * Test hook, for the end-to-end tests only (they drive a real VS Code in a real browser and must click a
 * known span on a canvas). The webview defines `window.gotraceTest` implementing this. It uses only what the
 * UI itself shows; it never changes state except by scrolling the view like a user would.
 */
export interface WebviewTestHook {
  /** Resolves when the first timeline has been drawn (or rejects with the open error). */
  ready(): Promise<void>;
  /**
   * Scrolls and zooms so that the span of `goroutine` covering `timeNs` is visible and at least a few pixels
   * wide, then returns the client coordinates (in the webview's own document) of a point inside it, or null.
   */
  locateSpan(goroutine: number, timeNs: number): Promise<{ x: number; y: number } | null>;
  /** The text of the details pane (what the user reads after a click), or '' when nothing is selected. */
  detailsText(): string;
  /** Shows a tab of the trace editor ('summary', 'timeline', 'goroutines', 'blocking', 'tasks', 'mmu'); false if none has that id. */
  showTab?(id: string): boolean;
  /** The id of the tab shown. */
  currentTab?(): string | undefined;
}
