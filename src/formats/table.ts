// The host-side table: columnar and compact (typed arrays for numbers, a dictionary or one UTF-8 buffer
// for text), so a 100 MB CSV stays well under three times its size in memory. Also the `TableSource`
// abstraction the preview panel opens, independent of where the bytes come from.
import type { Cell, ColumnInfo, ColumnType } from '../protocol';
import type { BatchColumn, ColumnBatch, ColumnLayout } from './columnBatch';
import { CellKind, TypeTally, classify, isNullText, parseNumberText, scanDecimal, scannedInteger } from './columnTypes';

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

/** Cells per storage chunk: arrays grow by whole chunks, never by copying everything (no 2× peaks). */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;
/** Past this many distinct values, a text column stops keeping a dictionary if values are mostly unique. */
const DICTIONARY_LIMIT = 65_536;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Numbers in chunks of Float64Array; NaN is a missing value. */
class NumberStore {
  length = 0;
  private readonly chunks: Float64Array[] = [];
  private flat: Float64Array | undefined;

  push(n: number): void {
    const i = this.length++;
    if ((i & CHUNK_MASK) === 0) this.chunks.push(new Float64Array(CHUNK));
    this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK] = n;
    this.flat = undefined;
  }

  /** Appends many values at once. */
  appendMany(values: Float64Array): void {
    let from = 0;
    while (from < values.length) {
      const i = this.length;
      const j = i & CHUNK_MASK;
      if (j === 0) this.chunks.push(new Float64Array(CHUNK));
      const take = Math.min(values.length - from, CHUNK - j);
      this.chunks[i >>> CHUNK_BITS].set(values.subarray(from, from + take), j);
      this.length = i + take;
      from += take;
    }
    this.flat = undefined;
  }

  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }

  /** All values in one array (built on demand for sorting and filtering, cached until the next push). */
  all(): Float64Array {
    if (this.flat?.length !== this.length) {
      const out = new Float64Array(this.length);
      this.chunks.forEach((c, k) => out.set(c.subarray(0, Math.min(CHUNK, this.length - k * CHUNK)), k * CHUNK));
      this.flat = out;
    }
    return this.flat;
  }

  get byteSize(): number {
    return this.chunks.length * CHUNK * 8;
  }
}

/** UTF-8 text of up to CHUNK cells: one byte buffer, offsets and a missing-value map. */
class TextChunk {
  bytes: Uint8Array;
  used = 0;
  readonly offsets = new Uint32Array(CHUNK + 1);
  readonly nulls = new Uint8Array(CHUNK);

  /** `capacity`: expected bytes, e.g. what the previous chunk needed (saves regrowing and trimming). */
  constructor(capacity = 16 * 1024) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Appends cell j of this chunk. */
  push(j: number, s: string | null): void {
    if (s === null) {
      this.nulls[j] = 1;
    } else {
      const n = s.length;
      if (this.used + n * 3 > this.bytes.length) {
        const next = new Uint8Array(Math.max(this.bytes.length * 2, this.used + n * 3));
        next.set(this.bytes.subarray(0, this.used));
        this.bytes = next;
      }
      const bytes = this.bytes;
      let at = this.used;
      let k = 0;
      // ASCII is written byte by byte: much cheaper than a TextEncoder call for short cells.
      for (; k < n; k++) {
        const c = s.charCodeAt(k);
        if (c >= 0x80) break;
        bytes[at++] = c;
      }
      if (k < n) at += encoder.encodeInto(s.slice(k), bytes.subarray(at)).written;
      this.used = at;
    }
    this.offsets[j + 1] = this.used;
  }

  /** Appends cells [from, to) of a text batch column as cells j0… of this chunk. */
  appendMany(j0: number, col: { bytes: Uint8Array; ends: Uint32Array; nulls: Uint8Array }, from: number, to: number): void {
    const startByte = from > 0 ? col.ends[from - 1] : 0;
    const size = col.ends[to - 1] - startByte;
    if (this.used + size > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.used + size));
      next.set(this.bytes.subarray(0, this.used));
      this.bytes = next;
    }
    this.bytes.set(col.bytes.subarray(startByte, startByte + size), this.used);
    const shift = this.used - startByte;
    const { ends, nulls } = col;
    for (let k = from, j = j0; k < to; k++, j++) {
      this.offsets[j + 1] = ends[k] + shift;
      this.nulls[j] = nulls[k];
    }
    this.used += size;
  }

  /** Drops the spare capacity of a full chunk when it is worth a copy. */
  trim(): void {
    if (this.bytes.length - this.used > this.bytes.length / 8) this.bytes = this.bytes.slice(0, this.used);
  }

  get(j: number): string | null {
    if (this.nulls[j]) return null;
    const a = this.offsets[j];
    const b = this.offsets[j + 1];
    const bytes = this.bytes;
    if (b - a <= 32) {
      let ascii = true;
      for (let k = a; k < b; k++) if (bytes[k] >= 0x80) { ascii = false; break; }
      if (ascii) return String.fromCharCode.apply(null, bytes.subarray(a, b) as unknown as number[]);
    }
    return decoder.decode(bytes.subarray(a, b));
  }

  get byteSize(): number {
    return this.bytes.byteLength + this.offsets.byteLength + this.nulls.byteLength;
  }
}

/** Text cells: a dictionary while values repeat, UTF-8 chunks once they do not. */
class TextStore {
  length = 0;
  private codeChunks: Uint32Array[] | undefined = [];
  private dict: Map<string, number> | undefined = new Map();
  private values: (string | null)[] = [null];
  private textChunks: TextChunk[] | undefined;
  private flatCodes: Uint32Array | undefined;

  /** Appends a text cell; null is a missing value. */
  push(s: string | null): void {
    const i = this.length;
    if (this.codeChunks) {
      let code = 0;
      if (s !== null) {
        const found = this.dict!.get(s);
        if (found === undefined) {
          code = this.values.length;
          this.values.push(s);
          this.dict!.set(s, code);
        } else {
          code = found;
        }
      }
      if ((i & CHUNK_MASK) === 0) this.codeChunks.push(new Uint32Array(CHUNK));
      this.codeChunks[i >>> CHUNK_BITS][i & CHUNK_MASK] = code;
      this.length = i + 1;
      this.flatCodes = undefined;
      if (this.values.length > DICTIONARY_LIMIT && this.values.length * 4 > this.length) this.toChunks();
      return;
    }
    const chunks = this.textChunks!;
    const j = i & CHUNK_MASK;
    if (j === 0) {
      const last = chunks[chunks.length - 1];
      last?.trim();
      chunks.push(new TextChunk(last ? Math.ceil(last.used * 1.05) + 1024 : undefined));
    }
    chunks[i >>> CHUNK_BITS].push(j, s);
    this.length = i + 1;
  }

  /** Appends cells given as codes into `values` (code 0 is null), merging them into this store's dictionary. */
  appendCodes(codes: Uint32Array, values: readonly (string | null)[]): void {
    if (!this.codeChunks) {
      for (let r = 0; r < codes.length; r++) this.push(values[codes[r]]);
      return;
    }
    const remap = new Uint32Array(values.length);
    for (let k = 1; k < values.length; k++) {
      const v = values[k]!;
      let code = this.dict!.get(v);
      if (code === undefined) {
        code = this.values.length;
        this.values.push(v);
        this.dict!.set(v, code);
      }
      remap[k] = code;
    }
    let from = 0;
    while (from < codes.length) {
      const i = this.length;
      const j = i & CHUNK_MASK;
      if (j === 0) this.codeChunks.push(new Uint32Array(CHUNK));
      const chunk = this.codeChunks[i >>> CHUNK_BITS];
      const take = Math.min(codes.length - from, CHUNK - j);
      for (let k = 0; k < take; k++) chunk[j + k] = remap[codes[from + k]];
      this.length = i + take;
      from += take;
    }
    this.flatCodes = undefined;
    if (this.values.length > DICTIONARY_LIMIT && this.values.length * 4 > this.length) this.toChunks();
  }

  /** Appends cells given as one UTF-8 buffer with end offsets; a dictionary store becomes a chunked one. */
  appendText(col: { bytes: Uint8Array; ends: Uint32Array; nulls: Uint8Array }): void {
    if (this.codeChunks) this.toChunks();
    const chunks = this.textChunks!;
    const n = col.ends.length;
    let from = 0;
    while (from < n) {
      const i = this.length;
      const j = i & CHUNK_MASK;
      if (j === 0) {
        const last = chunks[chunks.length - 1];
        last?.trim();
        chunks.push(new TextChunk(last ? Math.ceil(last.used * 1.05) + 1024 : undefined));
      }
      const take = Math.min(n - from, CHUNK - j);
      chunks[i >>> CHUNK_BITS].appendMany(j, col, from, from + take);
      this.length = i + take;
      from += take;
    }
  }

  private toChunks(): void {
    const n = this.length;
    const get = (i: number) => this.values[this.codeChunks![i >>> CHUNK_BITS][i & CHUNK_MASK]];
    const chunks: TextChunk[] = [];
    for (let i = 0; i < n; i++) {
      if ((i & CHUNK_MASK) === 0) {
        chunks[chunks.length - 1]?.trim();
        chunks.push(new TextChunk());
      }
      chunks[i >>> CHUNK_BITS].push(i & CHUNK_MASK, get(i));
    }
    this.codeChunks = undefined;
    this.dict = undefined;
    this.values = [];
    this.textChunks = chunks;
  }

  /** The cell at row i. */
  get(i: number): string | null {
    if (this.codeChunks) return this.values[this.codeChunks[i >>> CHUNK_BITS][i & CHUNK_MASK]];
    return this.textChunks![i >>> CHUNK_BITS].get(i & CHUNK_MASK);
  }

  /** True while the store keeps a dictionary. */
  get isDictionary(): boolean {
    return this.codeChunks !== undefined;
  }

  /** Dictionary view (codes per row, value per code; code 0 is null), or undefined once the store left dictionary mode. */
  dictionary(): { codes: Uint32Array; values: (string | null)[] } | undefined {
    if (!this.codeChunks) return undefined;
    if (this.flatCodes?.length !== this.length) {
      const out = new Uint32Array(this.length);
      this.codeChunks.forEach((c, k) => out.set(c.subarray(0, Math.min(CHUNK, this.length - k * CHUNK)), k * CHUNK));
      this.flatCodes = out;
    }
    return { codes: this.flatCodes, values: this.values };
  }

  /** Bytes held. */
  get byteSize(): number {
    if (this.codeChunks) return this.codeChunks.length * CHUNK * 4;
    return this.textChunks!.reduce((sum, c) => sum + c.byteSize, 0);
  }
}

/** One column: numbers (NaN = missing) until a cell is not a number, text after that. */
export class Column {
  /** Type evidence. */
  readonly tally = new TypeTally();
  private nums: NumberStore | undefined = new NumberStore();
  private text: TextStore | undefined;

  /** `id` is the grid's field id, `name` the header text, `index` marks a row-index column. */
  constructor(readonly id: string, public name: string, public index = false) {}

  /** Number of cells. */
  get length(): number {
    return this.nums ? this.nums.length : this.text!.length;
  }

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
    const counts = this.tally.counts;
    if (this.nums) {
      // Hot path of numeric columns: one hand-written scan, no classification.
      const v = scanDecimal(s);
      if (v !== undefined) {
        counts[scannedInteger ? CellKind.Integer : CellKind.Float]++;
        return this.nums.push(v);
      }
      const n = parseNumberText(s);
      if (n === n && Number.isFinite(n)) {
        if (s.indexOf('.') < 0 && s.indexOf('e') < 0 && s.indexOf('E') < 0) {
          if (Number.isSafeInteger(n)) {
            counts[CellKind.Integer]++;
            return this.nums.push(n);
          }
        } else {
          counts[CellKind.Float]++;
          return this.nums.push(n);
        }
      }
    } else if (counts[CellKind.Text] > 0) {
      // Once a column holds free text its type is settled: skip classifying.
      if (s.length === 0) {
        counts[CellKind.Null]++;
        return this.text!.push(null);
      }
      counts[CellKind.Text]++;
      return this.text!.push(s);
    }
    const kind = classify(s);
    counts[kind]++;
    if (this.nums) {
      if (kind === CellKind.Null) return this.nums.push(NaN);
      if (kind === CellKind.Float) return this.nums.push(parseNumberText(s));
      this.toText();
    }
    this.text!.push(kind === CellKind.Null && s.length === 0 ? null : s);
  }

  /** Appends a decoded value (JSON, Parquet): numbers stay numbers, everything else becomes text. */
  pushValue(v: unknown): void {
    if (typeof v === 'number') {
      if (Number.isNaN(v)) {
        this.tally.add(CellKind.Null);
        return this.nums ? this.nums.push(NaN) : this.text!.push(null);
      }
      this.tally.add(Number.isInteger(v) ? CellKind.Integer : CellKind.Float);
      return this.nums ? this.nums.push(v) : this.text!.push(formatNumber(v));
    }
    if (v === null || v === undefined) {
      this.tally.add(CellKind.Null);
      return this.nums ? this.nums.push(NaN) : this.text!.push(null);
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

  /** Appends a column of a parsed batch (see columnBatch.ts). */
  appendBatch(col: BatchColumn): void {
    const counts = this.tally.counts;
    for (let k = 0; k < counts.length; k++) counts[k] += col.counts[k];
    if (col.kind === 'number') {
      if (this.nums) return this.nums.appendMany(col.values);
      for (const n of col.values) this.text!.push(n === n ? formatNumber(n) : null);
      return;
    }
    if (this.nums) this.toText();
    if (col.kind === 'dictionary') this.text!.appendCodes(col.codes, col.values);
    else this.text!.appendText(col);
  }

  private toText(): void {
    const nums = this.nums!;
    this.nums = undefined;
    this.text = new TextStore();
    for (let i = 0; i < nums.length; i++) {
      const n = nums.get(i);
      this.text.push(n === n ? formatNumber(n) : null);
    }
  }

  /** The cell at row i (past the end reads as missing). */
  get(i: number): Cell {
    if (i >= this.length) return null;
    if (this.nums) {
      const n = this.nums.get(i);
      return n === n ? n : null;
    }
    return this.text!.get(i);
  }

  /** The cell at row i as text ('' for missing). */
  textAt(i: number): string {
    const v = this.get(i);
    return v === null ? '' : typeof v === 'number' ? formatNumber(v) : v;
  }

  /** All values in one array while the column is numeric (NaN = missing). */
  numbers(): Float64Array | undefined {
    return this.nums?.all();
  }

  /** How the column is stored: numbers, a dictionary, or UTF-8 text. */
  get layout(): ColumnLayout {
    return this.nums ? 'number' : this.text!.isDictionary ? 'dictionary' : 'text';
  }

  /** Dictionary view while the text column keeps one. */
  dictionary(): { codes: Uint32Array; values: (string | null)[] } | undefined {
    return this.text?.dictionary();
  }

  /** Pads the column with missing cells up to n rows. */
  padTo(n: number): void {
    while (this.length < n) {
      this.tally.add(CellKind.Null);
      if (this.nums) this.nums.push(NaN);
      else this.text!.push(null);
    }
  }

  /** Bytes held by the column's arrays. */
  get byteSize(): number {
    return this.nums ? this.nums.byteSize : this.text!.byteSize;
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

  /** Appends a parsed batch; the caller has added a column for each of the batch's columns. */
  appendBatch(batch: ColumnBatch): void {
    const cols = this.columns;
    const rows = this.rows + batch.rows;
    batch.columns.forEach((col, c) => cols[c].appendBatch(col));
    for (let c = batch.columns.length; c < cols.length; c++) cols[c].padTo(rows);
    this.rows = rows;
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
