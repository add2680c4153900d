// Working arrays that the passes of one sort by several columns share (tableView.ts): each pass of such a sort
// needs arrays as long as the table for its keys, the rows that have a value and the radix sort's copies. Made
// afresh for each pass, the arrays of the passes before stay until the GC frees them, and a sort by two text
// columns held the working memory of two passes at once (1.1× the memory budget). Taken from here, every pass
// writes into the same memory.

/** Arrays by role, each grown to the largest length asked for and handed out again. */
export class SortScratch {
  private readonly buffers = new Map<string, ArrayBuffer>();

  /** `length` 32-bit words for `role`, holding whatever its last user left (the caller writes before it reads). */
  uint32(role: string, length: number): Uint32Array {
    return new Uint32Array(this.buffer(role, length * 4), 0, length);
  }

  /** `length` 32-bit signed words for `role`, all zero. */
  zeroedInt32(role: string, length: number): Int32Array {
    return new Int32Array(this.buffer(role, length * 4), 0, length).fill(0);
  }

  /** `length` bytes for `role`, all zero. */
  zeroedBytes(role: string, length: number): Uint8Array {
    return new Uint8Array(this.buffer(role, length), 0, length).fill(0);
  }

  private buffer(role: string, bytes: number): ArrayBuffer {
    const held = this.buffers.get(role);
    if (held && held.byteLength >= bytes) return held;
    const made = new ArrayBuffer(bytes);
    this.buffers.set(role, made);
    return made;
  }
}

/** A `length` 32-bit array for `role` from `scratch`, or a new one without it. */
export function scratchUint32(scratch: SortScratch | undefined, role: string, length: number): Uint32Array {
  return scratch ? scratch.uint32(role, length) : new Uint32Array(length);
}
