// Plain ISO dates and date-times (`2024-01-31`, `2024-01-31T10:00:00` or with a space) as numbers and back: a
// text column whose cells all have one such shape is held as days or seconds since 1970-01-01, a quarter of its
// UTF-8, and written back character for character. Only text that comes back exactly as it was is taken: a
// calendar date that exists, hours to 23, minutes and seconds to 59, years 0000–9999 (proleptic Gregorian).

/** How the text of a held date or date-time is written back. */
export const enum IsoShape {
  /** `YYYY-MM-DD`: the number is days since 1970-01-01. */
  Date = 10,
  /** `YYYY-MM-DDTHH:MM:SS`: seconds since 1970-01-01T00:00:00. */
  DatetimeT = 84,
  /** `YYYY-MM-DD HH:MM:SS` (pandas' own): seconds as above. */
  DatetimeSpace = 32,
}

/** Characters of a value of `shape`. */
export function isoLength(shape: IsoShape): number {
  return shape === IsoShape.Date ? 10 : 19;
}

/** The shape a text of `length` characters whose 11th is `separator` may have, or 0 when it has none. */
export function isoShapeOf(length: number, separator: number): IsoShape | 0 {
  if (length === 10) return IsoShape.Date;
  if (length !== 19) return 0;
  return separator === IsoShape.DatetimeT || separator === IsoShape.DatetimeSpace ? separator : 0;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The value of the digit at `bytes[at]`, or a value past any range when it is not a digit. */
function digit(bytes: Uint8Array, at: number): number {
  const d = bytes[at] - 48;
  return d >>> 0 <= 9 ? d : 1000;
}

/** Two digits at `bytes[at]` as a number (past 99 when either is not a digit). */
function twoDigits(bytes: Uint8Array, at: number): number {
  return digit(bytes, at) * 10 + digit(bytes, at + 1);
}

/**
 * The number a cell of `shape` at `bytes[at]` is held as (days or seconds since 1970-01-01), or NaN when its
 * characters are not exactly that shape of a date and time that exist.
 */
export function isoValue(bytes: Uint8Array, at: number, shape: IsoShape): number {
  if (bytes[at + 4] !== 45 || bytes[at + 7] !== 45) return NaN;
  const year = twoDigits(bytes, at) * 100 + twoDigits(bytes, at + 2);
  const month = twoDigits(bytes, at + 5);
  const day = twoDigits(bytes, at + 8);
  if (year > 9999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  const days = daysFromCivil(year, month, day);
  if (shape === IsoShape.Date) return days;
  if (bytes[at + 10] !== shape || bytes[at + 13] !== 58 || bytes[at + 16] !== 58) return NaN;
  const hours = twoDigits(bytes, at + 11);
  const minutes = twoDigits(bytes, at + 14);
  const seconds = twoDigits(bytes, at + 17);
  if (hours > 23 || minutes > 59 || seconds > 59) return NaN;
  return days * 86400 + hours * 3600 + minutes * 60 + seconds;
}

/** A string's characters as bytes, to read it as `isoValue` reads bytes. */
const stringBytes = new Uint8Array(19);

/** isoValue of a string (NaN when it is not exactly of `shape`, non-ASCII characters included). */
export function isoValueOfString(s: string, shape: IsoShape): number {
  if (s.length !== isoLength(shape)) return NaN;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0x80) return NaN;
    stringBytes[k] = c;
  }
  return isoValue(stringBytes, 0, shape);
}

/** Writes `n` (0–99) as two digits at `out[at]`. */
function putTwo(out: Uint8Array, at: number, n: number): void {
  out[at] = 48 + ((n / 10) | 0);
  out[at + 1] = 48 + (n % 10);
}

/**
 * Writes the text of `value` (held as `shape`) at `out[at]`: isoLength(shape) bytes, as it was read. Integer
 * arithmetic past the era (every quotient after it is of numbers ≥ 0): a quick search writes a million of them.
 */
export function writeIso(value: number, shape: IsoShape, out: Uint8Array, at: number): void {
  const days = shape === IsoShape.Date ? value : Math.floor(value / 86400);
  // Civil date of a day count (H. Hinnant's algorithm), exact over the years 0000–9999.
  const z = days + 719468;
  // Before 0000-03-01 the count is below 0: the era is -1 there.
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra =
    ((dayOfEra - ((dayOfEra / 1460) | 0) + ((dayOfEra / 36524) | 0) - ((dayOfEra / 146096) | 0)) / 365) | 0;
  const dayOfYear = dayOfEra - (365 * yearOfEra + ((yearOfEra / 4) | 0) - ((yearOfEra / 100) | 0));
  const mp = ((5 * dayOfYear + 2) / 153) | 0;
  const day = dayOfYear - (((153 * mp + 2) / 5) | 0) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  putTwo(out, at, (year / 100) | 0);
  putTwo(out, at + 2, year % 100);
  out[at + 4] = 45;
  putTwo(out, at + 5, month);
  out[at + 7] = 45;
  putTwo(out, at + 8, day);
  if (shape === IsoShape.Date) return;
  const second = value - days * 86400;
  out[at + 10] = shape;
  putTwo(out, at + 11, (second / 3600) | 0);
  out[at + 13] = 58;
  putTwo(out, at + 14, ((second % 3600) / 60) | 0);
  out[at + 16] = 58;
  putTwo(out, at + 17, second % 60);
}

const scratch = new Uint8Array(19);

/** The text of `value` held as `shape`. */
export function isoText(value: number, shape: IsoShape): string {
  writeIso(value, shape, scratch, 0);
  return String.fromCharCode.apply(null, scratch.subarray(0, isoLength(shape)) as unknown as number[]);
}
