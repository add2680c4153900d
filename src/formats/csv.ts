// Streaming CSV → ColumnarTable. The first rows are parsed right away on this thread with papaparse's own
// chunk handling (delimiter and newline sniffing, BOM, a partial last row carried over), so they show
// at once. The rest of the stream is cut at row ends (csvRowBoundaries.ts) into batches that papaparse
// parses on worker threads in parallel; the batches come back as typed columns and are appended in order.
import { type ColumnBatch, rowsToBatch, utf8Length } from './columnBatch';
import { type CsvBatchConfig, type ParsedCsvBatch, ParserHandle, decodeText, parseCsvBatch, unclosedQuoteRow } from './csvBatchParser';
import { RowBoundaryScanner } from './csvRowBoundaries';
import { CsvWorkerPool, defaultCsvWorkerScript, defaultWorkerCount } from './csvWorkerPool';
import type { ColumnarTable } from './table';

/** Options of `parseCsv`. */
export interface CsvOptions {
  /** Stops parsing between batches. */
  signal?: AbortSignal;
  /** Called after each batch of rows (and once the header is known). */
  onBatch?: () => void;
  /** Called with a message the user should see (best-effort parse). */
  onWarning?: (message: string) => void;
  /** Field delimiter; sniffed when absent. */
  delimiter?: string;
  /** Bytes parsed before the first rows are shown (smaller = first rows sooner). */
  firstBatchBytes?: number;
  /** Bytes per later batch. */
  batchBytes?: number;
  /** Worker threads for the batches after the first ones (0 = all on this thread). */
  workers?: number;
  /** The bundled worker script (csvWorker.ts). */
  workerScript?: string;
  /** Bytes parsed on this thread before workers start: small objects never start any. */
  inThreadBytes?: number;
}

/** What the CSV parse found besides the rows. */
export interface CsvResult {
  /** The delimiter used. */
  delimiter: string;
  /** True when the bytes were not UTF-8 and were read as Windows-1252. */
  fallbackEncoding: boolean;
  /** True when the first header cell was empty: pandas' unnamed index column. */
  indexColumn: boolean;
  /** Worker threads that parsed batches (0 when everything was parsed on the calling thread). */
  workerThreads: number;
}

/** Bytes papaparse looks at to guess the delimiter and the newline. */
const SNIFF_BYTES = 64 * 1024;

/** Name shown for header cells that are empty (pandas' spelling). */
export function unnamedColumn(i: number): string {
  return `Unnamed: ${i}`;
}

/** A batch on its way: parsed on this thread (settled at once) or on a worker. */
interface QueuedBatch {
  settled: Promise<void>;
  batch?: ParsedCsvBatch;
  /** Parses the batch on this thread when its worker could not. */
  retry?: () => ParsedCsvBatch;
  done: boolean;
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    if (at >= total) break;
    const part = c.subarray(0, total - at);
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/** Parses a CSV byte stream into `table` (header row first). Rows parsed before an abort stay in the table. */
export async function parseCsv(chunks: AsyncIterable<Uint8Array>, table: ColumnarTable, options: CsvOptions = {}): Promise<CsvResult> {
  const { signal, onBatch, onWarning } = options;
  const batchBytes = options.batchBytes ?? 512 * 1024;
  const workers = options.workers ?? defaultWorkerCount();
  const inThreadBytes = options.inThreadBytes ?? 1024 * 1024;
  const source = chunks[Symbol.asyncIterator]();

  // Bytes read but not parsed yet.
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  let ended = false;
  let scanner: RowBoundaryScanner | undefined;

  let header: string[] | undefined;
  let width = 0;
  let indexColumn = false;
  let delimiter = options.delimiter ?? '';
  let newline = '';
  let ragged = 0;
  let unclosedQuote = -1;
  let fallbackEncoding = false;

  const readMore = async (): Promise<boolean> => {
    for (;;) {
      const r = await source.next();
      if (r.done) {
        ended = true;
        return false;
      }
      if (r.value.byteLength === 0) continue;
      held.push(r.value);
      heldBytes += r.value.byteLength;
      scanner?.scan(r.value);
      return true;
    }
  };

  /** Forgets the first `n` held bytes. */
  const drop = (n: number): void => {
    const rest: Uint8Array[] = [];
    let skip = n;
    for (const c of held) {
      if (skip >= c.byteLength) {
        skip -= c.byteLength;
        continue;
      }
      rest.push(skip > 0 ? c.subarray(skip) : c);
      skip = 0;
    }
    held = rest;
    heldBytes -= n;
  };

  /** Removes and returns the first `n` held bytes as one buffer of its own. */
  const take = (n: number): Uint8Array => {
    const bytes = concat(held, n);
    drop(n);
    return bytes;
  };

  const noteEncoding = (fallback: boolean): void => {
    if (!fallback || fallbackEncoding) return;
    fallbackEncoding = true;
    onWarning?.('The data is not valid UTF-8; it was read as Windows-1252 (Latin-1). Some characters may look wrong.');
  };

  const append = (batch: ColumnBatch & { unclosedQuoteRow: number }): void => {
    for (let c = table.columns.length; c < batch.columns.length; c++) table.addColumn(unnamedColumn(c));
    if (batch.unclosedQuoteRow >= 0 && unclosedQuote < 0) unclosedQuote = table.rowCount + batch.unclosedQuoteRow;
    ragged += batch.ragged;
    table.appendBatch(batch);
    onBatch?.();
  };

  /** Learns the delimiter and newline from the first rows, as papaparse guesses them, on a sample of SNIFF_BYTES. */
  const sniff = async (): Promise<void> => {
    while (heldBytes < SNIFF_BYTES && !ended && !signal?.aborted) await readMore();
    const sample = concat(held, Math.min(heldBytes, SNIFF_BYTES));
    const { text } = decodeText(sample, { stream: !ended, keepBom: false });
    const config = { header: false, skipEmptyLines: true, preview: 50, ...(delimiter ? { delimiter } : {}) };
    const { meta } = new ParserHandle(config).parse(text, 0, !ended);
    delimiter ||= meta.delimiter ?? ',';
    newline ||= meta.linebreak ?? '\n';
  };

  /**
   * Parses the held bytes on this thread with papaparse's chunk handling, up to the last complete row (all
   * of them once the stream has ended); reads until `target` bytes are held first. Sniffs the delimiter,
   * newline and header on the first call.
   */
  const parseHeld = async (target: number): Promise<void> => {
    for (;;) {
      while (heldBytes < target && !ended && !signal?.aborted) await readMore();
      if (signal?.aborted) return;
      if (!delimiter || !newline) await sniff();
      // Parse `target` bytes, not all that one read brought (a stream chunk can be a megabyte): first rows sooner.
      const size = Math.min(heldBytes, target);
      const last = ended && size === heldBytes;
      const bytes = concat(held, size);
      const first = header === undefined;
      const { text, fallbackEncoding: fallback } = decodeText(bytes, { stream: !last, keepBom: !first });
      const config = { header: false, skipEmptyLines: true, ...(delimiter ? { delimiter } : {}), ...(newline ? { newline: newline as '\n' } : {}) };
      const result = new ParserHandle(config).parse(text, 0, !last);
      const consumed = last ? text.length : result.meta.cursor;
      if (!last && consumed === 0) {
        // Not one whole row yet (a long header or a huge quoted cell): read more and try again.
        target *= 2;
        continue;
      }
      noteEncoding(fallback);
      const rows = result.data;
      let start = 0;
      if (first && rows.length > 0) {
        header = rows[0];
        start = 1;
        width = header.length;
        indexColumn = header.length > 1 && header[0] === '';
        header.forEach((name, i) => table.addColumn(name === '' ? (i === 0 && indexColumn ? '' : unnamedColumn(i)) : name, i === 0 && indexColumn));
      }
      const quoteRow = unclosedQuoteRow(result.errors);
      append({ ...rowsToBatch(rows, start, width, table.columns.map((c) => c.layout)), unclosedQuoteRow: quoteRow < 0 ? -1 : Math.max(0, quoteRow - start) });
      const bom = first && !fallback && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
      drop(last ? size : fallback ? consumed : bom + utf8Length(text.slice(0, consumed)));
      // Only blank lines so far: the header is still to come.
      if (header === undefined && !last) continue;
      return;
    }
  };

  let pool: CsvWorkerPool | undefined;
  let workerThreads = 0;
  try {
    await parseHeld(options.firstBatchBytes ?? 64 * 1024);
    // The first rows are in the table: let the panel show them before parsing on.
    await new Promise((resolve) => setImmediate(resolve));
    const single = (s: string) => s.length === 1 && s.charCodeAt(0) < 0x80;
    if (!single(delimiter) || !single(newline.slice(-1))) {
      // A delimiter longer than one byte: no cutting at row ends, the whole file goes through papaparse here.
      while ((!ended || heldBytes > 0) && !signal?.aborted) await parseHeld(batchBytes);
    } else {
      const config = (): CsvBatchConfig => ({ delimiter, newline, width, layouts: table.columns.map((c) => c.layout) });
      scanner = new RowBoundaryScanner(delimiter.charCodeAt(0), newline.charCodeAt(newline.length - 1));
      for (const c of held) scanner.scan(c);
      const queue: QueuedBatch[] = [];
      let dispatched = 0;
      const dispatch = (bytes: Uint8Array): void => {
        if (!pool && dispatched >= inThreadBytes && workers > 0) {
          pool = CsvWorkerPool.start(options.workerScript ?? defaultCsvWorkerScript, workers);
          workerThreads = pool?.size ?? 0;
        }
        dispatched += bytes.byteLength;
        const cfg = config();
        if (!pool || pool.size === 0) {
          // Parsed here: let the thread answer the panel (first rows, progress) before the next batch.
          queue.push({ settled: new Promise((resolve) => setImmediate(resolve)), batch: parseCsvBatch(bytes, cfg), done: true });
          return;
        }
        const entry: QueuedBatch = { settled: Promise.resolve(), done: false };
        entry.settled = pool.parse(bytes, cfg).then(
          (batch) => {
            entry.batch = batch;
            entry.done = true;
          },
          () => {
            // The worker stopped (a batch too big for its heap, or the pool was closed): parse it here.
            entry.retry = () => parseCsvBatch(bytes, cfg);
            entry.done = true;
          },
        );
        queue.push(entry);
      };
      const appendSettled = (): void => {
        while (queue.length > 0 && queue[0].done) {
          const entry = queue.shift()!;
          const batch = entry.batch ?? entry.retry!();
          noteEncoding(batch.fallbackEncoding);
          append(batch);
        }
      };
      while (!signal?.aborted) {
        if (heldBytes >= batchBytes && scanner.lastRowEnd > 0) {
          const cut = scanner.lastRowEnd;
          scanner.drop(cut);
          dispatch(take(cut));
          while (queue.length > (pool ? Math.max(1, pool.size) * 2 : 0)) {
            await queue[0].settled;
            appendSettled();
          }
        } else if (!(await readMore())) {
          break;
        }
        appendSettled();
      }
      if (!signal?.aborted && heldBytes > 0) dispatch(take(heldBytes));
      while (queue.length > 0 && !signal?.aborted) {
        await queue[0].settled;
        appendSettled();
      }
    }
  } finally {
    await pool?.close();
  }

  if (!header) onWarning?.('The object has no rows: nothing to show.');
  if (ragged > 0) onWarning?.(`${ragged.toLocaleString('en-US')} row(s) had a different number of fields than the header; missing cells are empty, extra cells got "Unnamed" columns.`);
  if (unclosedQuote >= 0) onWarning?.(`Unclosed quote near row ${unclosedQuote.toLocaleString('en-US')}: the rest of the data was read into one cell.`);
  return { delimiter: delimiter || ',', fallbackEncoding, indexColumn, workerThreads };
}
