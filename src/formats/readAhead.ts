// A byte source whose first bytes are read before anyone asks for them: the next parts of a stacked table are on
// their way while the one before is parsed, so many small objects do not cost a round trip each.
import type { ByteTableSource } from './table';

/** `source`, with up to `bytes` of its stream read from now on and held until its `open` is called (once). */
export function readAhead(source: ByteTableSource, signal: AbortSignal, bytes: number): ByteTableSource {
  const chunks = source.open(signal)[Symbol.asyncIterator]();
  const held: Uint8Array[] = [];
  let ended = false;
  let failure: unknown;
  const filled = (async () => {
    try {
      for (let size = 0; size < bytes;) {
        const r = await chunks.next();
        if (r.done) {
          ended = true;
          return;
        }
        held.push(r.value);
        size += r.value.byteLength;
      }
    } catch (error) {
      failure = error ?? new Error('The read failed.');
    }
  })();
  return {
    ...source,
    async *open() {
      await filled;
      try {
        for (let chunk = held.shift(); chunk; chunk = held.shift()) yield chunk;
        if (failure !== undefined) throw failure;
        if (ended) return;
        for (let r = await chunks.next(); !r.done; r = await chunks.next()) yield r.value;
      } finally {
        await chunks.return?.();
      }
    },
  };
}
