// A sortable, keyboard-navigable table of the analysis views. Headers are buttons (click or Enter sorts; again
// flips); rows take the focus one at a time (roving tabindex): ↑/↓, PageUp/PageDown, Home/End move, a click or
// Space selects the row, Enter selects and activates it (a double click activates). Long lists show their first rows with a "Show more" button.

import { el, button } from './dom';
import { type SortColumn, type SortState, sortRows, nextSort, ariaSort, moveIndex } from './sort';

export interface Column<T> extends SortColumn<T> {
  label: string;
  title?: string;
  /** The cell: text, or a node built with DOM APIs. */
  cell(row: T): string | Node;
  align?: 'left' | 'right';
  /** Not sortable (no header button). */
  fixed?: boolean;
}

export interface TableOptions<T> {
  columns: Column<T>[];
  sort?: SortState;
  /** Enter or click on a row. */
  activate?(row: T, index: number): void;
  /** The row became the selected one (focus or click). */
  select?(row: T, index: number): void;
  /** data-testid of the table and a row's (`${testid}-row`) extra attribute `data-key`. */
  testid: string;
  rowKey?(row: T): string;
  rowTitle?(row: T): string;
  caption?: string;
  /** Rows rendered before "Show more" (default 300). */
  pageSize?: number;
  /** Sorting done by the caller (e.g. on the server): the table only reports the new state. */
  sortChanged?(s: SortState): void;
  externalSort?: boolean;
}

export class DataTable<T> {
  readonly element: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly thead: HTMLTableSectionElement;
  private readonly tbody: HTMLTableSectionElement;
  private readonly more: HTMLButtonElement;
  private rows: T[] = [];
  private sorted: T[] = [];
  private shown = 0;
  private sort: SortState | undefined;
  private focusIndex = 0;
  private selectedIndex = -1;

  constructor(private readonly o: TableOptions<T>) {
    this.sort = o.sort;
    this.table = el('table', { className: 'data-table', testid: o.testid });
    if (o.caption) this.table.append(el('caption', { text: o.caption }));
    this.thead = el('thead');
    this.tbody = el('tbody');
    this.table.append(this.thead, this.tbody);
    this.more = button('Show more', 'Show more rows', () => this.showMore(), { className: 'show-more', testid: `${o.testid}-more` });
    this.more.hidden = true;
    this.element = el('div', { className: 'table-wrap' }, [this.table, this.more]);
    this.tbody.addEventListener('keydown', (e) => this.onKey(e));
    this.renderHead();
  }

  setRows(rows: readonly T[]): void {
    this.rows = rows.slice();
    this.sorted = this.o.externalSort ? this.rows : sortRows(this.rows, this.o.columns, this.sort);
    this.shown = 0;
    this.focusIndex = 0;
    this.selectedIndex = -1;
    this.tbody.replaceChildren();
    this.showMore();
  }

  /** The rows in their displayed order. */
  ordered(): readonly T[] { return this.sorted; }

  getSort(): SortState | undefined { return this.sort; }

  /** Focuses the row at `index` (rendering more rows if needed). */
  focusRow(index: number): void {
    while (index >= this.shown && this.shown < this.sorted.length) this.showMore();
    const tr = this.tbody.children[index] as HTMLElement | undefined;
    if (!tr) return;
    const old = this.tbody.children[this.focusIndex] as HTMLElement | undefined;
    if (old) old.tabIndex = -1;
    this.focusIndex = index;
    tr.tabIndex = 0;
    tr.focus();
    tr.scrollIntoView({ block: 'nearest' });
  }

  /** Marks row `index` selected (aria-selected) and tells the owner. */
  selectRow(index: number, notify = true): void {
    const prev = this.tbody.children[this.selectedIndex] as HTMLElement | undefined;
    prev?.setAttribute('aria-selected', 'false');
    this.selectedIndex = index;
    const tr = this.tbody.children[index] as HTMLElement | undefined;
    tr?.setAttribute('aria-selected', 'true');
    if (notify && index >= 0 && index < this.sorted.length) this.o.select?.(this.sorted[index], index);
  }

  private renderHead(): void {
    const tr = el('tr');
    for (const c of this.o.columns) {
      const th = el('th', { title: c.title, className: c.align === 'right' ? 'num' : '' });
      th.setAttribute('scope', 'col');
      if (c.fixed) th.textContent = c.label;
      else {
        th.setAttribute('aria-sort', ariaSort(this.sort, c.id));
        const mark = this.sort?.column === c.id ? (this.sort.dir === 'asc' ? ' ▲' : ' ▼') : '';
        const b = button(c.label + mark, `Sort by ${c.label}`, () => this.sortBy(c), { className: 'sort-button', testid: `${this.o.testid}-sort-${c.id}` });
        th.appendChild(b);
      }
      tr.appendChild(th);
    }
    this.thead.replaceChildren(tr);
  }

  private sortBy(c: Column<T>): void {
    this.sort = nextSort(this.sort, c.id, !!c.numeric);
    this.renderHead();
    const btn = this.thead.querySelector(`[data-testid="${this.o.testid}-sort-${c.id}"]`) as HTMLElement | null;
    btn?.focus();
    if (this.o.sortChanged) this.o.sortChanged(this.sort);
    if (!this.o.externalSort) this.setRows(this.rows);
  }

  private showMore(): void {
    const page = this.o.pageSize ?? 300;
    const end = Math.min(this.sorted.length, this.shown + page);
    const frag = document.createDocumentFragment();
    for (let i = this.shown; i < end; i++) frag.appendChild(this.renderRow(this.sorted[i], i));
    this.tbody.appendChild(frag);
    this.shown = end;
    this.more.hidden = this.shown >= this.sorted.length;
    this.more.textContent = `Show more (${this.sorted.length - this.shown} more)`;
  }

  private renderRow(row: T, i: number): HTMLTableRowElement {
    const tr = el('tr', { testid: `${this.o.testid}-row`, title: this.o.rowTitle?.(row) });
    if (this.o.rowKey) tr.dataset.key = this.o.rowKey(row);
    tr.tabIndex = i === this.focusIndex ? 0 : -1;
    tr.setAttribute('aria-selected', 'false');
    for (const c of this.o.columns) {
      const td = el('td', { className: c.align === 'right' ? 'num' : '' });
      const v = c.cell(row);
      if (typeof v === 'string') td.textContent = v; else td.appendChild(v);
      tr.appendChild(td);
    }
    tr.addEventListener('click', () => {
      const idx = Array.prototype.indexOf.call(this.tbody.children, tr) as number;
      this.focusRow(idx);
      this.selectRow(idx);
    });
    tr.addEventListener('dblclick', () => {
      const idx = Array.prototype.indexOf.call(this.tbody.children, tr) as number;
      this.o.activate?.(this.sorted[idx], idx);
    });
    tr.addEventListener('focus', () => {
      const idx = Array.prototype.indexOf.call(this.tbody.children, tr) as number;
      if (idx !== this.focusIndex) {
        const old = this.tbody.children[this.focusIndex] as HTMLElement | undefined;
        if (old) old.tabIndex = -1;
        this.focusIndex = idx;
        tr.tabIndex = 0;
      }
    });
    return tr;
  }

  private onKey(e: KeyboardEvent): void {
    if ((e.target as HTMLElement).tagName !== 'TR') return;
    const n = moveIndex(e.key, this.focusIndex, this.sorted.length);
    if (n !== undefined) {
      e.preventDefault();
      this.focusRow(n);
      return;
    }
    if (e.key === 'Enter') {
      e.preventDefault();
      this.selectRow(this.focusIndex);
      this.o.activate?.(this.sorted[this.focusIndex], this.focusIndex);
    } else if (e.key === ' ') {
      e.preventDefault();
      this.selectRow(this.focusIndex);
    }
  }
}
