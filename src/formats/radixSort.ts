// Stable LSD radix sorts of row indices by 64-bit keys: the numeric sorts of tableView.ts and the rounds of
// a text sort (textSort.ts).
import { type SortScratch, scratchUint32 } from './sortScratch';

/**
 * Stable LSD radix sort of `rows` by `key[row]` (no NaN), ascending for dir 1 and descending for -1: four passes
 * over 16-bit digits of the key's order-preserving bit pattern, O(n) instead of a comparator sort.
 */
export function radixSortByKey(rows: Uint32Array, key: Float64Array, dir: number, scratch?: SortScratch): void {
  const n = rows.length;
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  const lo = scratchUint32(scratch, 'key.lo', n);
  const hi = scratchUint32(scratch, 'key.hi', n);
  for (let i = 0; i < n; i++) {
    bits[0] = dir * key[rows[i]] + 0; // + 0 folds -0 into 0
    let h = words[1];
    let l = words[0];
    // Negative doubles sort reversed as integers: flip all bits; positive ones just need the sign bit set.
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else {
      h = (h | 0x80000000) >>> 0;
    }
    hi[i] = h;
    lo[i] = l;
  }
  radixSortWords(rows, hi, lo, undefined, undefined, scratch);
}

/** Rows with their keys and, optionally, two more words per row that travel with them. */
interface Keyed {
  rows: Uint32Array;
  hi: Uint32Array;
  lo: Uint32Array;
  carried?: [Uint32Array, Uint32Array];
}

/** Rows from which 16-bit digits are used: below it, 65,536 buckets per pass would cost more than the rows. */
const WIDE_DIGIT_ROWS = 16_384;

/**
 * Stable LSD radix sort of `rows` by the unsigned 64-bit keys (hi[i], lo[i]) given per position, with
 * `digitBits`-bit digits (by default 8 for fewer than WIDE_DIGIT_ROWS rows, else 16); sorts `rows` in place and
 * the keys with them (afterwards hi[i] and lo[i] are rows[i]'s), and the `carried` words too (a text sort's keys
 * for its next round). Every digit's histogram is counted in one read of the keys, and a pass whose digit is the
 * same in every key (the high units of ASCII text, the low bits of whole numbers held as doubles) is skipped. The
 * copies the passes scatter into come from `scratch` when given.
 */
export function radixSortWords(
  rows: Uint32Array,
  hi: Uint32Array,
  lo: Uint32Array,
  carried?: [Uint32Array, Uint32Array],
  digitBits: 8 | 16 = rows.length < WIDE_DIGIT_ROWS ? 8 : 16,
  scratch?: SortScratch,
): void {
  const n = rows.length;
  if (n < 2) return;
  const digits = 1 << digitBits;
  const perWord = 32 / digitBits;
  const counts = new Uint32Array(digits * perWord * 2);
  countDigits(lo, counts, 0, digitBits, perWord);
  countDigits(hi, counts, digits * perWord, digitBits, perWord);
  let src: Keyed = { rows, hi, lo, carried };
  let dst: Keyed | undefined;
  for (let pass = 0; pass < 2 * perWord; pass++) {
    const word = pass < perWord ? src.lo : src.hi;
    const shift = (pass % perWord) * digitBits;
    const count = counts.subarray(pass * digits, (pass + 1) * digits);
    if (count[(word[0] >>> shift) & (digits - 1)] === n) continue;
    dst ??= {
      rows: scratchUint32(scratch, 'radix.rows', n),
      hi: scratchUint32(scratch, 'radix.hi', n),
      lo: scratchUint32(scratch, 'radix.lo', n),
      carried: carried && [scratchUint32(scratch, 'radix.carried0', n), scratchUint32(scratch, 'radix.carried1', n)],
    };
    startsFromCounts(count);
    scatter(src, dst, word, shift, digits - 1, count);
    [src, dst] = [dst, src];
  }
  if (src.rows !== rows) {
    rows.set(src.rows);
    hi.set(src.hi);
    lo.set(src.lo);
    if (carried && src.carried) {
      carried[0].set(src.carried[0]);
      carried[1].set(src.carried[1]);
    }
  }
}

/** Adds the histograms of `word`'s digits to counts (one of `1 << bits` slots per digit, from `base`). */
function countDigits(word: Uint32Array, counts: Uint32Array, base: number, bits: number, perWord: number): void {
  const mask = (1 << bits) - 1;
  const stride = 1 << bits;
  for (let i = 0; i < word.length; i++) {
    const w = word[i];
    for (let p = 0; p < perWord; p++) counts[base + p * stride + ((w >>> (p * bits)) & mask)]++;
  }
}

/** Turns a digit's histogram into where each digit's keys start. */
function startsFromCounts(count: Uint32Array): void {
  let sum = 0;
  for (let d = 0; d < count.length; d++) {
    const c = count[d];
    count[d] = sum;
    sum += c;
  }
}

/** One pass: moves each row and its words from `src` to where its digit of `word` goes. */
function scatter(src: Keyed, dst: Keyed, word: Uint32Array, shift: number, mask: number, starts: Uint32Array): void {
  const { rows, hi, lo } = src;
  const to = dst.rows;
  const toHi = dst.hi;
  const toLo = dst.lo;
  if (src.carried && dst.carried) {
    const [a, b] = src.carried;
    const [toA, toB] = dst.carried;
    for (let i = 0; i < rows.length; i++) {
      const at = starts[(word[i] >>> shift) & mask]++;
      to[at] = rows[i];
      toHi[at] = hi[i];
      toLo[at] = lo[i];
      toA[at] = a[i];
      toB[at] = b[i];
    }
    return;
  }
  for (let i = 0; i < rows.length; i++) {
    const at = starts[(word[i] >>> shift) & mask]++;
    to[at] = rows[i];
    toHi[at] = hi[i];
    toLo[at] = lo[i];
  }
}
