// Numbers and dictionary codes held as a typed array in segments: parsed batches are adopted as they arrive (no
// copy), short ones and cells pushed one by one fill an open segment that grows to CHUNK cells, so a column never
// grows by copying everything (no 2× peaks) and a table of thousands of columns holds its cells, not arrays around
// them.

/** Cells per storage chunk filled cell by cell: arrays grow by whole chunks, never by copying everything (no 2× peaks). */
export const CHUNK = 1 << 16;

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
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    this.last = lo;
    return lo;
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

/**
 * Cells a segment filled in place has room for at first, doubled as it fills, up to CHUNK: a table of thousands
 * of columns does not set aside CHUNK cells for each of them at its first row.
 */
export const FIRST_ROOM = 1024;

/**
 * Batches of fewer rows are copied onto the store's open segment rather than kept as segments of their own: a
 * typed array costs a few hundred bytes besides its values, more than a short batch's values (a table of
 * thousands of columns parses in batches of a few rows each).
 */
export const SMALL_BATCH_ROWS = 1024;

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
    this.roomFor(1, this.cells, 1);
    this.open![this.openUsed++] = n;
    this.length++;
    this.flat = undefined;
  }

  /**
   * Takes `values` over as a segment of its own (the caller must not change it afterwards), or copies them onto
   * the open segment when they are few; each value is read divided by `scale`.
   */
  adopt(values: SegmentArray, scale = 1): void {
    if (values.length === 0) return;
    if (values.length < SMALL_BATCH_ROWS) {
      this.roomFor(values.length, values.constructor as SegmentArrayType, scale);
      this.open!.set(values, this.openUsed);
      this.openUsed += values.length;
    } else {
      this.closeOpen();
      this.index.add(this.length);
      this.segments.push(values);
      this.scales.push(scale);
      this.bytes += values.byteLength;
    }
    this.length += values.length;
    this.flat = undefined;
  }

  /**
   * Makes the open segment hold `n` more values of `type`, read divided by `scale`: as it is, grown, or closed and
   * a new one opened (when it holds another type or scale, or would pass CHUNK).
   */
  private roomFor(n: number, type: SegmentArrayType, scale: number): void {
    let open = this.open;
    if (open && (open.constructor !== type || this.scales[this.scales.length - 1] !== scale)) {
      this.closeOpen();
      open = undefined;
    }
    if (open && this.openUsed + n <= open.length) return;
    if (open && this.openUsed + n <= CHUNK) {
      const grown = new type(Math.min(CHUNK, Math.max(open.length * 2, this.openUsed + n)));
      grown.set(open.subarray(0, this.openUsed));
      this.segments[this.segments.length - 1] = grown;
      this.bytes += grown.byteLength - open.byteLength;
      this.open = grown;
      return;
    }
    this.closeOpen();
    this.open = new type(Math.max(FIRST_ROOM, n));
    this.openUsed = 0;
    this.index.add(this.length);
    this.segments.push(this.open);
    this.scales.push(scale);
    this.bytes += this.open.byteLength;
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
