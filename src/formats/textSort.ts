// The order of rows by one column of plain text (tableView.ts sorts by it): by distinct value when the values
// repeat, else MSD radix rounds over UTF-16 units into ever smaller runs of tied rows, and comparisons only
// inside short runs. Rows with equal text stay in table order; the order is JavaScript's string order.
import { CellBytes, sameBytes } from './columnStores';
import { radixSortWords } from './radixSort';
import type { Column } from './table';

/** Runs of rows that tie on a round's units are radix sorted on the next units while at least this long… */
const RADIX_RUN = 64;
/** …for at most this many rounds; other runs are sorted by comparison. */
const RADIX_ROUNDS = 10;
/**
 * UTF-16 units a round's key holds, in 64 bits: eight of 8 bits while every unit of the run is below U+00FF
 * (ASCII and Latin-1 text), else three of 17 bits. Each is the unit plus one, 0 past the end.
 */
const NARROW_UNITS = 8;
const WIDE_UNITS = 3;
/** The last unit of a round's key: 0 when the text ended within the round's units. */
const NARROW_LAST = 0xff;
const WIDE_LAST = 0x1ffff;

/** UTF-16 unit k of s for a radix key: 0 past the end (shorter strings first), real units shifted up by one. */
function radixUnit(s: string, k: number): number {
  return k < s.length ? s.charCodeAt(k) + 1 : 0;
}

/**
 * Keys of eight 8-bit units per pair of words (hi, lo): units `offset`… into words[0] and words[1], the eight
 * after them into words[2] and words[3] when given; XOR `flip`. Returns how many of the words every row's key
 * fills: all, 2 once a unit from U+00FF up is among the later eight (those are dropped), 0 once one is among the
 * first eight (no narrow key for this run).
 */
function narrowKeys(
  texts: readonly string[],
  out: Uint32Array,
  offset: number,
  flip: number,
  words: readonly Uint32Array[],
): number {
  let filled = words.length;
  for (let i = 0; i < out.length; i++) {
    const s = texts[out[i]];
    for (let w = 0; w < filled; w++) {
      let key = 0;
      for (let k = 0, at = offset + 4 * w; k < 4; k++, at++) {
        const u = at < s.length ? s.charCodeAt(at) + 1 : 0;
        if (u > 0xff) {
          if (w < 2) return 0;
          filled = 2;
          break;
        }
        key = (key << 8) | u;
      }
      if (w < filled) words[w][i] = (key ^ flip) >>> 0;
    }
  }
  return filled;
}

/** The keys of three 17-bit units from `offset` (any text), XOR `flip`. */
function wideKeys(
  texts: readonly string[],
  out: Uint32Array,
  offset: number,
  flip: number,
  hi: Uint32Array,
  lo: Uint32Array,
): void {
  for (let i = 0; i < out.length; i++) {
    const s = texts[out[i]];
    const u0 = radixUnit(s, offset);
    const u1 = radixUnit(s, offset + 1);
    const u2 = radixUnit(s, offset + 2);
    // The 51-bit key u0·2^34 + u1·2^17 + u2 as two 32-bit words.
    hi[i] = (((u0 << 2) | (u1 >>> 15)) ^ flip) >>> 0;
    lo[i] = ((((u1 & 0x7fff) << 17) | u2) ^ flip) >>> 0;
  }
}

/** A run's keys of eight narrow units, made by the round before (in the order of the run's rows). */
interface NarrowKeys {
  hi: Uint32Array;
  lo: Uint32Array;
}

/** What every run of one text sort shares. */
interface TextSort {
  /** The text of each row sorted (by row index). */
  all: readonly string[];
  /** Units of the longest text. */
  longest: number;
  /** 1 ascending, -1 descending. */
  dir: number;
  /** The full comparison, ties in table order. */
  cmp: (a: number, b: number) => number;
  /** Throws once the sort is no longer wanted. */
  check: () => void;
}

/**
 * Sorts `out` (rows of present text, in table order) by their text from unit `offset` on, the units before it
 * being the same for all: radix sort on the next eight units (three beyond Latin-1), then each run that ties on
 * them the same way from there (by comparison once a run is short or after a few rounds). The radix sort is stable,
 * so rows with equal text stay in table order, as the comparator's tie-break has it.
 */
function sortTextRun(out: Uint32Array, sort: TextSort, offset: number, round: number, keys?: NarrowKeys): void {
  const m = out.length;
  if (m < 2) return;
  if (m < RADIX_RUN || round >= RADIX_ROUNDS) {
    out.sort(sort.cmp);
    return;
  }
  sort.check();
  const { all, dir } = sort;
  const flip = dir < 0 ? 0xffffffff : 0;
  const { hi, lo } = keys ?? { hi: new Uint32Array(m), lo: new Uint32Array(m) };
  let next: [Uint32Array, Uint32Array] | undefined;
  let narrow = keys !== undefined;
  if (!narrow) {
    // Reading a text is what costs (its rows are scattered by now): the next round's keys are made with these,
    // unless every text ends within this round's units.
    if (sort.longest > offset + NARROW_UNITS) next = [new Uint32Array(m), new Uint32Array(m)];
    const filled = narrowKeys(all, out, offset, flip, next ? [hi, lo, ...next] : [hi, lo]);
    if (filled < 4) next = undefined;
    narrow = filled > 0;
    if (!narrow) wideKeys(all, out, offset, flip, hi, lo);
  }
  const [units, last] = narrow ? [NARROW_UNITS, NARROW_LAST] : [WIDE_UNITS, WIDE_LAST];
  // The keys travel with the rows: afterwards hi[i] and lo[i] (and next's) are out[i]'s.
  radixSortWords(out, hi, lo, next);
  for (let i = 0; i < m;) {
    let j = i + 1;
    while (j < m && hi[j] === hi[i] && lo[j] === lo[i]) j++;
    // A run whose texts end within these units is of equal texts, already in table order.
    const ended = ((lo[i] ^ flip) & last) === 0;
    if (j - i > 1 && !ended) {
      const given = next && { hi: next[0].subarray(i, j), lo: next[1].subarray(i, j) };
      sortTextRun(out.subarray(i, j), sort, offset + units, round + 1, given);
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
interface DistinctCells {
  present: Uint32Array;
  /** codes[i]: which of `values` present[i] holds. */
  codes: Uint32Array;
  values: string[];
  missing: number[];
}

/** Ints per slot of distinctCells' hash table: code + 1 (0: empty), hash, where the value's bytes start, length. */
const SLOT_INTS = 4;

/**
 * The distinct texts of `rows`, found by hashing their UTF-8 in place (no string is made for a row): undefined
 * as soon as there are more than `limit`. A slot holds what a probe compares, and each value's bytes are copied
 * into one pool, so a probe reads two places in memory rather than six.
 */
function distinctCells(col: Column, rows: Uint32Array, limit: number, check: () => void): DistinctCells | undefined {
  const cells = col.cellBytes();
  if (!cells) return undefined;
  const n = rows.length;
  const bits = Math.max(4, Math.ceil(Math.log2(limit * 2)));
  const mask = (1 << bits) - 1;
  const slots = new Int32Array((1 << bits) * SLOT_INTS);
  let pool = new Uint8Array(64 * 1024);
  let pooled = 0;
  const firstRows = new Uint32Array(limit);
  const present = new Uint32Array(n);
  const codes = new Uint32Array(n);
  const missing: number[] = [];
  const at = new CellBytes();
  let m = 0;
  let distinct = 0;
  for (let i = 0; i < n; i++) {
    if ((i & 0xffff) === 0) check();
    const r = rows[i];
    if (!cells(r, at)) {
      missing.push(r);
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
    present[m] = r;
    codes[m++] = code;
  }
  const values = Array.from(firstRows.subarray(0, distinct), (r) => col.get(r) as string);
  return { present: present.subarray(0, m), codes: codes.subarray(0, m), values, missing };
}

/**
 * Sorts `out` (indices into `texts`, ascending) by their text in direction `dir`, equal texts in index order:
 * radix rounds from the units every text starts with (sortTextRun).
 */
function sortTexts(out: Uint32Array, texts: readonly string[], dir: number, check: () => void): void {
  if (out.length === 0) return;
  const first = texts[out[0]];
  let common = first.length;
  let longest = 0;
  for (let i = 0; i < out.length; i++) {
    const s = texts[out[i]];
    if (s.length > longest) longest = s.length;
    let k = 0;
    while (k < common && k < s.length && s.charCodeAt(k) === first.charCodeAt(k)) k++;
    common = k;
  }
  sortTextRun(out, { all: texts, longest, dir, cmp: comparison(texts, dir), check }, common, 0);
}

/** The full comparison of a text sort: by text in direction `dir`, then table order. */
function comparison(texts: readonly string[], dir: number): (a: number, b: number) => number {
  return (a, b) => {
    const x = texts[a];
    const y = texts[b];
    return x < y ? -dir : x > y ? dir : a - b;
  };
}

/**
 * The rows in the order of their distinct values: each value sorted once (sortTextRun), then the rows placed by
 * a counting sort on their value's rank, in table order within a value.
 */
function orderByDistinct(cells: DistinctCells, dir: number, check: () => void): Uint32Array {
  const { present, codes, values } = cells;
  const order = new Uint32Array(values.length);
  for (let k = 0; k < order.length; k++) order[k] = k;
  sortTexts(order, values, dir, check);
  const rankOf = new Uint32Array(values.length);
  for (let k = 0; k < order.length; k++) rankOf[order[k]] = k;
  // starts[rank]: where the rows of the value of that rank go.
  const starts = new Uint32Array(values.length + 1);
  for (let i = 0; i < present.length; i++) starts[rankOf[codes[i]] + 1]++;
  for (let k = 1; k <= values.length; k++) starts[k] += starts[k - 1];
  const out = new Uint32Array(present.length);
  for (let i = 0; i < present.length; i++) out[starts[rankOf[codes[i]]]++] = present[i];
  return out;
}

/**
 * The order of `rows` (table order) by one column of plain text, missing values last. When the values repeat
 * (words, labels, dates), by distinct value (orderByDistinct): otherwise the runs of equal values never get
 * short and every radix round would read them again down to their end. Else, after the prefix all values share,
 * radix sorts on three UTF-16 units at a time into ever smaller runs that tie (sortTextRun), and comparisons
 * only inside short ones.
 */
export function sortByText(col: Column, rows: Uint32Array, dir: number, check: () => void): Uint32Array {
  const distinct =
    rows.length >= DISTINCT_SORT_ROWS
      ? distinctCells(col, rows, Math.min(DISTINCT_SORT_MAX, Math.floor(rows.length / DISTINCT_SORT_SHARE)), check)
      : undefined;
  if (distinct) return joinMissing(orderByDistinct(distinct, dir, check), distinct.missing, rows.length);
  const all: string[] = new Array(col.length);
  // The present rows fill an array of every row's size (no growing, no copy), which the result then reuses.
  const present = new Uint32Array(rows.length);
  let count = 0;
  const missing: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    if ((i & 0xffff) === 0) check();
    const r = rows[i];
    const v = col.get(r);
    if (v === null) missing.push(r);
    else {
      all[r] = v as string;
      present[count++] = r;
    }
  }
  const out = present.subarray(0, count);
  sortTexts(out, all, dir, check);
  present.set(missing, count);
  return present;
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
