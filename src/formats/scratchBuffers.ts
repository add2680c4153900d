// Memory a thread reuses from batch to batch for the arrays a parse fills before it knows their final size or
// type (room for a batch's rows, a text column's bytes as they grow). What a batch keeps is copied out of them
// at its exact size. Without them each batch left several times its own size in short-lived arrays, and the
// memory allocator kept the holes they left between the arrays the table keeps: about 4 MB a parse thread.

/** Buffers given back, reused for the next that fit. */
const free: ArrayBuffer[] = [];
/** Most buffers kept for reuse (a batch of a wide table takes a few a column). */
const MAX_FREE = 64;
/** Least size handed out: smaller requests share the sizes the next batches will ask for again. */
const MIN_BYTES = 4096;

/**
 * A zeroed buffer of at least `bytes`, reused when one given back fits (the smallest that does), else new and
 * rounded up to a power of two so that the next batches, a little larger or smaller, fit it too.
 */
export function takeScratch(bytes: number): ArrayBuffer {
  let best = -1;
  for (let i = 0; i < free.length; i++) {
    const size = free[i].byteLength;
    if (size >= bytes && (best < 0 || size < free[best].byteLength)) best = i;
  }
  if (best < 0) return new ArrayBuffer(Math.max(MIN_BYTES, 2 ** Math.ceil(Math.log2(Math.max(1, bytes)))));
  const buffer = free[best];
  free[best] = free[free.length - 1];
  free.pop();
  new Uint8Array(buffer, 0, Math.min(bytes, buffer.byteLength)).fill(0);
  return buffer;
}

/** Gives a buffer from takeScratch back for reuse; nothing that is still read may view it. */
export function giveBackScratch(buffer: ArrayBuffer): void {
  // A transferred (detached) buffer has no bytes left to reuse.
  if (buffer.byteLength > 0 && free.length < MAX_FREE && !free.includes(buffer)) free.push(buffer);
}
