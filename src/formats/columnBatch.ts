// Rows of CSV text → one batch of typed columns, built column by column: numbers as a Float64Array,
// repeating text as dictionary codes, other text as one UTF-8 buffer with cell end offsets. A batch is
// plain data (typed arrays and strings), so a worker thread can build it and transfer it to the host.
import { CellKind, classify, parseNumberText, scanDecimal, scannedInteger } from './columnTypes';

/** A column of a batch holding only numbers (NaN = missing). */
export interface NumberBatchColumn {
  /** Discriminator. */
  kind: 'number';
  /** One value per row: 32-bit integers when every cell is one (half the memory), doubles otherwise. */
  values: Float64Array | Int32Array;
  /** Cell kinds counted (index = CellKind). */
  counts: number[];
}

/** A column of a batch whose text repeats: a code per row into `values` (code 0 is a missing value). */
export interface DictionaryBatchColumn {
  /** Discriminator. */
  kind: 'dictionary';
  /** One code per row, in the narrowest array that holds them. */
  codes: Uint8Array | Uint16Array | Uint32Array;
  /** Distinct values; `values[0]` is null. */
  values: (string | null)[];
  /** Cell kinds counted (index = CellKind). */
  counts: number[];
}

/** A column of a batch with mostly distinct text: every cell's UTF-8 bytes back to back. */
export interface TextBatchColumn {
  /** Discriminator. */
  kind: 'text';
  /** UTF-8 of all cells. */
  bytes: Uint8Array;
  /** Byte offset where each cell ends (a cell starts where the previous one ends). */
  ends: Uint32Array;
  /** 1 where the cell is missing; absent when no cell is. */
  nulls?: Uint8Array;
  /** True when every byte is ASCII (byte offsets are then character offsets too). */
  ascii: boolean;
  /** Cell kinds counted (index = CellKind). */
  counts: number[];
}

/** One column of a batch. */
export type BatchColumn = NumberBatchColumn | DictionaryBatchColumn | TextBatchColumn;

/** How a column was stored so far: the layout to try first for the next batch. */
export type ColumnLayout = BatchColumn['kind'];

/** Rows parsed from one stretch of a CSV, as columns. */
export interface ColumnBatch {
  /** Number of rows. */
  rows: number;
  /** The columns (as many as the widest row, at least the header's width). */
  columns: BatchColumn[];
  /** Rows whose field count differs from the header's. */
  ragged: number;
}

/** Text columns keep a dictionary while distinct values stay under this share of the rows… */
const DICTIONARY_SHARE = 0.25;
/** …or under this count, whichever is larger. */
const DICTIONARY_MIN = 1024;

/** Slots of the dictionary's lookup cache (a power of two). */
export const DICTIONARY_CACHE_SIZE = 256;

/** Distinct values a batch of `rows` rows may have and still be kept as a dictionary. */
export function dictionaryLimit(rows: number): number {
  return Math.max(DICTIONARY_MIN, rows * DICTIONARY_SHARE);
}

const encoder = new TextEncoder();

/**
 * Builds a batch from rows `start`… of `rows`. `width` is the header's field count; shorter rows read as
 * missing cells, longer rows widen the batch. `layouts` says how each column has been stored so far.
 */
export function rowsToBatch(
  rows: readonly (readonly string[])[],
  start: number,
  width: number,
  layouts: readonly ColumnLayout[] = [],
): ColumnBatch {
  const n = Math.max(0, rows.length - start);
  let ragged = 0;
  let widest = width;
  for (let r = start; r < rows.length; r++) {
    const len = rows[r].length;
    if (len !== width) {
      ragged++;
      if (len > widest) widest = len;
    }
  }
  const columns: BatchColumn[] = [];
  const cells: Cells = { rows, start, n, c: 0 };
  for (let c = 0; c < widest; c++) {
    cells.c = c;
    columns.push(cellsToColumn(cells, layouts[c]));
  }
  return { rows: n, columns, ragged };
}

/** Column `c` of rows [start, start + n): read in place, no copy of the cells. */
interface Cells {
  rows: readonly (readonly string[])[];
  start: number;
  n: number;
  c: number;
}

/**
 * One column's cells as the most compact batch column that keeps them. A column already stored as text
 * stays text (and keeps numbers as written); one stored as a dictionary tries a dictionary first.
 */
function cellsToColumn(cells: Cells, layout: ColumnLayout = 'number'): BatchColumn {
  if (layout === 'text') return textColumn(cells);
  if (layout === 'dictionary') return dictionaryColumn(cells) ?? textColumn(cells);
  return numbersColumn(cells) ?? dictionaryColumn(cells) ?? textColumn(cells);
}

/** The cells as numbers when every one is a number or missing, with the same rules as pandas' reader. */
function numbersColumn({ rows, start, n, c }: Cells): NumberBatchColumn | undefined {
  const values = new Float64Array(n);
  const counts = [0, 0, 0, 0, 0, 0];
  for (let r = 0; r < n; r++) {
    const s = rows[start + r][c] ?? '';
    const v = scanDecimal(s);
    if (v !== undefined) {
      counts[scannedInteger ? CellKind.Integer : CellKind.Float]++;
      values[r] = v;
      continue;
    }
    const kind = classify(s);
    if (kind === CellKind.Null) {
      values[r] = NaN;
    } else if (kind === CellKind.Integer || kind === CellKind.Float) {
      values[r] = parseNumberText(s);
    } else {
      return undefined;
    }
    counts[kind]++;
  }
  return { kind: 'number', values: narrowIntegers(values), counts };
}

/** The values as 32-bit integers when they all are (no missing value, no fraction), else as they are. */
export function narrowIntegers(values: Float64Array): Float64Array | Int32Array {
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    if ((v | 0) !== v || Object.is(v, -0)) return values;
  }
  return Int32Array.from(values);
}

/** Codes in the narrowest unsigned array that holds `count` distinct codes. */
export function narrowCodes(codes: ArrayLike<number>, count: number): Uint8Array | Uint16Array | Uint32Array {
  if (count <= 0x100) return Uint8Array.from(codes);
  if (count <= 0x10000) return Uint16Array.from(codes);
  return codes instanceof Uint32Array ? codes : Uint32Array.from(codes);
}

/** The cells as dictionary codes while few values repeat; each distinct value is classified once. */
function dictionaryColumn({ rows, start, n, c }: Cells): DictionaryBatchColumn | undefined {
  const limit = dictionaryLimit(n);
  const codes = new Uint32Array(n);
  const dict = new Map<string, number>();
  const values: (string | null)[] = [null];
  // A small cache in front of the map: comparing a short string with the cached one is cheaper than hashing it.
  const cachedText: string[] = new Array(DICTIONARY_CACHE_SIZE).fill('');
  const cachedCode = new Uint32Array(DICTIONARY_CACHE_SIZE);
  for (let r = 0; r < n; r++) {
    const s = rows[start + r][c] ?? '';
    const len = s.length;
    if (len === 0) continue;
    const slot = (len * 31 + s.charCodeAt(0) * 7 + s.charCodeAt(len - 1)) & (DICTIONARY_CACHE_SIZE - 1);
    if (cachedText[slot] === s) {
      codes[r] = cachedCode[slot];
      continue;
    }
    let code = dict.get(s);
    if (code === undefined) {
      if (values.length > limit) return undefined;
      code = values.length;
      dict.set(s, code);
      values.push(s);
    }
    cachedText[slot] = s;
    cachedCode[slot] = code;
    codes[r] = code;
  }
  const occurrences = new Uint32Array(values.length);
  for (let r = 0; r < n; r++) occurrences[codes[r]]++;
  const counts = [occurrences[0], 0, 0, 0, 0, 0];
  for (let k = 1; k < values.length; k++) counts[classify(values[k]!)] += occurrences[k];
  return { kind: 'dictionary', codes: narrowCodes(codes, values.length), values, counts };
}

/** The cells as one UTF-8 buffer. */
function textColumn({ rows, start, n, c }: Cells): TextBatchColumn {
  const cells: string[] = new Array(n);
  const tally = new TextTally(n);
  for (let r = 0; r < n; r++) tally.add((cells[r] = rows[start + r][c] ?? ''), r);
  return tally.column(cells, n);
}

/** Counts the cell kinds of a text column and notes its missing cells, cell by cell. */
export class TextTally {
  private readonly counts = [0, 0, 0, 0, 0, 0];
  private nulls: Uint8Array | undefined;
  private settled = false;

  constructor(private readonly capacity: number) {}

  add(s: string, row: number): void {
    if (s.length === 0) {
      (this.nulls ??= new Uint8Array(this.capacity))[row] = 1;
      this.counts[CellKind.Null]++;
    } else if (this.settled) {
      this.counts[CellKind.Text]++;
    } else {
      const kind = classify(s);
      this.counts[kind]++;
      // Once free text is seen the column's type is settled: classifying the rest would change nothing.
      this.settled = kind === CellKind.Text;
    }
  }

  /** The first `n` of `cells` (the ones added) as a text column: joined, then encoded once. */
  column(cells: readonly string[], n: number): TextBatchColumn {
    const joined = (cells.length === n ? cells : cells.slice(0, n)).join('');
    const bytes = encoder.encode(joined);
    const ends = new Uint32Array(n);
    let at = 0;
    const ascii = bytes.length === joined.length;
    if (ascii) {
      for (let r = 0; r < n; r++) ends[r] = at += cells[r].length;
    } else {
      for (let r = 0; r < n; r++) ends[r] = at += Buffer.byteLength(cells[r], 'utf8');
    }
    const nulls = this.nulls && this.nulls.length !== n ? this.nulls.slice(0, n) : this.nulls;
    return { kind: 'text', bytes, ends, ...(nulls ? { nulls } : {}), ascii, counts: this.counts };
  }
}

/** The buffers a batch can hand over to another thread without copying. */
export function transferables(batch: ColumnBatch): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const col of batch.columns) {
    if (col.kind === 'number') out.push(col.values.buffer as ArrayBuffer);
    else if (col.kind === 'dictionary') out.push(col.codes.buffer as ArrayBuffer);
    else
      out.push(
        col.bytes.buffer as ArrayBuffer,
        col.ends.buffer as ArrayBuffer,
        ...(col.nulls ? [col.nulls.buffer as ArrayBuffer] : []),
      );
  }
  return out;
}
