// TableSource → ColumnarTable: sniffs the format, decompresses, and hands the bytes to the CSV, JSON or
// Parquet reader. Bad input gives a clear error or a best-effort table plus a warning, never nothing.
import { formatBytes } from '../formatBytes';
import { isCancellation, isRangesNotServed } from '../errors';
import type { Logger } from '../logger';
import { isJsonLinesKey } from '../references';
import { parseCsv } from './csv';
import type { CsvParserThreads } from './csvParserThreads';
import { partsLength } from './heldBytes';
import { type JsonLayout, jsonLayout, parseJsonLines } from './jsonLines';
import { NotATableError, jsonToTable, parseLenientJson } from './pandasJson';
import { CorruptParquetError, type ParquetLayout, memoryBuffer, parseParquet, rangeBuffer } from './parquet';
import type { GroupPages } from './parquetPages';
import { corruptDataFrameMessage, isSerdeDataFrame, parquetHexProblem } from './serdeDataFrame';
import type { SniffFormat } from './sniff';
import { utf16ByteOrder, utf16ToUtf8 } from './textEncoding';
import type { ColumnarTable, FormatHint, TableSource } from './table';

/** Format detection and decompression (src/formats/sniff.ts and decompress.ts), injected for testability. */
export interface FormatCodecs {
  /** Guesses the format (and compression) from the first bytes and the object name. */
  sniffFormat(head: Uint8Array, keyName?: string): { format: SniffFormat; compression?: string };
  /** Decompresses a byte stream. */
  decompress(chunks: AsyncIterable<Uint8Array>, compression: string): AsyncIterable<Uint8Array>;
}

/** Progress and results reported while a table loads. */
export interface ParseEvents {
  /** Columns are known (or changed). */
  onSchema?(): void;
  /** More rows were parsed, or more bytes read. */
  onProgress?(bytesRead: number, totalBytes: number | undefined): void;
  /** Something the user should see. */
  onWarning?(message: string): void;
}

/** Options of `parseTableSource`. */
export interface ParseOptions extends ParseEvents {
  /** Aborts the read. */
  signal: AbortSignal;
  /** Format sniffing and decompression. */
  codecs: FormatCodecs;
  /** Diagnostics. */
  logger?: Logger;
  /**
   * The preview's memory budget: it bounds an object read whole before it is decoded (Parquet without ranged
   * reads or compressed, JSON), and a CSV or JSON Lines reads rows up to a share of it (csv.ts ROW_BUDGET_SHARE,
   * jsonLines.ts LINE_BUDGET_SHARE).
   */
  memoryBudget?: number;
  /**
   * Parquet read by range: called with the file's layout once its footer is read, before any row group, and the
   * bytes of row groups its parts keep (parquetPages.ts).
   */
  onParquetLayout?(layout: ParquetLayout, pages: GroupPages): void;
  /** Parquet read by range: awaited before each part of the file after the first (ParquetOptions.beforePart). */
  beforeParquetPart?(): Promise<void>;
  /** The threads a CSV is parsed on, for a caller that stops them while reading waits. */
  csvThreads?: CsvParserThreads;
}

/** What was read. */
export interface ParseSummary {
  /** The format used. */
  format: 'csv' | 'json' | 'json lines' | 'parquet' | 'inline' | 'tables';
  /** Compression undone, if any. */
  compression?: string;
  /** Worker threads that parsed the CSV (0 or absent: all on the calling thread). */
  workerThreads?: number;
  /** A part stacked under the table (a map index): the part's own columns, as it was read. */
  part?: { name: string; type: string }[];
}

/** Largest JSON document read into memory. */
const MAX_JSON_BYTES = 512 * 1024 * 1024;
/**
 * About how many times its size a JSON document takes while it is decoded and put in the table (its text, the
 * parsed objects, the table): 200 MB of records peaked at 1.4 GB. The budget allows a document of this share.
 */
const JSON_DECODE_FACTOR = 4;
const HEAD_BYTES = 4096;
/** Bytes looked at to tell JSON Lines from one JSON document when the first record is long. */
const JSON_LAYOUT_BYTES = 1024 * 1024;

/** Error for content that cannot be shown as a table (pickles, binary). */
class UnsupportedContentError extends Error {}

/** Fills `table` from an inline value (decoded JSON, a JSON string, or the serde DataFrame wrapper). */
export async function parseInline(
  value: unknown,
  table: ColumnarTable,
  options: Pick<ParseOptions, 'signal' | 'onSchema' | 'onWarning'>,
): Promise<ParseSummary> {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) value = parseLenientJson(trimmed);
  }
  if (isSerdeDataFrame(value)) {
    const hex = value.__data__;
    const problem = parquetHexProblem(hex);
    if (problem) throw new UnsupportedContentError(corruptDataFrameMessage(problem));
    try {
      await parseParquet(memoryBuffer(Uint8Array.from(Buffer.from(hex as string, 'hex'))), table, {
        signal: options.signal,
        onBatch: () => options.onSchema?.(),
        onWarning: options.onWarning,
      });
    } catch (error) {
      if (isCancellation(error) || !(error instanceof CorruptParquetError)) throw error;
      throw new UnsupportedContentError(corruptDataFrameMessage(error.reason));
    }
    return { format: 'parquet' };
  }
  jsonToTable(value, table);
  options.onSchema?.();
  return { format: 'inline' };
}

async function* prepend(first: Uint8Array[], rest: AsyncIterator<Uint8Array>): AsyncIterable<Uint8Array> {
  yield* first;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}

/** Reads until `min` bytes are buffered or the stream ends. */
async function readHead(
  it: AsyncIterator<Uint8Array>,
  min: number,
): Promise<{ chunks: Uint8Array[]; head: Uint8Array }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < min) {
    const r = await it.next();
    if (r.done) break;
    if (r.value.byteLength === 0) continue;
    chunks.push(r.value);
    size += r.value.byteLength;
  }
  return { chunks, head: concat(chunks, Math.min(size, min)) };
}

function concat(chunks: readonly Uint8Array[], limit = Infinity): Uint8Array {
  const total = Math.min(
    limit,
    chunks.reduce((s, c) => s + c.byteLength, 0),
  );
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

/**
 * Reads a document that is decoded whole: at most `max` bytes, and at most the memory budget divided by
 * `decodeFactor`, how many times its size decoding it takes.
 */
async function collect(
  chunks: AsyncIterable<Uint8Array>,
  max: number,
  what: string,
  budget: number | undefined,
  decodeFactor = 1,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  const share = budget === undefined ? max : budget / decodeFactor;
  const limit = Math.min(max, share);
  for await (const c of chunks) {
    size += c.byteLength;
    if (size > limit)
      throw new UnsupportedContentError(
        limit < max
          ? decodeFactor > 1
            ? `The ${what} has to be read whole, and decoding it takes about ${decodeFactor} times its size: it is larger than the preview's memory budget allows (${formatBytes(limit)} for a budget of ${formatBytes(budget)}). Raise xcomLens.preview.memoryBudgetMB to preview it.`
            : `The ${what} has to be read whole and is larger than the preview's memory budget (${formatBytes(limit)}): raise xcomLens.preview.memoryBudgetMB to preview it.`
          : `The ${what} is larger than ${formatBytes(max)}; it cannot be previewed as one document.`,
      );
    parts.push(c);
  }
  return concat(parts);
}

/**
 * Whether a JSON object holds JSON Lines or one document, from its first record (up to JSON_LAYOUT_BYTES) or, when
 * that is longer, from its name (`.jsonl`, `.ndjson`); with the stream to read on.
 */
async function jsonLayoutOf(
  stream: AsyncIterable<Uint8Array>,
  keyName: string | undefined,
): Promise<{ layout: JsonLayout; stream: AsyncIterable<Uint8Array> }> {
  const it = stream[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let layout: JsonLayout | undefined;
  for (const want of [HEAD_BYTES, JSON_LAYOUT_BYTES]) {
    const more = await readHead(it, want - partsLength(chunks));
    chunks.push(...more.chunks);
    const head = concat(chunks, JSON_LAYOUT_BYTES);
    layout = jsonLayout(new TextDecoder().decode(head), head.byteLength < want);
    if (layout) break;
  }
  layout ??= keyName !== undefined && isJsonLinesKey(keyName) ? 'lines' : 'document';
  return { layout, stream: prepend(chunks, it) };
}

function pickFormat(hint: FormatHint | undefined, sniffed: SniffFormat): SniffFormat {
  // Magic bytes beat a declared format: a `.csv` key holding Parquet is Parquet.
  if (sniffed === 'parquet' || sniffed === 'pickle' || sniffed === 'empty') return sniffed;
  if (hint && hint !== 'auto') return hint;
  return sniffed;
}

/** Loads a source into `table`, calling back as rows arrive. Resolves when done or cancelled; rejects with a readable error. */
export async function parseTableSource(
  source: TableSource,
  table: ColumnarTable,
  options: ParseOptions,
): Promise<ParseSummary> {
  const { signal, codecs } = options;
  if (source.kind === 'inline') return parseInline(source.value, table, options);
  if (source.kind === 'stacked') throw new Error('A stacked table is read part by part by its table client.');

  const total = source.sizeBytes;
  let bytesRead = 0;
  const report = (): void => options.onProgress?.(bytesRead, total);

  // Parquet with ranged reads: fetch the footer and then row groups, never the whole object at once.
  // A server that does not serve ranges this far in leaves the stream, which a Parquet object fits only whole.
  let rangesNotServed: Error | undefined;
  if (source.readRange && total !== undefined && total >= 12 && !source.compression) {
    const magic = await source.readRange(total - 4, total - 1, signal).catch((e: unknown) => {
      if (!isRangesNotServed(e)) throw e;
      rangesNotServed = e as Error;
      return new Uint8Array(0);
    });
    if (new TextDecoder().decode(magic) === 'PAR1') {
      const file = rangeBuffer(total, (start, end) => source.readRange!(start, end, signal));
      await parseParquet(file, table, {
        signal,
        onWarning: options.onWarning,
        onLayout: options.onParquetLayout,
        ...(options.beforeParquetPart ? { beforePart: options.beforeParquetPart } : {}),
        onBatch: (read) => {
          bytesRead = read;
          options.onSchema?.();
          report();
        },
      });
      return { format: 'parquet' };
    }
  }

  const raw = source
    .open(signal, (read) => {
      bytesRead = read;
    })
    [Symbol.asyncIterator]();
  const first = await readHead(raw, HEAD_BYTES);
  if (first.head.byteLength === 0) {
    options.onWarning?.('The object is empty (0 bytes): there is nothing to show.');
    options.onSchema?.();
    return { format: 'csv' };
  }
  const sniffed = codecs.sniffFormat(first.head, source.keyName);
  const compression = source.compression ?? sniffed.compression;
  let stream: AsyncIterable<Uint8Array> = prepend(first.chunks, raw);
  let format = sniffed.format;
  let textHead = first.head;
  if (compression && compression !== 'none') {
    const inner = codecs.decompress(stream, compression)[Symbol.asyncIterator]();
    const head = await readHead(inner, HEAD_BYTES);
    stream = prepend(head.chunks, inner);
    textHead = head.head;
    format = codecs.sniffFormat(head.head, source.keyName?.replace(/\.(gz|gzip|zst|zstd|bz2|xz|lz4|zip)$/i, '')).format;
  }
  const utf16 = utf16ByteOrder(textHead);
  if (utf16) stream = utf16ToUtf8(stream, utf16);
  format = pickFormat(source.formatHint, format);
  options.logger?.debug(
    `preview ${source.title}: format ${format}${compression ? `, compression ${compression}` : ''}`,
  );

  switch (format) {
    case 'pickle':
      throw new UnsupportedContentError(
        'The object is a Python pickle. XCom Lens does not unpickle data (it could run code); store DataFrames as CSV, JSON or Parquet to preview them.',
      );
    case 'parquet': {
      if (rangesNotServed && total !== undefined && total > (options.memoryBudget ?? Infinity))
        throw new UnsupportedContentError(
          `${rangesNotServed.message} A Parquet object is read by range, or whole, and this one (${formatBytes(total)}) is larger than the preview's memory budget (${formatBytes(options.memoryBudget)}).`,
        );
      const bytes = await collect(stream, Number.MAX_SAFE_INTEGER, 'Parquet file', options.memoryBudget);
      bytesRead = total ?? bytes.byteLength;
      await parseParquet(memoryBuffer(bytes), table, {
        signal,
        onWarning: options.onWarning,
        onBatch: () => {
          options.onSchema?.();
          report();
        },
      });
      return { format: 'parquet', compression };
    }
    case 'json': {
      const layout = await jsonLayoutOf(stream, source.keyName);
      stream = layout.stream;
      if (layout.layout === 'lines') {
        await parseJsonLines(stream, table, {
          signal,
          ...(options.memoryBudget !== undefined ? { memoryBudget: options.memoryBudget } : {}),
          onBatch: () => {
            options.onSchema?.();
            report();
          },
        });
        options.onSchema?.();
        return { format: 'json lines', compression };
      }
      const bytes = await collect(stream, MAX_JSON_BYTES, 'JSON document', options.memoryBudget, JSON_DECODE_FACTOR);
      report();
      let value: unknown;
      try {
        value = parseLenientJson(new TextDecoder().decode(bytes));
      } catch (e) {
        throw new UnsupportedContentError(`The object is not valid JSON: ${(e as Error).message}`);
      }
      try {
        await parseInline(value, table, options);
      } catch (e) {
        if (e instanceof NotATableError) throw new UnsupportedContentError(e.message);
        throw e;
      }
      return { format: 'json', compression };
    }
    case 'binary':
      options.onWarning?.('The object does not look like text; it is shown as CSV on a best-effort basis.');
      break;
  }
  let schemaSent = false;
  const csv = await parseCsv(stream, table, {
    signal,
    // Decompressors and the UTF-16 converter make fresh buffers: a chunk spanning one is still the parser's own.
    chunksAreOwned: source.chunksAreOwned === true,
    // Compressed, the text is longer than the object: big enough for the workers whenever the object is.
    ...(total !== undefined ? { expectedBytes: total } : {}),
    ...(source.indexColumn !== undefined ? { indexColumn: source.indexColumn } : {}),
    ...(options.memoryBudget !== undefined ? { memoryBudget: options.memoryBudget } : {}),
    ...(options.csvThreads ? { threads: options.csvThreads } : {}),
    onWarning: options.onWarning,
    onBatch: () => {
      if (!schemaSent && table.columns.length > 0) {
        schemaSent = true;
        options.onSchema?.();
      }
      report();
    },
  });
  options.onSchema?.();
  return { format: 'csv', compression, workerThreads: csv.workerThreads };
}
