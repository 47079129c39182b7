// Sorting of the analysis tables: columns with a value per row, a sort state that a header click toggles. Pure.

export type SortDir = 'asc' | 'desc';
export interface SortState { column: string; dir: SortDir }

export interface SortColumn<T> {
  id: string;
  /** The value the column sorts by (numbers and strings; undefined sorts last). */
  value(row: T): number | string | undefined;
  /** Numbers start descending (biggest first), text ascending. */
  numeric?: boolean;
}

/**
 * The rows ordered by `state` (a new array; stable: equal values keep their order). Missing values go last in
 * both directions.
 */
export function sortRows<T>(rows: readonly T[], columns: readonly SortColumn<T>[], state: SortState | undefined): T[] {
  const out = rows.map((row, i) => ({ row, i }));
  const col = state ? columns.find((c) => c.id === state.column) : undefined;
  if (!col || !state) return rows.slice();
  const sign = state.dir === 'asc' ? 1 : -1;
  out.sort((a, b) => {
    const va = col.value(a.row);
    const vb = col.value(b.row);
    if (va === undefined || vb === undefined) {
      if (va === vb) return a.i - b.i;
      return va === undefined ? 1 : -1;
    }
    let c: number;
    if (typeof va === 'number' && typeof vb === 'number') c = va - vb;
    else c = String(va).localeCompare(String(vb), 'en');
    return c !== 0 ? sign * c : a.i - b.i;
  });
  return out.map((x) => x.row);
}

/** The state after a click on `column`'s header: the same column flips, another starts at its natural direction. */
export function nextSort(state: SortState | undefined, column: string, numeric: boolean): SortState {
  if (state && state.column === column) return { column, dir: state.dir === 'asc' ? 'desc' : 'asc' };
  return { column, dir: numeric ? 'desc' : 'asc' };
}

/** aria-sort of a header. */
export function ariaSort(state: SortState | undefined, column: string): 'ascending' | 'descending' | 'none' {
  if (!state || state.column !== column) return 'none';
  return state.dir === 'asc' ? 'ascending' : 'descending';
}

/** The index a list selection moves to on a key (ArrowUp/Down, Home/End, PageUp/Down by `page`), or undefined. */
export function moveIndex(key: string, index: number, count: number, page = 10): number | undefined {
  if (count <= 0) return undefined;
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  switch (key) {
    case 'ArrowDown': return clamp(index + 1);
    case 'ArrowUp': return clamp(index - 1);
    case 'Home': return 0;
    case 'End': return count - 1;
    case 'PageDown': return clamp(index + page);
    case 'PageUp': return clamp(index - page);
    default: return undefined;
  }
}
