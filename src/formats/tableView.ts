// Sorting, sort windows and statistics over a ColumnarTable, for tables too large for the webview's client-side row
// model; the filters and the quick search live in tableFilters.ts. Sorts are typed and keep missing values last.
import { nextTurn } from '../timeSlices';
import {
  type Cell,
  type ColumnProfile,
  type ColumnStats,
  type SortItem,
  type ViewQuery,
  MAX_SHOWN_CELL_CHARS,
  shownCell,
} from '../protocol';
import { tableProfileSteps } from './columnProfile';
import { filterMask } from './tableFilters';
import type { Column, ColumnarTable } from './table';
import { radixSortByKey } from './radixSort';
import { SortScratch } from './sortScratch';
import { dictionaryRanks, sortsAsPlainText } from './sortKeys';
import { NO_RANK, type RankKey, type SortedRows, joinMissing, rankByText, sortByText } from './textSort';
import { topRows } from './topRows';

/** Longest run of profiling work before the thread is yielded. */
const PROFILE_SLICE_MS = 10;

/**
 * Working memory a view takes per row of the table, beside the table, at the most, measured in a process that
 * holds a table at a small budget (where the garbage collector leaves the most slack): a sort by two columns of
 * text and numbers about 58 bytes a row (a number column widened to doubles, ranks, the radix or counting sort's
 * arrays), by two text columns about 57 (their passes share those arrays: sortScratch.ts), by one text column 32-40
 * (the rows and their radix keys, no string), by one number column 32, by a dictionary column 12, a filter 13. The
 * memory budget keeps this much room per row held, so that any of them stays within it.
 */
export const VIEW_BYTES_PER_ROW = 72;

/**
 * Memory the preview's threads take beside the table and its room, kept out of what the table may hold: the table
 * worker's own heap, the parser threads' while they run, buffers on their way and garbage not yet collected. A
 * process holding a 168 MB table at a 512 MB budget peaked 40-70 MB above the table and its room during a sort by
 * two text columns. At most an eighth of the budget, so that a small budget still holds rows.
 */
const THREADS_RESERVE_BYTES = 48e6;

/** What the table and the room for its views may hold of a memory budget of `bytes`: all but the threads' reserve. */
export function tableShareOfBudget(bytes: number): number {
  return bytes - Math.min(THREADS_RESERVE_BYTES, bytes / 8);
}

/** Row order and membership for one query: `rows[i]` is the table row shown at position i. */
export interface TableView {
  /** Table rows in display order; undefined means all rows in table order. */
  rows: Uint32Array | undefined;
  /** Number of rows in the view. */
  length: number;
}

function cacheKey(q: ViewQuery, rowCount: number): string {
  return JSON.stringify([q.sortModel, q.filterModel, q.quickFilter.trim().toLowerCase(), rowCount]);
}

/** About the most characters of cells one window of rows carries to the webview. */
const MAX_WINDOW_CHARS = 4_000_000;
/** Cells of very wide tables are cut to no fewer characters than this. */
const MIN_SHOWN_CELL_CHARS = 200;

/** Largest window end answered by a top-N selection while the full sort of a new query is still to come. */
const TOP_N_MAX = 1000;

/** Never cancelled. */
const noCheck = (): void => {};

/** Computes views and caches the last one (the grid asks for many windows of the same query). */
export class TableViewer {
  private lastKey = '';
  private last: TableView | undefined;

  constructor(private readonly table: ColumnarTable) {}

  /** The view for a query over the rows parsed so far; `check` throws to cancel between steps. */
  view(q: ViewQuery, check: () => void = noCheck): TableView {
    const n = this.table.rowCount;
    const key = cacheKey(q, n);
    if (this.last && key === this.lastKey) return this.last;
    const view = computeView(this.table, q, check);
    this.lastKey = key;
    this.last = view;
    return view;
  }

  /**
   * The distribution of every column over the rows loaded so far, computed in slices of at most about 10 ms that
   * yield the thread in between; rejects with the signal's reason once it aborts. Cached until more rows arrive.
   */
  profileColumns(signal?: AbortSignal): Promise<ColumnProfile[]> {
    const rows = this.table.rowCount;
    if (this.profile?.rows !== rows) {
      const result = runInSlices(tableProfileSteps(this.table, rows), signal);
      this.profile = { rows, result };
      result.catch(() => {
        if (this.profile?.result === result) this.profile = undefined;
      });
    }
    return this.profile.result;
  }

  private profile: { rows: number; result: Promise<ColumnProfile[]> } | undefined;

  /** True when the view of `q` is computed already. */
  has(q: ViewQuery): boolean {
    return this.last !== undefined && cacheKey(q, this.table.rowCount) === this.lastKey;
  }

  /**
   * Rows [start, end) of the view, as cells. A window near the top of a sorted view not computed yet comes
   * from a top-N selection (one pass, no full sort); `sortPending` then says the full order is still to come.
   */
  window(
    q: ViewQuery,
    start: number,
    end: number,
    check: () => void = noCheck,
  ): { rows: Cell[][]; rowIds: number[]; total: number; sortPending?: boolean } {
    let ids: ArrayLike<number> | undefined;
    let total: number;
    let sortPending = false;
    const sorts = q.sortModel.filter((s) => this.table.column(s.colId));
    const top =
      !this.has(q) && sorts.length > 0 && end <= TOP_N_MAX
        ? topRows(this.table, filterMask(this.table, q, check), sorts, end, true)
        : undefined;
    if (top) {
      ids = top.rows;
      total = top.total;
      sortPending = true;
    } else {
      const v = this.view(q, check);
      ids = v.rows;
      total = v.length;
    }
    const stop = Math.min(end, total);
    const rows: Cell[][] = [];
    const rowIds: number[] = [];
    const shape = windowShaper(this.table.columns.length);
    for (let i = start; i < stop; i++) {
      const r = ids ? ids[i] : i;
      const row = this.table.row(r);
      rows.push(row);
      rowIds.push(r);
      if (!shape(row)) break;
    }
    return { rows, rowIds, total, ...(sortPending ? { sortPending } : {}) };
  }
}

/**
 * Bounds a window in size, not only in rows: a wide table gets fewer rows per reply (the webview asks for the
 * rest), and cells cut shorter the more columns it has, so even one row stays within the bound. The returned
 * function cuts a row's cells in place and says whether the window has room for another row.
 */
export function windowShaper(columnCount: number): (row: Cell[]) => boolean {
  const cellChars = Math.max(
    MIN_SHOWN_CELL_CHARS,
    Math.min(MAX_SHOWN_CELL_CHARS, Math.floor(MAX_WINDOW_CHARS / Math.max(1, columnCount))),
  );
  let chars = 0;
  return (row) => {
    for (let c = 0; c < row.length; c++) {
      const v = shownCell(row[c], cellChars);
      row[c] = v;
      chars += typeof v === 'string' ? v.length + 3 : 12;
    }
    return chars < MAX_WINDOW_CHARS;
  };
}

/** Runs a generator of work to its end, a slice of PROFILE_SLICE_MS at a time, yielding the thread between slices. */
async function runInSlices<T>(steps: Generator<void, T>, signal?: AbortSignal): Promise<T> {
  for (;;) {
    signal?.throwIfAborted();
    const until = performance.now() + PROFILE_SLICE_MS;
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
      if (performance.now() >= until) break;
    }
    await nextTurn();
  }
}

/** Sorts and filters the table. */
export function computeView(table: ColumnarTable, q: ViewQuery, check: () => void = noCheck): TableView {
  const n = table.rowCount;
  let rows: Uint32Array | undefined;
  const mask = filterMask(table, q, check);
  if (mask) {
    let count = 0;
    for (let i = 0; i < n; i++) count += mask[i];
    rows = new Uint32Array(count);
    for (let i = 0, j = 0; i < n; i++) if (mask[i]) rows[j++] = i;
  }
  const sorts = q.sortModel.filter((s) => table.column(s.colId));
  if (sorts.length > 0) {
    check();
    rows = sortRows(table, rows, sorts, check);
  }
  return { rows, length: rows ? rows.length : n };
}

/** Sort keys as numbers, by row (n of them), of a numeric column held as numbers or as text. Missing = NaN. */
function sortKey(col: Column, n: number): Float64Array {
  const nums = col.numbers();
  if (nums) return nums.subarray(0, n);
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = col.get(i);
    key[i] = v === null ? NaN : Number(v);
  }
  return key;
}

/**
 * The sort key of a column whose values can be ranked (plain text, a dictionary), as ranks by row (in `scratch`:
 * good until the next pass); undefined for numbers.
 */
function rankKey(
  col: Column,
  n: number,
  taken: SortedRows,
  check: () => void,
  scratch: SortScratch,
): RankKey | undefined {
  // By layout, not col.numbers(): that would widen a number column's values only to be told it holds numbers.
  if (col.layout === 'number') return undefined;
  const dict = col.dictionary();
  if (dict) {
    const rankOfCode = dictionaryRanks(col, dict);
    const ranks = scratch.uint32('ranks', n);
    for (let i = 0; i < n; i++) {
      const rank = rankOfCode[dict.codes[i]];
      ranks[i] = rank === rank ? rank : NO_RANK;
    }
    return { ranks, buckets: dict.values.length };
  }
  if (sortsAsPlainText(col)) return rankByText(col, n, taken, check, scratch);
  return undefined;
}

/**
 * `rows` (undefined: the first n rows in order) stably sorted by ranks (a counting sort) in direction `dir`,
 * the rows of no rank after, in their order.
 */
function sortByRank(rows: Uint32Array | undefined, n: number, key: RankKey, dir: number): Uint32Array {
  const { ranks, buckets } = key;
  const length = rows ? rows.length : n;
  // starts[b + 1] counts the rows of bucket b (ranks reversed when descending); then where bucket b starts.
  const starts = new Uint32Array(buckets + 1);
  let present = 0;
  for (let i = 0; i < length; i++) {
    const rank = ranks[rows ? rows[i] : i];
    if (rank === NO_RANK) continue;
    starts[(dir < 0 ? buckets - 1 - rank : rank) + 1]++;
    present++;
  }
  for (let b = 1; b <= buckets; b++) starts[b] += starts[b - 1];
  const out = new Uint32Array(length);
  let missingAt = present;
  for (let i = 0; i < length; i++) {
    const r = rows ? rows[i] : i;
    const rank = ranks[r];
    if (rank === NO_RANK) out[missingAt++] = r;
    else out[starts[dir < 0 ? buckets - 1 - rank : rank]++] = r;
  }
  return out;
}

/** `rows` (undefined: all of them) in the order of `sorts`. */
function sortRows(
  table: ColumnarTable,
  rows: Uint32Array | undefined,
  sorts: SortItem[],
  check: () => void,
): Uint32Array {
  const n = table.rowCount;
  const taken: SortedRows = { rows, count: rows ? rows.length : n };
  // ISO dates held as numbers sort by them: the order of their text, none of it written out.
  const isoKeys = (col: Column): Float64Array | undefined => (sortsAsPlainText(col) ? col.isoEpochMs(n) : undefined);
  const firstCol = table.column(sorts[0].colId)!;
  if (sorts.length === 1 && sortsAsPlainText(firstCol)) {
    const dir = sorts[0].sort === 'desc' ? -1 : 1;
    const iso = isoKeys(firstCol);
    return iso ? sortPresentFirst(rows, n, iso, dir, new SortScratch()) : sortByText(firstCol, taken, dir, check);
  }
  // Least significant key first: each pass is stable, so rows that tie on a key keep the order of the keys
  // after it (and, tying on all, table order). Rows missing a key go after the others, in that order too, as the
  // grid's own sort has them. Each key is made for its pass, in working arrays every pass shares (sortScratch.ts),
  // so one pass's working memory is held at a time.
  const scratch = new SortScratch();
  let order = rows;
  for (let j = sorts.length - 1; j >= 0; j--) {
    check();
    const col = table.column(sorts[j].colId)!;
    const dir = sorts[j].sort === 'desc' ? -1 : 1;
    const iso = isoKeys(col);
    const ranked = iso ? undefined : rankKey(col, n, taken, check, scratch);
    order = ranked
      ? sortByRank(order, n, ranked, dir)
      : sortPresentFirst(order, n, iso ?? sortKey(col, n), dir, scratch);
  }
  return order!;
}

/**
 * `rows` (undefined: the first n rows in order) stably sorted by `key` (NaN = missing) in direction `dir`, the
 * missing rows after, in their order.
 */
function sortPresentFirst(
  rows: Uint32Array | undefined,
  n: number,
  key: Float64Array,
  dir: number,
  scratch: SortScratch,
): Uint32Array {
  const length = rows ? rows.length : n;
  const present = new Uint32Array(length);
  const missing: number[] = [];
  let m = 0;
  for (let i = 0; i < length; i++) {
    const r = rows ? rows[i] : i;
    if (key[r] === key[r]) present[m++] = r;
    else missing.push(r);
  }
  const sorted = present.subarray(0, m);
  radixSortByKey(sorted, key, dir, scratch);
  return joinMissing(sorted, missing, length);
}

/** Distinct values counted before `distinct` becomes a lower bound. */
const DISTINCT_CAP = 1_000_000;

/** Statistics of one column over the whole table. */
export function columnStats(table: ColumnarTable, col: Column, topN = 10): ColumnStats {
  const n = table.rowCount;
  let nulls = 0;
  let min: Cell = null;
  let max: Cell = null;
  let sum = 0;
  const counts = new Map<string | number, number>();
  let capped = false;
  const nums = col.numbers();
  const numericText = !nums && (col.type === 'integer' || col.type === 'float');
  for (let i = 0; i < n; i++) {
    const v = col.get(i);
    if (v === null) {
      nulls++;
      continue;
    }
    const c = counts.get(v);
    if (c !== undefined) counts.set(v, c + 1);
    else if (counts.size < DISTINCT_CAP) counts.set(v, 1);
    else capped = true;
    if (typeof v === 'number') {
      sum += v;
      if (min === null || v < (min as number)) min = v;
      if (max === null || v > (max as number)) max = v;
    } else if (numericText) {
      const x = Number(v);
      if (min === null || x < Number(min)) min = v;
      if (max === null || x > Number(max)) max = v;
    } else {
      if (min === null || v < (min as string)) min = v;
      if (max === null || v > (max as string)) max = v;
    }
  }
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([value, count]) => ({ value: shownCell(value), count }));
  const stats: ColumnStats = {
    colId: col.id,
    count: n,
    nulls,
    distinct: counts.size,
    distinctCapped: capped,
    min: shownCell(min),
    max: shownCell(max),
    top,
  };
  if (nums && n - nulls > 0) stats.mean = sum / (n - nulls);
  return stats;
}
