// The navigation history of the timeline: before a jump (follow the unblocker, a search result, go to goroutine)
// the view is pushed; "back" pops it. Bounded. Pure.

export interface NavEntry {
  window: { startNs: number; endNs: number };
  scrollTop: number;
  /** The selection then, when a span or instant was selected. */
  selection?: { trackKey: string; timeNs: number };
}

export class NavHistory {
  private readonly stack: NavEntry[] = [];

  constructor(readonly max = 100) {}

  push(e: NavEntry): void {
    const top = this.stack[this.stack.length - 1];
    if (top && sameEntry(top, e)) return;
    this.stack.push(e);
    if (this.stack.length > this.max) this.stack.splice(0, this.stack.length - this.max);
  }

  pop(): NavEntry | undefined { return this.stack.pop(); }

  get size(): number { return this.stack.length; }

  clear(): void { this.stack.length = 0; }
}

function sameEntry(a: NavEntry, b: NavEntry): boolean {
  return a.window.startNs === b.window.startNs && a.window.endNs === b.window.endNs && a.scrollTop === b.scrollTop
    && a.selection?.trackKey === b.selection?.trackKey && a.selection?.timeNs === b.selection?.timeNs;
}
