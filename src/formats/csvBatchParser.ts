// Parses a stretch of CSV bytes that holds whole rows (cut by csvRowBoundaries) into a column batch, with
// papaparse. Runs in a worker thread (csvWorker.ts) or, for small inputs, on the calling thread.
import Papa from 'papaparse';
import type { ColumnBatch, ColumnLayout } from './columnBatch';
import { type ColumnBuilder, columnBuilders, rowsToBatch } from './columnBuilders';
import { RowBoundaryScanner } from './csvRowBoundaries';
import { QUOTE, type RowBytes, rowBytesOf } from './rowBytes';

/** What a batch needs to know about the file, learnt from its first rows. */
export interface CsvBatchConfig {
  /** Field delimiter. */
  delimiter: string;
  /** Row separator. */
  newline: string;
  /** The header's field count. */
  width: number;
  /** How each column has been stored so far. */
  layouts: ColumnLayout[];
}

/** A parsed batch plus what the parse noticed. */
export interface ParsedCsvBatch extends ColumnBatch {
  /** Row (within the batch) where a quote was left open, or -1. */
  unclosedQuoteRow: number;
  /** True when the bytes were not UTF-8 and were read as Windows-1252. */
  fallbackEncoding: boolean;
}

interface ParserHandleLike {
  parse(input: string, baseIndex: number, ignoreLastRow: boolean): Papa.ParseResult<string[]>;
}

/** papaparse's per-parse driver (BOM, empty lines, delimiter and newline guessing) around its Parser. */
export const ParserHandle = (Papa as unknown as { ParserHandle: new (config: Papa.ParseConfig) => ParserHandleLike })
  .ParserHandle;

/** Decodes bytes as UTF-8, or as Windows-1252 (which decodes any byte) when they are not UTF-8. */
export function decodeText(
  bytes: Uint8Array,
  options: { stream: boolean; keepBom: boolean },
): { text: string; fallbackEncoding: boolean } {
  try {
    return {
      text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: options.keepBom }).decode(bytes, {
        stream: options.stream,
      }),
      fallbackEncoding: false,
    };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), fallbackEncoding: true };
  }
}

/** Row of the first unclosed quote papaparse reported, or -1. */
export function unclosedQuoteRow(errors: readonly Papa.ParseError[]): number {
  for (const e of errors) if (e.code === 'MissingQuotes') return e.row ?? 0;
  return -1;
}

/** papaparse's parser proper, without the per-parse driver around it (no header, no empty-line filter). */
const RowParser = (
  Papa as unknown as {
    Parser: new (config: { delimiter: string; newline: string }) => {
      parse(input: string, baseIndex: number, ignoreLastRow: boolean): { data: string[][]; errors: unknown[] };
    };
  }
).Parser;

/**
 * Bytes of a batch decoded and parsed at a time (cut at a row's end: a newline outside quotes, which UTF-8 never
 * has in a character): the rows of one piece are turned into columns before the next is decoded. The batch's text is
 * never one string: a string that big goes to the large-object space, which only a full GC frees. A piece this
 * small (about a hundred rows of ten columns) is garbage before the worker's small young generation
 * (csvWorkerPool.ts) is next collected, so little of it is copied or kept (95 MB bench CSV: 4–5 MB less at the
 * peak than pieces of 32 KB, no slower).
 */
const PIECE_BYTES = 8 * 1024;

/** UTF-8 that rejects what is not UTF-8 (the caller then reads the batch as Windows-1252) and keeps a BOM. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Rows `bytes` holds when no cell is quoted: its newlines, plus the last row when no newline ends it. Builders
 * made this size hand over their arrays as they are.
 */
function countRowEnds(bytes: Buffer, newline: number): number {
  // Buffer's search is native: about four times quicker than TypedArray#indexOf called once per row.
  let n = 0;
  for (let at = bytes.indexOf(newline); at >= 0; at = bytes.indexOf(newline, at + 1)) n++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== newline ? n + 1 : n;
}

/** The rows without papaparse's empty lines (a single empty field), or undefined when one has another width. */
function fullRows(rows: string[][], width: number): string[][] | undefined {
  let kept = rows;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (row.length === width && (width > 1 || row[0] !== '')) {
      if (kept !== rows) kept.push(row);
    } else if (row.length === 1 && row[0] === '') {
      if (kept === rows) kept = rows.slice(0, r);
    } else {
      return undefined;
    }
  }
  return kept;
}

/** A piece of a batch's text, and the bytes it was decoded from (none for a batch decoded whole). */
interface Piece {
  text: string;
  bytes?: Uint8Array;
}

/**
 * The text of a batch a piece at a time, cut at `ends` (ascending, the last the batch's end); undefined for a piece
 * that is not UTF-8.
 */
function* piecesAt(bytes: Buffer, ends: Iterable<number>): Generator<Piece | undefined> {
  let at = 0;
  for (const end of ends) {
    if (end <= at) continue;
    const piece = bytes.subarray(at, end);
    try {
      yield { text: strictUtf8.decode(piece), bytes: piece };
    } catch {
      yield undefined;
    }
    at = end;
  }
}

/** Where to cut a batch with no quote: about every PIECE_BYTES, after a newline (never inside a UTF-8 character). */
function* quoteFreeCuts(bytes: Buffer, newlineByte: number): Generator<number> {
  for (let at = 0; at < bytes.length;) {
    const newline = bytes.indexOf(newlineByte, at + PIECE_BYTES);
    at = newline < 0 ? bytes.length : newline + 1;
    yield at;
  }
}

/**
 * Where to cut a batch with quoted cells: about every PIECE_BYTES, at row ends outside quotes, found by papaparse's
 * quoting rules (csvRowBoundaries.ts), so a quoted cell holding a newline stays whole. Decoding such a batch whole
 * would make one string of it, in the large-object space, and every cell papaparse cuts out of it would keep it
 * alive: on a CSV as pandas writes it (text with a delimiter quoted), garbage collection took most of the load.
 */
function quotedCuts(bytes: Buffer, config: CsvBatchConfig, newlineByte: number): number[] {
  const scanner = new RowBoundaryScanner(config.delimiter.charCodeAt(0), newlineByte, QUOTE, PIECE_BYTES);
  scanner.scan(bytes);
  return [...scanner.rowEnds, bytes.length];
}

/** True when the delimiter is one byte: rows are then cut, and cells found, by byte. */
function oneByteDelimiter(config: CsvBatchConfig): boolean {
  return config.delimiter.length === 1 && config.delimiter.charCodeAt(0) < 0x80;
}

/** The bytes of a piece as its rows' cells (rowBytes.ts), when they line up. */
function rowBytes(piece: Piece, rows: string[][], config: CsvBatchConfig): RowBytes | undefined {
  const { bytes, text } = piece;
  if (!bytes || !oneByteDelimiter(config)) return undefined;
  // As many characters as bytes: every one is ASCII, so each cell's bytes are where its characters are.
  const ascii = text.length === bytes.length;
  // A quoted cell is read from its string in a piece of ASCII only.
  if (!ascii && bytes.indexOf(QUOTE) >= 0) return undefined;
  return rowBytesOf(bytes, rows, config.width, config.newline, ascii);
}

/**
 * Parses whole rows straight into typed columns in the layouts they had so far, a piece of text at a time;
 * undefined when a row does not fit (a cell the layout cannot hold, a field count other than the header's, a
 * parse error, a piece that is not UTF-8), and the caller parses the batch the row-by-row way instead.
 */
function parseIntoLayouts(
  pieces: Iterable<Piece | undefined>,
  capacity: number,
  config: CsvBatchConfig,
): ColumnBatch | undefined {
  const { width } = config;
  const builders = columnBuilders(config.layouts, width, capacity);
  const rows = addPieces(pieces, builders, capacity, config);
  if (rows < 0) {
    for (const b of builders) b.release();
    return undefined;
  }
  return { rows, columns: builders.map((b) => b.finish(rows)), ragged: 0 };
}

/** Adds the pieces' rows to the builders; how many there were, or -1 when a row does not fit. */
function addPieces(
  pieces: Iterable<Piece | undefined>,
  builders: readonly ColumnBuilder[],
  capacity: number,
  config: CsvBatchConfig,
): number {
  const { width, delimiter, newline } = config;
  const parser = new RowParser({ delimiter, newline });
  let rows = 0;
  for (const p of pieces) {
    if (p === undefined) return -1;
    const parsed = parser.parse(p.text, 0, false);
    if (parsed.errors.length > 0) return -1;
    const piece = fullRows(parsed.data, width);
    if (!piece || rows + piece.length > capacity) return -1;
    const source = rowBytes(p, piece, config);
    for (let c = 0; c < width; c++) if (!builders[c].addColumn(piece, c, rows, 0, source)) return -1;
    rows += piece.length;
  }
  return rows;
}

/** Parses whole rows (not the header) into a batch. */
export function parseCsvBatch(bytes: Uint8Array, config: CsvBatchConfig): ParsedCsvBatch {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const newlineByte = config.newline.charCodeAt(config.newline.length - 1);
  const capacity = countRowEnds(buffer, newlineByte);
  const quoted = buffer.indexOf(QUOTE) >= 0;
  // Row ends outside quotes are found by byte, as papaparse's rules need (a newline's last byte is ASCII).
  const cutByByte = oneByteDelimiter(config);
  if (!quoted || cutByByte) {
    const cuts = quoted ? quotedCuts(buffer, config, newlineByte) : quoteFreeCuts(buffer, newlineByte);
    const direct = parseIntoLayouts(piecesAt(buffer, cuts), capacity, config);
    if (direct) return { ...direct, unclosedQuoteRow: -1, fallbackEncoding: false };
  }
  const { text, fallbackEncoding } = decodeText(bytes, { stream: false, keepBom: true });
  if ((quoted && !cutByByte) || fallbackEncoding) {
    // Whole: Windows-1252 text is decoded once, and a delimiter of more than one byte cannot cut quoted rows by byte.
    const direct = parseIntoLayouts([{ text }], capacity, config);
    if (direct) return { ...direct, unclosedQuoteRow: -1, fallbackEncoding };
  }
  const handle = new ParserHandle({
    header: false,
    skipEmptyLines: true,
    delimiter: config.delimiter,
    newline: config.newline as Papa.ParseConfig['newline'],
  });
  const result = handle.parse(text, 0, false);
  return {
    ...rowsToBatch(result.data, 0, config.width, config.layouts),
    unclosedQuoteRow: unclosedQuoteRow(result.errors),
    fallbackEncoding,
  };
}
