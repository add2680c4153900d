// Stream chunks handed to the table worker in groups, each chunk owning its whole ArrayBuffer so the group
// can be transferred. A chunk from an HTTP body already owns its buffer (Node's HTTP parser copies each piece
// of a body into one of its own): it travels as it is, with no copy, and its memory leaves this thread at
// once. A copy would stay here as garbage until a full GC, and the extension host allocates so little while a
// preview loads that dead buffers pile up to V8's external-memory limit (about 64 MB) before one runs (the
// socket reads the parser copied from are freed by the S3 client's agents: readReleasingAgents.ts). Views
// into a shared buffer, and small chunks, are copied into a gathering buffer instead. Groups of about a
// megabyte keep the messages few; the first group is small so the first rows come at once, and a group waits
// no longer than `maxWaitMs` for more bytes, so a slow stream still shows its progress.

/** Options of `ownedChunkGroups`. */
export interface OwnedChunkOptions {
  /** Bytes of the first group. */
  firstBytes?: number;
  /** Bytes of later groups. */
  groupBytes?: number;
  /** A group is sent when the next chunk comes this long after the group was started, however full it is. */
  maxWaitMs?: number;
  /** True when the chunks are the caller's to give away (fresh buffers no one else keeps), not only to read. */
  chunksAreOwned?: boolean;
  /** Chunks smaller than this are copied into the gathering buffer even when they could travel as they are. */
  copyBelow?: number;
}

/** True when `chunk` spans all of an ArrayBuffer (transferring the buffer hands over exactly its bytes). */
export function spansItsBuffer(chunk: Uint8Array): boolean {
  return chunk.byteOffset === 0 && chunk.buffer instanceof ArrayBuffer && chunk.byteLength === chunk.buffer.byteLength;
}

/**
 * `bytes` to transfer to another thread: as they are when they are the caller's to give away (`owned`) and span
 * their buffer, else a copy of their own (a Buffer's `slice` is a view of a shared one).
 */
export function transferable(bytes: Uint8Array, owned: boolean): Uint8Array<ArrayBuffer> {
  return owned && spansItsBuffer(bytes) ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

/** Size of the gathering buffer that copies take turns in. */
const GATHER_BYTES = 64 * 1024;

/** The bytes of `chunks`, in order, in groups of chunks that each own their whole ArrayBuffer. */
export async function* ownedChunkGroups(
  chunks: AsyncIterable<Uint8Array>,
  {
    firstBytes = 64 * 1024,
    groupBytes = 1024 * 1024,
    maxWaitMs = 50,
    chunksAreOwned = false,
    copyBelow = 16 * 1024,
  }: OwnedChunkOptions = {},
): AsyncIterable<Uint8Array[]> {
  let target = firstBytes;
  let group: Uint8Array[] = [];
  let size = 0;
  let started = 0;
  let gather: Uint8Array | undefined;
  let gathered = 0;
  const closeGather = (): void => {
    if (gather && gathered > 0) group.push(gathered === gather.length ? gather : gather.slice(0, gathered));
    gather = undefined;
    gathered = 0;
  };
  const take = (): Uint8Array[] => {
    closeGather();
    const out = group;
    group = [];
    size = 0;
    target = groupBytes;
    return out;
  };
  const add = (chunk: Uint8Array): void => {
    if (size === 0) started = performance.now();
    size += chunk.byteLength;
    if (chunksAreOwned && chunk.byteLength >= copyBelow && spansItsBuffer(chunk)) {
      closeGather();
      group.push(chunk);
      return;
    }
    for (let at = 0; at < chunk.byteLength;) {
      gather ??= new Uint8Array(Math.max(GATHER_BYTES, Math.min(chunk.byteLength - at, groupBytes)));
      const n = Math.min(gather.length - gathered, chunk.byteLength - at);
      gather.set(chunk.subarray(at, at + n), gathered);
      gathered += n;
      at += n;
      if (gathered === gather.length) closeGather();
    }
  };
  try {
    for await (const chunk of chunks) {
      if (chunk.byteLength === 0) continue;
      add(chunk);
      if (size >= target || performance.now() - started >= maxWaitMs) yield take();
    }
  } catch (error) {
    // The bytes that came before a failure are delivered first: the rows read before it stay shown.
    if (size > 0) yield take();
    throw error;
  }
  if (size > 0) yield take();
}
