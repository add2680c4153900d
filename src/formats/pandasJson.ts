// The one home of pandas' JSON: the lenient JSON pandas writes (NaN, Infinity), and DataFrames in every orient
// (columns, to_json()'s default; records, split, index, values, table; a dict of lists), read back column by column
// with read_json's conventions (pandasReadJson.ts). The tree and the grid both read values through this module, so
// they agree on what is a table. Serde DataFrames (hex Parquet) are serdeDataFrame.ts'.
import { type TableSchemaField, readIndexLabels, readJsonColumn, readTableColumn } from './pandasReadJson';
import type { ColumnarTable } from './table';

/** Which pandas orient a value was read as. */
export type JsonOrient = 'columns' | 'records' | 'split' | 'index' | 'values' | 'table' | 'list';

const SENTINEL = `@@xcomlens-${Math.random().toString(36).slice(2)}:`;
const SENTINEL_PATTERN = new RegExp(
  `"${SENTINEL.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(NaN|Infinity|-Infinity)"`,
  'g',
);

/**
 * Parses JSON text as pandas and Python's json module write it: bare NaN, Infinity and -Infinity are numbers.
 * Throws a SyntaxError on text that is not JSON.
 */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!/NaN|Infinity/.test(text)) throw error;
  }
  const parts: string[] = [];
  let start = 0;
  let i = 0;
  let replaced = false;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i += 1;
      while (i < text.length && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      i += 1;
      continue;
    }
    const token =
      c === 0x2d && text.startsWith('-Infinity', i)
        ? '-Infinity'
        : c === 0x49 && text.startsWith('Infinity', i)
          ? 'Infinity'
          : c === 0x4e && text.startsWith('NaN', i)
            ? 'NaN'
            : undefined;
    if (token) {
      parts.push(text.slice(start, i), JSON.stringify(SENTINEL + token));
      i += token.length;
      start = i;
      replaced = true;
      continue;
    }
    i += 1;
  }
  if (!replaced) return JSON.parse(text);
  parts.push(text.slice(start));
  return reviveNonFinite(JSON.parse(parts.join('')));
}

/** Turns sentinel strings back into numbers without recursion (a reviver would recurse as deep as the value). */
function reviveNonFinite(root: unknown): unknown {
  const revive = (v: unknown): unknown => {
    if (typeof v !== 'string' || !v.startsWith(SENTINEL)) return v;
    const t = v.slice(SENTINEL.length);
    return t === 'NaN' ? Number.NaN : t === 'Infinity' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  };
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let k = 0; k < node.length; k++) {
        node[k] = revive(node[k]);
        if (typeof node[k] === 'object' && node[k] !== null) stack.push(node[k]);
      }
    } else if (isPlainObject(node)) {
      for (const k of Object.keys(node)) {
        node[k] = revive(node[k]);
        if (typeof node[k] === 'object' && node[k] !== null) stack.push(node[k]);
      }
    }
  }
  return revive(root);
}

/** JSON text that writes non-finite numbers as pandas and Python do (NaN, Infinity) instead of null. */
export function stringifyLenient(value: unknown, indent?: number): string {
  let special = false;
  const text = JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) {
        special = true;
        return SENTINEL + (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');
      }
      if (typeof v === 'bigint') return Number(v);
      return v;
    },
    indent,
  );
  if (text === undefined) return 'undefined';
  return special ? text.replace(SENTINEL_PATTERN, '$1') : text;
}

/** Compact lenient JSON of `value`, stopping once `maxChars` are written (for one-line previews of huge values). */
export function previewJson(value: unknown, maxChars: number): string {
  const out: string[] = [];
  let length = 0;
  const write = (text: string): boolean => {
    out.push(text);
    length += text.length;
    return length < maxChars;
  };
  const walk = (v: unknown, depth: number): boolean => {
    if (depth > 1000) return write('…');
    if (Array.isArray(v)) {
      if (!write('[')) return false;
      for (let i = 0; i < v.length; i++) if ((i > 0 && !write(',')) || !walk(v[i], depth + 1)) return false;
      return write(']');
    }
    if (isPlainObject(v)) {
      if (!write('{')) return false;
      let first = true;
      for (const k of Object.keys(v)) {
        if ((!first && !write(',')) || !write(`${JSON.stringify(k)}:`) || !walk(v[k], depth + 1)) return false;
        first = false;
      }
      return write('}');
    }
    return write(stringifyLenient(v));
  };
  walk(value, 0);
  return out.join('');
}

/** True for a JSON object (not an array, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function allScalar(values: readonly unknown[]): boolean {
  return values.every(isScalar);
}

/**
 * The orient of a value that is clearly a table (non-empty, every cell a scalar, columns of one length),
 * or undefined. The tree uses it to offer Preview Table; the grid reads anything {@link detectOrient} accepts.
 */
export function tableOrientOf(value: unknown): JsonOrient | undefined {
  let orient: JsonOrient;
  try {
    orient = detectOrient(value);
  } catch {
    return undefined;
  }
  switch (orient) {
    case 'records': {
      const rows = value as unknown[];
      return rows.length > 0 &&
        rows.every((r) => isPlainObject(r) && Object.keys(r).length > 0 && allScalar(Object.values(r)))
        ? orient
        : undefined;
    }
    case 'values': {
      const rows = value as unknown[][];
      return rows.length > 0 && rows.every((r) => r.length > 0 && r.length === rows[0].length && allScalar(r))
        ? orient
        : undefined;
    }
    case 'split': {
      const v = value as { columns: unknown[]; data: unknown[] };
      return v.data.every((r) => Array.isArray(r) && allScalar(r)) ? orient : undefined;
    }
    case 'table': {
      const v = value as { data: unknown[] };
      return v.data.every((r) => isPlainObject(r) && allScalar(Object.values(r))) ? orient : undefined;
    }
    case 'list': {
      const cols = Object.values(value as Record<string, unknown[]>);
      const n = cols[0].length;
      return n > 0 && cols.every((c) => c.length === n && allScalar(c)) ? orient : undefined;
    }
    case 'columns':
    case 'index': {
      const inner = Object.values(value as Record<string, Record<string, unknown>>);
      const first = Object.keys(inner[0]).sort().join('\u0000');
      return first.length > 0 &&
        inner.every((c) => allScalar(Object.values(c)) && Object.keys(c).sort().join('\u0000') === first)
        ? orient
        : undefined;
    }
  }
}

/** "3 rows × 2 columns" for a value {@link tableOrientOf} accepted. */
export function describeTableSize(value: unknown, orient: JsonOrient): string {
  const rowsCols = ((): [number, number] => {
    switch (orient) {
      case 'records':
        return [(value as unknown[]).length, collectKeys((value as object[]).filter(isPlainObject)).length];
      case 'values':
        return [(value as unknown[][]).length, (value as unknown[][])[0]?.length ?? 0];
      case 'split':
        return [(value as { data: unknown[] }).data.length, (value as { columns: unknown[] }).columns.length];
      case 'table': {
        const v = value as { data: unknown[]; schema: { fields?: unknown[] } };
        return [v.data.length, Array.isArray(v.schema.fields) ? v.schema.fields.length : 0];
      }
      case 'list': {
        const cols = Object.values(value as Record<string, unknown[]>);
        return [cols[0]?.length ?? 0, cols.length];
      }
      case 'columns': {
        const cols = Object.values(value as Record<string, object>);
        return [Object.keys(cols[0] ?? {}).length, cols.length];
      }
      case 'index': {
        const rows = Object.values(value as Record<string, object>);
        return [rows.length, Object.keys(rows[0] ?? {}).length];
      }
    }
  })();
  const [rows, cols] = rowsCols;
  return `${rows} row${rows === 1 ? '' : 's'} × ${cols} column${cols === 1 ? '' : 's'}`;
}

const INTEGER_KEY = /^-?\d+$/;

/** True when labels are exactly "0", "1", … in order (pandas' default RangeIndex). */
function isRangeIndex(labels: readonly unknown[]): boolean {
  return labels.every((l, i) => String(l) === String(i));
}

/** Type of a cell for telling columns from rows (missing cells fit any column). */
function cellType(v: unknown): string | undefined {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? undefined : typeof v;
}

/** True when {outer: {inner: v}} reads better as rows of records (index) than as columns: inner keys hold one type each. */
function rowsLookLikeRecords(outer: readonly Record<string, unknown>[]): boolean {
  const byInner = new Map<string, string | undefined | null>();
  let outerMixed = 0;
  for (const inner of outer) {
    let seen: string | undefined;
    let mixed = false;
    for (const [k, v] of Object.entries(inner)) {
      const t = cellType(v);
      if (t === undefined) continue;
      if (seen !== undefined && seen !== t) mixed = true;
      seen = t;
      const prev = byInner.get(k);
      byInner.set(k, prev === undefined ? t : prev === t ? t : null);
    }
    if (mixed) outerMixed++;
  }
  const innerMixed = [...byInner.values()].filter((t) => t === null).length;
  return outerMixed > 0 && innerMixed === 0;
}

/** Error thrown when a JSON value is not a table. */
export class NotATableError extends Error {}

/** Detects the orient of a decoded JSON DataFrame. */
export function detectOrient(value: unknown): JsonOrient {
  if (Array.isArray(value)) {
    if (value.length === 0) return 'records';
    if (value.every((r) => isPlainObject(r) || r === null)) return 'records';
    if (value.every((r) => Array.isArray(r))) return 'values';
    throw new NotATableError('The JSON array holds neither objects (records) nor arrays (values): not a table.');
  }
  if (!isPlainObject(value))
    throw new NotATableError(`The JSON value is a ${value === null ? 'null' : typeof value}, not a table.`);
  if (isPlainObject(value.schema) && Array.isArray(value.data)) return 'table';
  if (Array.isArray(value.columns) && Array.isArray(value.data)) return 'split';
  const outer = Object.values(value);
  if (outer.length > 0 && outer.every((v) => Array.isArray(v))) return 'list';
  if (outer.length > 0 && outer.every((v) => isPlainObject(v))) {
    // columns: {col: {index: v}}; index: {index: {col: v}}. Outer keys that are integers with inner keys that
    // are not mean the index is outside: that is orient='index'.
    const outerKeys = Object.keys(value);
    const innerKeys = Object.keys(outer[0] as object);
    const outerInts = outerKeys.every((k) => INTEGER_KEY.test(k));
    const innerInts = innerKeys.length > 0 && innerKeys.every((k) => INTEGER_KEY.test(k));
    if (outerInts !== innerInts) return outerInts ? 'index' : 'columns';
    // Labels say nothing: a column holds one type, a row often several.
    return rowsLookLikeRecords(outer as Record<string, unknown>[]) ? 'index' : 'columns';
  }
  throw new NotATableError(
    'The JSON object is not a DataFrame in any pandas orient (columns, records, split, index, values, table).',
  );
}

/** Fills `table` from a decoded JSON DataFrame; returns the orient used. */
export function jsonToTable(value: unknown, table: ColumnarTable): JsonOrient {
  try {
    return fillTable(value, table);
  } catch (error) {
    // A cell nested thousands of levels deep overflows the stack when it is turned into text.
    if (error instanceof RangeError) {
      throw new NotATableError('The JSON value is nested too deeply to show as a table: open it as a value instead.');
    }
    throw error;
  }
}

/** One column as the JSON lays it out, before read_json's conversions. */
interface RawColumn {
  /** Header text. */
  name: string;
  /** The label as written (read_json tests it for a date-like name). */
  label: unknown;
  /** A row-index column. */
  index?: boolean;
  /** The cells; undefined = absent from its record. */
  cells: unknown[];
  /** The Table Schema field of an `orient='table'` column. */
  field?: TableSchemaField;
}

function fillTable(value: unknown, table: ColumnarTable): JsonOrient {
  const orient = detectOrient(value);
  const { columns, rows } = rawColumns(value, orient);
  for (const raw of columns) {
    const read = raw.field
      ? readTableColumn(raw.field, raw.cells)
      : raw.index
        ? readIndexLabels(raw.cells, orient === 'split')
        : readJsonColumn(raw.label, raw.cells);
    const col = table.addColumn(raw.name, raw.index);
    col.declare(read.type, read.missing);
    for (const v of read.values) col.pushValue(v);
  }
  table.commitRows(rows);
  return orient;
}

/** The columns of a DataFrame in any orient; the default RangeIndex (0, 1, …) is left out. */
function rawColumns(value: unknown, orient: JsonOrient): { columns: RawColumn[]; rows: number } {
  const data = (label: unknown, cells: unknown[]): RawColumn => ({ name: labelText(label), label, cells });
  const rowIndex = (labels: unknown[]): RawColumn[] =>
    isRangeIndex(labels) ? [] : [{ name: '', label: undefined, index: true, cells: labels }];
  switch (orient) {
    case 'records': {
      const records = value as (Record<string, unknown> | null)[];
      const names = collectKeys(records.filter(isPlainObject));
      return {
        columns: names.map((n) =>
          data(
            n,
            records.map((r) => (isPlainObject(r) ? r[n] : undefined)),
          ),
        ),
        rows: records.length,
      };
    }
    case 'values': {
      const rows = value as unknown[][];
      const width = rows.reduce((m, r) => Math.max(m, r.length), 0);
      const columns = Array.from({ length: width }, (_, c) =>
        data(
          c,
          rows.map((r) => r[c]),
        ),
      );
      return { columns, rows: rows.length };
    }
    case 'split': {
      const v = value as { columns: unknown[]; data: unknown[]; index?: unknown[] };
      const rows = v.data.map((r) => (Array.isArray(r) ? r : []));
      const index = Array.isArray(v.index) ? rowIndex(v.index) : [];
      return {
        columns: [
          ...index,
          ...v.columns.map((c, k) =>
            data(
              c,
              rows.map((r) => r[k]),
            ),
          ),
        ],
        rows: rows.length,
      };
    }
    case 'table': {
      const v = value as { schema: { fields?: unknown; primaryKey?: unknown }; data: unknown[] };
      const fields = (Array.isArray(v.schema.fields) ? v.schema.fields : []).filter(
        isPlainObject,
      ) as TableSchemaField[];
      const keys = new Set((Array.isArray(v.schema.primaryKey) ? v.schema.primaryKey : []).map(labelText));
      const records = v.data.map((r) => (isPlainObject(r) ? r : {}));
      const columns: RawColumn[] = [];
      for (const field of fields) {
        const name = labelText(field.name);
        const cells = records.map((r) => r[name]);
        const index = keys.has(name);
        // set_index names pandas' unnamed index None: shown like every other default index.
        if (index && name === 'index' && keys.size === 1 && isRangeIndex(cells)) continue;
        columns.push({ name: index && name === 'index' ? '' : name, label: field.name, index, cells, field });
      }
      // set_index moves the key columns in front.
      columns.sort((a, b) => Number(Boolean(b.index)) - Number(Boolean(a.index)));
      return { columns, rows: records.length };
    }
    case 'list': {
      const v = value as Record<string, unknown[]>;
      const rows = Object.values(v).reduce((m, a) => Math.max(m, a.length), 0);
      return { columns: Object.entries(v).map(([name, cells]) => data(name, cells)), rows };
    }
    case 'columns': {
      const v = value as Record<string, Record<string, unknown>>;
      const labels = collectKeys(Object.values(v));
      const columns = Object.entries(v).map(([name, cells]) =>
        data(
          name,
          labels.map((l) => cells[l]),
        ),
      );
      return { columns: [...rowIndex(labels), ...columns], rows: labels.length };
    }
    case 'index': {
      const v = value as Record<string, Record<string, unknown>>;
      const labels = Object.keys(v);
      const names = collectKeys(Object.values(v));
      const columns = names.map((n) =>
        data(
          n,
          labels.map((l) => v[l][n]),
        ),
      );
      return { columns: [...rowIndex(labels), ...columns], rows: labels.length };
    }
  }
}

/** Union of keys in first-seen order. */
export function collectKeys(objects: readonly object[]): string[] {
  if (objects.length === 0) return [];
  // pandas writes the same keys in the same order in every object: check that before building a set.
  const first = Object.keys(objects[0]);
  let same = true;
  for (let i = 1; i < objects.length && same; i++) {
    const keys = Object.keys(objects[i]);
    same = keys.length === first.length && keys.every((k, j) => k === first[j]);
  }
  if (same) return first;
  const seen = new Set<string>();
  for (const o of objects) for (const k of Object.keys(o)) seen.add(k);
  return [...seen];
}

/** A column label as header text: strings as they are, anything else as its JSON. */
export function labelText(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
}
