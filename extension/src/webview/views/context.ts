// What the analysis views (the tabs besides the timeline) get from the trace editor: the host channel, the trace,
// the theme, and the ways to leave a view — open a source line, show something on the timeline.

import type { Host } from '../host';
import type { Frame, TraceSummary } from '../../protocol';
import type { Palette } from '../theme';

/** Spans to outline on the timeline and the window to show (as the host's `reveal` message). */
export interface RevealRequest {
  startNs: number;
  endNs: number;
  spans: { goroutine: number; timeNs: number }[];
  label?: string;
}

export interface ViewContext {
  readonly host: Host;
  readonly summary: TraceSummary;
  palette(): Palette;
  /** Opens `frames[first]` (falling back to the next frames) beside the trace. */
  openSource(frames: readonly Frame[], first?: number): void;
  /** Switches to the timeline, zooms to the window and outlines the spans. */
  reveal(r: RevealRequest): void;
  /** Switches to the timeline with goroutine `id`'s row shown, [startNs, endNs] in view and the span at `timeNs` selected. */
  showGoroutine(id: number, timeNs: number, startNs: number, endNs: number): void;
  /** The time range dragged on the timeline (ns since the trace start), if any. */
  timelineRange(): { fromNs: number; toNs: number } | undefined;
  /** Switches to another tab. */
  showTab(id: string): void;
  log(level: 'info' | 'warning' | 'error', message: string): void;
}

/** A view mounted as a tab. `shown` is called each time its tab is shown (the first time it loads its data). */
export interface AnalysisView {
  readonly element: HTMLElement;
  shown(): void;
  /** The theme changed (canvas views redraw). */
  themeChanged?(): void;
}
