// Parquet → ColumnarTable with hyparquet, one part of a row group at a time over ranged reads, so only the footer
// and the row groups are fetched and the first rows show before the last group is read. A row group of more than
// PART_BYTES (as its writer counted it, uncompressed) is read in parts of rows: a part fetches its group's column
// chunks only as far as its last row (from the offset index, or from page headers: parquetPages.ts) and decodes
// the pages of its rows alone, so memory follows the part, not a writer's row-group size (pyarrow's was 64 M rows).
import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, FileMetaData, OffsetIndex, ParquetReadOptions } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { dayText, nanosecondsText } from './pandasText';
import { parquetReason } from './serdeDataFrame';
import { isCancellation } from '../errors';
import { transferable } from './ownedChunks';
import { GroupPages } from './parquetPages';
import { type Column, ColumnarTable } from './table';

/** Options of `parseParquet`. */
export interface ParquetOptions {
  /** Checked between row groups. */
  signal?: AbortSignal;
  /** Called once the schema is known and after each row group. */
  onBatch?: (bytesRead: number) => void;
  /** A message for the user. */
  onWarning?: (message: string) => void;
  /**
   * Called once the footer is read, before any row group, with the layout and the bytes of row groups kept for
   * their parts (a reader of parts on demand shares them: a jump into the group being read reads on from there).
   */
  onLayout?: (layout: ParquetLayout, pages: GroupPages) => void;
  /** Row groups of more uncompressed bytes than this are read in parts (PART_BYTES). */
  partBytes?: number;
  /**
   * Awaited before each part after the first: the reader's memory budget can hold the read there (a part of a row
   * group already fetched makes no read that it would otherwise hold).
   */
  beforePart?: () => Promise<void>;
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
      // Bytes that span their buffer are handed over as they are (a range of a row group is tens of megabytes).
      return transferable(bytes, true).buffer;
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

/** How a Parquet file's columns land in a table, worked out once from its footer. */
export interface ParquetLayout {
  /** The file's metadata (footer). */
  readonly metadata: FileMetaData;
  /** Top-level column names, index columns first. */
  readonly ordered: string[];
  /** Columns pandas stored as the index. */
  readonly index: Set<string>;
  /** Timestamps stored in UTC (shown with +00:00). */
  readonly utc: Set<string>;
  /** First row of each row group, and the row count after the last. */
  readonly groupStarts: number[];
  /** First row of each part (a row group, or a stretch of rows of a large one), and the row count after the last. */
  readonly partStarts: number[];
  /** The row group of each part. */
  readonly partGroups: number[];
}

/** Uncompressed bytes of a row group above which it is read in parts of about this size. */
export const PART_BYTES = 16 * 1024 * 1024;

/** The layout of a file from its footer; row groups of more than `partBytes` are read in parts. */
function parquetLayout(metadata: FileMetaData, partBytes = PART_BYTES): ParquetLayout {
  const schema = parquetSchema(metadata);
  const index = pandasIndexColumns(metadata);
  const topNames = schema.children.map((c) => c.element.name);
  const ordered = [...topNames.filter((n) => index.has(n)), ...topNames.filter((n) => !index.has(n))];
  // Instants stored in UTC come back tz-aware: str(Timestamp) says +00:00.
  const utc = new Set(
    schema.children
      .filter((c) => c.element.logical_type?.type === 'TIMESTAMP' && c.element.logical_type.isAdjustedToUTC)
      .map((c) => c.element.name),
  );
  const groupStarts = [0];
  const partStarts = [0];
  const partGroups: number[] = [];
  metadata.row_groups.forEach((group, g) => {
    const start = groupStarts[g];
    const rows = Number(group.num_rows);
    const parts = Math.max(1, Math.min(rows, Math.ceil(Number(group.total_byte_size) / partBytes)));
    for (let k = 1; k <= parts; k++) {
      partStarts.push(start + Math.round((rows * k) / parts));
      partGroups.push(g);
    }
    groupStarts.push(start + rows);
  });
  return { metadata, ordered, index, utc, groupStarts, partStarts, partGroups };
}

/** Adds the layout's columns to `table`; returns them by Parquet column name. */
function addLayoutColumns(layout: ParquetLayout, table: ColumnarTable): Map<string, Column> {
  return new Map(
    layout.ordered.map((n) => [n, table.addColumn(n.startsWith('__index_level_') ? '' : n, layout.index.has(n))]),
  );
}

/**
 * Decodes part `part` onto the end of `table` (whose columns came from `addLayoutColumns`), reading its group's
 * column chunks through `pages` (GroupPages: only as far as the part's pages where their locations are known).
 */
async function readPartInto(
  file: AsyncBuffer,
  pages: GroupPages,
  layout: ParquetLayout,
  cols: Map<string, Column>,
  table: ColumnarTable,
  part: number,
): Promise<void> {
  const base = layout.partStarts[part];
  const rowEnd = layout.partStarts[part + 1];
  const offset = table.rowCount - base;
  const { file: partFile, pageLocations } = await pages.prepare(part, file);
  const pageLocationsByGroup: Record<string, OffsetIndex['page_locations']>[] = [];
  if (pageLocations) pageLocationsByGroup[layout.partGroups[part]] = pageLocations;
  // hyparquet's planner reads page locations found elsewhere than in an offset index (its types do not say so).
  const locations = { pageLocationsByGroup } as Partial<ParquetReadOptions>;
  await parquetRead({
    ...locations,
    file: partFile,
    metadata: layout.metadata,
    compressors,
    rowStart: base,
    rowEnd,
    // A part of a row group fetches only its pages: from the offset index where the file has one.
    useOffsetIndex: true,
    parsers: PANDAS_PARSERS,
    onChunk: ({ columnName, columnData, rowStart: chunkStart }) => {
      const col = cols.get(columnName);
      if (!col) return;
      const zone = layout.utc.has(columnName) ? '+00:00' : '';
      for (
        let i = Math.max(0, col.length - offset - chunkStart);
        i < columnData.length && chunkStart + i < rowEnd;
        i++
      ) {
        const v = columnData[i];
        col.pushValue(zone && typeof v === 'string' ? v + zone : v);
      }
    },
  });
  table.commitRows(rowEnd + offset);
  // pyarrow hands text and boolean gaps to pandas as None; numbers and times as NaN and NaT.
  for (const col of cols.values()) if (col.type === 'string' || col.type === 'boolean') col.markMissing('None');
}

/**
 * Part `part` of the file as a table of its own (rows 0… are the part's), fetched by range and decoded. Bytes the
 * reader cannot parse end in a {@link CorruptParquetError}.
 */
export async function readPart(
  file: AsyncBuffer,
  pages: GroupPages,
  layout: ParquetLayout,
  part: number,
): Promise<ColumnarTable> {
  const table = new ColumnarTable();
  const cols = addLayoutColumns(layout, table);
  try {
    await readPartInto(file, pages, layout, cols, table, part);
    table.compact();
  } catch (error) {
    if (isCancellation(error) || !(error instanceof RangeError || error instanceof TypeError)) throw error;
    throw new CorruptParquetError(parquetReason(error));
  }
  return table;
}

async function readParquet(
  file: AsyncBuffer & { bytesRead?: number },
  table: ColumnarTable,
  options: ParquetOptions,
): Promise<void> {
  const layout = parquetLayout(await parquetMetadataAsync(file), options.partBytes);
  // The parts of one row group read the same column chunks: fetched once for all of them.
  const pages = new GroupPages(layout);
  options.onLayout?.(layout, pages);
  const cols = addLayoutColumns(layout, table);
  options.onBatch?.(file.bytesRead ?? 0);
  for (let part = 0; part + 1 < layout.partStarts.length; part++) {
    if (part > 0) await options.beforePart?.();
    if (options.signal?.aborted) return;
    await readPartInto(file, pages, layout, cols, table, part);
    options.onBatch?.(file.bytesRead ?? 0);
  }
}
