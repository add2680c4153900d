// JSON Lines (pandas' `to_json(orient='records', lines=True)`, Spark's JSON output): one record per line, read as
// a stream in batches, so a preview holds only what the memory budget allows and Read Further reads on. Each batch
// goes through read_json's conversions (readJsonColumn), column by column, as `read_json(lines=True)` does.
import { formatBytes } from '../formatBytes';
import type { ColumnType, MissingMarker } from '../protocol';
import { joinParts } from './heldBytes';
import { collectKeys, isPlainObject, labelText, parseLenientJson } from './pandasJson';
import { readJsonColumn } from './pandasReadJson';
import type { Column, ColumnarTable } from './table';

/** Rows parsed before they are put in the table (and the memory budget sees them). */
const BATCH_ROWS = 8192;
/** Text parsed before its rows are put in the table, whatever their number. */
const BATCH_CHARS = 4 * 1024 * 1024;

/** The longest line read whatever the memory budget… */
const LONGEST_LINE_BYTES = 64 * 1024 * 1024;
/**
 * …and its share of the budget: a line is decoded to a string (up to twice its bytes) and parsed into objects
 * (several times more) before its record joins the table.
 */
const LINE_BUDGET_SHARE = 1 / 16;

/** How a JSON document's first bytes are laid out. */
export type JsonLayout = 'lines' | 'document';

/**
 * Whether `head`, the first characters of a JSON object, holds one document or JSON Lines: a first object or
 * array that closes, then a newline, then another. Undefined while the first value has not closed in `head`;
 * `complete` says `head` is the whole object.
 */
export function jsonLayout(head: string, complete: boolean): JsonLayout | undefined {
  let i = head.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < head.length && isSpace(head.charCodeAt(i))) i++;
  const open = head.charCodeAt(i);
  if (open !== 0x7b /* { */ && open !== 0x5b /* [ */) return 'document';
  let depth = 0;
  for (; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < head.length && head.charCodeAt(i) !== 0x22; i++) if (head.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) break;
    }
  }
  if (i >= head.length) return complete ? 'document' : undefined;
  let newline = false;
  for (i++; i < head.length && isSpace(head.charCodeAt(i)); i++) newline ||= head.charCodeAt(i) === 0x0a;
  if (i === head.length) return complete ? 'document' : undefined;
  const next = head.charCodeAt(i);
  return newline && (next === 0x7b || next === 0x5b) ? 'lines' : 'document';
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** How to read a JSON Lines stream. */
export interface JsonLinesOptions {
  signal: AbortSignal;
  /**
   * The preview's memory budget: the longest line read is a share of it (LINE_BUDGET_SHARE, at most
   * LONGEST_LINE_BYTES). Past it, reading stops with a clear message and the rows before it are kept.
   */
  memoryBudget?: number;
  /** Called after each batch of rows is in the table. */
  onBatch?: () => void;
  /** Rows per batch (tests make it small to cross batches). */
  batchRows?: number;
}

/** read_json's dtype over the whole column, from the dtypes of its batches. */
function mergedType(a: ColumnType | undefined, b: ColumnType): ColumnType {
  if (a === undefined || a === b) return b;
  if ((a === 'integer' || a === 'float') && (b === 'integer' || b === 'float')) return 'float';
  return 'string';
}

/** One column of the table being filled, with the dtype its batches gave so far. */
interface LineColumn {
  column: Column;
  type?: ColumnType;
  missing?: MissingMarker;
}

/** Fills `table` from JSON Lines, a batch of records at a time. Rejects with a readable error on a bad line. */
export async function parseJsonLines(
  stream: AsyncIterable<Uint8Array>,
  table: ColumnarTable,
  options: JsonLinesOptions,
): Promise<void> {
  const decoder = new TextDecoder();
  const columns = new Map<string, LineColumn>();
  const batchRows = options.batchRows ?? BATCH_ROWS;
  const maxLineBytes = Math.min(LONGEST_LINE_BYTES, (options.memoryBudget ?? Infinity) * LINE_BUDGET_SHARE);
  let records: unknown[] = [];
  let chars = 0;
  let line = 0;
  /** Bytes of the line not ended yet, in the chunks they came in. */
  let rest: Uint8Array[] = [];
  let restBytes = 0;

  const flush = (): void => {
    if (records.length === 0) return;
    putBatch(table, columns, records);
    records = [];
    chars = 0;
    options.onBatch?.();
  };
  const fail = (message: string): Error => {
    flush();
    const rows = table.rowCount;
    return new Error(`${message}${rows > 0 ? ` The ${rows.toLocaleString('en-US')} rows before it are shown.` : ''}`);
  };
  const take = (text: string): void => {
    for (const raw of text.split('\n')) {
      line++;
      const trimmed = raw.trim();
      if (trimmed === '') continue;
      let value: unknown;
      try {
        value = parseLenientJson(trimmed);
      } catch (e) {
        throw fail(
          `Line ${line.toLocaleString('en-US')} of the JSON Lines object is not JSON: ${(e as Error).message}.`,
        );
      }
      if (!isPlainObject(value) && !Array.isArray(value))
        throw fail(
          `Line ${line.toLocaleString('en-US')} of the JSON Lines object holds ${value === null ? 'null' : `a ${typeof value}`}, not a record: each line should be one JSON object.`,
        );
      records.push(value);
      chars += raw.length;
      if (records.length >= batchRows || chars >= BATCH_CHARS) flush();
    }
  };

  for await (const chunk of stream) {
    if (options.signal.aborted) break;
    const end = chunk.lastIndexOf(0x0a);
    if (end < 0) {
      rest.push(chunk);
      restBytes += chunk.byteLength;
      if (restBytes > maxLineBytes) throw fail(lineTooLong(line + 1, maxLineBytes));
      continue;
    }
    // Whole lines up to the chunk's last newline; a newline byte is never part of a multi-byte character.
    const head = chunk.subarray(0, end);
    take(decoder.decode(restBytes > 0 ? joinParts([...rest, head]) : head));
    rest = [chunk.subarray(end + 1)];
    restBytes = chunk.byteLength - end - 1;
  }
  if (!options.signal.aborted && restBytes > 0) take(decoder.decode(joinParts(rest)));
  flush();
}

function lineTooLong(line: number, max: number): string {
  return `Reading stopped at line ${line.toLocaleString('en-US')} of the JSON Lines object: it runs past ${formatBytes(max)} without ending, longer than the preview reads in one line.`;
}

/**
 * Puts a batch of records in the table, each column read as read_json reads it: keys new in the batch add columns,
 * and a column the batch lacks is read as missing in all its rows (an integer column becomes float, as in pandas).
 */
function putBatch(table: ColumnarTable, columns: Map<string, LineColumn>, records: readonly unknown[]): void {
  const objects = records.filter(isPlainObject);
  const width = records.reduce<number>((m, r) => (Array.isArray(r) ? Math.max(m, r.length) : m), 0);
  const keys = [...columns.keys(), ...collectKeys(objects), ...Array.from({ length: width }, (_, k) => String(k))];
  const rows = table.rowCount + records.length;
  for (const key of new Set(keys)) {
    const position = /^\d+$/.test(key) ? Number(key) : -1;
    const cells = records.map((r) =>
      Array.isArray(r) ? (position >= 0 ? r[position] : undefined) : (r as Record<string, unknown>)[key],
    );
    const read = readJsonColumn(position >= 0 && objects.length === 0 ? position : key, cells);
    let col = columns.get(key);
    if (!col) {
      col = { column: table.addColumn(labelText(key)) };
      columns.set(key, col);
    }
    const type = mergedType(col.type, read.type);
    if (type !== col.type) col.missing = read.missing;
    col.type = type;
    col.column.declare(type, col.missing);
    for (const v of read.values) col.column.pushValue(v);
  }
  table.commitRows(rows);
}
