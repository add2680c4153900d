// One batch of typed columns, as parsed CSV rows become (columnBuilders.ts builds them): numbers as a typed
// array, repeating text as dictionary codes, plain ISO dates and date-times as numbers, other text as one UTF-8
// buffer with cell end offsets. A batch is plain data (typed arrays and strings), so a worker thread can build it
// and transfer it to the host.
import type { IsoShape } from './isoDatetimes';

/** A column of a batch holding only numbers (NaN = missing). */
export interface NumberBatchColumn {
  /** Discriminator. */
  kind: 'number';
  /**
   * One value per row: integers in 16 or 32 bits when every cell is one (a quarter or half the memory), doubles
   * otherwise.
   */
  values: Float64Array | Int32Array | Int16Array;
  /**
   * When set, each value is an integer to divide by this power of ten: decimals written with a few digits after
   * the point ("5265.93") held as 32-bit integers, half the memory of doubles, and read back as the very same
   * doubles (an integer divided by an exact power of ten is correctly rounded, as parsing the text is).
   */
  scale?: number;
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
  /**
   * Byte offset where each cell ends (a cell starts where the previous one ends): 16-bit when the column's
   * bytes fit in 64 KB, as a batch's usually do.
   */
  ends: Uint16Array | Uint32Array;
  /** 1 where the cell is missing; absent when no cell is. */
  nulls?: Uint8Array;
  /** True when every byte is ASCII (byte offsets are then character offsets too). */
  ascii: boolean;
  /** Cell kinds counted (index = CellKind). */
  counts: number[];
}

/**
 * A column of a batch whose cells are all text of one plain ISO shape (`2024-01-31`, `2024-01-31 10:00:00`) or
 * missing: each held as the number it writes back from (isoDatetimes.ts), in a quarter of its UTF-8.
 */
export interface IsoBatchColumn {
  /** Discriminator. */
  kind: 'iso';
  /** Days (dates) or seconds (date-times) since 1970-01-01; 32-bit when they all fit. Missing cells hold 0. */
  values: Int32Array | Float64Array;
  /** The shape the cells are written back in. */
  shape: IsoShape;
  /** 1 where the cell is missing; absent when no cell is. */
  nulls?: Uint8Array;
  /** Cell kinds counted (index = CellKind). */
  counts: number[];
}

/** One column of a batch. */
export type BatchColumn = NumberBatchColumn | DictionaryBatchColumn | TextBatchColumn | IsoBatchColumn;

/** How a column was stored so far: the layout to try first for the next batch (ISO cells are text). */
export type ColumnLayout = 'number' | 'dictionary' | 'text';

/** Rows parsed from one stretch of a CSV, as columns. */
export interface ColumnBatch {
  /** Number of rows. */
  rows: number;
  /** The columns (as many as the widest row, at least the header's width). */
  columns: BatchColumn[];
  /** Rows whose field count differs from the header's. */
  ragged: number;
}

/** Bytes per code of the narrowest unsigned array that holds `count` distinct codes. */
export function codeWidth(count: number): 1 | 2 | 4 {
  return count <= 0x100 ? 1 : count <= 0x10000 ? 2 : 4;
}

/** An array for `length` codes, of the narrowest unsigned type that holds `count` distinct codes. */
export function codeArrayOf(count: number, length: number): Uint8Array | Uint16Array | Uint32Array {
  const width = codeWidth(count);
  return width === 1 ? new Uint8Array(length) : width === 2 ? new Uint16Array(length) : new Uint32Array(length);
}

/** A typed array a batch column holds. */
type BatchArray = Float64Array | Int32Array | Int16Array | Uint8Array | Uint16Array | Uint32Array;

/** Replaces each typed array of `col` with what `visit` returns for it (the array itself to only visit it). */
function mapArrays(col: BatchColumn, visit: <A extends BatchArray>(a: A) => A): void {
  if (col.kind === 'number') col.values = visit(col.values);
  else if (col.kind === 'dictionary') col.codes = visit(col.codes);
  else {
    if (col.kind === 'iso') col.values = visit(col.values);
    else {
      col.bytes = visit(col.bytes);
      col.ends = visit(col.ends);
    }
    if (col.nulls) col.nulls = visit(col.nulls);
  }
}

/**
 * Copies every typed array of `batch` into one buffer and points the columns at views of it; returns the buffer.
 * A batch of a few rows of a wide table is thousands of small arrays: as one buffer it is one allocation and one
 * transfer between threads instead of thousands. Only for a batch the table copies (it keeps no view of it).
 */
export function packBatch(batch: ColumnBatch): ArrayBuffer {
  let size = 0;
  for (const col of batch.columns)
    mapArrays(col, (a) => {
      size = Math.ceil(size / 8) * 8 + a.byteLength;
      return a;
    });
  const packed = new ArrayBuffer(size);
  let at = 0;
  for (const col of batch.columns)
    mapArrays(col, (a) => {
      at = Math.ceil(at / 8) * 8;
      const view = new (a.constructor as new (b: ArrayBuffer, o: number, n: number) => typeof a)(packed, at, a.length);
      view.set(a as never);
      at += a.byteLength;
      return view;
    });
  return packed;
}

/** The buffers a batch can hand over to another thread without copying. */
export function transferables(batch: ColumnBatch): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const col of batch.columns)
    mapArrays(col, (a) => {
      out.push(a.buffer as ArrayBuffer);
      return a;
    });
  return out;
}
