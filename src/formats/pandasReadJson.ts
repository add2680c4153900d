// pandas.read_json's conventions, column by column, so the grid shows what `xcom_pull` would hand back: dtype
// inference (numbers, numeric text and integral floats become int64; gaps make float64), `convert_dates` on
// pandas' default date-like column names with the epoch unit found as pandas finds it (s, ms, us, ns: the first
// that stays inside Timestamp's range), ISO text, and the dtypes of an `orient='table'` schema (time zones too).
// Datetimes become the text `str(pandas.Timestamp)` prints, which sorts in time order.
import { pythonFloatText } from '../cellText';
import type { ColumnType, MissingMarker } from '../protocol';
import { CellKind, classify } from './columnTypes';
import { nanosecondsText, timestampText } from './pandasText';

/** One column after read_json's conversions: cells to store (numbers, text, null = missing) and pandas' dtype. */
export interface ReadBackColumn {
  /** The cells. */
  values: (number | string | null)[];
  /** The dtype, as the grid names it. */
  type: ColumnType;
  /** What a missing cell of this dtype prints. */
  missing: MissingMarker;
}

/** A field of a Table Schema (`orient='table'`). */
export interface TableSchemaField {
  /** Column name. */
  name?: unknown;
  /** string, integer, number, boolean, datetime, duration, any. */
  type?: unknown;
  /** IANA time zone of a tz-aware datetime column. */
  tz?: unknown;
}

/** True for the names `read_json(keep_default_dates=True)` tries as dates (pandas/io/json/_json.py `is_ok`). */
function isDateLikeName(name: unknown): boolean {
  if (typeof name !== 'string') return false;
  const n = name.toLowerCase();
  return (
    n.endsWith('_at') ||
    n.endsWith('_time') ||
    n === 'modified' ||
    n === 'date' ||
    n === 'datetime' ||
    n.startsWith('timestamp')
  );
}

/** Epoch values at or below this (one year of seconds) are never dates (pandas' `min_stamp`). */
const MIN_STAMP = 31_536_000;
/** Nanoseconds per unit, in the order read_json tries them. */
const UNITS: readonly [string, number][] = [
  ['s', 1e9],
  ['ms', 1e6],
  ['us', 1e3],
  ['ns', 1],
];
/** datetime64[ns] holds ±2^63 ns (1677-09-21 … 2262-04-11). */
const NS_LIMIT = 2 ** 63;

const PY_FLOAT = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const PY_FLOAT_WORD = /^[+-]?(?:inf|infinity|nan)$/i;
const PY_INT = /^[+-]?\d(?:_?\d)*$/;

/** Python's `float(text)`, or undefined where it raises. */
function pythonFloat(text: string): number | undefined {
  const s = text.trim();
  if (PY_FLOAT.test(s)) return Number(s.replace(/_/g, ''));
  if (!PY_FLOAT_WORD.test(s)) return undefined;
  const word = s.replace(/^[+-]/, '').toLowerCase();
  if (word === 'nan') return NaN;
  return s.startsWith('-') ? -Infinity : Infinity;
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
}

/** numpy's `astype('float64')` of an object column: numbers, booleans, None and numeric text; else undefined. */
function asFloats(cells: readonly unknown[]): number[] | undefined {
  const out = new Array<number>(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (v === null || v === undefined) out[i] = NaN;
    else if (typeof v === 'number') out[i] = v;
    else if (typeof v === 'boolean') out[i] = v ? 1 : 0;
    else if (typeof v === 'string') {
      const f = pythonFloat(v);
      if (f === undefined) return undefined;
      out[i] = f;
    } else return undefined;
  }
  return out;
}

/** numpy's `astype('int64')` of an object column (no None; floats truncate; integer text), else undefined. */
function asInts(cells: readonly unknown[]): number[] | undefined {
  const out = new Array<number>(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (typeof v === 'number' && Number.isFinite(v)) out[i] = Math.trunc(v);
    else if (typeof v === 'boolean') out[i] = v ? 1 : 0;
    else if (typeof v === 'string' && PY_INT.test(v.trim())) out[i] = Number(v.trim().replace(/_/g, ''));
    else return undefined;
  }
  return out;
}

/** Epoch numbers in one unit → timestamps; undefined when one falls outside datetime64[ns]. */
function epochTexts(nums: readonly number[], perUnit: number): (string | null)[] | undefined {
  const out: (string | null)[] = new Array(nums.length);
  for (let i = 0; i < nums.length; i++) {
    const v = nums[i];
    if (Number.isNaN(v)) {
      out[i] = null;
      continue;
    }
    if (!Number.isFinite(v) || Math.abs(v * perUnit) >= NS_LIMIT) return undefined;
    if (Number.isInteger(v)) {
      // An integer past 2^53 (nanoseconds) lost its last digits in the double: its shortest decimal text is the
      // number pandas wrote whenever it was a whole number of microseconds or coarser, as to_json writes them.
      out[i] = nanosecondsText(BigInt(String(v)) * BigInt(perUnit));
      continue;
    }
    const perSecond = 1e9 / perUnit;
    const seconds = Math.floor(v / perSecond);
    const ns = Math.round((v - seconds * perSecond) * perUnit);
    out[i] = ns >= 1e9 ? timestampText(seconds + 1, ns - 1e9) : timestampText(seconds, ns);
  }
  return out;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** An ISO-8601 text as pandas parses it: the instant, and the offset it was written with (undefined: naive). */
interface ParsedIso {
  /** Epoch seconds of the wall time read as UTC. */
  wallSeconds: number;
  /** Nanoseconds. */
  ns: number;
  /** Minutes east of UTC, or undefined for a naive time. */
  offset?: number;
}

function parseIso(text: string): ParsedIso | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1, 7).map((x) => (x === undefined ? undefined : Number(x)));
  const ms = Date.UTC(y!, mo! - 1, d!, h, mi, s);
  const check = new Date(ms);
  if (check.getUTCMonth() !== mo! - 1 || check.getUTCDate() !== d! || h > 23 || mi > 59 || s > 59) return undefined;
  const ns = m[7] ? Number(m[7].padEnd(9, '0')) : 0;
  let offset: number | undefined;
  if (m[8]) {
    if (m[8].toUpperCase() === 'Z') offset = 0;
    else {
      const digits = m[8].replace(':', '');
      offset = (digits[0] === '-' ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || 0));
    }
  }
  return { wallSeconds: ms / 1000, ns, offset };
}

/** Text cells parsed as datetimes the way `to_datetime` reads ISO text; undefined when one is not a date. */
function isoTexts(cells: readonly unknown[]): (string | null)[] | undefined {
  const out: (string | null)[] = new Array(cells.length);
  let aware: boolean | undefined;
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (isMissing(v) || v === '') {
      out[i] = null;
      continue;
    }
    if (typeof v !== 'string') return undefined;
    const p = parseIso(v);
    if (!p) return undefined;
    // Naive and zoned times do not mix in one datetime64 column.
    if (aware !== undefined && aware !== (p.offset !== undefined)) return undefined;
    aware = p.offset !== undefined;
    out[i] = timestampText(p.wallSeconds - (p.offset ?? 0) * 60, p.ns, p.offset);
  }
  return out;
}

/** read_json's `_try_convert_to_date`: the column as datetimes, or undefined when pandas would leave it alone. */
function tryDates(cells: readonly unknown[]): (string | null)[] | undefined {
  if (cells.length === 0) return undefined;
  const numeric = cells.every((v) => typeof v === 'number' || isMissing(v));
  const nums = numeric ? cells.map((v) => (isMissing(v) ? NaN : (v as number))) : asInts(cells);
  if (nums) {
    if (!nums.every((v) => Number.isNaN(v) || v > MIN_STAMP)) return undefined;
    for (const [, perUnit] of UNITS) {
      const texts = epochTexts(nums, perUnit);
      if (texts) return texts;
    }
    return undefined;
  }
  if (cells.some((v) => typeof v === 'boolean')) return undefined;
  return isoTexts(cells);
}

const DATETIME = (values: (string | null)[]): ReadBackColumn => ({ values, type: 'datetime', missing: 'NaT' });

/** A float64 column, or int64 when every value is integral (read_json's "coerce ints if we can"). */
function numberColumn(nums: number[]): ReadBackColumn {
  const integral = nums.length > 0 && nums.every((v) => Number.isSafeInteger(v));
  const values = nums.map((v) => (Number.isNaN(v) ? null : v));
  return { values, type: integral ? 'integer' : 'float', missing: 'NaN' };
}

/** Text of a cell pandas keeps as a Python object. */
function objectText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isNaN(v) ? null : String(v);
  return pythonRepr(v);
}

/** Deepest nesting written out in a cell; deeper parts read `...`, as Python prints a recursive list. */
const REPR_DEPTH = 64;
/** Longest cell text built from a nested value. */
const REPR_CHARS = 10_000;

/** Python's repr() of a nested JSON value (dicts and lists in a cell), as pandas prints it. */
function pythonRepr(value: unknown): string {
  const out: string[] = [];
  let length = 0;
  const write = (t: string): boolean => {
    out.push(t);
    length += t.length;
    return length < REPR_CHARS;
  };
  const walk = (v: unknown, depth: number): boolean => {
    if (v === null || v === undefined) return write('None');
    if (typeof v === 'boolean') return write(v ? 'True' : 'False');
    if (typeof v === 'number') return write(Number.isInteger(v) ? String(v) : pythonFloatText(v));
    if (typeof v === 'string') return write(pythonStringRepr(v));
    if (depth >= REPR_DEPTH) return write('...');
    if (Array.isArray(v)) {
      if (!write('[')) return false;
      for (let i = 0; i < v.length; i++) if ((i > 0 && !write(', ')) || !walk(v[i], depth + 1)) return false;
      return write(']');
    }
    if (typeof v === 'object') {
      if (!write('{')) return false;
      let first = true;
      for (const [k, x] of Object.entries(v)) {
        if ((!first && !write(', ')) || !write(`${pythonStringRepr(k)}: `) || !walk(x, depth + 1)) return false;
        first = false;
      }
      return write('}');
    }
    return write(String(v));
  };
  if (!walk(value, 0)) out.push('…');
  return out.join('');
}

/** Python's repr() of a str: single quotes unless the text holds one and no double quote. */
function pythonStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/[\\\n\r\t]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!);
  return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
}

/** An object column: strings (and whatever else) as Python holds them; missing cells print None. */
function objectColumn(cells: readonly unknown[], missing: MissingMarker = 'None'): ReadBackColumn {
  const values = cells.map(objectText);
  const allBool = cells.every((v) => typeof v === 'boolean');
  // pandas keeps ISO text under other names as text; the grid shows it unchanged but sorts and charts it as dates.
  const isoText =
    !allBool &&
    cells.some((v) => typeof v === 'string') &&
    cells.every((v) => v === null || v === undefined || (typeof v === 'string' && classify(v) === CellKind.Datetime));
  return { values, type: allBool ? 'boolean' : isoText ? 'datetime' : 'string', missing };
}

/**
 * One data column as `read_json` returns it (dtype=True, convert_dates=True, keep_default_dates=True).
 * `undefined` cells are keys absent from a record (NaN in pandas), `null` is JSON null (None).
 */
export function readJsonColumn(name: unknown, cells: readonly unknown[]): ReadBackColumn {
  if (isDateLikeName(name)) {
    const dates = tryDates(cells);
    if (dates) return DATETIME(dates);
  }
  return inferColumn(cells);
}

/** The DataFrame constructor's dtype and read_json's `_try_convert_data` after it. */
function inferColumn(cells: readonly unknown[]): ReadBackColumn {
  if (cells.length > 0 && cells.every((v) => typeof v === 'boolean')) {
    return { values: cells.map((v) => (v ? 'True' : 'False')), type: 'boolean', missing: 'NaN' };
  }
  const floats = asFloats(cells);
  if (floats) return numberColumn(floats);
  // The constructor turns a key missing from a record into NaN, JSON null into None.
  const missing = cells.some((v) => v === null) || !cells.some((v) => v === undefined) ? 'None' : 'NaN';
  return objectColumn(cells, missing);
}

/**
 * Row labels as `convert_axes` reads them (JSON object keys are text): dates when they look like epochs or ISO
 * text, else integers when they are numeric, else the text. `split` keeps numeric labels as written.
 */
export function readIndexLabels(labels: readonly unknown[], keepNumbers = false): ReadBackColumn {
  const dates = tryDates(labels);
  if (dates) return DATETIME(dates);
  if (keepNumbers) return inferColumn(labels);
  const floats = asFloats(labels);
  if (floats && labels.every((l) => !isMissing(l))) return numberColumn(floats);
  return objectColumn(labels);
}

/** A column of an `orient='table'` document, cast to its schema field's dtype as `parse_table_schema` does. */
export function readTableColumn(field: TableSchemaField, cells: readonly unknown[]): ReadBackColumn {
  const missingIsNaN = (c: ReadBackColumn): ReadBackColumn => ({
    ...c,
    missing: c.type === 'datetime' ? 'NaT' : 'NaN',
  });
  switch (field.type) {
    case 'integer':
    case 'number': {
      const floats = asFloats(cells);
      if (!floats) break;
      const values = floats.map((v) => (Number.isNaN(v) ? null : v));
      return { values, type: field.type === 'integer' ? 'integer' : 'float', missing: 'NaN' };
    }
    case 'boolean':
      // astype(bool): None is False.
      return {
        values: cells.map((v) => ((typeof v === 'boolean' ? v : Boolean(v)) ? 'True' : 'False')),
        type: 'boolean',
        missing: 'NaN',
      };
    case 'datetime': {
      const zone = typeof field.tz === 'string' && field.tz ? field.tz : undefined;
      const dates = zone ? zonedTexts(cells, zone) : naiveTexts(cells);
      if (dates) return DATETIME(dates);
      break;
    }
  }
  if (isDateLikeName(field.name)) {
    const dates = tryDates(cells);
    if (dates) return DATETIME(dates);
  }
  // A field without a type pandas knows: read the cells as any other JSON column.
  if (!['string', 'any', 'integer', 'number', 'boolean', 'datetime', 'duration'].includes(String(field.type)))
    return inferColumn(cells);
  // read_json fills the gaps of a table's object columns with NaN.
  return missingIsNaN(objectColumn(cells));
}

/** ISO text cast to datetime64[ns]: written offsets are converted to UTC and dropped. */
function naiveTexts(cells: readonly unknown[]): (string | null)[] | undefined {
  const out: (string | null)[] = new Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (isMissing(v)) {
      out[i] = null;
      continue;
    }
    const p = typeof v === 'string' ? parseIso(v) : undefined;
    if (!p) return undefined;
    out[i] = timestampText(p.wallSeconds - (p.offset ?? 0) * 60, p.ns);
  }
  return out;
}

/** ISO text cast to datetime64[ns, zone]: naive times are UTC, shown at the zone's offset of that instant. */
function zonedTexts(cells: readonly unknown[], zone: string): (string | null)[] | undefined {
  let parts: Intl.DateTimeFormat;
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined;
  }
  const out: (string | null)[] = new Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (isMissing(v)) {
      out[i] = null;
      continue;
    }
    const p = typeof v === 'string' ? parseIso(v) : undefined;
    if (!p) return undefined;
    const utcSeconds = p.wallSeconds - (p.offset ?? 0) * 60;
    const f = Object.fromEntries(parts.formatToParts(new Date(utcSeconds * 1000)).map((x) => [x.type, x.value]));
    const wall = Date.UTC(+f.year, +f.month - 1, +f.day, +f.hour, +f.minute, +f.second) / 1000;
    out[i] = timestampText(utcSeconds, p.ns, Math.round((wall - utcSeconds) / 60));
  }
  return out;
}
