// Column storage: numbers (NaN = missing) as typed arrays in segments (segmentedArray.ts); text as a dictionary
// while values repeat and UTF-8 segments (textSegments.ts) once they do not.
import { codeArrayOf, codeWidth } from './columnBatch';
import { SegmentIndex, SegmentedArray, isSmallBatch, nextRoom } from './segmentedArray';
import { IsoShape, isoLength, isoValue } from './isoDatetimes';
import {
  BatchTextSegment,
  CellBytes,
  type IsoColumnValues,
  IsoSegment,
  type TextColumnBytes,
  TextChunk,
  type TextSegment,
} from './textSegments';

/** Past this many distinct values, a text column stops keeping a dictionary if values are mostly unique… */
const DICTIONARY_LIMIT = 65_536;
/** …and past this many, if most of its values so far are distinct (a table of thousands of such columns). */
const DICTIONARY_UNIQUE_LIMIT = 1024;
/**
 * Distinct values past which a dictionary that is mostly distinct becomes text once its cells are all in, or
 * once its table's dictionaries have held more than TABLE_DICTIONARY_ENTRIES values between them.
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
  /**
   * Set once the count passed TABLE_DICTIONARY_ENTRIES, and kept (the count falls as dictionaries turn to text):
   * a table that has had that many has too many columns of mostly distinct text to keep a dictionary for each
   * up to DICTIONARY_UNIQUE_LIMIT values. Left to the count, its columns would take turns turning to text as it
   * rose past the cap again, each dictionary filled to that limit first (2,000 columns: two million values made and
   * dropped, the table worker's heap past 140 MB).
   */
  crowded = false;
}
/**
 * What a dictionary value takes besides its text: its string's header, its entry in the lookup map and its slot
 * in the values (measured: 69 bytes a value of 13 characters).
 */
export const DICTIONARY_ENTRY_BYTES = 56;

/** Text cells: a dictionary while values repeat, UTF-8 segments once they do not. */
export class TextStore {
  length = 0;
  /** `entries`: the count of dictionary values this store shares with the other text columns of its table. */
  constructor(private readonly entries = new DictionaryEntries()) {}

  private codes: SegmentedArray<Uint32Array> | undefined = new SegmentedArray(Uint32Array);
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
  /** UTF-8 bytes a cell of the last chunk closed took (what the next one sets aside), once one was. */
  private bytesPerCell: number | undefined;

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
    if (this.entries.count > TABLE_DICTIONARY_ENTRIES) this.entries.crowded = true;
    const least = this.entries.crowded ? DICTIONARY_COMPACT_MIN : DICTIONARY_UNIQUE_LIMIT;
    if ((distinct > DICTIONARY_LIMIT && distinct * 4 > this.length) || this.mostlyDistinctPast(least)) this.toText();
  }

  /** True when the dictionary holds more than `least` values and most of its cells are distinct. */
  private mostlyDistinctPast(least: number): boolean {
    const distinct = this.values.length;
    return distinct > least && distinct * 2 > this.length;
  }

  private pushText(s: string | null): void {
    this.tailWithRoom().push(this.tailCells++, s);
    this.length++;
  }

  /** The chunk filled in place, with room for at least one more cell: a new one (nextRoom) once it is full. */
  private tailWithRoom(): TextChunk {
    if (this.tail && this.tailCells < this.tail.cells) return this.tail;
    this.closeTail();
    const cells = nextRoom(this.length);
    // As many bytes a cell as the last chunk took, and a little more: the bytes are then seldom grown by a copy.
    const bytes = this.bytesPerCell === undefined ? undefined : Math.ceil(this.bytesPerCell * cells * 1.05) + 1024;
    this.tail = new TextChunk(cells, bytes);
    this.tailCells = 0;
    this.index.add(this.length);
    this.segments.push(this.tail);
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
    if (this.codes && this.mostlyDistinctPast(DICTIONARY_COMPACT_MIN)) this.toText();
    this.codes?.compact();
    this.tail?.close(this.tailCells);
    this.closeTail();
  }

  /** Ends the chunk filled cell by cell, giving back its spare room. */
  private closeTail(): void {
    if (!this.tail) return;
    if (this.tailCells > 0) this.bytesPerCell = this.tail.used / this.tailCells;
    this.tail.trim(this.tailCells);
    this.closedBytes += this.tail.byteSize;
    this.tail = undefined;
  }

  /**
   * Appends cells given as one UTF-8 buffer with end offsets: kept as they are, or copied onto the chunk filled in
   * place when they are few (see isSmallBatch). A dictionary store turns to text first.
   */
  appendText(col: TextColumnBytes): void {
    this.appendBatch(
      col.ends.length,
      (chunk, j, from, to) => chunk.append(j, col, from, to),
      () => new BatchTextSegment(col),
    );
  }

  /** Appends ISO cells held as numbers: kept as they are, or written out onto the chunk when they are few. */
  appendIso(col: IsoColumnValues): void {
    this.appendBatch(
      col.values.length,
      (chunk, j, from, to) => chunk.appendIso(j, col, from, to),
      () => new IsoSegment(col),
    );
  }

  /**
   * Appends a batch's n cells: when they are few, `copyOnto` the chunk filled in place (cells `from`…`to` of the
   * batch as cells j… of the chunk; those that do not fit onto the next one), else as `segment`.
   */
  private appendBatch(
    n: number,
    copyOnto: (chunk: TextChunk, j: number, from: number, to: number) => void,
    segment: () => TextSegment,
  ): void {
    if (this.codes) this.toText();
    if (n === 0) return;
    if (isSmallBatch(n)) {
      for (let from = 0; from < n;) {
        const chunk = this.tailWithRoom();
        const to = Math.min(n, from + chunk.cells - this.tailCells);
        copyOnto(chunk, this.tailCells, from, to);
        this.tailCells += to - from;
        this.length += to - from;
        from = to;
      }
      return;
    }
    this.closeTail();
    this.index.add(this.length);
    const kept = segment();
    this.segments.push(kept);
    this.closedBytes += kept.byteSize;
    this.length += n;
  }

  /**
   * The first n cells as epoch milliseconds (NaN = missing, UTC as datetimeEpochMs reads a date without a zone)
   * when the store holds ISO values and every other cell is missing or the text of one of the same shape (a
   * short batch written out): they sort as the text sorts, and a date filter or a histogram reads them without
   * writing any text out. Undefined otherwise.
   */
  isoEpochMs(n: number): Float64Array | undefined {
    if (this.codes) return undefined;
    const held = this.segments.find((s): s is IsoSegment => s instanceof IsoSegment);
    if (!held) return undefined;
    const { shape } = held;
    const length = isoLength(shape);
    const unit = shape === IsoShape.Date ? 86_400_000 : 1000;
    const keys = new Float64Array(n);
    const at = new CellBytes();
    for (let k = 0, i = 0; k < this.segments.length && i < n; k++) {
      const segment = this.segments[k];
      const cells = Math.min(n, k + 1 < this.segments.length ? this.index.starts[k + 1] : this.length) - i;
      if (segment instanceof IsoSegment) {
        if (segment.shape !== shape) return undefined;
        for (let j = 0; j < cells; j++) keys[i++] = segment.value(j) * unit;
        continue;
      }
      for (let j = 0; j < cells; j++) {
        if (!segment.locate(j, at)) {
          keys[i++] = NaN;
          continue;
        }
        const v = at.end - at.start === length ? isoValue(at.bytes, at.start, shape) : NaN;
        if (v !== v) return undefined;
        keys[i++] = v * unit;
      }
    }
    return keys;
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
    super(Float64Array);
  }
}
