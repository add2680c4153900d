// The host-side table: columnar and compact (typed arrays for numbers, a dictionary or one UTF-8 buffer
// for text), so a 100 MB CSV stays well under three times its size in memory. Also the `TableSource`
// abstraction the preview panel opens, independent of where the bytes come from.
import type { Cell, ColumnInfo, ColumnType } from '../protocol';
import { CellKind, TypeTally, classify, isNullText, parseNumberText } from './columnTypes';

/** Object formats a source can declare; `auto` sniffs the bytes. */
export type FormatHint = 'auto' | 'csv' | 'json' | 'parquet';

/** A table stored as bytes somewhere (S3, a file, memory). */
export interface ByteTableSource {
  /** Discriminator. */
  kind: 'bytes';
  /** Shown in the panel title. */
  title: string;
  /** Object size when known (progress, ranged Parquet reads). */
  sizeBytes?: number;
  /** Declared format; sniffed when absent or `auto`. */
  formatHint?: FormatHint;
  /** Declared compression (`gzip`, `zstd`, …); sniffed when absent. */
  compression?: string;
  /** Object name, used to guess the format from its extension. */
  keyName?: string;
  /** Streams the bytes; aborting `signal` stops the read. */
  open(signal: AbortSignal, onProgress?: (bytesRead: number, totalBytes?: number) => void): AsyncIterable<Uint8Array>;
  /** Reads bytes [start, endInclusive]; lets Parquet read only the footer and the row groups. */
  readRange?(start: number, endInclusive: number, signal?: AbortSignal): Promise<Uint8Array>;
  /** JSON-able description the panel serializer can turn back into a source after a reload. */
  persist?: unknown;
}

/** A table already in memory: decoded JSON (records, columns, split, …) or Airflow's serde DataFrame wrapper. */
export interface InlineTableSource {
  /** Discriminator. */
  kind: 'inline';
  /** Shown in the panel title. */
  title: string;
  /** The decoded value. */
  value: unknown;
  /** JSON-able description the panel serializer can turn back into a source after a reload. */
  persist?: unknown;
}

/** Where a previewed table comes from. */
export type TableSource = ByteTableSource | InlineTableSource;

const INITIAL_CAPACITY = 1024;
/** Past this many distinct values, a text column stops keeping a dictionary if values are mostly unique. */
const DICTIONARY_LIMIT = 65_536;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function grow<T extends Float64Array | Uint32Array | Uint8Array>(arr: T, needed: number, make: (n: number) => T): T {
  if (needed <= arr.length) return arr;
  const next = make(Math.max(needed, arr.length * 2));
  next.set(arr);
  return next;
}

/** Text cells: a dictionary while values repeat, one UTF-8 buffer with offsets once they do not. */
class TextStore {
  length = 0;
  private codes: Uint32Array | undefined = new Uint32Array(INITIAL_CAPACITY);
  private dict: Map<string, number> | undefined = new Map();
  private values: (string | null)[] = [null];
  private bytes: Uint8Array | undefined;
  private offsets: Uint32Array | undefined;
  private nulls: Uint8Array | undefined;
  private used = 0;

  /** Appends a text cell; null is a missing value. */
  push(s: string | null): void {
    if (this.codes && this.dict) {
      let code = 0;
      if (s !== null) {
        const found = this.dict.get(s);
        if (found === undefined) {
          code = this.values.length;
          this.values.push(s);
          this.dict.set(s, code);
        } else {
          code = found;
        }
      }
      this.codes = grow(this.codes, this.length + 1, (n) => new Uint32Array(n));
      this.codes[this.length++] = code;
      if (this.values.length > DICTIONARY_LIMIT && this.values.length * 4 > this.length) this.toBuffer();
      return;
    }
    this.pushBuffer(s);
  }

  private pushBuffer(s: string | null): void {
    const i = this.length;
    this.offsets = grow(this.offsets!, i + 2, (n) => new Uint32Array(n));
    this.nulls = grow(this.nulls!, i + 1, (n) => new Uint8Array(n));
    if (s === null) {
      this.nulls[i] = 1;
    } else {
      this.bytes = grow(this.bytes!, this.used + s.length * 3, (n) => new Uint8Array(n));
      this.used += encoder.encodeInto(s, this.bytes.subarray(this.used)).written;
      if (this.used > 0xffff_ffff) throw new Error('A text column holds more than 4 GB.');
    }
    this.offsets[i + 1] = this.used;
    this.length = i + 1;
  }

  private toBuffer(): void {
    const codes = this.codes!;
    const values = this.values;
    const n = this.length;
    this.codes = undefined;
    this.dict = undefined;
    this.values = [];
    this.bytes = new Uint8Array(Math.max(INITIAL_CAPACITY, n * 16));
    this.offsets = new Uint32Array(Math.max(INITIAL_CAPACITY, n * 2) + 2);
    this.nulls = new Uint8Array(Math.max(INITIAL_CAPACITY, n * 2));
    this.length = 0;
    for (let i = 0; i < n; i++) this.pushBuffer(values[codes[i]]);
  }

  /** The cell at row i. */
  get(i: number): string | null {
    if (this.codes) return this.values[this.codes[i]];
    if (this.nulls![i]) return null;
    return decoder.decode(this.bytes!.subarray(this.offsets![i], this.offsets![i + 1]));
  }

  /** Dictionary view (codes per row, value per code; code 0 is null), or undefined once the store left dictionary mode. */
  dictionary(): { codes: Uint32Array; values: (string | null)[] } | undefined {
    return this.codes ? { codes: this.codes, values: this.values } : undefined;
  }

  /** Bytes held. */
  get byteSize(): number {
    return (this.codes?.byteLength ?? 0) + (this.bytes?.byteLength ?? 0) + (this.offsets?.byteLength ?? 0) + (this.nulls?.byteLength ?? 0);
  }
}

/** One column: numbers in a Float64Array (NaN = missing) until a cell is not a number, text after that. */
export class Column {
  /** Type evidence. */
  readonly tally = new TypeTally();
  /** Number of cells. */
  length = 0;
  private nums: Float64Array | undefined = new Float64Array(INITIAL_CAPACITY);
  private text: TextStore | undefined;

  /** `id` is the grid's field id, `name` the header text, `index` marks a row-index column. */
  constructor(readonly id: string, public name: string, public index = false) {}

  /** True while every cell is a number or missing. */
  get numeric(): boolean {
    return this.nums !== undefined;
  }

  /** The column's type from the cells seen so far. */
  get type(): ColumnType {
    return this.tally.type;
  }

  /** Appends a cell given as text (CSV). */
  pushText(s: string): void {
    const kind = classify(s);
    this.tally.add(kind);
    if (this.nums) {
      if (kind === CellKind.Null) return this.pushNumber(NaN);
      if (kind === CellKind.Integer || kind === CellKind.Float) return this.pushNumber(parseNumberText(s));
      this.toText();
    }
    this.text!.push(kind === CellKind.Null && s.length === 0 ? null : s);
  }

  /** Appends a decoded value (JSON, Parquet): numbers stay numbers, everything else becomes text. */
  pushValue(v: unknown): void {
    if (typeof v === 'number') {
      if (Number.isNaN(v)) {
        this.tally.add(CellKind.Null);
        return this.nums ? this.pushNumber(NaN) : this.text!.push(null);
      }
      this.tally.add(Number.isInteger(v) ? CellKind.Integer : CellKind.Float);
      return this.nums ? this.pushNumber(v) : this.text!.push(String(v));
    }
    if (v === null || v === undefined) {
      this.tally.add(CellKind.Null);
      return this.nums ? this.pushNumber(NaN) : this.text!.push(null);
    }
    if (typeof v === 'bigint') {
      const safe = v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER);
      if (safe) return this.pushValue(Number(v));
      this.tally.add(CellKind.Integer);
      if (this.nums) this.toText();
      return this.text!.push(v.toString());
    }
    let s: string;
    let kind: CellKind;
    if (typeof v === 'string') {
      s = v;
      kind = classify(s);
      if (kind === CellKind.Null && s.length > 0) kind = CellKind.Text;
      if (kind === CellKind.Integer || kind === CellKind.Float) kind = CellKind.Text;
    } else if (typeof v === 'boolean') {
      s = v ? 'true' : 'false';
      kind = CellKind.Boolean;
    } else if (v instanceof Date) {
      s = Number.isNaN(v.getTime()) ? '' : v.toISOString();
      kind = s ? CellKind.Datetime : CellKind.Null;
    } else if (v instanceof Uint8Array) {
      s = Array.from(v.subarray(0, 64), (b) => b.toString(16).padStart(2, '0')).join('') + (v.length > 64 ? '…' : '');
      kind = CellKind.Text;
    } else {
      s = safeJson(v);
      kind = CellKind.Text;
    }
    this.tally.add(kind);
    if (this.nums) this.toText();
    this.text!.push(kind === CellKind.Null ? null : s);
  }

  private pushNumber(n: number): void {
    this.nums = grow(this.nums!, this.length + 1, (k) => new Float64Array(k));
    this.nums[this.length++] = n;
  }

  private toText(): void {
    const nums = this.nums!;
    this.nums = undefined;
    this.text = new TextStore();
    for (let i = 0; i < this.length; i++) this.text.push(nums[i] === nums[i] ? formatNumber(nums[i]) : null);
  }

  /** The cell at row i (undefined past the end reads as missing). */
  get(i: number): Cell {
    if (i >= this.length) return null;
    if (this.nums) {
      const n = this.nums[i];
      return n === n ? n : null;
    }
    return this.text!.get(i);
  }

  /** The cell at row i as text ('' for missing). */
  textAt(i: number): string {
    const v = this.get(i);
    return v === null ? '' : typeof v === 'number' ? formatNumber(v) : v;
  }

  /** The number array while the column is numeric (NaN = missing). */
  numbers(): Float64Array | undefined {
    return this.nums;
  }

  /** Dictionary view while the text column keeps one. */
  dictionary(): { codes: Uint32Array; values: (string | null)[] } | undefined {
    return this.text?.dictionary();
  }

  /** Pads the column with missing cells up to n rows. */
  padTo(n: number): void {
    while (this.length < n) {
      this.tally.add(CellKind.Null);
      if (this.nums) this.pushNumber(NaN);
      else this.text!.push(null);
    }
  }

  /** Bytes held by the column's arrays. */
  get byteSize(): number {
    return this.nums ? this.nums.byteLength : this.text!.byteSize;
  }

  /** Description sent to the webview. */
  info(): ColumnInfo {
    return { id: this.id, name: this.name, type: this.type, ...(this.index ? { index: true } : {}) };
  }
}

/** Formats a number the way Python prints it where that matters (inf, integers). */
export function formatNumber(n: number): string {
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return String(n);
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A table being filled by a parser and read by the panel at the same time. */
export class ColumnarTable {
  /** Columns in display order. */
  readonly columns: Column[] = [];
  private rows = 0;

  /** Number of complete rows. */
  get rowCount(): number {
    return this.rows;
  }

  /** Adds a column; `index` marks a row-index column. */
  addColumn(name: string, index = false): Column {
    const col = new Column(`c${this.columns.length}`, name, index);
    col.padTo(this.rows);
    this.columns.push(col);
    return col;
  }

  /** Appends one CSV row; cells beyond the columns are dropped (the caller adds columns first), missing cells are null. */
  pushTextRow(cells: readonly string[]): void {
    const cols = this.columns;
    const n = Math.min(cells.length, cols.length);
    for (let c = 0; c < n; c++) cols[c].pushText(cells[c]);
    for (let c = n; c < cols.length; c++) cols[c].pushText('');
    this.rows++;
  }

  /** Appends one row of decoded values. */
  pushValueRow(cells: readonly unknown[]): void {
    const cols = this.columns;
    for (let c = 0; c < cols.length; c++) cols[c].pushValue(cells[c]);
    this.rows++;
  }

  /** Declares that every column has been filled column-wise up to `n` rows (pads short ones). */
  commitRows(n: number): void {
    for (const col of this.columns) col.padTo(n);
    this.rows = n;
  }

  /** Row r as cells. */
  row(r: number): Cell[] {
    return this.columns.map((c) => c.get(r));
  }

  /** The column with this id. */
  column(id: string): Column | undefined {
    const i = /^c(\d+)$/.exec(id);
    const col = i ? this.columns[Number(i[1])] : undefined;
    return col?.id === id ? col : undefined;
  }

  /** Bytes held by all columns. */
  get byteSize(): number {
    return this.columns.reduce((sum, c) => sum + c.byteSize, 0);
  }

  /** Column descriptions for the webview. */
  schema(): ColumnInfo[] {
    return this.columns.map((c) => c.info());
  }
}

/** True when a text is missing by pandas' rules (exported for tests and filters). */
export { isNullText };
