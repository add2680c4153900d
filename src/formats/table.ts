// The host-side table: columnar and compact (typed arrays for numbers, a dictionary or one UTF-8 buffer
// for text), so a 100 MB CSV stays well under three times its size in memory. Also the `TableSource`
// abstraction the preview panel opens, independent of where the bytes come from.
import type { Cell, ColumnInfo, ColumnType } from '../protocol';
import { type BatchColumn, type ColumnBatch, type ColumnLayout, type TextBatchColumn, narrowCodes } from './columnBatch';
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

/** Cells per storage chunk filled cell by cell: arrays grow by whole chunks, never by copying everything (no 2× peaks). */
const CHUNK = 1 << 16;
/** Past this many distinct values, a text column stops keeping a dictionary if values are mostly unique. */
const DICTIONARY_LIMIT = 65_536;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Rows held in segments of any length: chunks filled cell by cell, and parsed batches adopted as they
 * arrive (no copy). Finds the segment of a row by binary search, remembering the last hit because reads
 * are mostly in order.
 */
class SegmentIndex {
  /** First row of each segment. */
  readonly starts: number[] = [];
  private last = 0;

  add(start: number): void {
    this.starts.push(start);
  }

  find(i: number): number {
    const s = this.starts;
    const k = this.last;
    if (k < s.length && s[k] <= i && (k + 1 === s.length || s[k + 1] > i)) return k;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    this.last = lo;
    return lo;
  }
}

/** Arrays a segment may be: what the cell-by-cell path fills, or what a parsed batch brought (narrowed). */
type SegmentArray = Float64Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

/** A typed array in segments: numbers (NaN = missing) or dictionary codes. */
class SegmentedArray<A extends Float64Array | Uint32Array> {
  length = 0;
  private readonly segments: SegmentArray[] = [];
  private readonly index = new SegmentIndex();
  /** The segment filled cell by cell, and how much of it is used. */
  private tail: A | undefined;
  private tailUsed = 0;
  private flat: A | undefined;

  constructor(private readonly make: (n: number) => A) {}

  push(n: number): void {
    if (!this.tail || this.tailUsed === this.tail.length) {
      this.tail = this.make(CHUNK);
      this.tailUsed = 0;
      this.index.add(this.length);
      this.segments.push(this.tail);
    }
    this.tail[this.tailUsed++] = n;
    this.length++;
    this.flat = undefined;
  }

  /** Takes `values` over as a segment of its own (the caller must not change it afterwards). */
  adopt(values: SegmentArray): void {
    if (values.length === 0) return;
    this.closeTail();
    this.index.add(this.length);
    this.segments.push(values);
    this.length += values.length;
    this.flat = undefined;
  }

  /** Ends the cell-by-cell segment, giving back its spare room. */
  private closeTail(): void {
    if (!this.tail) return;
    if (this.tailUsed < this.tail.length) this.segments[this.segments.length - 1] = this.tail.slice(0, this.tailUsed);
    this.tail = undefined;
  }

  get(i: number): number {
    const k = this.index.find(i);
    return this.segments[k][i - this.index.starts[k]];
  }

  /** All values in one array (built on demand for sorting and filtering, cached until the next append). */
  all(): A {
    if (this.flat?.length !== this.length) {
      const out = this.make(this.length);
      this.segments.forEach((seg, k) => {
        const start = this.index.starts[k];
        out.set(seg.subarray(0, Math.min(seg.length, this.length - start)), start);
      });
      this.flat = out;
    }
    return this.flat;
  }

  get byteSize(): number {
    return this.segments.reduce((sum, s) => sum + s.byteLength, 0);
  }
}

/** Reads cell `a`…`b` of a UTF-8 buffer; short ASCII cells skip the decoder. */
function decodeCell(bytes: Uint8Array, a: number, b: number): string {
  if (b - a <= 32) {
    let ascii = true;
    for (let k = a; k < b; k++) {
      if (bytes[k] >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, bytes.subarray(a, b) as unknown as number[]);
  }
  return decoder.decode(bytes.subarray(a, b));
}

/** Text cells as a parsed batch carries them (see TextBatchColumn). */
type TextColumnBytes = Pick<TextBatchColumn, 'bytes' | 'ends' | 'nulls' | 'ascii'>;

/** A segment of text cells. */
interface TextSegment {
  get(j: number): string | null;
  readonly byteSize: number;
}

/** UTF-8 text of up to CHUNK cells filled cell by cell: one byte buffer, offsets and a missing-value map. */
class TextChunk implements TextSegment {
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

  /** Drops the spare capacity when it is worth a copy. */
  trim(): void {
    if (this.bytes.length - this.used > this.bytes.length / 8) this.bytes = this.bytes.slice(0, this.used);
  }

  get(j: number): string | null {
    return this.nulls[j] ? null : decodeCell(this.bytes, this.offsets[j], this.offsets[j + 1]);
  }

  get byteSize(): number {
    return this.bytes.byteLength + this.offsets.byteLength + this.nulls.byteLength;
  }
}

/** How many ASCII batch segments keep their text decoded at a time (reads of a column go segment by segment). */
const DECODED_SEGMENTS = 8;
const decodedRing: BatchTextSegment[] = [];

/** A parsed batch's text column, kept as it arrived. */
class BatchTextSegment implements TextSegment {
  /** The whole segment as one string while it is among the recently read (ASCII segments only). */
  private text: string | undefined;

  constructor(private readonly col: TextColumnBytes) {}

  get(j: number): string | null {
    const { bytes, ends, nulls } = this.col;
    if (nulls?.[j]) return null;
    const a = j > 0 ? ends[j - 1] : 0;
    if (!this.col.ascii) return decodeCell(bytes, a, ends[j]);
    // One decode per segment, then a slice per cell: far cheaper than decoding cells one by one.
    this.text ??= this.decodeAll();
    return this.text.slice(a, ends[j]);
  }

  private decodeAll(): string {
    decodedRing.push(this);
    if (decodedRing.length > DECODED_SEGMENTS) decodedRing.shift()!.text = undefined;
    return decoder.decode(this.col.bytes);
  }

  get byteSize(): number {
    return this.col.bytes.byteLength + this.col.ends.byteLength + (this.col.nulls?.byteLength ?? 0);
  }
}

/** Text cells: a dictionary while values repeat, UTF-8 segments once they do not. */
class TextStore {
  length = 0;
  private codes: SegmentedArray<Uint32Array> | undefined = new SegmentedArray((n) => new Uint32Array(n));
  private dict: Map<string, number> | undefined = new Map();
  private values: (string | null)[] = [null];
  private segments: TextSegment[] = [];
  private readonly index = new SegmentIndex();
  /** The chunk filled cell by cell, and how many cells it holds. */
  private tail: TextChunk | undefined;
  private tailCells = 0;

  /** Appends a text cell; null is a missing value. */
  push(s: string | null): void {
    if (this.codes) {
      this.codes.push(s === null ? 0 : this.codeOf(s));
      this.length++;
      this.leaveDictionaryIfUnique();
      return;
    }
    this.pushText(s);
  }

  private codeOf(s: string): number {
    let code = this.dict!.get(s);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(s);
      this.dict!.set(s, code);
    }
    return code;
  }

  private leaveDictionaryIfUnique(): void {
    if (this.values.length > DICTIONARY_LIMIT && this.values.length * 4 > this.length) this.toText();
  }

  private pushText(s: string | null): void {
    if (!this.tail || this.tailCells === CHUNK) {
      const previous = this.tail;
      previous?.trim();
      this.tail = new TextChunk(previous ? Math.ceil(previous.used * 1.05) + 1024 : undefined);
      this.tailCells = 0;
      this.index.add(this.length);
      this.segments.push(this.tail);
    }
    this.tail.push(this.tailCells++, s);
    this.length++;
  }

  /** Appends cells given as codes into `values` (code 0 is null), merging them into this store's dictionary. */
  appendCodes(codes: ArrayLike<number>, values: readonly (string | null)[]): void {
    if (!this.codes) {
      for (let r = 0; r < codes.length; r++) this.pushText(values[codes[r]]);
      return;
    }
    const remap = new Uint32Array(values.length);
    for (let k = 1; k < values.length; k++) remap[k] = this.codeOf(values[k]!);
    const global = new Uint32Array(codes.length);
    for (let r = 0; r < codes.length; r++) global[r] = remap[codes[r]];
    this.codes.adopt(narrowCodes(global, this.values.length));
    this.length += codes.length;
    this.leaveDictionaryIfUnique();
  }

  /** Appends cells given as one UTF-8 buffer with end offsets (kept as they are); a dictionary store turns to text first. */
  appendText(col: TextColumnBytes): void {
    if (this.codes) this.toText();
    if (col.ends.length === 0) return;
    this.tail?.trim();
    this.tail = undefined;
    this.index.add(this.length);
    this.segments.push(new BatchTextSegment(col));
    this.length += col.ends.length;
  }

  private toText(): void {
    const codes = this.codes!;
    const values = this.values;
    const n = this.length;
    this.codes = undefined;
    this.dict = undefined;
    this.values = [];
    this.length = 0;
    for (let i = 0; i < n; i++) this.pushText(values[codes.get(i)]);
  }

  /** The cell at row i. */
  get(i: number): string | null {
    if (this.codes) return this.values[this.codes.get(i)];
    const k = this.index.find(i);
    return this.segments[k].get(i - this.index.starts[k]);
  }

  /** True while the store keeps a dictionary. */
  get isDictionary(): boolean {
    return this.codes !== undefined;
  }

  /** Dictionary view (codes per row, value per code; code 0 is null), or undefined once the store left dictionary mode. */
  dictionary(): { codes: Uint32Array; values: (string | null)[] } | undefined {
    return this.codes ? { codes: this.codes.all(), values: this.values } : undefined;
  }

  /** Bytes held. */
  get byteSize(): number {
    if (this.codes) return this.codes.byteSize;
    return this.segments.reduce((sum, c) => sum + c.byteSize, 0);
  }
}

/** Numbers; NaN is a missing value. */
class NumberStore extends SegmentedArray<Float64Array> {
  constructor() {
    super((n) => new Float64Array(n));
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
      if (this.nums) return this.nums.adopt(col.values);
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
