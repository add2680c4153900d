// Bytes read from a stream and not consumed yet, kept as the chunks they arrived in (no copy until a caller
// asks for a stretch as one buffer, or for parts it may hand to another thread).

/** A FIFO of byte chunks. */
export class HeldBytes {
  private chunks: Uint8Array[] = [];
  /** Buffers of chunks that were ours alone and spanned them whole when they came. */
  private readonly owned = new WeakSet<ArrayBufferLike>();
  /** Bytes held. */
  size = 0;

  /** `chunksAreOwned`: the chunks pushed are the holder's to give away (see `takeTransferable`). */
  constructor(private readonly chunksAreOwned = false) {}

  /** All chunks, oldest first. */
  get parts(): readonly Uint8Array[] {
    return this.chunks;
  }

  /** Appends a chunk (kept as it is, not copied). */
  push(chunk: Uint8Array): void {
    if (this.chunksAreOwned && chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength)
      this.owned.add(chunk.buffer);
    this.chunks.push(chunk);
    this.size += chunk.byteLength;
  }

  /** The first `n` bytes as one new buffer (its own ArrayBuffer), leaving them held. */
  peek(n: number): Uint8Array {
    const total = Math.min(n, this.size);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of this.chunks) {
      if (at >= total) break;
      const part = c.subarray(0, total - at);
      out.set(part, at);
      at += part.byteLength;
    }
    return out;
  }

  /** Forgets the first `n` bytes. */
  drop(n: number): void {
    const rest: Uint8Array[] = [];
    let skip = Math.min(n, this.size);
    this.size -= skip;
    for (const c of this.chunks) {
      if (skip >= c.byteLength) {
        skip -= c.byteLength;
        continue;
      }
      rest.push(skip > 0 ? c.subarray(skip) : c);
      skip = 0;
    }
    this.chunks = rest;
  }

  /**
   * Removes the first `n` bytes and returns them as parts whose buffers can be transferred: a chunk taken to
   * its end goes as it is when its buffer is ours alone, and anything else (a view into a shared buffer) as a
   * copy (a new Uint8Array: `slice` of a Buffer is only a view). A chunk of ours cut in two copies its smaller
   * side: the head goes with the chunk's buffer when the rest, which stays held, is the shorter and is copied.
   */
  takeTransferable(n: number): Uint8Array[] {
    const parts = this.takeParts(n);
    const head = parts[parts.length - 1];
    // A held view of an owned buffer always reaches the buffer's end (bytes leave from the front only), so a
    // part that does not stops inside a chunk whose rest is still held.
    const rest = this.chunks[0];
    const cut = head !== undefined && rest !== undefined && rest.buffer === head.buffer;
    let moved: Uint8Array | undefined;
    if (cut && this.owned.has(rest.buffer) && head.byteLength > rest.byteLength) {
      const copy = new Uint8Array(rest);
      this.owned.add(copy.buffer);
      this.chunks[0] = copy;
      moved = head;
    }
    return parts.map((part) =>
      part === moved || (this.owned.has(part.buffer) && part.byteOffset + part.byteLength === part.buffer.byteLength)
        ? part
        : new Uint8Array(part),
    );
  }

  /** Removes the first `n` bytes and returns them as views of the chunks they arrived in (no copy). */
  takeParts(n: number): Uint8Array[] {
    const parts: Uint8Array[] = [];
    let left = Math.min(n, this.size);
    for (const c of this.chunks) {
      if (left === 0) break;
      const part = c.byteLength <= left ? c : c.subarray(0, left);
      parts.push(part);
      left -= part.byteLength;
    }
    this.drop(n);
    return parts;
  }
}

/** The total length of `parts`. */
export function partsLength(parts: readonly Uint8Array[]): number {
  return parts.reduce((sum, p) => sum + p.byteLength, 0);
}

/**
 * `parts` back to back in `out` (as long as they are together), by default one new buffer (its own
 * ArrayBuffer, so it can be transferred).
 */
export function joinParts(parts: readonly Uint8Array[], out = new Uint8Array(partsLength(parts))): Uint8Array {
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
