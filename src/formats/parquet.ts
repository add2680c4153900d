// Parquet → ColumnarTable with hyparquet, one row group at a time over ranged reads, so only the footer
// and the row groups are fetched and the first rows show before the last group is read.
import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { dayText, nanosecondsText } from './pandasText';
import { parquetReason } from './serdeDataFrame';
import type { ColumnarTable } from './table';

/** Options of `parseParquet`. */
export interface ParquetOptions {
  /** Checked between row groups. */
  signal?: AbortSignal;
  /** Called once the schema is known and after each row group. */
  onBatch?: (bytesRead: number) => void;
  /** A message for the user. */
  onWarning?: (message: string) => void;
}

/** Reads ranges of a file: `readRange(start, endInclusive)`. */
export type RangeReader = (start: number, endInclusive: number) => Promise<Uint8Array>;

/** An AsyncBuffer over a range reader that counts the bytes it fetched. */
export function rangeBuffer(byteLength: number, read: RangeReader): AsyncBuffer & { bytesRead: number } {
  const buffer = {
    byteLength,
    bytesRead: 0,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? byteLength, byteLength);
      if (stop <= start) return new ArrayBuffer(0);
      const bytes = await read(start, stop - 1);
      buffer.bytesRead += bytes.byteLength;
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
  return buffer;
}

/** An AsyncBuffer over bytes already in memory. */
export function memoryBuffer(bytes: Uint8Array): AsyncBuffer {
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return { byteLength: ab.byteLength, slice: (start, end) => ab.slice(start, end) };
}

/** Dates and times as pandas prints them, to the nanosecond (the reader's default Date keeps milliseconds). */
const PANDAS_PARSERS = {
  timestampFromMilliseconds: (v: bigint | number) => nanosecondsText(BigInt(v) * 1_000_000n),
  timestampFromMicroseconds: (v: bigint | number) => nanosecondsText(BigInt(v) * 1000n),
  timestampFromNanoseconds: (v: bigint | number) => nanosecondsText(BigInt(v)),
  dateFromDays: (v: number) => dayText(v),
};

/** pandas stores a named or non-range index as `__index_level_N__` or lists it in its metadata. */
function pandasIndexColumns(metadata: FileMetaData): Set<string> {
  const names = new Set<string>();
  const kv = metadata.key_value_metadata?.find((k) => k.key === 'pandas');
  if (kv?.value) {
    try {
      const meta = JSON.parse(kv.value) as { index_columns?: unknown[] };
      for (const c of meta.index_columns ?? []) if (typeof c === 'string') names.add(c);
    } catch {
      // Unreadable pandas metadata only costs the index pinning.
    }
  }
  return names;
}

/** Parquet bytes the reader cannot make sense of; the message says what is wrong. */
export class CorruptParquetError extends Error {
  constructor(
    /** What is wrong, in words. */
    readonly reason: string,
  ) {
    super(`The Parquet data is corrupt: ${reason}.`);
  }
}

/**
 * Reads a Parquet file into `table`, row group by row group. Bytes the reader cannot parse end in a
 * {@link CorruptParquetError} (never a bare RangeError); errors of the reads themselves pass through unchanged.
 */
export async function parseParquet(
  file: AsyncBuffer & { bytesRead?: number },
  table: ColumnarTable,
  options: ParquetOptions = {},
): Promise<void> {
  const readErrors = new WeakSet<object>();
  const tracked: AsyncBuffer & { bytesRead?: number } = {
    byteLength: file.byteLength,
    get bytesRead() {
      return file.bytesRead;
    },
    slice: async (start, end) => {
      try {
        return await file.slice(start, end);
      } catch (error) {
        if (typeof error === 'object' && error !== null) readErrors.add(error);
        throw error;
      }
    },
  };
  try {
    await readParquet(tracked, table, options);
  } catch (error) {
    if ((typeof error === 'object' && error !== null && readErrors.has(error)) || options.signal?.aborted) throw error;
    throw new CorruptParquetError(parquetReason(error));
  }
}

async function readParquet(
  file: AsyncBuffer & { bytesRead?: number },
  table: ColumnarTable,
  options: ParquetOptions,
): Promise<void> {
  const metadata = await parquetMetadataAsync(file);
  const schema = parquetSchema(metadata);
  const indexNames = pandasIndexColumns(metadata);
  const topNames = schema.children.map((c) => c.element.name);
  const ordered = [...topNames.filter((n) => indexNames.has(n)), ...topNames.filter((n) => !indexNames.has(n))];
  const cols = new Map(
    ordered.map((n) => [n, table.addColumn(n.startsWith('__index_level_') ? '' : n, indexNames.has(n))]),
  );
  // Instants stored in UTC come back tz-aware: str(Timestamp) says +00:00.
  const utc = new Set(
    schema.children
      .filter((c) => c.element.logical_type?.type === 'TIMESTAMP' && c.element.logical_type.isAdjustedToUTC)
      .map((c) => c.element.name),
  );
  // pyarrow hands text and boolean gaps to pandas as None; numbers and times as NaN and NaT.
  const markMissing = () => {
    for (const col of cols.values()) if (col.type === 'string' || col.type === 'boolean') col.markMissing('None');
  };
  options.onBatch?.(file.bytesRead ?? 0);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    if (options.signal?.aborted) return;
    const rowEnd = rowStart + Number(group.num_rows);
    await parquetRead({
      file,
      metadata,
      compressors,
      rowStart,
      rowEnd,
      parsers: PANDAS_PARSERS,
      onChunk: ({ columnName, columnData, rowStart: chunkStart }) => {
        const col = cols.get(columnName);
        if (!col) return;
        const zone = utc.has(columnName) ? '+00:00' : '';
        for (let i = Math.max(0, col.length - chunkStart); i < columnData.length && chunkStart + i < rowEnd; i++) {
          const v = columnData[i];
          col.pushValue(zone && typeof v === 'string' ? v + zone : v);
        }
      },
    });
    table.commitRows(rowEnd);
    markMissing();
    rowStart = rowEnd;
    options.onBatch?.(file.bytesRead ?? 0);
  }
}
