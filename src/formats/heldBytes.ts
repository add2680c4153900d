// Bytes read from a stream and not consumed yet, kept as the chunks they arrived in (no copy until a caller
// asks for a stretch as one buffer).

/** A FIFO of byte chunks. */
export class HeldBytes {
  private chunks: Uint8Array[] = [];
  /** Bytes held. */
  size = 0;

  /** All chunks, oldest first. */
  get parts(): readonly Uint8Array[] {
    return this.chunks;
  }

  /** Appends a chunk (kept as it is, not copied). */
  push(chunk: Uint8Array): void {
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

  /** Removes the first `n` bytes and returns them as one new buffer. */
  take(n: number): Uint8Array {
    const bytes = this.peek(n);
    this.drop(n);
    return bytes;
  }
}
