// Segments of a text column: a chunk filled in place (cell by cell, or short batches copied on), a parsed
// batch's text kept as it arrived, and a batch of ISO dates held as numbers; each reads a cell as a string or
// points at its UTF-8 (in place, or written out for the reader).
import type { IsoBatchColumn, TextBatchColumn } from './columnBatch';
import { type IsoShape, isoLength, isoText, writeIso } from './isoDatetimes';
import { FIRST_ROOM } from './segmentedArray';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** ASCII written out by the segment itself: one byte a character. */
const latin1 = new TextDecoder('latin1');

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
export type TextColumnBytes = Pick<TextBatchColumn, 'bytes' | 'ends' | 'nulls' | 'ascii'>;

/** Where a text cell's UTF-8 sits, read in place (see TextStore.cellBytes). */
export class CellBytes {
  bytes: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  /** Where a cell held as a number (an ISO date) is written out for this reader: valid until its next read. */
  written: Uint8Array | undefined;
}

/** ISO cells as a parsed batch carries them (see IsoBatchColumn). */
export type IsoColumnValues = Pick<IsoBatchColumn, 'values' | 'shape' | 'nulls'>;

/** True when `length` bytes of `a` from `aStart` are those of `b` from `bStart`. */
export function sameBytes(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (a[aStart + k] !== b[bStart + k]) return false;
  return true;
}

/** A segment of text cells. */
export interface TextSegment {
  get(j: number): string | null;
  /** Points `at` at cell j's UTF-8; false when the cell is missing. */
  locate(j: number, at: CellBytes): boolean;
  readonly byteSize: number;
}

/**
 * UTF-8 text of a set number of cells filled in place (cell by cell, or short batches copied on): one byte buffer,
 * offsets and a missing-value map; the bytes grow as cells come.
 */
export class TextChunk implements TextSegment {
  bytes: Uint8Array;
  used = 0;
  offsets: Uint32Array;
  /** 1 where a cell is missing; made at the first missing cell. */
  nulls: Uint8Array | undefined;

  /**
   * `cells`: the cells it has room for (it takes no more); `capacity`: the bytes they are expected to take, e.g.
   * at the previous chunk's bytes a cell (saves regrowing and trimming).
   */
  constructor(
    readonly cells = FIRST_ROOM,
    capacity = 1024,
  ) {
    this.bytes = new Uint8Array(capacity);
    this.offsets = new Uint32Array(cells + 1);
  }

  /** The missing-value map, made when the first cell is missing. */
  private missing(): Uint8Array {
    return (this.nulls ??= new Uint8Array(this.offsets.length - 1));
  }

  /** Makes room for `n` more bytes. */
  private roomForBytes(n: number): void {
    if (this.used + n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.used + n));
    next.set(this.bytes.subarray(0, this.used));
    this.bytes = next;
  }

  /** Appends cell j of this chunk. */
  push(j: number, s: string | null): void {
    if (s === null) {
      this.missing()[j] = 1;
    } else {
      const n = s.length;
      this.roomForBytes(n * 3);
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

  /** Appends cells `from`…`to` of a batch (as TextBatchColumn holds them) as cells j… of this chunk. */
  append(j: number, col: TextColumnBytes, from: number, to: number): void {
    const { ends } = col;
    const start = from > 0 ? ends[from - 1] : 0;
    const size = (to > 0 ? ends[to - 1] : 0) - start;
    this.roomForBytes(size);
    this.bytes.set(col.bytes.subarray(start, start + size), this.used);
    const { offsets } = this;
    const shift = this.used - start;
    for (let k = from; k < to; k++) offsets[j + k - from + 1] = ends[k] + shift;
    if (col.nulls) this.missing().set(col.nulls.subarray(from, to), j);
    this.used += size;
  }

  /** Appends ISO cells `from`…`to` of a batch, written out as the text they were read from, as cells j… of this chunk. */
  appendIso(j: number, col: IsoColumnValues, from: number, to: number): void {
    const { values, shape, nulls } = col;
    const length = isoLength(shape);
    this.roomForBytes((to - from) * length);
    const { bytes, offsets } = this;
    for (let k = from; k < to; k++) {
      if (nulls?.[k]) this.missing()[j + k - from] = 1;
      else {
        writeIso(values[k], shape, bytes, this.used);
        this.used += length;
      }
      offsets[j + k - from + 1] = this.used;
    }
  }

  /** Gives back all spare room: the chunk holds `cells` cells and takes no more. */
  close(cells: number): void {
    this.bytes = this.bytes.slice(0, this.used);
    this.offsets = this.offsets.slice(0, cells + 1);
    this.nulls = this.nulls?.slice(0, cells);
  }

  /** Drops the spare capacity when it is worth a copy; the chunk holds `cells` cells and takes no more. */
  trim(cells: number): void {
    if (this.bytes.length - this.used > this.bytes.length / 8) this.bytes = this.bytes.slice(0, this.used);
    if (cells + 1 < this.offsets.length) {
      this.offsets = this.offsets.slice(0, cells + 1);
      this.nulls = this.nulls?.slice(0, cells);
    }
  }

  get(j: number): string | null {
    return this.nulls?.[j] ? null : decodeCell(this.bytes, this.offsets[j], this.offsets[j + 1]);
  }

  locate(j: number, at: CellBytes): boolean {
    if (this.nulls?.[j]) return false;
    at.bytes = this.bytes;
    at.start = this.offsets[j];
    at.end = this.offsets[j + 1];
    return true;
  }

  get byteSize(): number {
    return this.bytes.byteLength + this.offsets.byteLength + (this.nulls?.byteLength ?? 0);
  }
}

/** How many ASCII batch segments keep their text decoded at a time (reads of a column go segment by segment). */
const DECODED_SEGMENTS = 8;
/** Reads of one segment after which it is decoded whole. */
const WHOLE_SEGMENT_READS = 64;
/** A segment that keeps its text as one string while it is read often. */
interface DecodedWhole {
  /** Lets the string go. */
  release(): void;
}
const decodedRing: DecodedWhole[] = [];

/** Notes that `segment` now holds its text whole, letting go of the oldest such segment past DECODED_SEGMENTS. */
function keepDecoded(segment: DecodedWhole): void {
  decodedRing.push(segment);
  if (decodedRing.length > DECODED_SEGMENTS) decodedRing.shift()!.release();
}

/** A parsed batch's text column, kept as it arrived. */
export class BatchTextSegment implements TextSegment, DecodedWhole {
  /** The whole segment as one string while it is among the recently read (ASCII segments only). */
  private text: string | undefined;
  /** Cells read since the segment's text was last let go. */
  private reads = 0;

  constructor(private readonly col: TextColumnBytes) {}

  get(j: number): string | null {
    const { bytes, ends, nulls } = this.col;
    if (nulls?.[j]) return null;
    const a = j > 0 ? ends[j - 1] : 0;
    // A few reads here and there (the rows of a sorted window) decode their cells alone; reads that go on in
    // the segment (a scan) decode it once and then slice: far cheaper than decoding cells one by one.
    if (!this.col.ascii || (this.text === undefined && ++this.reads < WHOLE_SEGMENT_READS))
      return decodeCell(bytes, a, ends[j]);
    this.text ??= this.decodeAll();
    return this.text.slice(a, ends[j]);
  }

  release(): void {
    this.text = undefined;
    this.reads = 0;
  }

  locate(j: number, at: CellBytes): boolean {
    const { bytes, ends, nulls } = this.col;
    if (nulls?.[j]) return false;
    at.bytes = bytes;
    at.start = j > 0 ? ends[j - 1] : 0;
    at.end = ends[j];
    return true;
  }

  private decodeAll(): string {
    keepDecoded(this);
    return decoder.decode(this.col.bytes);
  }

  get byteSize(): number {
    return this.col.bytes.byteLength + this.col.ends.byteLength + (this.col.nulls?.byteLength ?? 0);
  }
}

/** A parsed batch's ISO dates or date-times held as their numbers, each written out as its text when read. */
export class IsoSegment implements TextSegment, DecodedWhole {
  /** Every cell's text, each isoLength(shape) characters, while the segment is among the recently read. */
  private text: string | undefined;
  /** Cells read since the segment's text was last let go. */
  private reads = 0;

  constructor(private readonly col: IsoColumnValues) {}

  /** The shape its cells are written in. */
  get shape(): IsoShape {
    return this.col.shape;
  }

  /** Cells. */
  get length(): number {
    return this.col.values.length;
  }

  /** The number cell j is held as (days or seconds), NaN when it is missing: in the order of their text. */
  value(j: number): number {
    return this.col.nulls?.[j] ? NaN : this.col.values[j];
  }

  get(j: number): string | null {
    const { values, shape, nulls } = this.col;
    if (nulls?.[j]) return null;
    // As for batch text: reads that go on in the segment (a scan, a search) write it out once and then slice.
    if (this.text === undefined && ++this.reads < WHOLE_SEGMENT_READS) return isoText(values[j], shape);
    this.text ??= this.writeAll();
    const length = isoLength(shape);
    return this.text.slice(j * length, (j + 1) * length);
  }

  release(): void {
    this.text = undefined;
    this.reads = 0;
  }

  /** Every cell's text at a fixed width (a missing cell's place left blank, never read). */
  private writeAll(): string {
    keepDecoded(this);
    const { values, shape, nulls } = this.col;
    const length = isoLength(shape);
    const out = new Uint8Array(values.length * length);
    for (let j = 0; j < values.length; j++) if (!nulls?.[j]) writeIso(values[j], shape, out, j * length);
    return latin1.decode(out);
  }

  locate(j: number, at: CellBytes): boolean {
    const { values, shape, nulls } = this.col;
    if (nulls?.[j]) return false;
    const out = (at.written ??= new Uint8Array(19));
    writeIso(values[j], shape, out, 0);
    at.bytes = out;
    at.start = 0;
    at.end = isoLength(shape);
    return true;
  }

  get byteSize(): number {
    return this.col.values.byteLength + (this.col.nulls?.byteLength ?? 0);
  }
}
