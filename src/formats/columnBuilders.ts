// Typed columns built cell by cell as papaparse hands over each row (its `step` callback), so no batch of
// row arrays is ever held: every row dies young and the parse leaves almost nothing for the GC to copy. Each
// column is built in the layout it had so far (columnBatch.ts); a cell that does not fit it says so, and the
// caller parses that batch the row-by-row way instead, which picks the layout from all of its cells.
import {
  type BatchColumn,
  type ColumnLayout,
  DICTIONARY_CACHE_SIZE,
  dictionaryLimit,
  narrowCodes,
  narrowIntegers,
  TextTally,
} from './columnBatch';
import { CellKind, classify, parseNumberText, scanDecimal, scannedInteger } from './columnTypes';

/** The first `rows` of `values`, in a buffer of their own size (what is handed over is what is kept). */
function exact<A extends Float64Array | Uint32Array>(values: A, rows: number): A {
  return (values.length === rows ? values : values.slice(0, rows)) as A;
}

/** One column being built; `add` returns false when a cell does not fit the layout. */
abstract class ColumnBuilder {
  abstract add(s: string, row: number): boolean;
  abstract finish(rows: number): BatchColumn;

  /** Adds column `c` of `rows` as rows `at`…; false when a cell does not fit. */
  addColumn(rows: readonly (readonly string[])[], c: number, at: number): boolean {
    for (let r = 0; r < rows.length; r++) if (!this.add(rows[r][c], at + r)) return false;
    return true;
  }
}

/** Numbers (NaN = missing), as `numbersColumn` reads them. */
class NumberBuilder extends ColumnBuilder {
  private readonly values: Float64Array;
  private readonly counts = [0, 0, 0, 0, 0, 0];

  constructor(capacity: number) {
    super();
    this.values = new Float64Array(capacity);
  }

  add(s: string, row: number): boolean {
    const v = scanDecimal(s);
    if (v !== undefined) {
      this.counts[scannedInteger ? CellKind.Integer : CellKind.Float]++;
      this.values[row] = v;
      return true;
    }
    const kind = classify(s);
    if (kind === CellKind.Null) this.values[row] = NaN;
    else if (kind === CellKind.Integer || kind === CellKind.Float) this.values[row] = parseNumberText(s);
    else return false;
    this.counts[kind]++;
    return true;
  }

  finish(rows: number): BatchColumn {
    return { kind: 'number', values: narrowIntegers(exact(this.values, rows)), counts: this.counts };
  }
}

/** Repeating text as codes into distinct values, as `dictionaryColumn` builds them. */
class DictionaryBuilder extends ColumnBuilder {
  private readonly codes: Uint32Array;
  private readonly dict = new Map<string, number>();
  private readonly values: (string | null)[] = [null];
  private readonly cachedText: string[] = new Array(DICTIONARY_CACHE_SIZE).fill('');
  private readonly cachedCode = new Uint32Array(DICTIONARY_CACHE_SIZE);

  constructor(
    capacity: number,
    private readonly limit: number,
  ) {
    super();
    this.codes = new Uint32Array(capacity);
  }

  add(s: string, row: number): boolean {
    const len = s.length;
    if (len === 0) return true;
    const slot = (len * 31 + s.charCodeAt(0) * 7 + s.charCodeAt(len - 1)) & (DICTIONARY_CACHE_SIZE - 1);
    if (this.cachedText[slot] === s) {
      this.codes[row] = this.cachedCode[slot];
      return true;
    }
    let code = this.dict.get(s);
    if (code === undefined) {
      if (this.values.length > this.limit) return false;
      code = this.values.length;
      this.dict.set(s, code);
      this.values.push(s);
    }
    this.cachedText[slot] = s;
    this.cachedCode[slot] = code;
    this.codes[row] = code;
    return true;
  }

  finish(rows: number): BatchColumn {
    const codes = exact(this.codes, rows);
    const { values } = this;
    const occurrences = new Uint32Array(values.length);
    for (let r = 0; r < rows; r++) occurrences[codes[r]]++;
    const counts = [occurrences[0], 0, 0, 0, 0, 0];
    for (let k = 1; k < values.length; k++) counts[classify(values[k]!)] += occurrences[k];
    return { kind: 'dictionary', codes: narrowCodes(codes, values.length), values, counts };
  }
}

/** Text as `textColumn` keeps it: the cells are held until the batch ends, then joined and encoded once. */
class TextBuilder extends ColumnBuilder {
  private readonly cells: string[];
  private readonly tally: TextTally;

  constructor(capacity: number) {
    super();
    this.cells = new Array<string>(capacity);
    this.tally = new TextTally(capacity);
  }

  add(s: string, row: number): boolean {
    this.cells[row] = s;
    this.tally.add(s, row);
    return true;
  }

  finish(rows: number): BatchColumn {
    return this.tally.column(this.cells, rows);
  }
}

/**
 * Builders for a batch of at most `capacity` rows, one per column in the layout it had so far (numbers first
 * for a column not seen yet).
 */
export function columnBuilders(layouts: readonly ColumnLayout[], width: number, capacity: number): ColumnBuilder[] {
  const limit = dictionaryLimit(capacity);
  return Array.from({ length: width }, (_, c) => {
    const layout = layouts[c] ?? 'number';
    if (layout === 'text') return new TextBuilder(capacity);
    if (layout === 'dictionary') return new DictionaryBuilder(capacity, limit);
    return new NumberBuilder(capacity);
  });
}

export type { ColumnBuilder };
