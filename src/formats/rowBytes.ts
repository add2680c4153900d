// Where each cell of a piece of CSV rows sits in the bytes it was parsed from, so that a column can read a cell's
// bytes (a number, a date, text to copy) instead of the string papaparse cut out of the piece.

/** The quote character (papaparse's default; the same byte in UTF-8 and Windows-1252). */
export const QUOTE = 0x22;

/** Rows as papaparse gives them, read column by column in place. */
export type Rows = readonly (readonly string[])[];

/**
 * The bytes a piece of rows was parsed from, when its rows are all there, each its cells joined by a one-byte
 * delimiter: a cell's bytes are then where its text was, and a text column copies them instead of encoding the
 * cells again. A cell of ASCII is as many bytes as characters; a row with a character beyond it is measured
 * cell by cell (its UTF-8). A quoted cell's bytes are its text in quotes, each quote in it written twice: they
 * start with a quote (papaparse opens a quote only at a cell's start), and a column reads such a cell's text from
 * its string (quoted cells are read this way only in a piece all ASCII).
 */
export interface RowBytes {
  /** The piece's bytes. */
  bytes: Uint8Array;
  /** Where each row starts in `bytes`, and (last) where the row after the last would. */
  starts: Int32Array;
  /** Where each cell ends in `bytes` (row by row, `width` a row): a cell starts one byte past the one before. */
  cellEnds: Int32Array;
  /** Cells a row. */
  width: number;
  /** 1 for each row with a character beyond ASCII; absent when the piece is all ASCII. */
  nonAsciiRows?: Uint8Array;
}

/** Where cell `i` (row `r`, column `c`: i = r × width + c) starts in the bytes. */
export function cellStart(source: RowBytes, r: number, c: number, i: number): number {
  return c === 0 ? source.starts[r] : source.cellEnds[i - 1] + 1;
}

/** Bytes `cell` takes in the CSV: its length, or, quoted, that with its quotes and each quote in it twice. */
function cellBytes(cell: string, quoted: boolean): number {
  if (!quoted) return cell.length;
  let n = cell.length + 2;
  for (let q = cell.indexOf('"'); q >= 0; q = cell.indexOf('"', q + 1)) n++;
  return n;
}

/** UTF-8 bytes of `s`: one a character below 0x80, two below 0x800, four a surrogate pair, three otherwise. */
function utf8Length(s: string): number {
  let n = s.length;
  for (let k = 0; k < s.length; k++) {
    const u = s.charCodeAt(k);
    if (u >= 0x80) n += u < 0x800 || (u >= 0xd800 && u < 0xe000) ? 1 : 2;
  }
  return n;
}

/**
 * True when the row starting at byte `at` has more bytes than characters (one beyond ASCII): a row as many bytes as
 * characters ends where they do, at its newline, and no byte of a character beyond ASCII is a newline's. A row of a
 * quote-free piece only; one misjudged falls short of the piece's bytes, which rowBytesOf checks.
 */
function longerThanItsCharacters(bytes: Uint8Array, row: readonly string[], at: number, newlineStart: number): boolean {
  let end = at + row.length - 1;
  for (const cell of row) end += cell.length;
  return end < bytes.length && bytes[end] !== newlineStart;
}

/** The arrays of the last RowBytes made (rowBytesOf), reused by the next. */
let rowStarts = new Int32Array(0);
let rowCellEnds = new Int32Array(0);
let rowsNonAscii = new Uint8Array(0);

/**
 * RowBytes of the piece `bytes` that papaparse cut into `rows` (every row, the header's width) at `newline`, or
 * undefined when a row has another width or the cells do not account for every byte (spaces papaparse skips after
 * a closing quote). `ascii`: every character of the piece is ASCII; a piece that is not must have no quote. Its
 * arrays are reused by the next call: read it before then.
 */
export function rowBytesOf(
  bytes: Uint8Array,
  rows: Rows,
  width: number,
  newline: string,
  ascii: boolean,
): RowBytes | undefined {
  if (rowStarts.length < rows.length + 1) rowStarts = new Int32Array(Math.ceil((rows.length + 1) * 1.25));
  if (rowCellEnds.length < rows.length * width) rowCellEnds = new Int32Array(Math.ceil(rows.length * width * 1.25));
  if (!ascii && rowsNonAscii.length < rows.length) rowsNonAscii = new Uint8Array(Math.ceil(rows.length * 1.25));
  const starts = rowStarts;
  const cellEnds = rowCellEnds;
  const nonAscii = ascii ? undefined : rowsNonAscii;
  const newlineBytes = newline.length;
  const newlineStart = newline.charCodeAt(0);
  let at = 0;
  for (let r = 0, i = 0; ; r++) {
    starts[r] = at;
    if (r === rows.length) break;
    const row = rows[r];
    if (row.length !== width) return undefined;
    const beyond = nonAscii !== undefined && longerThanItsCharacters(bytes, row, at, newlineStart);
    if (nonAscii) nonAscii[r] = beyond ? 1 : 0;
    for (let c = 0; c < width; c++, i++) {
      at += beyond ? utf8Length(row[c]) : cellBytes(row[c], bytes[at] === QUOTE);
      cellEnds[i] = at;
      at++;
    }
    at += newlineBytes - 1;
  }
  // The rows must account for every byte (the last one may lack its newline).
  if (at !== bytes.length && at - newlineBytes !== bytes.length) return undefined;
  return nonAscii ? { bytes, starts, cellEnds, width, nonAsciiRows: nonAscii } : { bytes, starts, cellEnds, width };
}
