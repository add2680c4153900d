// Where the pages of a row group's column chunks start, for files written without an offset index (pyarrow's
// default): a part of a large row group then fetches its column chunks only as far as its last row, not whole.
// The page headers are read from each chunk's start, in windows sized by the rows still to find, and the bytes
// fetched for them are kept: the part's pages are read from them, and the next part of the group reads on.
import type { AsyncBuffer, OffsetIndex, SchemaTree } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { getMaxRepetitionLevel, getTreePath } from 'hyparquet/src/schema.js';
import { parquetSchema } from 'hyparquet';
import type { ParquetLayout } from './parquet';

/** Where a page starts, its bytes with its header, and its group's row it starts at (an offset index's entry). */
type PageLocation = OffsetIndex['page_locations'][number];

/** Bytes a page header may take (its statistics can hold long values): past this, the chunk's pages are not sought. */
const HEADER_LIMIT = 1 << 20;
/** Bytes a page header is first read from (most take a few dozen; longer ones are read again from more). */
const HEADER_GUESS = 4096;
/**
 * Bytes fetched past the estimate of where a chunk's wanted rows end (rows are not all the same size): a 32nd of
 * the chunk, from 4 KB to 64 KB. Where the estimate still falls short, another window is fetched.
 */
function windowSlack(chunkBytes: number): number {
  return Math.min(64 * 1024, Math.max(4096, Math.ceil(chunkBytes / 32)));
}

/** Bytes of a column chunk fetched from its start, in the windows they came in. */
class ChunkPrefix {
  private readonly windows: { start: number; bytes: Uint8Array }[] = [];
  /** File offset where the fetched bytes end. */
  end: number;

  constructor(readonly start: number) {
    this.end = start;
  }

  get byteSize(): number {
    return this.end - this.start;
  }

  add(bytes: ArrayBuffer): void {
    this.windows.push({ start: this.end, bytes: new Uint8Array(bytes) });
    this.end += bytes.byteLength;
  }

  /** File bytes [start, end), which must be held: a view when one window has them all, else a copy. */
  view(start: number, end: number): DataView {
    for (const w of this.windows)
      if (start >= w.start && end <= w.start + w.bytes.length)
        return new DataView(w.bytes.buffer, w.bytes.byteOffset + start - w.start, end - start);
    return new DataView(this.copy(start, end));
  }

  /** A copy of file bytes [start, end), which must be held. */
  copy(start: number, end: number): ArrayBuffer {
    const out = new Uint8Array(end - start);
    for (const w of this.windows) {
      const from = Math.max(start, w.start);
      const to = Math.min(end, w.start + w.bytes.length);
      if (from < to) out.set(w.bytes.subarray(from - w.start, to - w.start), from - start);
    }
    return out.buffer;
  }
}

/** The page locations of one column chunk found so far, read on as more rows are wanted. */
class ChunkPages {
  readonly pages: PageLocation[] = [];
  /** Offset of the next page header to read. */
  private next: number;
  /** Rows of the group before the next page. */
  private rows = 0;
  /** Set once the chunk's headers cannot be read (the part then reads the chunk whole). */
  failed = false;

  constructor(
    readonly prefix: ChunkPrefix,
    private readonly chunkEnd: number,
    private readonly groupRows: number,
    /** True when rows can be counted from DATA_PAGE headers (no repeated level). */
    private readonly flat: boolean,
  ) {
    this.next = prefix.start;
  }

  /** True once the pages found reach row `target` of the group (or the chunk's end). */
  private covers(target: number): boolean {
    return this.rows >= target || this.next >= this.chunkEnd;
  }

  /** Finds run one after another: two parts of the group wanted at once read the chunk on in turn. */
  private queue: Promise<unknown> = Promise.resolve();

  /** Finds the pages up to row `target`; false when the headers could not be read. */
  find(target: number, file: AsyncBuffer): Promise<boolean> {
    return this.inTurn(() => this.findNow(target, file));
  }

  /** True when a read of file bytes [start, end) starts in this chunk's fetched bytes and stays in the chunk. */
  reads(start: number, end: number): boolean {
    return start >= this.prefix.start && start <= this.prefix.end && end <= this.chunkEnd;
  }

  /**
   * File bytes [start, end) (see `reads`): from those fetched, and the rest fetched on (a chunk read whole after
   * its headers could not all be read reuses the bytes fetched for them).
   */
  slice(start: number, end: number, file: AsyncBuffer): Promise<ArrayBuffer> {
    return this.inTurn(async () => {
      const { prefix } = this;
      if (prefix.end < end) {
        const rest = await file.slice(prefix.end, end);
        if (rest.byteLength !== end - prefix.end) return file.slice(start, end);
        prefix.add(rest);
      }
      return prefix.copy(start, end);
    });
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const done = this.queue.then(work);
    this.queue = done.catch(() => undefined);
    return done;
  }

  private async findNow(target: number, file: AsyncBuffer): Promise<boolean> {
    while (!this.failed && !this.covers(target)) {
      const header = this.readHeader();
      if (header === 'more') {
        // A file shorter than its footer says gives no more bytes: its chunks are read whole (and found corrupt).
        if (!(await this.fetch(target, file))) this.failed = true;
        continue;
      }
      if (!header) {
        this.failed = true;
        break;
      }
      const { type, size, length } = header;
      const pageEnd = this.next + length + size;
      if (!Number.isSafeInteger(size) || size < 0 || pageEnd > this.chunkEnd) {
        this.failed = true;
        break;
      }
      if (type === 'DATA_PAGE' || type === 'DATA_PAGE_V2') {
        const rows = header.rows;
        if (rows === undefined || !Number.isSafeInteger(rows) || rows <= 0) {
          this.failed = true;
          break;
        }
        this.pages.push({
          offset: BigInt(this.next),
          compressed_page_size: length + size,
          first_row_index: BigInt(this.rows),
        });
        this.rows += rows;
      }
      this.next = pageEnd;
    }
    // The last page found is read from here too: fetch the rest of it.
    if (!this.failed && this.prefix.end < this.next) {
      const rest = await file.slice(this.prefix.end, this.next);
      if (rest.byteLength === this.next - this.prefix.end) this.prefix.add(rest);
      else this.failed = true;
    }
    return !this.failed;
  }

  /** The header at `next`, 'more' when its bytes are not all fetched yet, undefined when it cannot be read. */
  private readHeader(): { type: string; size: number; length: number; rows?: number } | 'more' | undefined {
    const { prefix } = this;
    const available = Math.min(prefix.end - this.next, HEADER_LIMIT);
    if (available <= 0) return this.next < this.chunkEnd ? 'more' : undefined;
    for (let length = Math.min(available, HEADER_GUESS); ; length = available) {
      const reader = { view: prefix.view(this.next, this.next + length), offset: 0 };
      try {
        const h = parquetHeader(reader);
        const rows = h.data_page_header_v2
          ? h.data_page_header_v2.num_rows
          : h.data_page_header && this.flat
            ? h.data_page_header.num_values
            : undefined;
        return { type: h.type, size: h.compressed_page_size, length: reader.offset, rows };
      } catch (error) {
        // A header cut off where the bytes read end reads past the view: read it from more bytes.
        if (!(error instanceof RangeError)) return undefined;
        if (length < available) continue;
        return prefix.end < this.chunkEnd && available < HEADER_LIMIT ? 'more' : undefined;
      }
    }
  }

  /**
   * Fetches the next window: as far as row `target` is estimated to end (bytes spread evenly over rows), and a
   * slack; false when the file gave no bytes.
   */
  private async fetch(target: number, file: AsyncBuffer): Promise<boolean> {
    const { prefix } = this;
    const chunkBytes = this.chunkEnd - prefix.start;
    const slack = windowSlack(chunkBytes);
    const estimate = prefix.start + Math.ceil((chunkBytes / this.groupRows) * target * 1.05) + slack;
    // At least past the next header: a page longer than the estimate is skipped in one fetch, not many.
    const end = Math.min(this.chunkEnd, Math.max(estimate, prefix.end + slack, this.next + slack));
    const bytes = await file.slice(prefix.end, end);
    if (bytes.byteLength === 0) return false;
    prefix.add(bytes.byteLength > end - prefix.end ? bytes.slice(0, end - prefix.end) : bytes);
    return true;
  }
}

/** What is kept for one row group: slices fetched whole (column chunks read whole) by range, and page locations. */
interface GroupBytes {
  slices: Map<string, ArrayBuffer>;
  /** Page locations being found, by column path. */
  chunks: Map<string, ChunkPages>;
}

/**
 * Row groups whose bytes are kept: the one read in order and one a jump went to, so that neither fetches its
 * bytes again when the other is read (Read further after a jump, windows on both sides).
 */
const GROUPS_KEPT = 2;

/**
 * What a part of a row group reads from: the file, with the bytes its group's parts have fetched already served
 * from memory, and the page locations of the group's column chunks that have no offset index. The bytes of the
 * last GROUPS_KEPT row groups read are kept. Only slices fetched whole are kept: a read stopped for one part
 * never fails another.
 */
export class GroupPages {
  /** Kept row groups, least recently read first (a Map keeps insertion order). */
  private readonly groups = new Map<number, GroupBytes>();

  /** The file's schema, where a column's repetition levels are found. */
  private readonly tree: SchemaTree;

  constructor(private readonly layout: ParquetLayout) {
    this.tree = parquetSchema(layout.metadata);
  }

  /** Bytes kept. */
  get byteSize(): number {
    let sum = 0;
    for (const { slices, chunks } of this.groups.values()) {
      for (const b of slices.values()) sum += b.byteLength;
      for (const c of chunks.values()) sum += c.prefix.byteSize;
    }
    return sum;
  }

  /** The bytes kept for row group `g`, made the most recently read (the least recent beyond GROUPS_KEPT go). */
  private bytesOf(g: number): GroupBytes {
    const kept = this.groups.get(g) ?? { slices: new Map(), chunks: new Map() };
    this.groups.delete(g);
    this.groups.set(g, kept);
    for (const oldest of this.groups.keys()) {
      if (this.groups.size <= GROUPS_KEPT) break;
      this.groups.delete(oldest);
    }
    return kept;
  }

  /**
   * The file as part `part` reads it, and the page locations of its group's chunks up to the part's last row (by
   * column path; a chunk with an offset index or whose headers could not be read has none, and is read whole).
   */
  async prepare(
    part: number,
    file: AsyncBuffer,
  ): Promise<{ file: AsyncBuffer; pageLocations?: Record<string, PageLocation[]> }> {
    const { partGroups, partStarts, groupStarts, metadata } = this.layout;
    const g = partGroups[part];
    // A row group read in one part reads its chunks once: nothing to keep.
    if (partGroups[part - 1] !== g && partGroups[part + 1] !== g) return { file };
    const kept = this.bytesOf(g);
    const fetched = keptFile(file, kept);
    const rowGroup = metadata.row_groups[g];
    const groupRows = Number(rowGroup.num_rows);
    const target = partStarts[part + 1] - groupStarts[g];
    const pageLocations: Record<string, PageLocation[]> = {};
    await Promise.all(
      rowGroup.columns.map(async (chunk) => {
        const meta = chunk.meta_data;
        if (!meta || chunk.offset_index_offset !== undefined || chunk.file_path) return;
        const path = meta.path_in_schema.join('.');
        let pages = kept.chunks.get(path);
        if (!pages) {
          const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
          let flat = false;
          try {
            flat = getMaxRepetitionLevel(getTreePath(this.tree, meta.path_in_schema)) === 0;
          } catch {
            return;
          }
          pages = new ChunkPages(new ChunkPrefix(start), start + Number(meta.total_compressed_size), groupRows, flat);
          kept.chunks.set(path, pages);
        }
        if ((await pages.find(target, file)) && pages.pages.length > 0) pageLocations[path] = [...pages.pages];
      }),
    );
    return { file: fetched, pageLocations };
  }
}

/** `file`, with the bytes already fetched for one row group served from memory. */
function keptFile(file: AsyncBuffer, { slices, chunks }: GroupBytes): AsyncBuffer {
  return {
    byteLength: file.byteLength,
    async slice(start, end) {
      const stop = end ?? file.byteLength;
      for (const c of chunks.values()) if (c.reads(start, stop)) return c.slice(start, stop, file);
      const key = `${start}-${stop}`;
      const held = slices.get(key);
      if (held) return held;
      const bytes = await file.slice(start, end);
      slices.set(key, bytes);
      return bytes;
    },
  };
}
