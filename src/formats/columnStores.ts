// Column storage: numbers and text in segments that grow without copying everything (no 2× peaks) and adopt
// parsed batches as they arrive. Numbers are typed arrays (NaN = missing); text is a dictionary while values
// repeat and UTF-8 buffers once they do not.
import { type TextBatchColumn, codeArrayOf, codeWidth } from './columnBatch';

/** Cells per storage chunk filled cell by cell: arrays grow by whole chunks, never by copying everything (no 2× peaks). */
const CHUNK = 1 << 16;
/** Past this many distinct values, a text column stops keeping a dictionary if values are mostly unique… */
const DICTIONARY_LIMIT = 65_536;
/** …and past this many, if most of its values so far are distinct (a table of thousands of such columns). */
const DICTIONARY_UNIQUE_LIMIT = 1024;
/**
 * Distinct values past which a dictionary that is mostly distinct becomes text once its cells are all in, or
 * while its table's dictionaries hold more than TABLE_DICTIONARY_ENTRIES values.
 */
const DICTIONARY_COMPACT_MIN = 64;
/**
 * Dictionary values a table's text columns hold between them before their mostly distinct ones turn to text
 * early (about 18 MB): a table of thousands of columns would otherwise hold DICTIONARY_UNIQUE_LIMIT values in
 * each before any of them does.
 */
const TABLE_DICTIONARY_ENTRIES = 262_144;

/** The dictionary values held by all the text columns of one table. */
export class DictionaryEntries {
  count = 0;
}
/**
 * What a dictionary value takes besides its text: its string's header, its entry in the lookup map and its slot
 * in the values (measured: 69 bytes a value of 13 characters).
 */
export const DICTIONARY_ENTRY_BYTES = 56;

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
type SegmentArray = Float64Array | Int32Array | Int16Array | Uint8Array | Uint16Array | Uint32Array;

/**
 * Lets go of the one store's values kept in one array (see SegmentedArray.all): a sort or filter reads one
 * column's at a time, and keeping each column's would hold another copy of the table's numbers and codes, widened.
 */
let dropHeldFlat: (() => void) | undefined;

/**
 * Cells a segment filled in place has room for at first, doubled as it fills, up to CHUNK: a table of thousands
 * of columns does not set aside CHUNK cells for each of them at its first row.
 */
const FIRST_ROOM = 1024;

/**
 * Batches of fewer rows are copied onto the store's open segment rather than kept as segments of their own: a
 * typed array costs a few hundred bytes besides its values, more than a short batch's values (a table of
 * thousands of columns parses in batches of a few rows each).
 */
const SMALL_BATCH_ROWS = 1024;

/** A typed array in segments: numbers (NaN = missing) or dictionary codes. */
class SegmentedArray<A extends Float64Array | Uint32Array> {
  length = 0;
  private readonly segments: SegmentArray[] = [];
  /** What each segment's values are divided by (1, or a power of ten for decimals held as integers). */
  private readonly scales: number[] = [];
  private readonly index = new SegmentIndex();
  /**
   * The last segment while it is still filled in place (cell by cell, or short batches copied on), and how much
   * of it is used; `openTakesCells`: it is one `make` made, so cells pushed one by one go in it.
   */
  private open: SegmentArray | undefined;
  private openUsed = 0;
  private openTakesCells = false;
  private flat: A | undefined;
  /** Lets go of the values kept in one array. */
  private readonly dropFlat = (): void => {
    this.flat = undefined;
  };
  /** Bytes of all segments, kept as they change (the load asks after every batch). */
  private bytes = 0;

  constructor(private readonly make: (n: number) => A) {}

  push(n: number): void {
    if (!this.openTakesCells) this.closeOpen();
    if (!this.open || this.openUsed === this.open.length) {
      this.roomFor(1, this.make, 1);
      this.openTakesCells = true;
    }
    this.open![this.openUsed++] = n;
    this.length++;
    this.flat = undefined;
  }

  /**
   * Takes `values` over as a segment of its own (the caller must not change it afterwards), or copies them onto
   * the open segment when they are few; each value is read divided by `scale`.
   */
  adopt(values: SegmentArray, scale = 1): void {
    if (values.length === 0) return;
    if (values.length < SMALL_BATCH_ROWS) {
      const make = (n: number) => new (values.constructor as new (n: number) => SegmentArray)(n);
      if (this.open?.constructor !== values.constructor || this.scales[this.scales.length - 1] !== scale)
        this.closeOpen();
      this.roomFor(values.length, make, scale);
      this.open!.set(values, this.openUsed);
      this.openUsed += values.length;
    } else {
      this.closeOpen();
      this.index.add(this.length);
      this.segments.push(values);
      this.scales.push(scale);
      this.bytes += values.byteLength;
    }
    this.length += values.length;
    this.flat = undefined;
  }

  /**
   * Makes the open segment (of `make`'s kind, read divided by `scale`) hold `n` more values: grown, or closed and
   * a new one opened once it would pass CHUNK.
   */
  private roomFor(n: number, make: (n: number) => SegmentArray, scale: number): void {
    const open = this.open;
    if (open && this.openUsed + n <= open.length) return;
    if (open && this.openUsed + n <= CHUNK) {
      const grown = make(Math.min(CHUNK, Math.max(open.length * 2, this.openUsed + n)));
      grown.set(open.subarray(0, this.openUsed));
      this.segments[this.segments.length - 1] = grown;
      this.bytes += grown.byteLength - open.byteLength;
      this.open = grown;
      return;
    }
    this.closeOpen();
    this.open = make(Math.max(FIRST_ROOM, n));
    this.openUsed = 0;
    this.index.add(this.length);
    this.segments.push(this.open);
    this.scales.push(scale);
    this.bytes += this.open.byteLength;
  }

  /** Gives back spare room once no more values come (a row group read on demand, say). */
  compact(): void {
    this.closeOpen();
  }

  /** Ends the open segment, giving back its spare room. */
  private closeOpen(): void {
    const open = this.open;
    if (!open) return;
    if (this.openUsed < open.length) {
      const used = open.slice(0, this.openUsed);
      this.segments[this.segments.length - 1] = used;
      this.bytes -= open.byteLength - used.byteLength;
    }
    this.open = undefined;
    this.openTakesCells = false;
  }

  get(i: number): number {
    const k = this.index.find(i);
    const v = this.segments[k][i - this.index.starts[k]];
    const scale = this.scales[k];
    return scale === 1 ? v : v / scale;
  }

  /**
   * All values in one array, built on demand for sorting and filtering and kept until the next append or until
   * another store's are asked for.
   */
  all(): A {
    if (this.flat?.length !== this.length) {
      if (dropHeldFlat !== this.dropFlat) dropHeldFlat?.();
      dropHeldFlat = this.dropFlat;
      const out = this.make(this.length);
      this.segments.forEach((seg, k) => {
        const start = this.index.starts[k];
        const n = Math.min(seg.length, this.length - start);
        const scale = this.scales[k];
        if (scale === 1) out.set(seg.subarray(0, n), start);
        else for (let j = 0; j < n; j++) out[start + j] = seg[j] / scale;
      });
      this.flat = out;
    }
    return this.flat;
  }

  get byteSize(): number {
    return this.bytes;
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

/** Where a text cell's UTF-8 sits, read in place (see TextStore.cellBytes). */
export class CellBytes {
  bytes: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
}

/** True when `length` bytes of `a` from `aStart` are those of `b` from `bStart`. */
export function sameBytes(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (a[aStart + k] !== b[bStart + k]) return false;
  return true;
}

/** A segment of text cells. */
interface TextSegment {
  get(j: number): string | null;
  /** Points `at` at cell j's UTF-8; false when the cell is missing. */
  locate(j: number, at: CellBytes): boolean;
  readonly byteSize: number;
}

/**
 * UTF-8 text of up to CHUNK cells filled in place (cell by cell, or short batches copied on): one byte buffer,
 * offsets and a missing-value map, each grown as cells come.
 */
class TextChunk implements TextSegment {
  bytes: Uint8Array;
  used = 0;
  offsets = new Uint32Array(FIRST_ROOM + 1);
  /** 1 where a cell is missing; made at the first missing cell. */
  nulls: Uint8Array | undefined;

  /** `capacity`: expected bytes, e.g. what the previous chunk needed (saves regrowing and trimming). */
  constructor(capacity = 1024) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Makes room for cells up to `cells` (at most CHUNK). */
  private roomForCells(cells: number): void {
    const has = this.offsets.length - 1;
    if (cells <= has) return;
    const room = Math.min(CHUNK, Math.max(has * 2, cells));
    const offsets = new Uint32Array(room + 1);
    offsets.set(this.offsets);
    this.offsets = offsets;
    if (this.nulls) {
      const nulls = new Uint8Array(room);
      nulls.set(this.nulls);
      this.nulls = nulls;
    }
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
    this.roomForCells(j + 1);
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

  /** Appends a batch's cells (as TextBatchColumn holds them) as cells j… of this chunk. */
  append(j: number, col: TextColumnBytes): void {
    const n = col.ends.length;
    this.roomForCells(j + n);
    const size = n > 0 ? col.ends[n - 1] : 0;
    this.roomForBytes(size);
    this.bytes.set(col.bytes.subarray(0, size), this.used);
    const { offsets, used } = this;
    for (let k = 0; k < n; k++) offsets[j + k + 1] = used + col.ends[k];
    if (col.nulls) this.missing().set(col.nulls.subarray(0, n), j);
    this.used += size;
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
const decodedRing: BatchTextSegment[] = [];

/** A parsed batch's text column, kept as it arrived. */
class BatchTextSegment implements TextSegment {
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

  private release(): void {
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
    decodedRing.push(this);
    if (decodedRing.length > DECODED_SEGMENTS) decodedRing.shift()!.release();
    return decoder.decode(this.col.bytes);
  }

  get byteSize(): number {
    return this.col.bytes.byteLength + this.col.ends.byteLength + (this.col.nulls?.byteLength ?? 0);
  }
}

/** Text cells: a dictionary while values repeat, UTF-8 segments once they do not. */
export class TextStore {
  length = 0;
  /** `entries`: the count of dictionary values this store shares with the other text columns of its table. */
  constructor(private readonly entries = new DictionaryEntries()) {}

  private codes: SegmentedArray<Uint32Array> | undefined = new SegmentedArray((n) => new Uint32Array(n));
  private dict: Map<string, number> | undefined = new Map();
  private values: (string | null)[] = [null];
  /**
   * The dictionary values' text, counted as one byte a character (what V8 takes for Latin-1 strings), and what
   * each value takes besides (DICTIONARY_ENTRY_BYTES).
   */
  private valueBytes = 0;
  private segments: TextSegment[] = [];
  /** Bytes of the segments other than the tail, which still grows. */
  private closedBytes = 0;
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
      this.valueBytes += s.length + DICTIONARY_ENTRY_BYTES;
      this.entries.count++;
      this.dict!.set(s, code);
    }
    return code;
  }

  private leaveDictionaryIfUnique(): void {
    const distinct = this.values.length;
    const mostlyDistinct = distinct * 2 > this.length;
    const tableHoldsMany = this.entries.count > TABLE_DICTIONARY_ENTRIES && distinct > DICTIONARY_COMPACT_MIN;
    if (
      (distinct > DICTIONARY_LIMIT && distinct * 4 > this.length) ||
      (mostlyDistinct && (distinct > DICTIONARY_UNIQUE_LIMIT || tableHoldsMany))
    )
      this.toText();
  }

  private pushText(s: string | null): void {
    this.tailWithRoom(1).push(this.tailCells++, s);
    this.length++;
  }

  /** The chunk filled in place, a new one when it cannot take `cells` more. */
  private tailWithRoom(cells: number): TextChunk {
    if (!this.tail || this.tailCells + cells > CHUNK) {
      const previous = this.tail;
      this.closeTail();
      this.tail = new TextChunk(previous ? Math.ceil(previous.used * 1.05) + 1024 : undefined);
      this.tailCells = 0;
      this.index.add(this.length);
      this.segments.push(this.tail);
    }
    return this.tail;
  }

  /** Appends cells given as codes into `values` (code 0 is null), merging them into this store's dictionary. */
  appendCodes(codes: Uint8Array | Uint16Array | Uint32Array, values: readonly (string | null)[]): void {
    if (!this.codes) {
      for (let r = 0; r < codes.length; r++) this.pushText(values[codes[r]]);
      return;
    }
    const remap = new Uint32Array(values.length);
    let same = true;
    for (let k = 1; k < values.length; k++) same = (remap[k] = this.codeOf(values[k]!)) === k && same;
    const count = this.values.length;
    if (same && codes.BYTES_PER_ELEMENT >= codeWidth(count)) {
      // The batch's codes are this store's already: kept as they are, like the other columns of a batch.
      this.codes.adopt(codes);
    } else {
      const global = codeArrayOf(count, codes.length);
      for (let r = 0; r < codes.length; r++) global[r] = remap[codes[r]];
      this.codes.adopt(global);
    }
    this.length += codes.length;
    this.leaveDictionaryIfUnique();
  }

  /**
   * Gives back spare room once no more cells come (a row group read on demand, say): a dictionary whose values
   * are mostly distinct becomes text then, which holds them in a fraction of the memory.
   */
  compact(): void {
    const distinct = this.values.length;
    if (this.codes && distinct > DICTIONARY_COMPACT_MIN && distinct * 2 > this.length) this.toText();
    this.codes?.compact();
    this.tail?.close(this.tailCells);
    this.closeTail();
  }

  /** Ends the chunk filled cell by cell, giving back its spare room. */
  private closeTail(): void {
    if (!this.tail) return;
    this.tail.trim(this.tailCells);
    this.closedBytes += this.tail.byteSize;
    this.tail = undefined;
  }

  /**
   * Appends cells given as one UTF-8 buffer with end offsets: kept as they are, or copied onto the chunk filled in
   * place when they are few (see SMALL_BATCH_ROWS). A dictionary store turns to text first.
   */
  appendText(col: TextColumnBytes): void {
    if (this.codes) this.toText();
    const n = col.ends.length;
    if (n === 0) return;
    if (n < SMALL_BATCH_ROWS) {
      this.tailWithRoom(n).append(this.tailCells, col);
      this.tailCells += n;
      this.length += n;
      return;
    }
    this.closeTail();
    this.index.add(this.length);
    const segment = new BatchTextSegment(col);
    this.segments.push(segment);
    this.closedBytes += segment.byteSize;
    this.length += col.ends.length;
  }

  private toText(): void {
    const codes = this.codes!;
    const values = this.values;
    const n = this.length;
    this.entries.count -= values.length - 1;
    this.codes = undefined;
    this.dict = undefined;
    this.values = [];
    this.valueBytes = 0;
    this.length = 0;
    for (let i = 0; i < n; i++) this.pushText(values[codes.get(i)]);
  }

  /** The cell at row i. */
  get(i: number): string | null {
    if (this.codes) return this.values[this.codes.get(i)];
    const k = this.index.find(i);
    return this.segments[k].get(i - this.index.starts[k]);
  }

  /**
   * Points `at` at the UTF-8 of the cell at row i, read in place with no string made; false when the cell is
   * missing. Only once the store has left dictionary mode.
   */
  cellBytes(i: number, at: CellBytes): boolean {
    const k = this.index.find(i);
    return this.segments[k].locate(i - this.index.starts[k], at);
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
    if (this.codes) return this.codes.byteSize + this.valueBytes;
    return this.closedBytes + (this.tail?.byteSize ?? 0);
  }
}

/** Numbers; NaN is a missing value. */
export class NumberStore extends SegmentedArray<Float64Array> {
  constructor() {
    super((n) => new Float64Array(n));
  }
}
