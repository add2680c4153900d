// Streaming CSV → ColumnarTable. The first rows are parsed right away on this thread with papaparse's own
// chunk handling (delimiter and newline sniffing, BOM, a partial last row carried over), so they show
// at once. The rest of the stream is cut at row ends (csvRowBoundaries.ts) into batches that papaparse
// parses on worker threads in parallel; the batches come back as typed columns and are appended in order.
import { formatBytes } from '../formatBytes';
import { nextTurn } from '../timeSlices';
import type { ColumnBatch } from './columnBatch';
import { rowsToBatch } from './columnBuilders';
import { type CsvBatchConfig, ParserHandle, decodeText, unclosedQuoteRow } from './csvBatchParser';
import { CsvBatchQueue } from './csvBatchQueue';
import { CsvParserThreads } from './csvParserThreads';
import { RowBoundaryScanner } from './csvRowBoundaries';
import { HeldBytes } from './heldBytes';
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
  /**
   * The column the backend reads as the row index (`index_col=N`), whatever its header. Without it, a first
   * column with an empty header (what `to_csv()` writes for an unnamed index) is taken as the index.
   */
  indexColumn?: number;
  /** Bytes parsed before the first rows are shown (smaller = first rows sooner). */
  firstBatchBytes?: number;
  /** Bytes per later batch. */
  batchBytes?: number;
  /** Worker threads for the batches after the first ones (0 = all on this thread). */
  workers?: number;
  /** The bundled worker script (csvWorker.ts). */
  workerScript?: string;
  /** Threads to parse on, for a caller that stops them while reading waits (then `workers` and `workerScript` are theirs). */
  threads?: CsvParserThreads;
  /** Bytes parsed on this thread before workers start: small objects never start any. */
  inThreadBytes?: number;
  /** The stream's length when known: workers start at once when it is more than inThreadBytes. */
  expectedBytes?: number;
  /**
   * The preview's memory budget: the longest row read is a share of it (ROW_BUDGET_SHARE, at most
   * LONGEST_ROW_BYTES). Past it, reading stops with a clear message and the rows before it are kept.
   */
  memoryBudget?: number;
  /**
   * True when the chunks are the reader's to give away: each one that spans its whole buffer is handed to a
   * parse worker as it is, with no copy (and its memory is freed there, where GCs are frequent).
   */
  chunksAreOwned?: boolean;
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

/**
 * The longest row read, as a share of the memory budget: a row is held whole until its end is found, and its
 * text is then copied a few times over while it is parsed (a 64 MB row that never ended peaked at 312 MB), so a
 * row that never ends (an unclosed quote, an object that is not CSV) must not be held on and on.
 */
const ROW_BUDGET_SHARE = 1 / 4;
/** The longest row read whatever the budget: its text must stay well within the longest string V8 makes. */
const LONGEST_ROW_BYTES = 256_000_000;

/** Bytes per batch after the first rows, unless rows are long. */
const BATCH_BYTES = 256 * 1024;
/**
 * Rows a batch holds at least when rows are long (thousands of columns): what a batch costs for each of its
 * columns (a builder, an array, a part of the message) is then shared by as many rows.
 */
const MIN_BATCH_ROWS = 512;
/** The most bytes a batch of long rows grows to: well within what a parser thread takes (csvBatchQueue.ts). */
const LONG_ROWS_BATCH_BYTES = 1024 * 1024;

/**
 * Tables at least this wide are parsed on the calling thread (the table worker), not on parser threads: their time
 * goes into copying each batch onto every column, which the threads do not share, and each thread's memory grows
 * with the width (1,000 or 2,000 text columns: the same load time on one thread as on three, 90–130 MB less).
 */
const WIDE_TABLE_COLUMNS = 500;

/** Bytes papaparse looks at to guess the delimiter and the newline. */
const SNIFF_BYTES = 64 * 1024;

/** Name shown for header cells that are empty (pandas' spelling). */
function unnamedColumn(i: number): string {
  return `Unnamed: ${i}`;
}

/** One CSV stream being read into a table. */
class CsvStreamReader {
  private readonly source: AsyncIterator<Uint8Array>;
  private readonly held: HeldBytes;
  private ended = false;
  private scanner: RowBoundaryScanner | undefined;
  private header: string[] | undefined;
  private width = 0;
  private indexColumn = false;
  private delimiter: string;
  private newline = '';
  private ragged = 0;
  private unclosedQuote = -1;
  private fallbackEncoding = false;
  /** Bytes of the rows parsed on this thread (the first ones): with their count, how long a row is. */
  private parsedHere = 0;

  constructor(
    chunks: AsyncIterable<Uint8Array>,
    private readonly table: ColumnarTable,
    private readonly options: CsvOptions,
  ) {
    this.source = chunks[Symbol.asyncIterator]();
    this.held = new HeldBytes(options.chunksAreOwned === true);
    this.delimiter = options.delimiter ?? '';
  }

  private get aborted(): boolean {
    return this.options.signal?.aborted ?? false;
  }

  /** Reads the whole stream (or until aborted). */
  async read(): Promise<CsvResult> {
    const inThreadBytes = this.options.inThreadBytes ?? 1024 * 1024;
    const queue = new CsvBatchQueue({
      threads: this.options.threads ?? new CsvParserThreads(this.options.workerScript, this.options.workers),
      inThreadBytes,
    });
    try {
      if ((this.options.expectedBytes ?? 0) > inThreadBytes) queue.startWorkers();
      await this.parseHeld(this.options.firstBatchBytes ?? 64 * 1024);
      if (this.width >= WIDE_TABLE_COLUMNS) await queue.parseHereOnly();
      // The first rows are in the table: let the panel show them before parsing on.
      await nextTurn();
      const single = (s: string) => s.length === 1 && s.charCodeAt(0) < 0x80;
      if (single(this.delimiter) && single(this.newline.slice(-1))) await this.parseRest(queue);
      // A delimiter longer than one byte: no cutting at row ends, the whole file goes through papaparse here.
      else while ((!this.ended || this.held.size > 0) && !this.aborted) await this.parseHeld(this.batchBytes);
    } finally {
      await queue.close();
    }
    this.warnAtEnd();
    return {
      delimiter: this.delimiter || ',',
      fallbackEncoding: this.fallbackEncoding,
      indexColumn: this.indexColumn,
      workerThreads: queue.workerThreads,
    };
  }

  private get maxRowBytes(): number {
    return Math.min(LONGEST_ROW_BYTES, (this.options.memoryBudget ?? Infinity) * ROW_BUDGET_SHARE);
  }

  /** Why reading stops at a row held to maxRowBytes without its end; `inQuotes`: it ends inside a quoted cell. */
  private rowTooLong(inQuotes: boolean): Error {
    const rows = this.table.rowCount;
    const which =
      this.header === undefined
        ? ': the first row'
        : rows === 0
          ? ': the first row under the header'
          : ` after ${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'}: the next row`;
    const why = inQuotes
      ? 'A quote opened in it is never closed, so all that follows reads as one cell.'
      : `The object may not be CSV, or its rows may not end with the newline its first rows use.`;
    return new Error(
      `Reading stopped${which} runs past ${formatBytes(this.maxRowBytes)} without ending, longer than the preview reads in one row. ${why}${rows > 0 ? ' The rows before it are shown.' : ''}`,
    );
  }

  /** Bytes per batch: the option's when given, else 256 KB, more for rows so long that a batch would hold few. */
  private get batchBytes(): number {
    if (this.options.batchBytes !== undefined) return this.options.batchBytes;
    const rows = this.table.rowCount;
    if (rows === 0) return BATCH_BYTES;
    return Math.max(BATCH_BYTES, Math.min(LONG_ROWS_BATCH_BYTES, Math.ceil((this.parsedHere / rows) * MIN_BATCH_ROWS)));
  }

  private async readMore(): Promise<boolean> {
    for (;;) {
      const r = await this.source.next();
      if (r.done) {
        this.ended = true;
        return false;
      }
      if (r.value.byteLength === 0) continue;
      this.held.push(r.value);
      this.scanner?.scan(r.value);
      return true;
    }
  }

  private async readUntil(bytes: number): Promise<void> {
    while (this.held.size < bytes && !this.ended && !this.aborted) await this.readMore();
  }

  private noteEncoding(fallback: boolean): void {
    if (!fallback || this.fallbackEncoding) return;
    this.fallbackEncoding = true;
    this.options.onWarning?.(
      'The data is not valid UTF-8; it was read as Windows-1252 (Latin-1). Some characters may look wrong.',
    );
  }

  private append(batch: ColumnBatch & { unclosedQuoteRow: number }): void {
    const { table } = this;
    for (let c = table.columns.length; c < batch.columns.length; c++)
      table.addColumn(unnamedColumn(c)).markMissing('NaN');
    if (batch.unclosedQuoteRow >= 0 && this.unclosedQuote < 0)
      this.unclosedQuote = table.rowCount + batch.unclosedQuoteRow;
    this.ragged += batch.ragged;
    table.appendBatch(batch);
    this.options.onBatch?.();
  }

  /** Learns the delimiter and newline from the first rows, as papaparse guesses them, on a sample of SNIFF_BYTES. */
  private async sniff(): Promise<void> {
    await this.readUntil(SNIFF_BYTES);
    const { text } = decodeText(this.held.peek(SNIFF_BYTES), { stream: !this.ended, keepBom: false });
    const config = {
      header: false,
      skipEmptyLines: true,
      preview: 50,
      ...(this.delimiter ? { delimiter: this.delimiter } : {}),
    };
    const { meta } = new ParserHandle(config).parse(text, 0, !this.ended);
    this.delimiter ||= meta.delimiter ?? ',';
    this.newline ||= meta.linebreak ?? '\n';
  }

  private setHeader(header: string[]): void {
    this.header = header;
    this.width = header.length;
    const forced = this.options.indexColumn;
    const at = forced ?? 0;
    this.indexColumn =
      forced !== undefined ? forced >= 0 && forced < header.length : header.length > 1 && header[0] === '';
    // read_csv reads every gap as NaN, in text and date columns too.
    header.forEach((name, i) => {
      const isIndex = i === at && this.indexColumn;
      this.table.addColumn(name === '' ? (isIndex ? '' : unnamedColumn(i)) : name, isIndex).markMissing('NaN');
    });
  }

  private layouts(): CsvBatchConfig['layouts'] {
    return this.table.columns.map((c) => c.layout);
  }

  /**
   * Parses up to `target` held bytes on this thread with papaparse's chunk handling, up to the last complete
   * row (all of them once the stream has ended); reads until `target` bytes are held first. Sniffs the
   * delimiter and newline, and takes the header, on the first call.
   */
  private async parseHeld(target: number): Promise<void> {
    for (;;) {
      await this.readUntil(target);
      if (this.aborted) return;
      if (!this.delimiter || !this.newline) await this.sniff();
      // Parse `target` bytes, not all that one read brought (a stream chunk can be a megabyte): first rows sooner.
      const size = Math.min(this.held.size, target);
      const last = this.ended && size === this.held.size;
      const bytes = this.held.peek(size);
      const first = this.header === undefined;
      const { text, fallbackEncoding: fallback } = decodeText(bytes, { stream: !last, keepBom: !first });
      const config = { header: false, skipEmptyLines: true, delimiter: this.delimiter, newline: this.newline as '\n' };
      const result = new ParserHandle(config).parse(text, 0, !last);
      const consumed = last ? text.length : result.meta.cursor;
      if (!last && consumed === 0) {
        // Not one whole row yet (a long header or a huge quoted cell): read more and try again.
        if (size >= this.maxRowBytes) throw this.rowTooLong(this.endsInQuotes());
        target = Math.min(target * 2, this.maxRowBytes);
        continue;
      }
      this.noteEncoding(fallback);
      const rows = result.data;
      const start = first && rows.length > 0 ? 1 : 0;
      if (start === 1) this.setHeader(rows[0]);
      const quoteRow = unclosedQuoteRow(result.errors);
      this.append({
        ...rowsToBatch(rows, start, this.width, this.layouts()),
        unclosedQuoteRow: quoteRow < 0 ? -1 : Math.max(0, quoteRow - start),
      });
      const bom = first && !fallback && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
      const parsed = last ? size : fallback ? consumed : bom + Buffer.byteLength(text.slice(0, consumed), 'utf8');
      this.held.drop(parsed);
      this.parsedHere += parsed;
      // Only blank lines so far: the header is still to come.
      if (this.header === undefined && !last) continue;
      return;
    }
  }

  /** True when the bytes held end inside a quoted cell. */
  private endsInQuotes(): boolean {
    const scanner = new RowBoundaryScanner(
      this.delimiter.charCodeAt(0),
      this.newline.charCodeAt(this.newline.length - 1),
    );
    for (const part of this.held.parts) scanner.scan(part);
    return scanner.inQuotes;
  }

  /** Cuts the rest of the stream at row ends into batches for the queue and appends them in order. */
  private async parseRest(queue: CsvBatchQueue): Promise<void> {
    const { delimiter, newline, batchBytes } = this;
    const scanner = new RowBoundaryScanner(
      delimiter.charCodeAt(0),
      newline.charCodeAt(newline.length - 1),
      0x22,
      batchBytes,
    );
    this.scanner = scanner;
    for (const c of this.held.parts) scanner.scan(c);
    const config = (): CsvBatchConfig => ({ delimiter, newline, width: this.width, layouts: this.layouts() });
    const appendParsed = (): void => {
      for (const batch of queue.takeParsed()) {
        this.noteEncoding(batch.fallbackEncoding);
        this.append(batch);
      }
    };
    while (!this.aborted) {
      if (this.held.size >= batchBytes && scanner.lastRowEnd > 0) {
        // About batchBytes per batch, however big the chunks the stream delivers.
        const cut = scanner.rowEndAtLeast(batchBytes);
        scanner.drop(cut);
        this.queueRows(queue, cut, config());
        while (queue.full) {
          await queue.next();
          appendParsed();
        }
      } else if (scanner.lastRowEnd <= 0 && this.held.size >= this.maxRowBytes) {
        // The rows before this one go in first, so that the message counts them.
        while (!queue.empty) {
          await queue.next();
          appendParsed();
        }
        throw this.rowTooLong(scanner.inQuotes);
      } else if (!(await this.readMore())) {
        break;
      }
      appendParsed();
    }
    if (!this.aborted && this.held.size > 0) this.queueRows(queue, this.held.size, config());
    while (!queue.empty && !this.aborted) {
      await queue.next();
      appendParsed();
    }
  }

  /** Queues the first `bytes` held (whole rows), handing the chunks on as they are when they are ours. */
  private queueRows(queue: CsvBatchQueue, bytes: number, config: CsvBatchConfig): void {
    const owned = this.options.chunksAreOwned === true;
    queue.add(owned ? this.held.takeTransferable(bytes) : this.held.takeParts(bytes), config, owned);
  }

  private warnAtEnd(): void {
    const warn = this.options.onWarning;
    if (!this.header) warn?.('The object has no rows: nothing to show.');
    if (this.ragged > 0)
      warn?.(
        `${this.ragged.toLocaleString('en-US')} row(s) had a different number of fields than the header; missing cells are empty, extra cells got "Unnamed" columns.`,
      );
    if (this.unclosedQuote >= 0)
      warn?.(
        `Unclosed quote near row ${this.unclosedQuote.toLocaleString('en-US')}: the rest of the data was read into one cell.`,
      );
  }
}

/** Parses a CSV byte stream into `table` (header row first). Rows parsed before an abort stay in the table. */
export function parseCsv(
  chunks: AsyncIterable<Uint8Array>,
  table: ColumnarTable,
  options: CsvOptions = {},
): Promise<CsvResult> {
  return new CsvStreamReader(chunks, table, options).read();
}
