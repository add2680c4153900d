// Stream chunks gathered into blocks the table worker can own. Chunks from an HTTP body are often 16–64 KB
// views into shared buffers: each would need a copy and a message of its own. Gathering them into blocks of
// about a megabyte is the one copy anyway, with a sixteenth of the messages and of the pieces the worker
// joins later. The first block is small so the first rows come at once, and a block waits no longer than
// `maxWaitMs` for more bytes, so a slow stream still shows its progress.

/** Options of `ownedBlocks`. */
export interface OwnedBlockOptions {
  /** Size of the first block. */
  firstBytes?: number;
  /** Size of later blocks. */
  blockBytes?: number;
  /** A block is sent when the next chunk comes this long after the block was started, however full it is. */
  maxWaitMs?: number;
}

/** The bytes of `chunks`, in order, in blocks that each own their whole ArrayBuffer (safe to transfer). */
export async function* ownedBlocks(
  chunks: AsyncIterable<Uint8Array>,
  { firstBytes = 64 * 1024, blockBytes = 1024 * 1024, maxWaitMs = 50 }: OwnedBlockOptions = {},
): AsyncIterable<Uint8Array> {
  let size = firstBytes;
  let block: Uint8Array | undefined;
  let used = 0;
  let started = 0;
  const take = (): Uint8Array => {
    const out = used === block!.length ? block! : block!.slice(0, used);
    block = undefined;
    used = 0;
    size = blockBytes;
    return out;
  };
  try {
    for await (const chunk of chunks) {
      for (let at = 0; at < chunk.byteLength;) {
        if (!block) {
          block = new Uint8Array(Math.max(size, 1));
          started = performance.now();
        }
        const n = Math.min(block.length - used, chunk.byteLength - at);
        block.set(chunk.subarray(at, at + n), used);
        used += n;
        at += n;
        if (used === block.length) yield take();
      }
      if (block && used > 0 && performance.now() - started >= maxWaitMs) yield take();
    }
  } catch (error) {
    // The bytes that came before a failure are delivered first: the rows read before it stay shown.
    if (block && used > 0) yield take();
    throw error;
  }
  if (block && used > 0) yield take();
}
