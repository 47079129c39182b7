// Goroutine rows are paged in from `gotrace/goroutines` (offset/limit) per group as the user scrolls; this keeps
// the loaded pages, the ones asked for, and answers "which goroutine is slot N of group G". Pure, no DOM.

import type { GoroutineItem } from '../protocol';

export const PAGE_SIZE = 200;

export class GoroutinePages {
  private readonly pages = new Map<string, Map<number, GoroutineItem[]>>();
  private readonly pending = new Set<string>();
  /** goroutine id -> [group, slot] for loaded rows. */
  private readonly where = new Map<number, { group: string; slot: number }>();

  constructor(readonly pageSize = PAGE_SIZE) {}

  private pk(group: string, page: number): string { return `${page}\u0001${group}`; }

  get(group: string, slot: number): GoroutineItem | undefined {
    const page = Math.floor(slot / this.pageSize);
    return this.pages.get(group)?.get(page)?.[slot - page * this.pageSize];
  }

  hasPage(group: string, page: number): boolean {
    return this.pages.get(group)?.has(page) ?? false;
  }

  isPending(group: string, page: number): boolean {
    return this.pending.has(this.pk(group, page));
  }

  /** Pages of slots [from, to] (inclusive) neither loaded nor asked for, nearest first. */
  missing(group: string, from: number, to: number): number[] {
    if (to < from) return [];
    const out: number[] = [];
    const p0 = Math.floor(Math.max(0, from) / this.pageSize);
    const p1 = Math.floor(Math.max(0, to) / this.pageSize);
    for (let p = p0; p <= p1; p++) if (!this.hasPage(group, p) && !this.isPending(group, p)) out.push(p);
    return out;
  }

  markPending(group: string, page: number): void { this.pending.add(this.pk(group, page)); }
  clearPending(group: string, page: number): void { this.pending.delete(this.pk(group, page)); }

  store(group: string, page: number, items: GoroutineItem[]): void {
    this.pending.delete(this.pk(group, page));
    let m = this.pages.get(group);
    if (!m) { m = new Map(); this.pages.set(group, m); }
    m.set(page, items);
    items.forEach((g, i) => this.where.set(g.id, { group, slot: page * this.pageSize + i }));
  }

  /** Where a loaded goroutine is. */
  locate(id: number): { group: string; slot: number } | undefined {
    return this.where.get(id);
  }

  /** Forgets everything (the order changed). */
  clear(): void {
    this.pages.clear();
    this.pending.clear();
    this.where.clear();
  }

  loadedCount(): number {
    let n = 0;
    for (const m of this.pages.values()) for (const p of m.values()) n += p.length;
    return n;
  }
}

/** The offset/limit of a page. */
export function pageRange(page: number, pageSize = PAGE_SIZE): { offset: number; limit: number } {
  return { offset: page * pageSize, limit: pageSize };
}
