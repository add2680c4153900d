// The host-side table: columns of typed storage (columnStores.ts) that parsers fill cell by cell or a batch at
// a time, so a 100 MB CSV stays well under three times its size in memory. Also the `TableSource` abstraction
// the preview panel opens, independent of where the bytes come from.
import { cellText } from '../cellText';
import type { Cell, ColumnInfo, ColumnType, MissingMarker } from '../protocol';
import type { BatchColumn, ColumnBatch, ColumnLayout } from './columnBatch';
import { DictionaryEntries, NumberStore, TextStore } from './columnStores';
import type { CellBytes } from './textSegments';
import { CellKind, TypeTally, classify } from './columnTypes';

/** Object formats a source can declare; `auto` sniffs the bytes. */
export type FormatHint = 'auto' | 'csv' | 'json' | 'parquet';

/** What a byte source says of its bytes, apart from how to read them: all the table's worker thread is told. */
export interface ByteSourceFacts {
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
  /** Column the backend reads back as the row index (`pd.read_csv(..., index_col=N)`), whatever its header. */
  indexColumn?: number;
}

/** A table stored as bytes somewhere (S3, a file, memory). */
export interface ByteTableSource extends ByteSourceFacts {
  /** Discriminator. */
  kind: 'bytes';
  /**
   * True when the chunks `open` yields, and the bytes `readRange` gives, are fresh buffers nothing else keeps (an
   * HTTP body's): those that span their buffer are handed on to the parser's threads without a copy. Left out,
   * every chunk is copied first.
   */
  chunksAreOwned?: boolean;
  /** Streams the bytes; aborting `signal` stops the read. */
  open(signal: AbortSignal, onProgress?: (bytesRead: number, totalBytes?: number) => void): AsyncIterable<Uint8Array>;
  /**
   * Reads bytes [start, endInclusive]; lets Parquet read only the footer and the row groups. Rejects with an
   * error whose `code` is RANGES_NOT_SERVED (errors.ts) when the server sends the whole object instead and the bytes are too
   * far into it to reach that way.
   */
  readRange?(start: number, endInclusive: number, signal?: AbortSignal): Promise<Uint8Array>;
  /** JSON-able description the panel serializer can turn back into a source after a reload. */
  persist?: unknown;
}

/**
 * The facts of a byte source: every field but how its bytes are read (and the panel's own `persist`), so that a
 * field added to the source reaches the worker thread without being listed again here.
 */
export function byteSourceFacts(source: ByteTableSource): ByteSourceFacts {
  const {
    kind: _kind,
    open: _open,
    readRange: _readRange,
    chunksAreOwned: _owned,
    persist: _persist,
    ...facts
  } = source;
  return facts;
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

/** One part of a stacked table: the value of the part column for its rows, and how to reach its own table. */
export interface StackedPart {
  /** The part column's value for the part's rows (a map index). */
  partValue: number;
  /** The part's source (an S3 HEAD may come first); rejects when the part cannot be reached. */
  open(signal: AbortSignal): Promise<ByteTableSource | InlineTableSource>;
}

/**
 * Tables read one after another and stacked in the table's worker, with a column naming the part each row came
 * from (a mapped task's map indexes): no part is parsed or copied on the extension host.
 */
export interface StackedTableSource {
  /** Discriminator. */
  kind: 'stacked';
  /** Shown in the panel title. */
  title: string;
  /** The column naming each row's part, first in the table. */
  partColumn: string;
  /** The parts, in the order their rows come. */
  parts: readonly StackedPart[];
  /** Said before any part is read (parts left out already, say). */
  firstNotes?: readonly string[];
  /** Told of each part once its rows are in the table. */
  onPartStacked?(partValue: number): void;
  /** Told of what the panel says about the parts (one left out, schemas that differ) as it says it. */
  onNote?(message: string): void;
  /** JSON-able description the panel serializer can turn back into a source after a reload. */
  persist?: unknown;
}

/** Where a previewed table comes from. */
export type TableSource = ByteTableSource | InlineTableSource | StackedTableSource;

/** One column: numbers (NaN = missing) until a cell is not a number, text after that. */
export class Column {
  /** Type evidence. */
  readonly tally = new TypeTally();
  private nums: NumberStore | undefined = new NumberStore();
  private text: TextStore | undefined;
  private declaredType: ColumnType | undefined;
  private missingMarker: MissingMarker | undefined;

  /**
   * `id` is the grid's field id, `name` the header text, `index` marks a row-index column; `dictionaries` counts
   * the dictionary values of all the table's text columns.
   */
  constructor(
    readonly id: string,
    public name: string,
    public index = false,
    private readonly dictionaries = new DictionaryEntries(),
  ) {}

  /** Number of cells. */
  get length(): number {
    return this.nums ? this.nums.length : this.text!.length;
  }

  /** True while every cell is a number or missing. */
  get numeric(): boolean {
    return this.nums !== undefined;
  }

  /** The marker a missing cell shows, when the decoder set one. */
  get missing(): MissingMarker | undefined {
    return this.missingMarker;
  }

  /** The column's type: as declared by the decoder (pandas' dtype), else from the cells seen so far. */
  get type(): ColumnType {
    return this.declaredType ?? this.tally.type;
  }

  /** Fixes the type a decoder knows (pandas' dtype) and, optionally, the marker its missing cells show. */
  declare(type: ColumnType, missing?: MissingMarker): void {
    this.declaredType = type;
    this.missingMarker = missing;
  }

  /** Sets the marker missing cells show (pandas' spelling for how the decoder reads gaps). */
  markMissing(missing: MissingMarker): this {
    this.missingMarker = missing;
    return this;
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
      // A decoded value is missing only when it is null: '' and 'NaN' are the texts they say.
      if (kind === CellKind.Null) kind = CellKind.Text;
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
      const scale = col.scale ?? 1;
      if (this.nums) return this.nums.adopt(col.values, scale);
      for (const k of col.values) {
        const n = k / scale;
        this.text!.push(n === n ? formatNumber(n) : null);
      }
      return;
    }
    if (this.nums) this.toText();
    if (col.kind === 'dictionary') this.text!.appendCodes(col.codes, col.values);
    else if (col.kind === 'iso') this.text!.appendIso(col);
    else this.text!.appendText(col);
  }

  private toText(): void {
    const nums = this.nums!;
    this.nums = undefined;
    this.text = new TextStore(this.dictionaries);
    for (let i = 0; i < nums.length; i++) {
      const n = nums.get(i);
      this.text.push(n === n ? formatNumber(n) : null);
    }
  }

  /** Gives back spare room once no more cells come. */
  compact(): void {
    this.nums?.compact();
    this.text?.compact();
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

  /** The cell at row i as text for copies and exports: as the grid shows it ('0.0', 'True'), '' for missing as to_csv writes it. */
  textAt(i: number): string {
    const v = this.get(i);
    return v === null ? '' : cellText(v, this);
  }

  /** All values in one array while the column is numeric (NaN = missing). */
  numbers(): Float64Array | undefined {
    return this.nums?.all();
  }

  /**
   * The first n cells as epoch milliseconds (NaN = missing) while the column holds ISO dates as numbers (see
   * TextStore.isoEpochMs): in the order of their text; undefined otherwise.
   */
  isoEpochMs(n: number): Float64Array | undefined {
    return this.text?.isoEpochMs(n);
  }

  /** How the column is stored: numbers, a dictionary, or UTF-8 text. */
  get layout(): ColumnLayout {
    return this.nums ? 'number' : this.text!.isDictionary ? 'dictionary' : 'text';
  }

  /**
   * Reads cells' UTF-8 in place (see TextStore.cellBytes) while the column holds text that is neither numbers
   * nor a dictionary; undefined otherwise.
   */
  cellBytes(): ((i: number, at: CellBytes) => boolean) | undefined {
    const text = this.text;
    if (!text || text.isDictionary) return undefined;
    return (i, at) => text.cellBytes(i, at);
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
    return {
      id: this.id,
      name: this.name,
      type: this.type,
      ...(this.index ? { index: true } : {}),
      ...(this.missingMarker ? { missing: this.missingMarker } : {}),
    };
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
  /** The dictionary values its text columns hold between them. */
  private readonly dictionaries = new DictionaryEntries();

  /** Number of complete rows. */
  get rowCount(): number {
    return this.rows;
  }

  /** Adds a column; `index` marks a row-index column. */
  addColumn(name: string, index = false): Column {
    const col = new Column(`c${this.columns.length}`, name, index, this.dictionaries);
    col.padTo(this.rows);
    this.columns.push(col);
    return col;
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

  /** Gives back spare room once no more rows come (a row group read on demand, say). */
  compact(): void {
    for (const col of this.columns) col.compact();
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
