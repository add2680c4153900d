// Streaming decompression of object bytes (extension host only: uses node:zlib). gzip and zlib/deflate via
// zlib streams, zstd via zlib's zstd (Node 22.15+/24) or fzstd; bz2, lzma/xz, snappy, lz4 and zip are
// reported as unsupported with a message saying what to do.
import { Readable, Transform, pipeline } from 'node:stream';
import * as zlib from 'node:zlib';
import { Decompress as FzstdDecompress } from 'fzstd';

/** Error for a compression XCom Lens cannot undo. */
export class UnsupportedCompressionError extends Error {
  override readonly name = 'UnsupportedCompressionError';
  constructor(readonly compression: string) {
    super(
      `${compression} compression is not supported by XCom Lens. Download the object (XCom Lens: Download Object…) and ` +
        `decompress it locally, or configure the backend to use gzip or zstd.`,
    );
  }
}

/** Error for compressed bytes that are corrupt or truncated. */
export class CorruptCompressedDataError extends Error {
  override readonly name = 'CorruptCompressedDataError';
}

/** Canonical name of a compression (`gz` → gzip, `xz` → lzma, …); undefined for none. */
function normalizeCompression(compression: string | undefined): string | undefined {
  const c = (compression ?? '').trim().toLowerCase();
  if (!c || c === 'none' || c === 'identity') return undefined;
  if (c === 'gz' || c === 'gzip' || c === 'x-gzip') return 'gzip';
  if (c === 'zlib' || c === 'deflate') return 'deflate';
  if (c === 'zst' || c === 'zstd') return 'zstd';
  if (c === 'bz2' || c === 'bzip2') return 'bz2';
  if (c === 'xz' || c === 'lzma') return 'lzma';
  return c;
}

/** zstd in pure JavaScript (fzstd), for runtimes whose zlib lacks zstd (Node before 22.15). */
export function fzstdTransform(): Transform {
  const transform = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      try {
        decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        decoder.push(new Uint8Array(0), true);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  const decoder = new FzstdDecompress((data) => transform.push(Buffer.from(data)));
  return transform;
}

function decompressor(compression: string): Transform {
  switch (compression) {
    case 'gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'zstd':
      return typeof zlib.createZstdDecompress === 'function' ? zlib.createZstdDecompress() : fzstdTransform();
    default:
      throw new UnsupportedCompressionError(compression);
  }
}

/**
 * Decompresses a byte stream as it arrives. Stopping the iteration early stops reading `chunks` (their
 * `return()` runs, which aborts an S3 read). Errors of `chunks` pass through unchanged.
 */
export async function* decompress(
  chunks: AsyncIterable<Uint8Array>,
  compression: string | undefined,
): AsyncIterable<Uint8Array> {
  const name = normalizeCompression(compression);
  if (!name) {
    yield* chunks;
    return;
  }
  const transform = decompressor(name);
  let sourceError: unknown;
  const source = Readable.from(
    (async function* () {
      try {
        yield* chunks;
      } catch (error) {
        sourceError = error;
        throw error;
      }
    })(),
    { objectMode: false },
  );
  pipeline(source, transform, () => undefined);
  try {
    for await (const piece of transform as AsyncIterable<Buffer>) yield piece;
  } catch (error) {
    if (sourceError !== undefined) throw sourceError;
    const e = error as NodeJS.ErrnoException;
    if (e && typeof e.code === 'string' && /^Z_|^ERR_ZSTD|ERR__/.test(e.code)) {
      throw new CorruptCompressedDataError(`The ${name} data is corrupt or truncated (${e.code}): ${e.message}`);
    }
    throw error;
  } finally {
    transform.destroy();
    source.destroy();
  }
}
