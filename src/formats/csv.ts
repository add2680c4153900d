// Streaming CSV → ColumnarTable with papaparse's own chunk handling (ParserHandle + the partial-line
// carry-over its streamers use), so quoted newlines across chunk boundaries, delimiter sniffing and
// the BOM behave exactly as papaparse documents.
import Papa from 'papaparse';
import type { ColumnarTable } from './table';

/** Options of `parseCsv`. */
export interface CsvOptions {
  /** Stops parsing between chunks. */
  signal?: AbortSignal;
  /** Called after each batch of rows (and once the header is known). */
  onBatch?: () => void;
  /** Called with a message the user should see (best-effort parse). */
  onWarning?: (message: string) => void;
  /** Field delimiter; sniffed when absent. */
  delimiter?: string;
  /** Text parsed before the first batch is shown (smaller = first rows sooner). */
  firstBatchChars?: number;
  /** Text parsed per later batch. */
  batchChars?: number;
}

/** What the CSV parse found besides the rows. */
export interface CsvResult {
  /** The delimiter used. */
  delimiter: string;
  /** True when the bytes were not UTF-8 and were read as Windows-1252. */
  fallbackEncoding: boolean;
  /** True when the first header cell was empty: pandas' unnamed index column. */
  indexColumn: boolean;
}

interface ParserHandleLike {
  parse(input: string, baseIndex: number, ignoreLastRow: boolean): Papa.ParseResult<string[]>;
}

const PapaInternals = Papa as unknown as { ParserHandle: new (config: Papa.ParseConfig) => ParserHandleLike };

/** Number of bytes at the end that start a UTF-8 sequence the chunk does not complete. */
function incompleteTail(bytes: Uint8Array): number {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 3); i--) {
    const b = bytes[i];
    if ((b & 0xc0) === 0x80) continue;
    if (b < 0xc0) return 0;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return bytes.length - i < need ? bytes.length - i : 0;
  }
  return 0;
}

/** Name shown for header cells that are empty (pandas' spelling). */
export function unnamedColumn(i: number): string {
  return `Unnamed: ${i}`;
}

/** Parses a CSV byte stream into `table` (header row first). Rows parsed before an abort stay in the table. */
export async function parseCsv(chunks: AsyncIterable<Uint8Array>, table: ColumnarTable, options: CsvOptions = {}): Promise<CsvResult> {
  const { signal, onBatch, onWarning } = options;
  const firstBatchChars = options.firstBatchChars ?? 64 * 1024;
  const batchChars = options.batchChars ?? 1024 * 1024;
  let decoder = new TextDecoder('utf-8', { fatal: true });
  let fallbackEncoding = false;
  const config: Papa.ParseConfig = { header: false, skipEmptyLines: true, ...(options.delimiter ? { delimiter: options.delimiter } : {}) };
  const handle = new PapaInternals.ParserHandle(config);
  let baseIndex = 0;
  let partial = '';
  let pending: string[] = [];
  let pendingChars = 0;
  let header: string[] | undefined;
  let indexColumn = false;
  let ragged = 0;
  let unclosedQuoteRow = -1;
  let delimiter = options.delimiter ?? '';
  let batches = 0;

  const consume = (rows: string[][]): void => {
    let start = 0;
    if (!header && rows.length > 0) {
      header = rows[0];
      start = 1;
      indexColumn = header.length > 1 && header[0] === '';
      header.forEach((name, i) => table.addColumn(name === '' ? (i === 0 && indexColumn ? '' : unnamedColumn(i)) : name, i === 0 && indexColumn));
    }
    const width = header?.length ?? 0;
    for (let r = start; r < rows.length; r++) {
      const row = rows[r];
      if (row.length !== width) {
        ragged++;
        for (let c = table.columns.length; c < row.length; c++) table.addColumn(unnamedColumn(c));
      }
      table.pushTextRow(row);
    }
  };

  const parse = (text: string, last: boolean): void => {
    const results = handle.parse(text, baseIndex, !last);
    if (!delimiter) delimiter = (results.meta.delimiter as string | undefined) ?? ',';
    for (const e of results.errors) {
      if (e.code === 'MissingQuotes' && unclosedQuoteRow < 0) unclosedQuoteRow = table.rowCount + (e.row ?? 0);
    }
    if (!last) {
      const cursor = results.meta.cursor;
      partial = text.substring(cursor - baseIndex);
      baseIndex = cursor;
    }
    consume(results.data);
    batches++;
    onBatch?.();
  };

  const flush = (last: boolean): void => {
    const text = partial + pending.join('');
    pending = [];
    pendingChars = 0;
    partial = '';
    if (text.length > 0 || last) parse(text, last);
  };

  let previous: Uint8Array | undefined;
  const decode = (bytes: Uint8Array | undefined): string => {
    try {
      const text = bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
      previous = bytes;
      return text;
    } catch {
      // Not UTF-8: Windows-1252 decodes any byte, which is what a spreadsheet export usually is. The UTF-8
      // decoder may still hold the start of a sequence from the previous chunk: decode those bytes again.
      decoder = new TextDecoder('windows-1252');
      fallbackEncoding = true;
      onWarning?.('The data is not valid UTF-8; it was read as Windows-1252 (Latin-1). Some characters may look wrong.');
      const held = previous ? previous.subarray(previous.length - incompleteTail(previous)) : new Uint8Array(0);
      const text = decoder.decode(held) + (bytes ? decoder.decode(bytes) : '');
      previous = bytes;
      return text;
    }
  };

  for await (const bytes of chunks) {
    if (signal?.aborted) break;
    const text = decode(bytes);
    if (text.length === 0) continue;
    pending.push(text);
    pendingChars += text.length;
    if (pendingChars >= (batches === 0 ? firstBatchChars : batchChars)) flush(false);
  }
  if (!signal?.aborted) {
    const tail = decode(undefined);
    if (tail) pending.push(tail);
    flush(true);
  }

  if (!header) onWarning?.('The object has no rows: nothing to show.');
  if (ragged > 0) onWarning?.(`${ragged.toLocaleString('en-US')} row(s) had a different number of fields than the header; missing cells are empty, extra cells got "Unnamed" columns.`);
  if (unclosedQuoteRow >= 0) onWarning?.(`Unclosed quote near row ${unclosedQuoteRow.toLocaleString('en-US')}: the rest of the data was read into one cell.`);
  return { delimiter: delimiter || ',', fallbackEncoding, indexColumn };
}
