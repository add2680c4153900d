// The picture of a column shown in its grid header: a histogram for numbers and dates (numpy.histogram's rule:
// equal-width bins over [min, max], the last bin closed), the most frequent values for everything else, and the
// share of missing values. Pure and incremental: each column is a generator that does a slice of work per step,
// so a driver can stop after a few milliseconds, yield the thread and go on (or be cancelled).
import { type ColumnProfile, datetimeEpochMs } from '../protocol';
import { type Column, type ColumnarTable, formatNumber } from './table';

/** Bins of a histogram (numpy's default is 10; 20 reads better in a header). */
export const HISTOGRAM_BINS = 20;
/** Most frequent values shown for a text column; the rest is counted as "other". */
const TOP_VALUES = 5;
/** Cells handled between two checks of the clock. */
const SLICE_CELLS = 32_768;

/** Bin edges and counts of finite values, exactly as `numpy.histogram(values, bins)` computes them. */
export function histogram(values: ArrayLike<number>, bins = HISTOGRAM_BINS): { edges: number[]; counts: number[] } {
  const steps = histogramSteps(values, values.length, bins);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * numpy.histogram over values[0…n) (non-finite values skipped), one slice per step: a pass for min and max, then
 * numpy's bin index with its one-ULP corrections against the edges, so that counts match numpy's exactly.
 */
function* histogramSteps(
  values: ArrayLike<number>,
  n: number,
  bins: number,
): Generator<void, { edges: number[]; counts: number[] }> {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v - v === 0) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (i % SLICE_CELLS === SLICE_CELLS - 1) yield;
  }
  const counts = new Array<number>(bins).fill(0);
  if (min > max) return { edges: [], counts: [] };
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  // np.linspace(first, last, bins + 1): i * step + first, the last edge exactly `last`.
  const step = (last - first) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? last : i * step + first));
  const norm = bins / (last - first);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v - v === 0) {
      let k = Math.trunc((v - first) * norm);
      if (k >= bins) k = bins - 1;
      if (v < edges[k]) k--;
      if (k !== bins - 1 && v >= edges[k + 1]) k++;
      counts[k]++;
    }
    if (i % SLICE_CELLS === SLICE_CELLS - 1) yield;
  }
  return { edges, counts };
}

/**
 * Distinct values a profile counts: past it only the values already seen are counted on (a column of ids would
 * otherwise hold a map entry a row: 1.6 GB and 14 s for 6 million of them).
 */
const PROFILE_DISTINCT_CAP = 100_000;

/**
 * Counts of each distinct text (missing cells not counted), one slice per step; dictionary columns count codes.
 * `capped`: past PROFILE_DISTINCT_CAP distinct values, values not seen by then were not counted.
 */
function* valueCounts(col: Column, n: number): Generator<void, { counts: Map<string, number>; capped: boolean }> {
  const counts = new Map<string, number>();
  const dict = col.dictionary();
  if (dict) {
    const perCode = new Float64Array(dict.values.length);
    for (let i = 0; i < n; i++) {
      perCode[dict.codes[i]]++;
      if (i % SLICE_CELLS === SLICE_CELLS - 1) yield;
    }
    dict.values.forEach((v, code) => v !== null && perCode[code] > 0 && counts.set(v, perCode[code]));
    return { counts, capped: false };
  }
  let capped = false;
  for (let i = 0; i < n; i++) {
    const v = col.get(i);
    if (v !== null) {
      const s = typeof v === 'number' ? formatNumber(v) : v;
      const count = counts.get(s);
      if (count !== undefined) counts.set(s, count + 1);
      else if (counts.size < PROFILE_DISTINCT_CAP) counts.set(s, 1);
      else capped = true;
    }
    if (i % SLICE_CELLS === SLICE_CELLS - 1) yield;
  }
  return { counts, capped };
}

/** The top values of a column and how many cells the rest hold. */
function* topProfile(col: Column, n: number, missing: number): Generator<void, ColumnProfile> {
  const { counts, capped } = yield* valueCounts(col, n);
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, TOP_VALUES)
    .map(([value, count]) => ({ value, count }));
  const shown = top.reduce((sum, t) => sum + t.count, 0);
  return {
    colId: col.id,
    kind: 'top',
    rows: n,
    missing,
    top,
    other: n - missing - shown,
    distinct: counts.size,
    ...(capped ? { distinctCapped: true } : {}),
  };
}

/**
 * The column's numbers: stored numbers, numeric text, or dates as epoch milliseconds, with the count of missing
 * cells (text that does not parse is NaN in `values` but not missing).
 */
function* numericValues(
  col: Column,
  n: number,
  parse: (s: string) => number,
  stored: Float64Array | undefined,
): Generator<void, { values: Float64Array; missing: number }> {
  let missing = 0;
  if (stored) {
    const values = stored.subarray(0, n);
    for (let i = 0; i < n; i++) if (values[i] !== values[i]) missing++;
    return { values, missing };
  }
  const values = new Float64Array(n);
  const dict = col.dictionary();
  const perCode = dict ? dict.values.map((v) => (v === null ? NaN : parse(v))) : undefined;
  for (let i = 0; i < n; i++) {
    if (dict) {
      values[i] = perCode![dict.codes[i]];
      if (dict.codes[i] === 0) missing++;
    } else {
      const v = col.get(i);
      if (v === null) missing++;
      values[i] = v === null ? NaN : typeof v === 'number' ? v : parse(v);
    }
    if (i % SLICE_CELLS === SLICE_CELLS - 1) yield;
  }
  return { values, missing };
}

/** The profile of one column over its first n rows, one slice of work per step. */
export function* columnProfileSteps(col: Column, n: number): Generator<void, ColumnProfile> {
  const datetime = col.type === 'datetime';
  const numeric = col.type === 'integer' || col.type === 'float';
  if (!datetime && !numeric) {
    let missing = 0;
    const dict = col.dictionary();
    for (let i = 0; i < n; i++) {
      if (dict ? dict.codes[i] === 0 : col.get(i) === null) missing++;
      if (i % SLICE_CELLS === SLICE_CELLS - 1) yield;
    }
    if (missing === n) return { colId: col.id, kind: 'empty', rows: n, missing };
    return yield* topProfile(col, n, missing);
  }
  // Numbers as they are held: a column's own, or the epoch milliseconds of ISO dates held as numbers.
  const stored = datetime ? col.isoEpochMs(n) : col.numbers();
  const { values, missing } = yield* numericValues(col, n, datetime ? datetimeEpochMs : Number, stored);
  let finite = 0;
  for (let i = 0; i < n; i++) if (values[i] - values[i] === 0) finite++;
  if (missing === n) return { colId: col.id, kind: 'empty', rows: n, missing };
  // Only infinities (or text that does not parse): no range to bin, so show the values themselves.
  if (finite === 0) return yield* topProfile(col, n, missing);
  const { edges, counts } = yield* histogramSteps(values, n, HISTOGRAM_BINS);
  return {
    colId: col.id,
    kind: 'histogram',
    valueType: datetime ? 'datetime' : 'number',
    rows: n,
    missing,
    nonFinite: n - missing - finite,
    edges,
    counts,
  };
}

/** Profiles of the table's columns over its first `rows` rows, one column slice per step. */
export function* tableProfileSteps(table: ColumnarTable, rows = table.rowCount): Generator<void, ColumnProfile[]> {
  const out: ColumnProfile[] = [];
  for (const col of table.columns) out.push(yield* columnProfileSteps(col, Math.min(rows, col.length)));
  return out;
}
