import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortRows, nextSort, ariaSort, moveIndex, type SortColumn } from '../../../src/webview/views/sort';

interface R { name: string; n?: number }
const cols: SortColumn<R>[] = [
  { id: 'name', value: (r) => r.name },
  { id: 'n', value: (r) => r.n, numeric: true },
];
const rows: R[] = [{ name: 'b', n: 2 }, { name: 'a', n: 10 }, { name: 'c' }, { name: 'a2', n: 2 }];

test('numbers sort numerically, missing values last in both directions, ties keep their order', () => {
  assert.deepEqual(sortRows(rows, cols, { column: 'n', dir: 'desc' }).map((r) => r.name), ['a', 'b', 'a2', 'c']);
  assert.deepEqual(sortRows(rows, cols, { column: 'n', dir: 'asc' }).map((r) => r.name), ['b', 'a2', 'a', 'c']);
  assert.deepEqual(sortRows(rows, cols, { column: 'name', dir: 'asc' }).map((r) => r.name), ['a', 'a2', 'b', 'c']);
  // no state or an unknown column: the given order, as a copy
  const same = sortRows(rows, cols, undefined);
  assert.deepEqual(same, rows);
  assert.notEqual(same, rows);
  assert.deepEqual(sortRows(rows, cols, { column: 'x', dir: 'asc' }), rows);
});

test('a header click flips its column, another column starts at its natural direction', () => {
  assert.deepEqual(nextSort(undefined, 'n', true), { column: 'n', dir: 'desc' });
  assert.deepEqual(nextSort({ column: 'n', dir: 'desc' }, 'n', true), { column: 'n', dir: 'asc' });
  assert.deepEqual(nextSort({ column: 'n', dir: 'asc' }, 'name', false), { column: 'name', dir: 'asc' });
  assert.equal(ariaSort({ column: 'n', dir: 'asc' }, 'n'), 'ascending');
  assert.equal(ariaSort({ column: 'n', dir: 'desc' }, 'n'), 'descending');
  assert.equal(ariaSort({ column: 'n', dir: 'desc' }, 'name'), 'none');
});

test('list keys move within bounds', () => {
  assert.equal(moveIndex('ArrowDown', 0, 3), 1);
  assert.equal(moveIndex('ArrowDown', 2, 3), 2);
  assert.equal(moveIndex('ArrowUp', 0, 3), 0);
  assert.equal(moveIndex('End', 0, 3), 2);
  assert.equal(moveIndex('Home', 2, 3), 0);
  assert.equal(moveIndex('PageDown', 1, 30), 11);
  assert.equal(moveIndex('PageUp', 5, 30), 0);
  assert.equal(moveIndex('Enter', 1, 3), undefined);
  assert.equal(moveIndex('ArrowDown', 0, 0), undefined);
});
