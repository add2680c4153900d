// Parquet rows on demand: the footer says how many rows each row group holds and where its bytes are, so
// the grid can scroll the whole file at once; a window in a part of a row group not held (a row group, or a
// stretch of rows of a large one: parquet.ts) fetches it by range, decodes it, and keeps it in a
// least-recently-used cache bounded by the memory budget.
import type { Cell, RowGroupCounts } from '../protocol';
import { type ParquetLayout, rangeBuffer, readPart } from './parquet';
import type { GroupPages } from './parquetPages';
import { partHolding } from './segmentedArray';
import type { ColumnarTable } from './table';

/** Row groups of one Parquet file, fetched on demand (a part at a time) and held within a byte budget. */
export class RowGroupStore {
  /** Cached parts by index, least recently used first (a Map keeps insertion order). */
  private readonly cached = new Map<number, ColumnarTable>();
  private readonly pending = new Map<
    number,
    { table: Promise<ColumnarTable>; stop: AbortController; waiting: number }
  >();
  /** Bytes fetched for parts read on demand. */
  bytesFetched = 0;

  constructor(
    /** Reads bytes [start, endInclusive] of the file; `signal` stops the read. */
    private readonly read: (start: number, endInclusive: number, signal: AbortSignal) => Promise<Uint8Array>,
    private readonly byteLength: number,
    readonly layout: ParquetLayout,
    /** The bytes of row groups kept for their parts, shared with the read of the first row groups in order. */
    private readonly pages: GroupPages,
    /** The table the file's first row groups are read into in order (rows 0 … its rowCount). */
    private readonly prefix: ColumnarTable,
    /** Bytes the cache may hold: the budget less what the prefix table holds (at least one part is kept). */
    private readonly capacity: () => number,
  ) {}

  /** Rows in the file. */
  get rowCount(): number {
    return this.layout.groupStarts[this.layout.groupStarts.length - 1];
  }

  /** Bytes held by cached parts (and the column chunks kept for the next part of a row group). */
  get cachedBytes(): number {
    let sum = this.pages.byteSize;
    for (const t of this.cached.values()) sum += t.byteSize;
    return sum;
  }

  /** Rows, row groups, and the row groups of which a part is held. */
  counts(): RowGroupCounts {
    const { partStarts, partGroups, groupStarts } = this.layout;
    const held = new Set<number>();
    for (let p = 0; p + 1 < partStarts.length && partStarts[p + 1] <= this.prefix.rowCount; p++)
      held.add(partGroups[p]);
    for (const p of this.cached.keys()) held.add(partGroups[p]);
    return {
      rows: this.rowCount,
      groups: groupStarts.length - 1,
      held: held.size,
      heldBytes: this.prefix.byteSize + this.cachedBytes,
    };
  }

  /** The part holding file row `r` (partStarts ends with the row after the last part). */
  partOf(r: number): number {
    const starts = this.layout.partStarts;
    return partHolding(starts, starts.length - 1, r);
  }

  /**
   * Cells of file rows [start, end), at most `maxRows`, fetching the groups not held; `shape` cuts each row's
   * cells for the webview and returns false once the window is full. `signal` stops a fetch.
   */
  async rows(
    start: number,
    end: number,
    shape: (row: Cell[]) => boolean,
    signal: AbortSignal,
  ): Promise<{ rows: Cell[][]; rowIds: number[] }> {
    const stop = Math.min(end, this.rowCount);
    const rows: Cell[][] = [];
    const rowIds: number[] = [];
    let r = start;
    while (r < stop) {
      if (r < this.prefix.rowCount) {
        const row = this.prefix.row(r);
        rows.push(row);
        rowIds.push(r);
        r++;
        if (!shape(row)) break;
        continue;
      }
      const p = this.partOf(r);
      const base = this.layout.partStarts[p];
      const partEnd = Math.min(stop, this.layout.partStarts[p + 1]);
      const table = await this.part(p, signal);
      let full = false;
      for (; r < partEnd && !full; r++) {
        const row = table.row(r - base);
        rows.push(row);
        rowIds.push(r);
        full = !shape(row);
      }
      if (full) break;
    }
    return { rows, rowIds };
  }

  /** The text of one cell of file row `r` in column `colId`, or undefined. */
  async cellText(r: number, colId: string, signal: AbortSignal): Promise<string | undefined> {
    if (r < 0 || r >= this.rowCount) return undefined;
    if (r < this.prefix.rowCount) return this.prefix.column(colId)?.textAt(r);
    const p = this.partOf(r);
    const table = await this.part(p, signal);
    return table.column(colId)?.textAt(r - this.layout.partStarts[p]);
  }

  /** Part `p`, from the cache or fetched by range (one fetch however many windows ask at once). */
  private async part(p: number, signal: AbortSignal): Promise<ColumnarTable> {
    const hit = this.cached.get(p);
    if (hit) {
      this.cached.delete(p);
      this.cached.set(p, hit);
      return hit;
    }
    let fetching = this.pending.get(p);
    if (!fetching) {
      const stop = new AbortController();
      const file = rangeBuffer(this.byteLength, async (start, end) => {
        const bytes = await this.read(start, end, stop.signal);
        this.bytesFetched += bytes.byteLength;
        return bytes;
      });
      const table = readPart(file, this.pages, this.layout, p);
      const entry = { table, stop, waiting: 0 };
      fetching = entry;
      this.pending.set(p, entry);
      table
        .then((t) => {
          this.cached.set(p, t);
          this.evict(p);
        })
        .catch(() => {})
        .finally(() => {
          if (this.pending.get(p) === entry) this.pending.delete(p);
        });
    }
    const entry = fetching;
    entry.waiting++;
    try {
      return await abortable(entry.table, signal);
    } catch (error) {
      // Nobody wants the group any more: stop its download.
      if (signal.aborted && entry.waiting === 1) {
        entry.stop.abort(signal.reason);
        if (this.pending.get(p) === entry) this.pending.delete(p);
      }
      throw error;
    } finally {
      entry.waiting--;
    }
  }

  /** Drops least recently used parts (never `keep`) while the cache holds more than its capacity. */
  private evict(keep: number): void {
    const capacity = this.capacity();
    let bytes = this.cachedBytes;
    for (const [g, table] of this.cached) {
      if (bytes <= capacity) break;
      if (g === keep) continue;
      this.cached.delete(g);
      bytes -= table.byteSize;
    }
  }
}

/** `promise`, or a rejection with the signal's reason once it aborts first. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}
