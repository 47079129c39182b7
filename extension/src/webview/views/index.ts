// The analysis tabs of the trace editor, created together and linked to each other (the Summary opens the Blocking
// tab on a kind, the Goroutines tab on a group). main.ts mounts them: the Summary before the timeline (it is the tab
// shown first), the others after it.

import type { BlockingKind } from '../../protocol';
import type { Tabs } from '../tabs';
import type { AnalysisView, ViewContext } from './context';
import { SummaryView } from './summary';

/** Tab ids (also the `data-testid="tab-<id>"` of the tab buttons). */
export const VIEW_TABS = { summary: 'summary', goroutines: 'goroutines', blocking: 'blocking', tasks: 'tasks', mmu: 'mmu' } as const;

export class AnalysisViews {
  readonly summary: SummaryView;
  private readonly all: AnalysisView[] = [];

  constructor(ctx: ViewContext) {
    this.summary = new SummaryView(ctx, {
      showKind: (kind: BlockingKind) => { void kind; },
      showGroup: (name: string) => { void name; },
    });
    this.all.push(this.summary);
  }

  /** The tabs before the timeline's. */
  mountBefore(tabs: Tabs): void {
    tabs.add(VIEW_TABS.summary, 'Summary', this.summary.element, () => this.summary.shown());
  }

  /** The tabs after the timeline's. */
  mountAfter(tabs: Tabs): void {
    void tabs;
  }

  themeChanged(): void {
    for (const v of this.all) v.themeChanged?.();
  }
}
