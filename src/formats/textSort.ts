// The order of rows by one column of plain text (tableView.ts sorts by it), read from the UTF-8 the column holds
// (no string is made for a row): by distinct value when the values repeat, else MSD radix rounds over eight bytes
// at a time into ever smaller runs of tied rows, and comparisons only inside short runs. Rows with equal text stay
// in table order; the order is JavaScript's string order (utf8Order.ts).
import { CellBytes, sameBytes } from './textSegments';
import { radixSortWords } from './radixSort';
import { type SortScratch, scratchUint32 } from './sortScratch';
import type { Column } from './table';
import { UTF8_UNIT_RANK, compareUtf8 } from './utf8Order';

/** Points `at` at the UTF-8 of cell `index`; false when it is missing. */
type Utf8Cells = (index: number, at: CellBytes) => boolean;

/** The rows a sort takes: `rows`, or when undefined all `count` rows of the table in order (no array made). */
export interface SortedRows {
  rows: Uint32Array | undefined;
  count: number;
}

/** Row i of the rows a sort takes. */
function rowAt({ rows }: SortedRows, i: number): number {
  return rows ? rows[i] : i;
}

/** Runs of rows that tie on a round's bytes are radix sorted on the next bytes while at least this long… */
const RADIX_RUN = 64;
/** …for at most this many rounds; other runs are sorted by comparison. */
const RADIX_ROUNDS = 10;
/** Bytes a round's key holds, in two 32-bit words: each byte's rank (UTF8_UNIT_RANK), 0 past the end. */
const ROUND_BYTES = 8;
/** The last byte of a round's key: 0 when the text ended within the round's bytes. */
const LAST_BYTE = 0xff;

/**
 * Keys of `out`'s texts from byte `offset` on, four bytes per word: bytes `offset`… into words[0] and words[1],
 * the four after each pair into the next pair when given; XOR `flip`.
 */
function fillKeys(
  cells: Utf8Cells,
  out: Uint32Array,
  offset: number,
  flip: number,
  words: readonly Uint32Array[],
  at: CellBytes,
): void {
  const count = words.length;
  for (let i = 0; i < out.length; i++) {
    cells(out[i], at);
    const { bytes, end } = at;
    for (let w = 0, p = at.start + offset; w < count; w++) {
      let key = 0;
      for (let k = 0; k < 4; k++, p++) key = (key << 8) | (p < end ? UTF8_UNIT_RANK[bytes[p]] : 0);
      words[w][i] = (key ^ flip) >>> 0;
    }
  }
}

/** A run's keys, made by the round before (in the order of the run's rows). */
interface RunKeys {
  hi: Uint32Array;
  lo: Uint32Array;
}

/** What every run of one text sort shares. */
interface TextSort {
  /** The text of each index sorted. */
  cells: Utf8Cells;
  /** Bytes of the longest text. */
  longest: number;
  /** 1 ascending, -1 descending. */
  dir: number;
  /** Throws once the sort is no longer wanted. */
  check: () => void;
  /** Cells the rounds read keys with. */
  at: CellBytes;
  /** Where the first round's keys and the radix sort's copies are taken from, when the sort shares them. */
  scratch?: SortScratch;
}

/** The comparison of two texts that agree on their first `offset` bytes, in direction `dir`, then index order. */
function comparisonFrom(cells: Utf8Cells, offset: number, dir: number): (a: number, b: number) => number {
  const x = new CellBytes();
  const y = new CellBytes();
  return (a, b) => {
    cells(a, x);
    cells(b, y);
    const c = compareUtf8(
      x.bytes,
      Math.min(x.start + offset, x.end),
      x.end,
      y.bytes,
      Math.min(y.start + offset, y.end),
      y.end,
    );
    return c !== 0 ? (c < 0 ? -dir : dir) : a - b;
  };
}

/** Sets ties[k] where out[k] holds the same text as out[k - 1] (a run sorted by comparison). */
function markEqualNeighbours(out: Uint32Array, cells: Utf8Cells, ties: Uint8Array): void {
  const x = new CellBytes();
  const y = new CellBytes();
  cells(out[0], y);
  for (let k = 1; k < out.length; k++) {
    const [a, b] = k % 2 ? [y, x] : [x, y];
    cells(out[k], b);
    const length = b.end - b.start;
    if (a.end - a.start === length && sameBytes(a.bytes, a.start, b.bytes, b.start, length)) ties[k] = 1;
  }
}

/**
 * Sorts `out` (indices of present texts, ascending) by their text from byte `offset` on, the bytes before it
 * being the same for all: radix sort on the next eight bytes, then each run that ties on them the same way from
 * there (by comparison once a run is short or after a few rounds). The radix sort is stable, so equal texts stay
 * in index order, as the comparison's tie-break has it. With `ties` (aligned with `out`), also marks each row
 * whose text is the same as the row's before it.
 */
function sortTextRun(
  out: Uint32Array,
  sort: TextSort,
  offset: number,
  round: number,
  keys?: RunKeys,
  ties?: Uint8Array,
): void {
  const m = out.length;
  if (m < 2) return;
  if (m < RADIX_RUN || round >= RADIX_ROUNDS) {
    out.sort(comparisonFrom(sort.cells, offset, sort.dir));
    if (ties) markEqualNeighbours(out, sort.cells, ties);
    return;
  }
  sort.check();
  const flip = sort.dir < 0 ? 0xffffffff : 0;
  let hi: Uint32Array;
  let lo: Uint32Array;
  let next: [Uint32Array, Uint32Array] | undefined;
  if (keys) {
    ({ hi, lo } = keys);
  } else {
    // The first round's keys are as long as the sort: from the scratch. A later round's, for one run, are not.
    const scratch = round === 0 ? sort.scratch : undefined;
    hi = scratchUint32(scratch, 'text.hi', m);
    lo = scratchUint32(scratch, 'text.lo', m);
    // Reading a text is what costs (its rows are scattered by now): the next round's keys are made with these,
    // unless every text ends within this round's bytes.
    if (sort.longest > offset + ROUND_BYTES)
      next = [scratchUint32(scratch, 'text.next0', m), scratchUint32(scratch, 'text.next1', m)];
    fillKeys(sort.cells, out, offset, flip, next ? [hi, lo, ...next] : [hi, lo], sort.at);
  }
  // The keys travel with the rows: afterwards hi[i] and lo[i] (and next's) are out[i]'s.
  radixSortWords(out, hi, lo, next, undefined, sort.scratch);
  for (let i = 0; i < m;) {
    let j = i + 1;
    while (j < m && hi[j] === hi[i] && lo[j] === lo[i]) j++;
    // A run whose texts end within these bytes is of equal texts, already in index order.
    const ended = ((lo[i] ^ flip) & LAST_BYTE) === 0;
    if (j - i > 1 && ended) ties?.fill(1, i + 1, j);
    else if (j - i > 1) {
      const given = next && { hi: next[0].subarray(i, j), lo: next[1].subarray(i, j) };
      sortTextRun(out.subarray(i, j), sort, offset + ROUND_BYTES, round + 1, given, ties?.subarray(i, j));
    }
    i = j;
  }
}

/** A text sort of this many rows first tries sorting by distinct value (distinctCells)… */
const DISTINCT_SORT_ROWS = 4096;
/** …while the distinct values stay at most this many and at most one per this many rows. */
const DISTINCT_SORT_MAX = 1 << 18;
const DISTINCT_SORT_SHARE = 8;

/** The present rows of a sort with a code per row into the distinct values, and the missing rows. */

/** Ints per slot of distinctCells' hash table: code + 1 (0: empty), hash, where the value's bytes start, length. */
const SLOT_INTS = 4;

/**
 * The distinct texts of the rows `taken`, found by hashing their UTF-8 in place (no string is made for a row):
 * each row's code written to `codeOf` by row (NO_RANK for a missing value), and the first row of each distinct
 * value; undefined as soon as there are more than `limit` (`codeOf` then holds codes of some rows). A slot holds
 * what a probe compares, and each value's bytes are copied into one pool, so a probe reads two places in memory
 * rather than six.
 */
function distinctCells(
  cells: Utf8Cells,
  taken: SortedRows,
  limit: number,
  codeOf: Uint32Array,
  check: () => void,
  scratch?: SortScratch,
): Uint32Array | undefined {
  const n = taken.count;
  const bits = Math.max(4, Math.ceil(Math.log2(limit * 2)));
  const mask = (1 << bits) - 1;
  // The hash table is the size of the most distinct values taken (8 MB for a quarter of a million): from the scratch.
  const size = (1 << bits) * SLOT_INTS;
  const slots = scratch ? scratch.zeroedInt32('distinct.slots', size) : new Int32Array(size);
  let pool = new Uint8Array(64 * 1024);
  let pooled = 0;
  const firstRows = new Uint32Array(limit);
  const at = new CellBytes();
  let distinct = 0;
  for (let i = 0; i < n; i++) {
    if ((i & 0xffff) === 0) check();
    const r = rowAt(taken, i);
    if (!cells(r, at)) {
      codeOf[r] = NO_RANK;
      continue;
    }
    const { bytes, start, end } = at;
    const length = end - start;
    // FNV-1a over the bytes, then its high bits spread over the slots.
    let h = 0x811c9dc5;
    for (let k = start; k < end; k++) h = Math.imul(h ^ bytes[k], 0x01000193);
    let slot = Math.imul(h, 0x9e3779b1) >>> (32 - bits);
    let code = -1;
    while (code < 0) {
      const e = slot * SLOT_INTS;
      if (slots[e] === 0) {
        if (distinct === limit) return undefined;
        if (pooled + length > pool.length) {
          const grown = new Uint8Array(Math.max(pool.length * 2, pooled + length));
          grown.set(pool.subarray(0, pooled));
          pool = grown;
        }
        pool.set(bytes.subarray(start, end), pooled);
        code = distinct++;
        firstRows[code] = r;
        slots[e] = code + 1;
        slots[e + 1] = h;
        slots[e + 2] = pooled;
        slots[e + 3] = length;
        pooled += length;
      } else if (slots[e + 1] === h && slots[e + 3] === length) {
        if (sameBytes(pool, slots[e + 2], bytes, start, length)) code = slots[e] - 1;
      }
      slot = (slot + 1) & mask;
    }
    codeOf[r] = code;
  }
  return firstRows.subarray(0, distinct);
}

/**
 * Sorts `out` (indices of present texts, ascending) by their text in direction `dir`, equal texts in index order:
 * radix rounds from the bytes every text starts with (sortTextRun).
 */
function sortTexts(
  out: Uint32Array,
  cells: Utf8Cells,
  dir: number,
  check: () => void,
  ties?: Uint8Array,
  scratch?: SortScratch,
): void {
  if (out.length === 0) return;
  const at = new CellBytes();
  const first = new CellBytes();
  cells(out[0], first);
  let common = first.end - first.start;
  let longest = 0;
  for (let i = 0; i < out.length; i++) {
    if ((i & 0xffff) === 0) check();
    cells(out[i], at);
    const { bytes, start } = at;
    const length = at.end - start;
    if (length > longest) longest = length;
    let k = 0;
    while (k < common && k < length && bytes[start + k] === first.bytes[first.start + k]) k++;
    common = k;
  }
  sortTextRun(out, { cells, longest, dir, check, at, ...(scratch ? { scratch } : {}) }, common, 0, undefined, ties);
}

/** Each distinct value's rank in ascending order (given by its first row), each value sorted once (sortTextRun). */
function distinctRanks(cells: Utf8Cells, firstRows: Uint32Array, check: () => void): Uint32Array {
  const count = firstRows.length;
  const order = new Uint32Array(count);
  for (let k = 0; k < count; k++) order[k] = k;
  sortTexts(order, (code, at) => cells(firstRows[code], at), 1, check);
  const rankOf = new Uint32Array(count);
  for (let k = 0; k < count; k++) rankOf[order[k]] = k;
  return rankOf;
}

/**
 * The rows `taken` in the order of their distinct values (codeOf, firstRows: distinctCells), placed by a counting
 * sort on their value's rank, in table order within a value, the missing after them.
 */
function orderByDistinct(
  cells: Utf8Cells,
  taken: SortedRows,
  codeOf: Uint32Array,
  firstRows: Uint32Array,
  dir: number,
  check: () => void,
): Uint32Array {
  const count = firstRows.length;
  const ascendingRank = distinctRanks(cells, firstRows, check);
  const rankOf = dir < 0 ? ascendingRank.map((rank) => count - 1 - rank) : ascendingRank;
  // starts[rank]: where the rows of the value of that rank go.
  const starts = new Uint32Array(count + 1);
  let present = 0;
  for (let i = 0; i < taken.count; i++) {
    const code = codeOf[rowAt(taken, i)];
    if (code === NO_RANK) continue;
    starts[rankOf[code] + 1]++;
    present++;
  }
  for (let k = 1; k <= count; k++) starts[k] += starts[k - 1];
  const out = new Uint32Array(taken.count);
  let missingAt = present;
  for (let i = 0; i < taken.count; i++) {
    const r = rowAt(taken, i);
    const code = codeOf[r];
    if (code === NO_RANK) out[missingAt++] = r;
    else out[starts[rankOf[code]]++] = r;
  }
  return out;
}

/**
 * The order of the rows `taken` (in table order) by one column of plain text, missing values last. When the
 * values repeat (words, labels, dates), by distinct value (orderByDistinct): otherwise the runs of equal values
 * never get short and every radix round would read them again down to their end. Else, after the prefix all values
 * share, radix sorts on eight bytes at a time into ever smaller runs that tie (sortTextRun), and comparisons only
 * inside short ones. Working memory: about 40 bytes a row at the most (the rows, their keys for two rounds, and
 * the radix sort's copies of them), and no string.
 */
export function sortByText(col: Column, taken: SortedRows, dir: number, check: () => void): Uint32Array {
  const cells = plainTextCells(col);
  if (taken.count >= DISTINCT_SORT_ROWS) {
    const codeOf = new Uint32Array(col.length);
    const firstRows = distinctCells(cells, taken, distinctLimit(taken), codeOf, check);
    if (firstRows) return orderByDistinct(cells, taken, codeOf, firstRows, dir, check);
  }
  const { present, count, missing } = presentRows(cells, taken, check);
  const out = present.subarray(0, count);
  sortTexts(out, cells, dir, check);
  // The present rows filled an array of every row's size (no growing, no copy), which the result reuses.
  present.set(missing, count);
  return present;
}

/** A rank of a RankKey that marks a missing value (or a row not ranked). */
export const NO_RANK = 0xffffffff;

/** A sort key as ranks: by row, the rank of its value (equal values share it), from 0 to `buckets` - 1. */
export interface RankKey {
  ranks: Uint32Array;
  buckets: number;
}

/**
 * The rank of each of the rows `taken` in the ascending order of one column of plain text, by row (`n` of them):
 * rows with the same text share the rank; missing values and rows not taken are NO_RANK. The ranks come from the sort
 * itself (the runs it found equal, the distinct values it sorted): no cell is read again. The ranks and the working
 * arrays come from `scratch` when given (the ranks are then good until its next user).
 */
export function rankByText(
  col: Column,
  n: number,
  taken: SortedRows,
  check: () => void,
  scratch?: SortScratch,
): RankKey {
  const cells = plainTextCells(col);
  const ranks = scratchUint32(scratch, 'ranks', n).fill(NO_RANK);
  if (taken.count >= DISTINCT_SORT_ROWS) {
    // The codes go where the ranks will: each is turned into its value's rank in place.
    const firstRows = distinctCells(cells, taken, distinctLimit(taken), ranks, check, scratch);
    if (firstRows) {
      const rankOf = distinctRanks(cells, firstRows, check);
      for (let i = 0; i < taken.count; i++) {
        const r = rowAt(taken, i);
        if (ranks[r] !== NO_RANK) ranks[r] = rankOf[ranks[r]];
      }
      return { ranks, buckets: rankOf.length };
    }
    ranks.fill(NO_RANK);
  }
  const { present, count } = presentRows(cells, taken, check, scratch);
  const out = present.subarray(0, count);
  const ties = scratch ? scratch.zeroedBytes('ties', count) : new Uint8Array(count);
  sortTexts(out, cells, 1, check, ties, scratch);
  for (let i = 0, rank = 0; i < count; i++) {
    if (!ties[i]) rank = i;
    ranks[out[i]] = rank;
  }
  return { ranks, buckets: count };
}

/** The column's cells read in place; it must sort as plain text (sortsAsPlainText). */
function plainTextCells(col: Column): Utf8Cells {
  const cells = col.cellBytes();
  if (!cells) throw new Error(`Column ${col.name} does not hold plain text.`);
  return cells;
}

/** Most distinct values a sort of `rows` by distinct value takes. */
function distinctLimit(taken: SortedRows): number {
  return Math.min(DISTINCT_SORT_MAX, Math.floor(taken.count / DISTINCT_SORT_SHARE));
}

/** The rows `taken` that have a text, in an array of all their size (`count` of it used), and the missing ones. */
function presentRows(
  cells: Utf8Cells,
  taken: SortedRows,
  check: () => void,
  scratch?: SortScratch,
): { present: Uint32Array; count: number; missing: number[] } {
  const present = scratchUint32(scratch, 'present', taken.count);
  const at = new CellBytes();
  let count = 0;
  const missing: number[] = [];
  for (let i = 0; i < taken.count; i++) {
    if ((i & 0xffff) === 0) check();
    const r = rowAt(taken, i);
    if (cells(r, at)) present[count++] = r;
    else missing.push(r);
  }
  return { present, count, missing };
}

/** The sorted rows followed by the missing ones: `length` rows in all. */
export function joinMissing(sorted: Uint32Array, missing: ArrayLike<number>, length: number): Uint32Array {
  // Nothing missing: the sorted rows are the result, when they span their buffer (no copy beside them).
  if (missing.length === 0 && sorted.length === length && sorted.byteLength === sorted.buffer.byteLength) return sorted;
  const result = new Uint32Array(length);
  result.set(sorted);
  result.set(missing, sorted.length);
  return result;
}
