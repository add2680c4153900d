// Text that announces UTF-16 with a byte-order mark (what `to_csv(encoding='utf-16')` and Excel's "Unicode text"
// write): recognised from the first bytes and re-encoded to UTF-8 as it streams, so the CSV and JSON readers,
// which read UTF-8, see the same text pandas reads.

/** The UTF-16 byte order a byte-order mark announces, or undefined. */
export function utf16ByteOrder(head: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (head.length < 2) return undefined;
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** The first bytes of UTF-16 text as UTF-8 (the mark dropped; a cut last unit is ignored). */
export function utf16HeadAsUtf8(head: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): Uint8Array {
  return new TextEncoder().encode(new TextDecoder(encoding).decode(head.subarray(0, head.length & ~1)));
}

/** Re-encodes a UTF-16 stream (with its mark) to UTF-8, chunk by chunk; pairs cut between chunks are kept whole. */
export async function* utf16ToUtf8(
  stream: AsyncIterable<Uint8Array>,
  encoding: 'utf-16le' | 'utf-16be',
): AsyncIterable<Uint8Array> {
  const decoder = new TextDecoder(encoding);
  const encoder = new TextEncoder();
  for await (const chunk of stream) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield encoder.encode(text);
  }
  const rest = decoder.decode();
  if (rest) yield encoder.encode(rest);
}
