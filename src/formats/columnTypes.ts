// Type inference for text cells, tuned for the hot path: a CSV of a million rows calls `classify` ten
// million times, so cheap character tests come before any regular expression.
import type { ColumnType } from '../protocol';

/** What one text cell looks like. */
export const enum CellKind {
  /** Missing: empty text or one of pandas' NA spellings. */
  Null = 0,
  /** An integer that fits a double exactly. */
  Integer = 1,
  /** Any other number (decimals, exponents, inf). */
  Float = 2,
  /** true/false in any case. */
  Boolean = 3,
  /** An ISO-8601 date or date-time. */
  Datetime = 4,
  /** Anything else, including integers too large for a double and numbers with leading zeros. */
  Text = 5,
}

/** Spellings pandas reads as missing (`read_csv`'s default `na_values`) plus a few common ones. */
const NA_TOKENS = new Set([
  '',
  'NaN',
  'nan',
  'NA',
  'N/A',
  'n/a',
  'NULL',
  'null',
  'None',
  '<NA>',
  'NaT',
  '#N/A',
  '-NaN',
  '-nan',
]);

const DATETIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** True when the text is a missing value. */
function isNullText(s: string): boolean {
  return s.length === 0 || (s.length <= 5 && NA_TOKENS.has(s));
}

/**
 * Parses a number the way pandas writes one; returns NaN when the text is not a plain decimal number
 * (hex, octal and binary literals, leading zeros, thousands separators and whitespace are all text).
 */
export function parseNumberText(s: string): number {
  const n = s.length;
  if (n === 0) return NaN;
  let c = s.charCodeAt(0);
  let i = 0;
  if (c === 45 /* - */ || c === 43 /* + */) {
    if (n === 1) return NaN;
    c = s.charCodeAt(1);
    i = 1;
    if (c === 105 /* i */ || c === 73 /* I */)
      return /^[+-](inf|Infinity)$/.test(s) ? (s[0] === '-' ? -Infinity : Infinity) : NaN;
  } else if (c === 105 || c === 73) {
    return s === 'inf' || s === 'Infinity' ? Infinity : NaN;
  }
  if (!((c >= 48 && c <= 57) || c === 46 /* . */)) return NaN;
  // Leading zeros ("007", zip codes) are identifiers, not numbers.
  if (c === 48 && i + 1 < n) {
    const d = s.charCodeAt(i + 1);
    if (d >= 48 && d <= 57) return NaN;
    if (d !== 46 && d !== 101 && d !== 69) return NaN;
  }
  const last = s.charCodeAt(n - 1);
  if (!((last >= 48 && last <= 57) || last === 46)) return NaN;
  return +s;
}

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Set by `scanDecimal`: whether the last number scanned had no fraction part. */
export let scannedInteger = false;
/** Set by `scanDecimal`: the digits after the point of the last number scanned (0 for an integer). */
export let scannedFractionDigits = 0;

/** The characters of a string scanned by `scanDecimal`, as bytes (a plain decimal is at most 17 of them). */
const decimalScratch = new Uint8Array(17);

/**
 * Parses plain decimals ("-12", "3.25") with at most 15 significant digits by hand, which is exact (an integer
 * mantissa divided by an exact power of ten is correctly rounded) and much cheaper than `+s`. Returns undefined
 * for anything else (exponents, leading zeros, long mantissas), so the caller falls back to `parseNumberText`.
 */
export function scanDecimal(s: string): number | undefined {
  const n = s.length;
  if (n === 0 || n > decimalScratch.length) return undefined;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return undefined;
    decimalScratch[i] = c;
  }
  return scanDecimalBytes(decimalScratch, 0, n);
}

/** `scanDecimal` of the ASCII text in `bytes[start, end)`, read from the bytes (no string is made). */
export function scanDecimalBytes(bytes: Uint8Array, start: number, end: number): number | undefined {
  const n = end - start;
  if (n === 0 || n > 17) return undefined;
  let i = start;
  let neg = false;
  let c = bytes[i];
  if (c === 45) {
    neg = true;
    i++;
  }
  if (i >= end) return undefined;
  c = bytes[i];
  // Leading zeros are identifiers ("007"); "0" and "0.5" are numbers.
  if (c === 48 && i + 1 < end && bytes[i + 1] !== 46) return undefined;
  let m = 0;
  let digits = 0;
  let frac = -1;
  for (; i < end; i++) {
    c = bytes[i];
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0) {
      frac = 0;
    } else {
      return undefined;
    }
  }
  if (digits === 0 || digits > 15 || frac === 0) return undefined;
  scannedInteger = frac < 0;
  scannedFractionDigits = frac < 0 ? 0 : frac;
  const v = frac > 0 ? m / POW10[frac] : m;
  return neg ? -v : v;
}

/** True when a number's text has no fraction or exponent part. */
function looksIntegral(s: string): boolean {
  return s.indexOf('.') < 0 && s.indexOf('e') < 0 && s.indexOf('E') < 0;
}

/**
 * The two common ISO shapes (`2024-01-31`, `2024-01-31T10:00:00` or with a space), a character code per position:
 * 0 for a digit, -1 for the `T` or space between date and time. No number has them.
 */
const ISO_SHAPE = [0, 0, 0, 0, 45, 0, 0, 45, 0, 0, -1, 0, 0, 58, 0, 0, 58, 0, 0];

/** True when character code `code` is what ISO_SHAPE wants at a position (`want`). */
function fitsIsoShape(code: number, want: number): boolean {
  return want === 0 ? code >= 48 && code <= 57 : want < 0 ? code === 84 || code === 32 : code === want;
}

/** True when `s` has one of the ISO_SHAPE shapes, checked by hand. */
function isPlainIsoDatetime(s: string): boolean {
  const n = s.length;
  if (n !== 10 && n !== 19) return false;
  for (let i = 0; i < n; i++) if (!fitsIsoShape(s.charCodeAt(i), ISO_SHAPE[i])) return false;
  return true;
}

/** isPlainIsoDatetime of the ASCII text in `bytes[at, at + length)`, read from the bytes. */
export function isPlainIsoDatetimeBytes(bytes: Uint8Array, at: number, length: number): boolean {
  if (length !== 10 && length !== 19) return false;
  for (let i = 0; i < length; i++) if (!fitsIsoShape(bytes[at + i], ISO_SHAPE[i])) return false;
  return true;
}

/** Classifies one text cell. */
export function classify(s: string): CellKind {
  if (isPlainIsoDatetime(s)) return CellKind.Datetime;
  if (isNullText(s)) return CellKind.Null;
  const num = parseNumberText(s);
  if (num === num) {
    if (!Number.isFinite(num)) return CellKind.Float;
    if (looksIntegral(s)) return Number.isSafeInteger(num) ? CellKind.Integer : CellKind.Text;
    return CellKind.Float;
  }
  const c = s.charCodeAt(0);
  if (s.length <= 5 && (c === 116 || c === 84 || c === 102 || c === 70)) {
    const lower = s.toLowerCase();
    if (lower === 'true' || lower === 'false') return CellKind.Boolean;
  }
  if (s.length >= 10 && c >= 48 && c <= 57 && DATETIME.test(s)) return CellKind.Datetime;
  return CellKind.Text;
}

/** Counts cell kinds of one column and names the column's type. */
export class TypeTally {
  /** Count per CellKind. */
  readonly counts = [0, 0, 0, 0, 0, 0];

  /** Records one cell. */
  add(kind: CellKind): void {
    this.counts[kind]++;
  }

  /** The column's type: the narrowest type that every non-missing cell fits, as pandas would infer it. */
  get type(): ColumnType {
    const [nulls, ints, floats, bools, dates, texts] = this.counts;
    if (texts > 0) return 'string';
    const kinds = (ints + floats > 0 ? 1 : 0) + (bools > 0 ? 1 : 0) + (dates > 0 ? 1 : 0);
    if (kinds === 0) return 'empty';
    if (kinds > 1) return 'string';
    // pandas has no missing integer in int64: a column of integers with a gap is float64 (1.0, NaN).
    if (floats > 0 || (ints > 0 && nulls > 0)) return 'float';
    if (ints > 0) return 'integer';
    return bools > 0 ? 'boolean' : 'datetime';
  }
}
