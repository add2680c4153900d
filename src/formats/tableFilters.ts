// Row filters of a table view: each column's filter conditions (ag-grid's number and text filters, the missing-value
// choices, a date range, an exact value) and the quick search, on cells as the grid shows them.
import {
  type ColumnFilter,
  type FilterCondition,
  type ViewQuery,
  IN_DATE_RANGE,
  IS_EXACTLY,
  datetimeEpochMs,
  inDateRange,
} from '../protocol';
import { cellText } from '../cellText';
import type { Column, ColumnarTable } from './table';

/** 1 for rows that pass every filter and the quick search; undefined when nothing filters. */
export function filterMask(table: ColumnarTable, q: ViewQuery, check: () => void): Uint8Array | undefined {
  const n = table.rowCount;
  let mask: Uint8Array | undefined;
  for (const [colId, filter] of Object.entries(q.filterModel)) {
    check();
    const col = table.column(colId);
    if (!col) continue;
    const m = columnFilterMask(col, filter, n);
    if (!mask) mask = m;
    else for (let i = 0; i < n; i++) mask[i] &= m[i];
  }
  const needle = q.quickFilter.trim().toLowerCase();
  if (needle) {
    const any = new Uint8Array(n);
    // A number's text only holds digits, signs, '.', 'e', 'inf' and the marker 'NaN', a sign only first or after
    // the 'e', one point at most: other needles (a date, "2024-08-07") cannot match, and numbers are not read.
    const numericNeedle = /^[0-9.e+\-infa]+$/.test(needle) && !/[^e][-+]|\..*\./.test(needle);
    for (const col of table.columns) {
      check();
      if (!numericNeedle && col.numeric) continue;
      // Quick search reads cells as the grid shows them: "0.0" finds a float zero, "nan" finds the gaps.
      const test = textTester(col, (t) => t.toLowerCase().includes(needle), 'shown');
      for (let i = 0; i < n; i++) if (!any[i] && (!mask || mask[i]) && test(i)) any[i] = 1;
    }
    if (!mask) mask = any;
    else for (let i = 0; i < n; i++) mask[i] &= any[i];
  }
  return mask;
}

/**
 * A per-row test on a column's text as the grid shows it; dictionary columns test each distinct value once.
 * A missing cell passes `missing` (true/false), or is tested as its marker (`NaN`, `None`, `NaT`) for 'shown'.
 */
function textTester(
  col: Column,
  pred: (text: string) => boolean,
  missing: boolean | 'shown',
): (row: number) => boolean {
  const info = col.info();
  const onMissing = missing === 'shown' ? pred(cellText(null, info)) : missing;
  const dict = col.dictionary();
  if (dict) {
    const hit = new Uint8Array(dict.values.length);
    dict.values.forEach((v, code) => (hit[code] = v === null ? (onMissing ? 1 : 0) : pred(cellText(v, info)) ? 1 : 0));
    return (row) => hit[dict.codes[row]] === 1;
  }
  const nums = col.numbers();
  if (nums) return (row) => (nums[row] === nums[row] ? pred(cellText(nums[row], info)) : onMissing);
  return (row) => {
    const v = col.get(row);
    return v === null ? onMissing : pred(cellText(v, info));
  };
}

function columnFilterMask(col: Column, filter: ColumnFilter, n: number): Uint8Array {
  if ('conditions' in filter) {
    const masks = filter.conditions.map((c) => conditionMask(col, c, n));
    const out = new Uint8Array(n).fill(filter.operator === 'AND' ? 1 : 0);
    for (const m of masks)
      for (let i = 0; i < n; i++) out[i] = filter.operator === 'AND' ? out[i] & m[i] : out[i] | m[i];
    return out;
  }
  return conditionMask(col, filter, n);
}

function conditionMask(col: Column, c: FilterCondition, n: number): Uint8Array {
  const out = new Uint8Array(n);
  if (c.type === 'missing' || c.type === 'notMissing') {
    const want = c.type === 'missing';
    for (let i = 0; i < n; i++) out[i] = (col.get(i) === null) === want ? 1 : 0;
    return out;
  }
  if (c.type === 'blank' || c.type === 'notBlank') {
    const want = c.type === 'blank';
    for (let i = 0; i < n; i++) out[i] = (col.get(i) === null || col.get(i) === '') === want ? 1 : 0;
    return out;
  }
  if (c.filterType === 'text' && c.type === IN_DATE_RANGE) {
    const from = c.filter ?? '';
    const to = c.filterTo ?? '';
    // ISO dates held as numbers are compared as they are held: no text is written out or parsed.
    const held = col.isoEpochMs(n);
    if (held) {
      const [a, b] = [datetimeEpochMs(from), datetimeEpochMs(to)];
      for (let i = 0; i < n; i++) out[i] = held[i] >= a && held[i] < b ? 1 : 0;
      return out;
    }
    for (let i = 0; i < n; i++) out[i] = inDateRange(col.get(i) as string | null, from, to) ? 1 : 0;
    return out;
  }
  if (c.filterType === 'number') {
    const a = c.filter ?? NaN;
    const b = c.filterTo ?? NaN;
    const nums = col.numbers();
    const value = nums
      ? (i: number) => nums[i]
      : (i: number) => {
          const v = col.get(i);
          return v === null ? NaN : Number(v);
        };
    const test = numberTest(c.type, a, b);
    for (let i = 0; i < n; i++) {
      const v = value(i);
      out[i] = v === v && test(v) ? 1 : 0;
    }
    return out;
  }
  if (c.filterType === 'text' && c.type === IS_EXACTLY) {
    // The wanted value as the grid shows it, so a stored 'true' of a boolean column matches its 'True' cells.
    const wanted = cellText(c.filter ?? '', col.info());
    const test = textTester(col, (t) => t === wanted, false);
    for (let i = 0; i < n; i++) out[i] = test(i) ? 1 : 0;
    return out;
  }
  const needle = (c.filter ?? '').toLowerCase();
  const pred = textTest(c.type, needle);
  const negated = c.type === 'notContains' || c.type === 'notEqual';
  const test = textTester(col, (t) => pred(t.toLowerCase()), negated);
  for (let i = 0; i < n; i++) out[i] = test(i) ? 1 : 0;
  return out;
}

function numberTest(op: string, a: number, b: number): (v: number) => boolean {
  switch (op) {
    case 'equals':
      return (v) => v === a;
    case 'notEqual':
      return (v) => v !== a;
    case 'lessThan':
      return (v) => v < a;
    case 'lessThanOrEqual':
      return (v) => v <= a;
    case 'greaterThan':
      return (v) => v > a;
    case 'greaterThanOrEqual':
      return (v) => v >= a;
    case 'inRange':
      return (v) => v >= Math.min(a, b) && v <= Math.max(a, b);
    default:
      return () => true;
  }
}

function textTest(op: string, needle: string): (t: string) => boolean {
  switch (op) {
    case 'contains':
      return (t) => t.includes(needle);
    case 'notContains':
      return (t) => !t.includes(needle);
    case 'equals':
      return (t) => t === needle;
    case 'notEqual':
      return (t) => t !== needle;
    case 'startsWith':
      return (t) => t.startsWith(needle);
    case 'endsWith':
      return (t) => t.endsWith(needle);
    default:
      return () => true;
  }
}
