// Parses a stretch of CSV bytes that holds whole rows (cut by csvRowBoundaries) into a column batch, with
// papaparse. Runs in a worker thread (csvWorker.ts) or, for small inputs, on the calling thread.
import Papa from 'papaparse';
import { type ColumnBatch, type ColumnLayout, rowsToBatch } from './columnBatch';

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

/** Parses whole rows (not the header) into a batch. */
export function parseCsvBatch(bytes: Uint8Array, config: CsvBatchConfig): ParsedCsvBatch {
  const { text, fallbackEncoding } = decodeText(bytes, { stream: false, keepBom: true });
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
