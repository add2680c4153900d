// Numbers and dictionary codes held as a typed array in segments: parsed batches are adopted as they arrive (no
// copy), short ones and cells pushed one by one fill open segments of growing room (up to CHUNK cells), so a
// column never grows by copying (no 2× peaks, no garbage) and a table of thousands of columns holds its cells, not
// arrays around them.

/** Most cells a segment filled in place has room for (see nextRoom). */
const CHUNK = 1 << 16;

/**
 * Of the first `count` of `starts` (the first row of each part, ascending, starting at 0), the last at or before
 * row `i`: the part holding it. A binary search.
 */
export function partHolding(starts: readonly number[], count: number, i: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Rows held in segments of any length: chunks filled cell by cell, and parsed batches adopted as they
 * arrive (no copy). Finds the segment of a row by binary search, remembering the last hit because reads
 * are mostly in order.
 */
export class SegmentIndex {
  /** First row of each segment. */
  readonly starts: number[] = [];
  private last = 0;

  add(start: number): void {
    this.starts.push(start);
  }

  find(i: number): number {
    const s = this.starts;
    const k = this.last;
    if (k < s.length && s[k] <= i && (k + 1 === s.length || s[k + 1] > i)) return k;
    this.last = partHolding(s, s.length, i);
    return this.last;
  }
}

/** Arrays a segment may be: what the cell-by-cell path fills, or what a parsed batch brought (narrowed). */
type SegmentArray = Float64Array | Int32Array | Int16Array | Uint8Array | Uint16Array | Uint32Array;
/** The constructor of a SegmentArray. */
type SegmentArrayType = new (n: number) => SegmentArray;

/**
 * Lets go of the one store's values kept in one array (see SegmentedArray.all): a sort or filter reads one
 * column's at a time, and keeping each column's would hold another copy of the table's numbers and codes, widened.
 */
let dropHeldFlat: (() => void) | undefined;

/** Cells a segment filled in place has room for at least. */
export const FIRST_ROOM = 1024;

/**
 * Cells the next segment filled in place gets room for, in a store holding `held` cells: a quarter of them, at
 * least FIRST_ROOM, at most CHUNK. A full segment is closed as it is and the next one opened, never grown by a copy:
 * a copy leaves the room it grew from behind as garbage, and the columns of a wide table all grow at once (2,000
 * columns left hundreds of megabytes of it); a quarter keeps the room set aside within a quarter of what is held.
 */
export function nextRoom(held: number): number {
  return Math.min(CHUNK, Math.max(FIRST_ROOM, held >>> 2));
}

/** Rows a batch has at least to be kept as segments of its own (see isSmallBatch). */
const SMALL_BATCH_ROWS = 1024;

/**
 * True for a batch of so few rows that its cells are copied onto the store's open segment rather than kept as
 * segments of their own: a typed array costs a few hundred bytes besides its values, more than a short batch's
 * values (a table of thousands of columns parses in batches of a few rows each). A parse thread sends such a
 * batch packed in one buffer, since the table copies it anyway.
 */
export function isSmallBatch(rows: number): boolean {
  return rows < SMALL_BATCH_ROWS;
}

/** A typed array in segments: numbers (NaN = missing) or dictionary codes. */
export class SegmentedArray<A extends Float64Array | Uint32Array> {
  length = 0;
  private readonly segments: SegmentArray[] = [];
  /** What each segment's values are divided by (1, or a power of ten for decimals held as integers). */
  private readonly scales: number[] = [];
  private readonly index = new SegmentIndex();
  /** The last segment while it is still filled in place (cell by cell, or short batches copied on), and its use. */
  private open: SegmentArray | undefined;
  private openUsed = 0;
  private flat: A | undefined;
  /** Lets go of the values kept in one array. */
  private readonly dropFlat = (): void => {
    this.flat = undefined;
  };
  /** Bytes of all segments, kept as they change (the load asks after every batch). */
  private bytes = 0;

  /** `cells`: the array cells pushed one by one are held in (any number, or any code). */
  constructor(private readonly cells: new (n: number) => A) {}

  push(n: number): void {
    const open = this.openFor(this.cells, 1);
    open[this.openUsed++] = n;
    this.length++;
    this.flat = undefined;
  }

  /**
   * Takes `values` over as a segment of its own (the caller must not change it afterwards), or copies them onto
   * the open segment when they are few (onto the next one for those that do not fit); each value is read divided
   * by `scale`.
   */
  adopt(values: SegmentArray, scale = 1): void {
    if (values.length === 0) return;
    if (isSmallBatch(values.length)) {
      for (let from = 0; from < values.length;) {
        const open = this.openFor(values.constructor as SegmentArrayType, scale);
        const n = Math.min(open.length - this.openUsed, values.length - from);
        open.set(values.subarray(from, from + n), this.openUsed);
        this.openUsed += n;
        this.length += n;
        from += n;
      }
    } else {
      this.closeOpen();
      this.index.add(this.length);
      this.segments.push(values);
      this.scales.push(scale);
      this.bytes += values.byteLength;
      this.length += values.length;
    }
    this.flat = undefined;
  }

  /**
   * The open segment, with room for at least one more value of `type` read divided by `scale`: as it is, or a new
   * one (nextRoom) when it is full (kept as it is) or holds another type or scale (its spare room given back).
   */
  private openFor(type: SegmentArrayType, scale: number): SegmentArray {
    const open = this.open;
    const sameKind = open?.constructor === type && this.scales[this.scales.length - 1] === scale;
    if (open && sameKind && this.openUsed < open.length) return open;
    this.closeOpen();
    const next = new type(nextRoom(this.length));
    this.open = next;
    this.openUsed = 0;
    this.index.add(this.length);
    this.segments.push(next);
    this.scales.push(scale);
    this.bytes += next.byteLength;
    return next;
  }

  /** Gives back spare room once no more values come (a row group read on demand, say). */
  compact(): void {
    this.closeOpen();
  }

  /** Ends the open segment, giving back its spare room. */
  private closeOpen(): void {
    const open = this.open;
    if (!open) return;
    if (this.openUsed < open.length) {
      const used = open.slice(0, this.openUsed);
      this.segments[this.segments.length - 1] = used;
      this.bytes -= open.byteLength - used.byteLength;
    }
    this.open = undefined;
  }

  get(i: number): number {
    const k = this.index.find(i);
    const v = this.segments[k][i - this.index.starts[k]];
    const scale = this.scales[k];
    return scale === 1 ? v : v / scale;
  }

  /**
   * All values in one array, built on demand for sorting and filtering and kept until the next append or until
   * another store's are asked for.
   */
  all(): A {
    if (this.flat?.length !== this.length) {
      if (dropHeldFlat !== this.dropFlat) dropHeldFlat?.();
      dropHeldFlat = this.dropFlat;
      const out = new this.cells(this.length);
      this.segments.forEach((seg, k) => {
        const start = this.index.starts[k];
        const n = Math.min(seg.length, this.length - start);
        const scale = this.scales[k];
        if (scale === 1) out.set(seg.subarray(0, n), start);
        else for (let j = 0; j < n; j++) out[start + j] = seg[j] / scale;
      });
      this.flat = out;
    }
    return this.flat;
  }

  get byteSize(): number {
    return this.bytes;
  }
}
