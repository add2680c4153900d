// JSON DataFrames in every pandas orient: columns (to_json()'s default), records, split, index, values,
// table; plus a dict of lists and Airflow's serde DataFrame wrapper (hex Parquet, handled by the caller).
import type { ColumnarTable } from './table';

/** Which pandas orient a value was read as. */
export type JsonOrient = 'columns' | 'records' | 'split' | 'index' | 'values' | 'table' | 'list';

/** Parses JSON text, accepting the bare NaN / Infinity / -Infinity tokens Python's json module writes. */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (first) {
    const patched = text.replace(/("(?:[^"\\]|\\.)*")|-?\bInfinity\b|\bNaN\b/g, (m, str: string | undefined) => {
      if (str !== undefined) return str;
      return m === 'NaN' ? 'null' : m.startsWith('-') ? '-1e999' : '1e999';
    });
    if (patched === text) throw first;
    return JSON.parse(patched);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const INTEGER_KEY = /^-?\d+$/;

/** True when labels are exactly "0", "1", … in order (pandas' default RangeIndex). */
function isRangeIndex(labels: readonly unknown[]): boolean {
  return labels.every((l, i) => String(l) === String(i));
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
  if (!isPlainObject(value)) throw new NotATableError(`The JSON value is a ${value === null ? 'null' : typeof value}, not a table.`);
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
    return outerInts && !innerInts ? 'index' : 'columns';
  }
  throw new NotATableError('The JSON object is not a DataFrame in any pandas orient (columns, records, split, index, values, table).');
}

/** Fills `table` from a decoded JSON DataFrame; returns the orient used. */
export function jsonToTable(value: unknown, table: ColumnarTable): JsonOrient {
  const orient = detectOrient(value);
  switch (orient) {
    case 'records':
      fromRecords(value as (Record<string, unknown> | null)[], table);
      break;
    case 'values': {
      const rows = value as unknown[][];
      const width = rows.reduce((m, r) => Math.max(m, r.length), 0);
      for (let c = 0; c < width; c++) table.addColumn(String(c));
      for (const r of rows) table.pushValueRow(r);
      break;
    }
    case 'split': {
      const v = value as { columns: unknown[]; data: unknown[][]; index?: unknown[] };
      const index = Array.isArray(v.index) && !isRangeIndex(v.index) ? v.index : undefined;
      if (index) table.addColumn('', true);
      for (const c of v.columns) table.addColumn(labelText(c));
      v.data.forEach((r, i) => table.pushValueRow(index ? [index[i], ...(Array.isArray(r) ? r : [])] : Array.isArray(r) ? r : []));
      break;
    }
    case 'table': {
      const v = value as { schema: { fields?: { name?: unknown }[]; primaryKey?: unknown[] }; data: Record<string, unknown>[] };
      const names = (v.schema.fields ?? []).map((f) => labelText(f.name));
      const keys = new Set((v.schema.primaryKey ?? []).map(labelText));
      const cols = names.map((n) => table.addColumn(n, keys.has(n)));
      for (const rec of v.data) {
        const obj = isPlainObject(rec) ? rec : {};
        cols.forEach((col, i) => col.pushValue(obj[names[i]]));
      }
      table.commitRows(v.data.length);
      break;
    }
    case 'list': {
      const v = value as Record<string, unknown[]>;
      const n = Object.values(v).reduce((m, a) => Math.max(m, a.length), 0);
      for (const [name, arr] of Object.entries(v)) {
        const col = table.addColumn(name);
        for (const x of arr) col.pushValue(x);
      }
      table.commitRows(n);
      break;
    }
    case 'columns': {
      const v = value as Record<string, Record<string, unknown>>;
      const labels = collectKeys(Object.values(v));
      const indexed = !isRangeIndex(labels);
      if (indexed) {
        const idx = table.addColumn('', true);
        for (const l of labels) idx.pushValue(l);
      }
      for (const [name, cells] of Object.entries(v)) {
        const col = table.addColumn(name);
        for (const l of labels) col.pushValue(cells[l]);
      }
      table.commitRows(labels.length);
      break;
    }
    case 'index': {
      const v = value as Record<string, Record<string, unknown>>;
      const labels = Object.keys(v);
      const names = collectKeys(Object.values(v));
      if (!isRangeIndex(labels)) table.addColumn('', true);
      for (const n of names) table.addColumn(n);
      const indexed = table.columns.length > names.length;
      for (const l of labels) {
        const rec = v[l];
        table.pushValueRow(indexed ? [l, ...names.map((n) => rec[n])] : names.map((n) => rec[n]));
      }
      break;
    }
  }
  return orient;
}

function fromRecords(records: (Record<string, unknown> | null)[], table: ColumnarTable): void {
  const names = collectKeys(records.filter(isPlainObject));
  for (const n of names) table.addColumn(n);
  for (const rec of records) table.pushValueRow(names.map((n) => rec?.[n]));
}

/** Union of keys in first-seen order. */
function collectKeys(objects: readonly object[]): string[] {
  const seen = new Set<string>();
  for (const o of objects) for (const k of Object.keys(o)) seen.add(k);
  return [...seen];
}

function labelText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
}
