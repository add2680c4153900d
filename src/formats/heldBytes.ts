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

/** `parts` back to back in one new buffer (its own ArrayBuffer, so it can be transferred). */
export function joinParts(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
