// Parsed CSV cells → the typed columns of a batch (columnBatch.ts), with the same rules as pandas' reader:
// numbers while every cell is one, a dictionary while values repeat, UTF-8 text otherwise. Each builder takes
// a column's cells as they come and says when one does not fit its layout. Two paths use them: rows held
// whole (`rowsToBatch`: each column tries numbers, then a dictionary, then text), and a batch parsed a piece
// at a time (csvBatchParser.ts), which builds every column in the layout it had so far and gives up on the
// first cell that does not fit.
import type { BatchColumn, ColumnBatch, ColumnLayout } from './columnBatch';
import { type IsoShape, isoLength, isoShapeOf, isoValue, isoValueOfString, writeIso } from './isoDatetimes';
import {
  CellKind,
  classify,
  isPlainIsoDatetimeBytes,
  parseNumberText,
  scanDecimal,
  scanDecimalBytes,
  scannedFractionDigits,
  scannedInteger,
} from './columnTypes';
import { QUOTE, type RowBytes, type Rows, cellStart } from './rowBytes';
import { giveBackScratch, scratchArray, takeScratch } from './scratchBuffers';

/** Text columns keep a dictionary while distinct values stay under this share of the rows… */
const DICTIONARY_SHARE = 0.25;
/** …or under this count, whichever is larger. */
const DICTIONARY_MIN = 1024;
/** Most slots of the dictionary's lookup cache (a power of two)… */
const CACHE_SIZE = 256;
/**
 * …and the fewest, for a batch of a few rows. A wide table's batch holds a few rows of thousands of columns, each
 * with a builder of its own: there a cache of 256 slots costs more to make than it saves, and their garbage (two
 * arrays a column, a batch) keeps the collector busy.
 */
const CACHE_MIN_SIZE = 8;

/** Slots of the lookup cache of a dictionary of `capacity` rows: about one for every eight, within the bounds above. */
function cacheSlots(capacity: number): number {
  let slots = CACHE_MIN_SIZE;
  while (slots < CACHE_SIZE && slots * 8 < capacity) slots *= 2;
  return slots;
}

const encoder = new TextEncoder();
/**
 * Text cells held before they are encoded: few enough that the text they were cut from is let go soon, enough
 * that each call into the encoder does a good stretch of work.
 */
const ENCODE_CELLS = 2048;

/**
 * One column being built. Each layout has its own loop over the cells (not a call per cell through this base
 * class, which ten million cells of three layouts would make megamorphic and never inlined).
 */
export abstract class ColumnBuilder {
  /**
   * Adds column `c` of rows `from`… as rows `at`…; false when a cell does not fit the layout. `source`: the bytes
   * the rows were parsed from (then `from` is 0), for a builder that can take cells' bytes as they are.
   */
  abstract addColumn(rows: Rows, c: number, at: number, from?: number, source?: RowBytes): boolean;
  /**
   * The first `rows` cells added, as a batch column whose arrays are exactly that long and its own (copied out of
   * the builder's scratch buffers, which it gives back).
   */
  abstract finish(rows: number): BatchColumn;
  /** Gives the builder's scratch buffers back without a column (the batch is parsed another way). */
  abstract release(): void;
}

/**
 * Numbers (NaN = missing): 32-bit integers while every cell is one (half the memory), doubles from the first
 * that is not, written in a scratch buffer and copied out at the end in the narrowest array that holds them.
 */
class NumberBuilder extends ColumnBuilder {
  private values: Int32Array | Float64Array | undefined;
  private integers = true;
  /** Most digits after the point so far, or -1 once a cell is not a plain decimal (an exponent, NaN). */
  private fractionDigits = 0;
  private readonly counts = [0, 0, 0, 0, 0, 0];

  constructor(private readonly capacity: number) {
    super();
  }

  addColumn(rows: Rows, c: number, at: number, from = 0, source?: RowBytes): boolean {
    const { counts } = this;
    let values = (this.values ??= scratchArray(Int32Array, this.capacity));
    let fractionDigits = this.fractionDigits;
    const width = source?.width ?? 0;
    for (let r = from, row = at; r < rows.length; r++, row++) {
      // A plain decimal is read from the bytes it was parsed from, when there are any: its string is not touched.
      let v: number | undefined;
      if (source) {
        const i = r * width + c;
        v = scanDecimalBytes(source.bytes, cellStart(source, r, c, i), source.cellEnds[i]);
      }
      const s = v === undefined ? (rows[r][c] ?? '') : '';
      if (v === undefined && !source) v = scanDecimal(s);
      if (v !== undefined) {
        counts[scannedInteger ? CellKind.Integer : CellKind.Float]++;
        if (scannedFractionDigits > fractionDigits && fractionDigits >= 0) fractionDigits = scannedFractionDigits;
      } else {
        fractionDigits = -1;
        const kind = classify(s);
        if (kind === CellKind.Null) v = NaN;
        else if (kind === CellKind.Integer || kind === CellKind.Float) v = parseNumberText(s);
        else return false;
        counts[kind]++;
      }
      if (this.integers && ((v | 0) !== v || (v === 0 && 1 / v < 0))) values = this.toDoubles();
      values[row] = v;
    }
    this.fractionDigits = fractionDigits;
    return true;
  }

  /** From here on the column holds doubles (the integers so far are kept). */
  private toDoubles(): Float64Array {
    const doubles = scratchArray(Float64Array, this.capacity);
    if (this.values) {
      doubles.set(this.values);
      giveBackScratch(this.values.buffer as ArrayBuffer);
    }
    this.values = doubles;
    this.integers = false;
    return doubles;
  }

  finish(rows: number): BatchColumn {
    const held = this.values?.subarray(0, rows) ?? new Int32Array(rows);
    let column: BatchColumn;
    if (held instanceof Int32Array) {
      column = { kind: 'number', values: asShortIntegers(held), counts: this.counts };
    } else {
      const scaled = asScaledDecimals(held, this.fractionDigits);
      column = scaled
        ? { kind: 'number', values: scaled.values, scale: scaled.scale, counts: this.counts }
        : { kind: 'number', values: held.slice(), counts: this.counts };
    }
    this.release();
    return column;
  }

  release(): void {
    if (this.values) giveBackScratch(this.values.buffer as ArrayBuffer);
    this.values = undefined;
  }
}

/** A copy of the integers, in 16 bits when they all fit (quantities, codes, years). */
function asShortIntegers(values: Int32Array): Int32Array | Int16Array {
  for (let r = 0; r < values.length; r++) if (values[r] !== (values[r] << 16) >> 16) return values.slice();
  return Int16Array.from(values);
}

/** Most digits after the point a column is held scaled with (10^9 · 2.1 stays within 32 bits). */
const MAX_SCALED_DIGITS = 9;

/**
 * Decimals with at most `digits` after the point as 32-bit integers and the power of ten to divide them by,
 * when each one comes back as exactly the same double; undefined otherwise (a missing value, -0, too large).
 */
function asScaledDecimals(values: Float64Array, digits: number): { values: Int32Array; scale: number } | undefined {
  if (digits < 1 || digits > MAX_SCALED_DIGITS) return undefined;
  const scale = 10 ** digits;
  const out = new Int32Array(values.length);
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    const k = Math.round(v * scale);
    if (k > 0x7fffffff || k < -0x7fffffff || k / scale !== v || (v === 0 && 1 / v < 0)) return undefined;
    out[r] = k;
  }
  return { values: out, scale };
}

/**
 * Repeating text as codes into the distinct values (code 0 = missing); each value is classified once. Codes
 * are written in the narrowest array that holds them, widened when a code outgrows it.
 */
class DictionaryBuilder extends ColumnBuilder {
  private codes: Uint8Array | Uint16Array | Uint32Array;
  private codeLimit = 0x100;
  private readonly dict = new Map<string, number>();
  private readonly values: (string | null)[] = [null];
  private readonly limit: number;
  // A small cache in front of the map: comparing a short string with the cached one is cheaper than hashing it.
  private readonly cachedText: string[];
  private readonly cachedCode: Uint32Array;

  constructor(capacity: number) {
    super();
    this.codes = scratchArray(Uint8Array, capacity);
    this.limit = Math.max(DICTIONARY_MIN, capacity * DICTIONARY_SHARE);
    const slots = cacheSlots(capacity);
    this.cachedText = new Array<string>(slots).fill('');
    this.cachedCode = new Uint32Array(slots);
  }

  addColumn(rows: Rows, c: number, at: number, from = 0): boolean {
    const { cachedText, cachedCode, dict, values } = this;
    const mask = cachedText.length - 1;
    let codes = this.codes;
    for (let r = from, row = at; r < rows.length; r++, row++) {
      const s = rows[r][c] ?? '';
      const len = s.length;
      if (len === 0) continue;
      const slot = (len * 31 + s.charCodeAt(0) * 7 + s.charCodeAt(len - 1)) & mask;
      if (cachedText[slot] === s) {
        codes[row] = cachedCode[slot];
        continue;
      }
      let code = dict.get(s);
      if (code === undefined) {
        if (values.length > this.limit) return false;
        code = values.length;
        if (code === this.codeLimit) codes = this.widen();
        dict.set(s, code);
        values.push(s);
      }
      cachedText[slot] = s;
      cachedCode[slot] = code;
      codes[row] = code;
    }
    return true;
  }

  private widen(): Uint16Array | Uint32Array {
    const length = this.codes.length;
    const wider = this.codeLimit === 0x100 ? scratchArray(Uint16Array, length) : scratchArray(Uint32Array, length);
    wider.set(this.codes);
    giveBackScratch(this.codes.buffer as ArrayBuffer);
    this.codes = wider;
    this.codeLimit = this.codeLimit === 0x100 ? 0x10000 : Infinity;
    return wider;
  }

  finish(rows: number): BatchColumn {
    const codes = this.codes.subarray(0, rows);
    const { values } = this;
    const occurrences = new Uint32Array(values.length);
    for (let r = 0; r < rows; r++) occurrences[codes[r]]++;
    const counts = [occurrences[0], 0, 0, 0, 0, 0];
    for (let k = 1; k < values.length; k++) counts[classify(values[k]!)] += occurrences[k];
    const column: BatchColumn = { kind: 'dictionary', codes: codes.slice(), values, counts };
    this.release();
    return column;
  }

  release(): void {
    giveBackScratch(this.codes.buffer as ArrayBuffer);
    this.codes = new Uint8Array(0);
  }
}

/**
 * Text as one UTF-8 buffer. Cells are held a few thousand at a time, then joined and encoded onto the buffer at
 * once: a cell papaparse cut out of the text keeps all of that text alive while it is held, so holding a batch's
 * cells to its end would keep the whole batch's text alive with them. A column whose cells are all plain ISO dates
 * or date-times of one shape is held as their numbers instead (IsoBatchColumn), its bytes written only if a cell
 * of another kind comes.
 */
class TextBuilder extends ColumnBuilder {
  private bytes: Uint8Array;
  private written = 0;
  private ends: Uint32Array;
  private readonly pending: string[] = [];
  private added = 0;
  private ascii = true;
  private readonly counts = [0, 0, 0, 0, 0, 0];
  private nulls: Uint8Array | undefined;
  private settled = false;
  /** From the first present cell while every one has its ISO shape: that shape, and each cell's value. */
  private iso: { shape: IsoShape; values: Float64Array } | undefined;
  /** False once a cell decided the column is not ISO dates. */
  private isoPossible = true;

  constructor(private readonly capacity: number) {
    super();
    this.ends = scratchArray(Uint32Array, capacity);
    this.bytes = new Uint8Array(takeScratch(Math.max(1024, capacity * 8)));
  }

  addColumn(rows: Rows, c: number, at: number, from = 0, source?: RowBytes): boolean {
    if (source) {
      this.encodePending();
      this.copyCells(rows, c, source);
      return true;
    }
    const { pending, counts } = this;
    let settled = this.settled;
    for (let r = from, row = at; r < rows.length; r++, row++) {
      const s = rows[r][c] ?? '';
      if (this.isoPossible && this.addIsoString(s, row)) continue;
      pending.push(s);
      if (s.length === 0) {
        (this.nulls ??= new Uint8Array(this.capacity))[row] = 1;
        counts[CellKind.Null]++;
      } else if (settled) {
        counts[CellKind.Text]++;
      } else {
        const kind = classify(s);
        counts[kind]++;
        // Once free text is seen the column's type is settled: classifying the rest would change nothing.
        settled = kind === CellKind.Text;
      }
    }
    this.settled = settled;
    if (pending.length >= ENCODE_CELLS) this.encodePending();
    return true;
  }

  /** Holds cell `row` (text `s`) as an ISO value when the column still can be; false once it cannot. */
  private addIsoString(s: string, row: number): boolean {
    if (s.length === 0) return this.addIsoMissing(row);
    const iso = this.iso ?? this.startIso(s.length, s.charCodeAt(10));
    const v = iso ? isoValueOfString(s, iso.shape) : NaN;
    return v === v ? this.addIsoValue(v, row) : this.leaveIso(row);
  }

  /** A missing cell while the column may be ISO dates (they may all be missing so far). */
  private addIsoMissing(row: number): boolean {
    (this.nulls ??= new Uint8Array(this.capacity))[row] = 1;
    this.counts[CellKind.Null]++;
    this.added = row + 1;
    return true;
  }

  /** Starts holding ISO values in the shape of the first present cell (its length, its 11th character), if any. */
  private startIso(length: number, separator: number): TextBuilder['iso'] {
    const shape = isoShapeOf(length, separator);
    if (shape !== 0) this.iso = { shape, values: scratchArray(Float64Array, this.capacity) };
    return this.iso;
  }

  private addIsoValue(v: number, row: number): boolean {
    this.iso!.values[row] = v;
    this.counts[CellKind.Datetime]++;
    this.added = row + 1;
    return true;
  }

  /**
   * Stops holding ISO values before cell `row`: the cells before it are written as the text they were read from.
   * Returns false (the cell is then added as text).
   */
  private leaveIso(row: number): boolean {
    const { iso, nulls } = this;
    this.isoPossible = false;
    this.iso = undefined;
    // Cells before `row` are values of the shape, or missing (all of them, when no shape was seen).
    const length = iso ? isoLength(iso.shape) : 0;
    if (this.written + row * length > this.bytes.length) this.grow(this.written + row * length);
    const { bytes, ends } = this;
    let written = this.written;
    for (let r = 0; r < row; r++) {
      if (iso && !nulls?.[r]) {
        writeIso(iso.values[r], iso.shape, bytes, written);
        written += length;
      }
      ends[r] = written;
    }
    this.written = written;
    if (iso) giveBackScratch(iso.values.buffer as ArrayBuffer);
    return false;
  }

  /**
   * Appends column `c` of `rows` from the bytes they were parsed from, notes where each cell
   * ends, and counts their kinds: a cell is classified from its bytes (a plain date) or, until the column is
   * settled as free text, from its string.
   */
  private copyCells(rows: Rows, c: number, source: RowBytes): void {
    const { bytes: from, cellEnds, width } = source;
    const { ends, counts } = this;
    let to = this.bytes;
    let written = this.written;
    let row = this.added;
    let settled = this.settled;
    let r = 0;
    if (this.isoPossible) {
      // ISO values while the cells are: no bytes are copied.
      for (; r < rows.length; r++, row++) {
        const i = r * width + c;
        const at = cellStart(source, r, c, i);
        if (from[at] === QUOTE) {
          // A quoted cell, read from its string (addIsoString stops the ISO values when it is not one).
          if (this.addIsoString(rows[r][c], row)) continue;
          break;
        }
        const len = cellEnds[i] - at;
        if (len === 0) {
          this.addIsoMissing(row);
          continue;
        }
        const iso = this.iso ?? this.startIso(len, from[at + 10]);
        const v = iso && len === isoLength(iso.shape) ? isoValue(from, at, iso.shape) : NaN;
        if (v !== v) break;
        this.addIsoValue(v, row);
      }
      if (r === rows.length) return;
      if (this.isoPossible) this.leaveIso(row);
      to = this.bytes;
      written = this.written;
    }
    for (; r < rows.length; r++) {
      const i = r * width + c;
      const at = cellStart(source, r, c, i);
      // A quoted cell's text is its string (ASCII, as every character of the piece is), not its bytes.
      const quoted = from[at] === QUOTE ? rows[r][c] : undefined;
      const len = quoted === undefined ? cellEnds[i] - at : quoted.length;
      if (written + len > to.length) {
        this.written = written;
        this.grow(written + len);
        to = this.bytes;
      }
      if (quoted !== undefined) for (let k = 0; k < len; k++) to[written + k] = quoted.charCodeAt(k);
      else if (len > 32) to.set(from.subarray(at, at + len), written);
      else for (let k = 0; k < len; k++) to[written + k] = from[at + k];
      // A cell of a row beyond ASCII is beyond it itself when it has more bytes than characters.
      if (source.nonAsciiRows?.[r] && len !== rows[r][c].length) this.ascii = false;
      written += len;
      if (len === 0) {
        (this.nulls ??= new Uint8Array(this.capacity))[row] = 1;
        counts[CellKind.Null]++;
      } else if (settled) {
        counts[CellKind.Text]++;
      } else {
        // A plain date is checked for in the bytes (quicker than in a cut-out string).
        const kind = isPlainIsoDatetimeBytes(from, at, len) ? CellKind.Datetime : classify(rows[r][c]);
        counts[kind]++;
        settled = kind === CellKind.Text;
      }
      ends[row++] = written;
    }
    this.settled = settled;
    this.written = written;
    this.added = row;
  }

  /** Grows the buffer to hold at least `size` bytes. */
  private grow(size: number): void {
    const grown = new Uint8Array(takeScratch(Math.max(this.bytes.length * 2, size)));
    grown.set(this.bytes.subarray(0, this.written));
    giveBackScratch(this.bytes.buffer as ArrayBuffer);
    this.bytes = grown;
  }

  /** Appends the held cells' UTF-8 to the buffer (grown as needed) and notes where each ends. */
  private encodePending(): void {
    const cells = this.pending;
    if (cells.length === 0) return;
    const joined = cells.join('');
    const start = this.written;
    let read = 0;
    for (;;) {
      const result = encoder.encodeInto(read === 0 ? joined : joined.slice(read), this.bytes.subarray(this.written));
      read += result.read;
      this.written += result.written;
      if (read === joined.length) break;
      // At most 3 bytes for each UTF-16 unit still to encode.
      this.grow(this.written + (joined.length - read) * 3);
    }
    const { ends } = this;
    let row = this.added;
    let at = start;
    if (this.written - start === joined.length) {
      for (const cell of cells) ends[row++] = at += cell.length;
    } else {
      this.ascii = false;
      for (const cell of cells) ends[row++] = at += Buffer.byteLength(cell, 'utf8');
    }
    this.added = row;
    cells.length = 0;
  }

  finish(rows: number): BatchColumn {
    const nulls = this.nulls && this.nulls.length !== rows ? this.nulls.slice(0, rows) : this.nulls;
    let column: BatchColumn;
    if (this.iso) {
      const { shape, values } = this.iso;
      const held = asInt32IfExact(values, rows) ?? values.slice(0, rows);
      column = { kind: 'iso', values: held, shape, ...(nulls ? { nulls } : {}), counts: this.counts };
    } else {
      // Every cell missing while the column could still be dates: no bytes were written, and none are needed.
      if (this.isoPossible) this.leaveIso(rows);
      this.encodePending();
      const bytes = this.bytes.slice(0, this.written);
      const cellEnds = this.ends.subarray(0, rows);
      const ends = bytes.length <= 0xffff ? Uint16Array.from(cellEnds) : cellEnds.slice();
      column = { kind: 'text', bytes, ends, ...(nulls ? { nulls } : {}), ascii: this.ascii, counts: this.counts };
    }
    this.release();
    return column;
  }

  release(): void {
    if (this.iso) giveBackScratch(this.iso.values.buffer as ArrayBuffer);
    giveBackScratch(this.bytes.buffer as ArrayBuffer);
    giveBackScratch(this.ends.buffer as ArrayBuffer);
    this.iso = undefined;
    this.bytes = new Uint8Array(0);
    this.ends = new Uint32Array(0);
  }
}

/** The first `rows` values as 32-bit integers when every one is (days and seconds of 1901–2038), else undefined. */
function asInt32IfExact(values: Float64Array, rows: number): Int32Array | undefined {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const v = values[r];
    if ((v | 0) !== v) return undefined;
    out[r] = v;
  }
  return out;
}

/** A builder of `layout` for at most `capacity` rows. */
function builderOf(layout: ColumnLayout, capacity: number): ColumnBuilder {
  if (layout === 'text') return new TextBuilder(capacity);
  if (layout === 'dictionary') return new DictionaryBuilder(capacity);
  return new NumberBuilder(capacity);
}

/**
 * Builders for a batch of at most `capacity` rows, one per column in the layout it had so far (numbers first
 * for a column not seen yet).
 */
export function columnBuilders(layouts: readonly ColumnLayout[], width: number, capacity: number): ColumnBuilder[] {
  return Array.from({ length: width }, (_, c) => builderOf(layouts[c] ?? 'number', capacity));
}

/** Layouts tried in turn for a column stored so far as `layout`: a column never goes back to a narrower one. */
const FALLBACKS: Record<ColumnLayout, ColumnLayout[]> = {
  number: ['number', 'dictionary', 'text'],
  dictionary: ['dictionary', 'text'],
  text: ['text'],
};

/**
 * Builds a batch from rows `start`… of `rows`. `width` is the header's field count; shorter rows read as
 * missing cells, longer rows widen the batch. `layouts` says how each column has been stored so far; a column
 * stored as text stays text (and keeps numbers as written).
 */
export function rowsToBatch(
  rows: Rows,
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
  for (let c = 0; c < widest; c++) {
    for (const layout of FALLBACKS[layouts[c] ?? 'number']) {
      const builder = builderOf(layout, n);
      if (builder.addColumn(rows, c, 0, start)) {
        columns.push(builder.finish(n));
        break;
      }
      builder.release();
    }
  }
  return { rows: n, columns, ragged };
}
