// Memory a thread reuses from batch to batch for the arrays a parse fills before it knows their final size or
// type (room for a batch's rows, a text column's bytes as they grow). What a batch keeps is copied out of them
// at its exact size. Without them each batch left several times its own size in short-lived arrays, and the
// memory allocator kept the holes they left between the arrays the table keeps: about 4 MB a parse thread.

/** Buffers given back, by size (a power of two), reused for the next asked for in that size. */
const free = new Map<number, ArrayBuffer[]>();
/** Bytes held in `free`: enough for a batch of thousands of columns, each taking a few buffers. */
let freeBytes = 0;
const MAX_FREE_BYTES = 16 * 1024 * 1024;
/** Least size handed out: a wide table's batches hold a few dozen rows, in thousands of columns. */
const MIN_BYTES = 256;

/** The size a request for `bytes` is served in: a power of two, which the next batches' requests share. */
function sizeFor(bytes: number): number {
  return Math.max(MIN_BYTES, 2 ** Math.ceil(Math.log2(Math.max(1, bytes))));
}

/** A zeroed buffer of at least `bytes`: one given back in its size, else a new one. */
export function takeScratch(bytes: number): ArrayBuffer {
  const size = sizeFor(bytes);
  const buffer = free.get(size)?.pop();
  if (!buffer) return new ArrayBuffer(size);
  freeBytes -= size;
  new Uint8Array(buffer, 0, bytes).fill(0);
  return buffer;
}

/** Gives a buffer from takeScratch back for reuse, once; nothing that is still read may view it. */
export function giveBackScratch(buffer: ArrayBuffer): void {
  const size = buffer.byteLength;
  // A transferred (detached) buffer has no bytes left to reuse.
  if (size === 0 || freeBytes + size > MAX_FREE_BYTES) return;
  let list = free.get(size);
  if (!list) free.set(size, (list = []));
  list.push(buffer);
  freeBytes += size;
}

/** `length` elements of a zeroed scratch buffer (takeScratch); give back its `buffer` once done. */
export function scratchArray<A extends Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array>(
  Type: { new (buffer: ArrayBuffer, offset: number, length: number): A; BYTES_PER_ELEMENT: number },
  length: number,
): A {
  return new Type(takeScratch(length * Type.BYTES_PER_ELEMENT), 0, length);
}
