// Read-only access to offloaded XCom objects: HEAD, streamed ranged reads (explicit ranges computed from the
// object's size), single ranges for Parquet footers, presigned URLs and plain object URLs. Never writes.
import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { CancellationError, cancellableSleep, isCancellation } from '../errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { objectUrl } from './objectUrl';
import { MOST_BYTES_SKIPPED, isWholeObject, rangesNotServed, servedStart } from './rangeReply';
import { resolveRegion } from './awsCredentials';
import { createS3Client, DEFAULT_CLIENT_OPTIONS } from './s3ClientFactory';

import { StorageError, isTransientError, toStorageError, type StorageErrorContext } from './storageErrors';
import type { ObjectLocation, StaticCredentials, StorageSettings } from './storageSettings';

/** Most bytes readRange sets aside before they arrive (a larger range grows its buffer as it comes). */
const RANGE_BUFFER_BYTES = 64 * 1024 * 1024;

/** What a HEAD tells about an object. */
export interface ObjectHead {
  /** Size in bytes. */
  size: number;
  /** Last-Modified. */
  lastModified?: Date;
  /** ETag, quotes included as S3 sends it. */
  etag?: string;
  /** Content-Type. */
  contentType?: string;
}

/** Options of `S3ObjectStore.read`. */
export interface ReadOptions {
  /** Aborting stops the read: the in-flight request is aborted and iteration throws a CancellationError. */
  signal?: AbortSignal;
  /** First byte to read (default 0). */
  start?: number;
  /** Last byte to read, inclusive (default: the last byte of the object). */
  end?: number;
  /** Bytes per ranged GET (default 64 MiB). */
  chunkSize?: number;
  /** Called after each piece received: bytes read so far and bytes to read in all. */
  onProgress?(bytesRead: number, totalBytes: number): void;
  /** The object's size when already known (skips the HEAD). */
  size?: number;
  /**
   * The object's ETag as its HEAD gave it (the one made here when `size` is not given): every GET asks for that
   * version, so an object replaced mid-read stops the read with a clear error, never stitching two versions.
   */
  ifMatch?: string;
}

/** Options of an S3ObjectStore. */
export interface ObjectStoreOptions {
  /** Where the credentials come from, named in error messages (never a secret). */
  credentialsOrigin?: string;
  /** The settings the client was built from (endpoint, region, profile for messages and URLs). */
  settings?: StorageSettings;
  /** Diagnostics. */
  logger?: Logger;
  /** Retries of one range after a transient error mid-body (default 3). */
  rangeRetries?: number;
  /** Texts never to show in messages (secrets). */
  secrets?: string[];
  /** Longest wait for S3, per request and between two pieces of a body, in ms (default 30 s); then a timeout. */
  waitTimeoutMs?: number;
}

/** Default bound of one wait for S3. */
const DEFAULT_WAIT_TIMEOUT_MS = 30_000;

/**
 * Default bytes per ranged GET. Each request costs the client a few milliseconds of CPU (signing, the SDK's
 * middleware, a new body stream) and S3 a request: 8 MB ranges cost a 95 MB load about 60 ms more than 64 MB
 * ones. A range streams, so its size is not memory held, and a retry resumes from the first byte not read.
 */
const DEFAULT_CHUNK_SIZE = 64 * 1024 * 1024;

/** A wait for S3 bounded in time: its signal aborts on the user's Cancel or when `ms` pass without `restart()`. */
class BoundedWait {
  private readonly timer = new AbortController();
  private handle: NodeJS.Timeout | undefined;
  /** True once the bound was reached (rather than the user cancelling). */
  timedOut = false;
  /** Aborts on Cancel or timeout. */
  readonly signal: AbortSignal;

  constructor(
    private readonly ms: number,
    user?: AbortSignal,
  ) {
    this.signal = user ? AbortSignal.any([user, this.timer.signal]) : this.timer.signal;
    this.restart();
  }

  /** Starts the bound over (a piece of the body arrived). */
  restart(): void {
    clearTimeout(this.handle);
    this.handle = setTimeout(() => {
      this.timedOut = true;
      this.timer.abort();
    }, this.ms);
  }

  /** Stops the timer. */
  end(): void {
    clearTimeout(this.handle);
  }
}

type Body = AsyncIterable<Uint8Array> & { destroy?(error?: Error): void };

/** How one range is read. */
interface RangeReading {
  /** The ETag the object must still have (ReadOptions.ifMatch). */
  ifMatch?: string | undefined;
  /**
   * For a range of a longer stream (`read`): the stream's last byte. A whole object sent for the range (an
   * endpoint that ignores ranges) is read on to it rather than cut at the range's end.
   */
  streamEnd?: number;
  /** Called when the server sent the whole object: no further range is worth sending ahead. */
  onWholeObject?(): void;
}

/** A ranged GET on its way: read it once, or close it unread (which aborts its body). */
interface StartedRange extends AsyncIterable<Uint8Array> {
  /** Its first byte. */
  start: number;
  close(): void;
}

/** Read-only S3 object access for one connection. */
export class S3ObjectStore {
  private readonly logger: Logger;
  private readonly rangeRetries: number;
  private readonly waitTimeoutMs: number;

  constructor(
    /** The SDK client (see createS3Client). */
    readonly client: S3Client,
    private readonly options: ObjectStoreOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.rangeRetries = options.rangeRetries ?? 3;
    this.waitTimeoutMs = options.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  }

  /** The error to throw: a cancel when the user cancelled, a timeout when the wait ran out, else the mapped error. */
  private failure(
    error: unknown,
    loc: Partial<ObjectLocation>,
    what: string,
    wait?: BoundedWait,
    user?: AbortSignal,
  ): Error {
    const uri = loc.key !== undefined ? `s3://${loc.bucket}/${loc.key}` : `s3://${loc.bucket}`;
    if (user?.aborted) return new CancellationError(`Reading ${uri} was cancelled.`, { cause: error });
    const mapped = toStorageError(error, this.context(loc));
    if (wait?.timedOut || (mapped instanceof StorageError && mapped.kind === 'timeout')) {
      const seconds = Math.round(this.waitTimeoutMs / 100) / 10;
      const endpoint = this.context(loc).endpoint;
      const message =
        `S3 did not answer within ${seconds} s (${what}) at ${endpoint}. ` +
        'Check the endpoint and the network, or raise xcomLens.s3.requestTimeoutSeconds.';
      return new StorageError('timeout', message, undefined, 'TimeoutError');
    }
    return mapped;
  }

  private context(loc: Partial<ObjectLocation>): StorageErrorContext {
    const settings = this.options.settings ?? {};
    return {
      loc,
      ...(this.options.credentialsOrigin ? { credentialsOrigin: this.options.credentialsOrigin } : {}),
      ...(settings.profile ? { profile: settings.profile } : {}),
      endpoint: settings.endpointUrl ?? `https://s3.${resolveRegion(settings)}.amazonaws.com`,
      region: resolveRegion(settings),
      ...(this.options.secrets ? { secrets: this.options.secrets } : {}),
    };
  }

  /** HEAD of an object; a 404 tells a missing bucket from a missing object. Rejects with a StorageError. */
  async head(loc: ObjectLocation, signal?: AbortSignal): Promise<ObjectHead> {
    const what = `HEAD s3://${loc.bucket}/${loc.key}`;
    const wait = new BoundedWait(this.waitTimeoutMs, signal);
    try {
      if (signal?.aborted) throw new CancellationError();
      const command = new HeadObjectCommand({ Bucket: loc.bucket, Key: loc.key });
      const out = await this.client.send(command, { abortSignal: wait.signal });
      const head: ObjectHead = { size: out.ContentLength ?? 0 };
      if (out.LastModified) head.lastModified = out.LastModified;
      if (out.ETag) head.etag = out.ETag;
      if (out.ContentType) head.contentType = out.ContentType;
      return head;
    } catch (error) {
      const mapped = this.failure(error, loc, what, wait, signal);
      if (mapped instanceof StorageError && mapped.kind === 'notFound') {
        // HEAD errors have no body: ask about the bucket to name the right cause.
        try {
          await this.client.send(new HeadBucketCommand({ Bucket: loc.bucket }), { abortSignal: wait.signal });
        } catch (bucketError) {
          const b = this.failure(bucketError, { bucket: loc.bucket }, `HEAD s3://${loc.bucket}`, wait, signal);
          if (b instanceof StorageError && (b.kind === 'notFound' || b.kind === 'noSuchBucket')) {
            const noBucket = { name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } };
            const message = toStorageError(noBucket, this.context(loc)).message;
            throw new StorageError('noSuchBucket', message, 404, 'NoSuchBucket');
          }
          if (!(b instanceof StorageError)) throw b;
        }
      }
      throw mapped;
    } finally {
      wait.end();
    }
  }

  /**
   * Streams bytes [start, end] of an object, one explicit ranged GET per chunk. The next range's GET is sent
   * once the reader has the current one's first piece, so its answer is on its way while the current one is read.
   */
  async *read(loc: ObjectLocation, options: ReadOptions = {}): AsyncIterable<Uint8Array> {
    const { signal } = options;
    const chunkSize = Math.max(1, Math.floor(options.chunkSize ?? DEFAULT_CHUNK_SIZE));
    const head = options.size === undefined ? await this.head(loc, signal) : undefined;
    const size = options.size ?? head!.size;
    const ifMatch = options.ifMatch ?? head?.etag;
    const start = options.start ?? 0;
    const end = Math.min(options.end ?? size - 1, size - 1);
    if (signal?.aborted) throw new CancellationError(`Reading s3://${loc.bucket}/${loc.key} was cancelled.`);
    if (start > end) {
      if (size === 0 || (options.end !== undefined && options.end < start)) return;
      throw new StorageError(
        'invalidRange',
        `The requested byte range starts at ${start}, past the end of s3://${loc.bucket}/${loc.key} (${size} bytes).`,
        undefined,
        'InvalidRange',
      );
    }
    const total = end - start + 1;
    let read = 0;
    let next: StartedRange | undefined;
    // An endpoint that ignores ranges sends the whole object for the first one: it is read on to the end.
    let wholeObject = false;
    const reading: RangeReading = { streamEnd: end, ifMatch, onWholeObject: () => (wholeObject = true) };
    try {
      for (let offset = start; offset <= end;) {
        const last = Math.min(offset + chunkSize - 1, end);
        // The range sent ahead, unless the last one came short (then read on from where it stopped).
        const range = next?.start === offset ? next : this.startRange(loc, offset, last, signal, reading);
        if (range !== next) next?.close();
        next = undefined;
        for await (const piece of range) {
          read += piece.byteLength;
          offset += piece.byteLength;
          options.onProgress?.(read, total);
          yield piece;
          // Once the reader has this range's first piece (not before: the first rows come first).
          if (!next && last < end && !wholeObject)
            next = this.startRange(loc, last + 1, Math.min(last + chunkSize, end), signal, reading);
        }
      }
    } finally {
      next?.close();
    }
  }

  /** True when the object's HEAD still gives `etag` (false when it does not, or the HEAD fails; Cancel rejects). */
  private async keepsEtag(loc: ObjectLocation, etag: string, signal?: AbortSignal): Promise<boolean> {
    try {
      return (await this.head(loc, signal)).etag === etag;
    } catch (error) {
      if (isCancellation(error)) throw error;
      return false;
    }
  }

  /** A ranged GET sent now and read later: its failure, if any, surfaces when it is read. */
  private startRange(
    loc: ObjectLocation,
    start: number,
    endInclusive: number,
    signal: AbortSignal | undefined,
    reading: RangeReading,
  ): StartedRange {
    const pieces = this.readRangeStream(loc, start, endInclusive, signal, reading)[Symbol.asyncIterator]();
    const first = pieces.next();
    first.catch(() => undefined);
    let finished = false;
    const close = (): void => {
      if (finished) return;
      finished = true;
      void pieces.return?.(undefined).catch(() => undefined);
    };
    return {
      start,
      close,
      async *[Symbol.asyncIterator]() {
        try {
          for (let r = await first; !r.done; r = await pieces.next()) yield r.value;
          finished = true;
        } finally {
          close();
        }
      },
    };
  }

  /**
   * Bytes [start, endInclusive] of an object in one buffer of its own (Parquet footers and row groups, sniffing).
   * The pieces are copied in as they come: a row group of tens of megabytes is not held twice.
   */
  async readRange(
    loc: ObjectLocation,
    start: number,
    endInclusive: number,
    signal?: AbortSignal,
    ifMatch?: string,
  ): Promise<Uint8Array> {
    // Made for the whole range up to a bound, and grown past it only as bytes come: a range a corrupt footer
    // claims is not allocated before the server sends it.
    let out = new Uint8Array(Math.min(Math.max(0, endInclusive - start + 1), RANGE_BUFFER_BYTES));
    let at = 0;
    for await (const piece of this.readRangeStream(loc, start, endInclusive, signal, { ifMatch })) {
      if (at + piece.byteLength > out.length) {
        const grown = new Uint8Array(Math.max(out.length * 2, at + piece.byteLength));
        grown.set(out.subarray(0, at));
        out = grown;
      }
      out.set(piece, at);
      at += piece.byteLength;
    }
    return at === out.length ? out : out.subarray(0, at);
  }

  /** A presigned GET URL valid for `expiresSeconds`. */
  async presignGet(loc: ObjectLocation, expiresSeconds: number): Promise<string> {
    try {
      return await getSignedUrl(this.client, new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key }), {
        expiresIn: Math.max(1, Math.round(expiresSeconds)),
      });
    } catch (error) {
      throw toStorageError(error, this.context(loc));
    }
  }

  /** The object's HTTPS URL for this store's settings. */
  objectUrl(loc: ObjectLocation): string {
    return objectUrl(loc, this.options.settings);
  }

  /**
   * One explicit range, streamed; a transient failure (before or during the body) resumes from the first
   * byte not yet delivered, up to `rangeRetries` times. Aborting destroys the body at once. Only the bytes
   * asked for are delivered, whatever the server sends: an endpoint that ignores ranges sends the whole object,
   * whose bytes before the range are skipped (up to MOST_BYTES_SKIPPED) and after it left unread (except to
   * `reading.streamEnd`, for a range of a longer stream). With `reading.ifMatch`, only that version is read.
   */
  private async *readRangeStream(
    loc: ObjectLocation,
    start: number,
    endInclusive: number,
    signal?: AbortSignal,
    reading: RangeReading = {},
  ): AsyncIterable<Uint8Array> {
    let { ifMatch } = reading;
    let offset = start;
    let end = endInclusive;
    let attempt = 0;
    // Set when the reader kept the last piece longer than the bound: the socket may have timed out meanwhile.
    let pausedLong = false;
    while (true) {
      let body: Body | undefined;
      const what = `GET s3://${loc.bucket}/${loc.key} bytes ${offset}-${end}`;
      const wait = new BoundedWait(this.waitTimeoutMs, signal);
      const onAbort = () => body?.destroy?.(new CancellationError());
      try {
        if (signal?.aborted) throw new CancellationError();
        const out = await this.client.send(
          new GetObjectCommand({
            Bucket: loc.bucket,
            Key: loc.key,
            Range: `bytes=${offset}-${end}`,
            ...(ifMatch ? { IfMatch: ifMatch } : {}),
          }),
          { abortSignal: wait.signal },
        );
        body = out.Body as unknown as Body | undefined;
        if (!body) return;
        wait.signal.addEventListener('abort', onAbort, { once: true });
        if (wait.signal.aborted) onAbort();
        const served = servedStart(out, offset);
        if (served > offset || offset - served > MOST_BYTES_SKIPPED) throw rangesNotServed(loc, offset, served, out);
        let skip = offset - served;
        if (reading.streamEnd !== undefined && isWholeObject(out)) {
          end = Math.max(end, reading.streamEnd);
          reading.onWholeObject?.();
        }
        wait.restart();
        for await (const chunk of body) {
          if (wait.signal.aborted) throw new CancellationError();
          let piece = chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk as ArrayBuffer);
          if (skip > 0) {
            const dropped = Math.min(skip, piece.byteLength);
            skip -= dropped;
            piece = piece.subarray(dropped);
            if (piece.byteLength === 0) continue;
          }
          // The rest of a body longer than the range (a whole object) is not wanted.
          const wanted = end - offset + 1;
          if (wanted <= 0) return;
          if (piece.byteLength > wanted) piece = piece.subarray(0, wanted);
          offset += piece.byteLength;
          // The bound is on S3's waits, not the reader's: a reader that pauses (at the memory budget, or a
          // range sent ahead) does not time the request out.
          wait.end();
          const paused = performance.now();
          yield piece;
          pausedLong = performance.now() - paused >= this.waitTimeoutMs;
          wait.restart();
        }
        if (wait.signal.aborted) throw new CancellationError();
        return;
      } catch (error) {
        body?.destroy?.();
        if (signal?.aborted || wait.timedOut) throw this.failure(error, loc, what, wait, signal);
        if (offset > end) return;
        // A wait that ran out is not retried: the setting bounds how long the user waits.
        const seen = toStorageError(error);
        const timedOut = seen instanceof StorageError && seen.kind === 'timeout';
        if (
          ifMatch &&
          seen instanceof StorageError &&
          seen.kind === 'changed' &&
          (await this.keepsEtag(loc, ifMatch, signal))
        ) {
          // The object is as it was: this endpoint does not match ETags as its HEAD gives them. Read without.
          this.logger.warn(
            `S3 read ${what}: the endpoint refused If-Match with the object's own ETag; reading without it.`,
          );
          ifMatch = undefined;
          continue;
        }
        // After a long pause of the reader, a dropped socket is the pause's doing, not S3's: read on.
        if (attempt < this.rangeRetries && (pausedLong || (!timedOut && isTransientError(error)))) {
          attempt++;
          pausedLong = false;
          const reason = (error as Error).name ?? 'error';
          this.logger.warn(`S3 read ${what} failed (${reason}); retry ${attempt} of ${this.rangeRetries}.`);
          await cancellableSleep(200 * 2 ** (attempt - 1), signal).catch(() => {
            throw new CancellationError(`Reading s3://${loc.bucket}/${loc.key} was cancelled.`);
          });
          continue;
        }
        throw this.failure(error, loc, what, wait, signal);
      } finally {
        wait.end();
        wait.signal.removeEventListener('abort', onAbort);
      }
    }
  }
}

/** What `openS3ObjectStore` needs besides the settings. */
export interface OpenStoreOptions extends ObjectStoreOptions {
  /** Static keys; the standard AWS credential chain when absent. */
  credentials?: StaticCredentials;
}

/**
 * An object store with its client: every wait (connect, an answer, the next piece of a body) is bounded by
 * `waitTimeoutMs`, on the SDK's HTTP handler and across its retries.
 */
export function openS3ObjectStore(settings: StorageSettings, options: OpenStoreOptions = {}): S3ObjectStore {
  const waitMs = options.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  const client = createS3Client(settings, options.credentials, {
    connectionTimeoutMs: Math.min(DEFAULT_CLIENT_OPTIONS.connectionTimeoutMs, waitMs),
    requestTimeoutMs: waitMs,
    socketTimeoutMs: waitMs,
  });
  return new S3ObjectStore(client, { ...options, settings });
}
