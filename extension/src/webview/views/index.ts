// The analysis tabs of the trace editor, created together and linked to each other (the Summary opens the Blocking
// tab on a kind, the Goroutines tab on a group). main.ts mounts them: the Summary before the timeline (it is the tab
// shown first), the others after it.

import type { Tabs } from '../tabs';
import type { AnalysisView, ViewContext } from './context';
import { SummaryView } from './summary';
import { BlockingView } from './blocking';
import { GoroutinesView } from './goroutines';
import { TasksView } from './tasks';
import { MmuView } from './mmu';

/** Tab ids (also the `data-testid="tab-<id>"` of the tab buttons). */
export const VIEW_TABS = { summary: 'summary', goroutines: 'goroutines', blocking: 'blocking', tasks: 'tasks', mmu: 'mmu' } as const;

export class AnalysisViews {
  readonly summary: SummaryView;
  readonly blocking: BlockingView;
  readonly goroutines: GoroutinesView;
  readonly tasks: TasksView;
  readonly mmu: MmuView;
  private readonly all: AnalysisView[] = [];

  constructor(ctx: ViewContext) {
    this.blocking = new BlockingView(ctx);
    this.goroutines = new GoroutinesView(ctx);
    this.tasks = new TasksView(ctx);
    this.mmu = new MmuView(ctx);
    this.summary = new SummaryView(ctx, {
      showKind: (kind) => { ctx.showTab(VIEW_TABS.blocking); this.blocking.showKind(kind); },
      showGroup: (name) => { ctx.showTab(VIEW_TABS.goroutines); this.goroutines.showGroup(name); },
    });
    this.all.push(this.summary, this.goroutines, this.blocking, this.tasks, this.mmu);
  }

  /** The tabs before the timeline's. */
  mountBefore(tabs: Tabs): void {
    tabs.add(VIEW_TABS.summary, 'Summary', this.summary.element, () => this.summary.shown());
  }

  /** The tabs after the timeline's. */
  mountAfter(tabs: Tabs): void {
    tabs.add(VIEW_TABS.goroutines, 'Goroutines', this.goroutines.element, () => this.goroutines.shown());
    tabs.add(VIEW_TABS.blocking, 'Blocking', this.blocking.element, () => this.blocking.shown());
    tabs.add(VIEW_TABS.tasks, 'Tasks & regions', this.tasks.element, () => this.tasks.shown());
    tabs.add(VIEW_TABS.mmu, 'MMU', this.mmu.element, () => this.mmu.shown());
  }

  themeChanged(): void {
    for (const v of this.all) v.themeChanged?.();
  }
}
