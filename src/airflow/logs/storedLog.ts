// Reads one try's log where Airflow's task handlers write it: an S3 object under remote_base_log_folder, or a file
// under base_log_folder. Only the tail is read (a ranged GET, or a file read from an offset), so memory stays
// bounded by the tail size whatever the log's size, and the final traceback is kept.
import { createReadStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { CancellationError, errorMessage, throwIfCancelled } from '../../errors';
import { formatBytes } from '../../formatBytes';
import { taskLogFromBytes, type TaskLog } from './logText';

/** Options of the stored-log readers. */
export interface StoredLogOptions {
  /** Bytes of the log's end kept at most (default 8 MB). */
  tailBytes?: number;
  /** Cancels the read. */
  signal?: AbortSignal;
  /** Bytes read so far, and to read in all. */
  onProgress?(read: number, total: number): void;
}

/** The part of an S3 object store the log reader uses (an S3ObjectStore has it). */
export interface ObjectReader {
  /** HEAD: the object's size. */
  head(loc: { bucket: string; key: string }, signal?: AbortSignal): Promise<{ size: number }>;
  /** Bytes from `start` to the end, streamed. */
  read(
    loc: { bucket: string; key: string },
    options: { start?: number; size?: number; signal?: AbortSignal; onProgress?(read: number, total: number): void },
  ): AsyncIterable<Uint8Array>;
}

/** Where one try's log is kept. */
export type LogLocation = { kind: 's3'; bucket: string; key: string } | { kind: 'file'; path: string };

const DEFAULT_TAIL_BYTES = 8_000_000;

/** Where a log is, as the user reads it (s3://bucket/key or the file path). */
export function logLocationText(loc: LogLocation): string {
  return loc.kind === 's3' ? `s3://${loc.bucket}/${loc.key}` : loc.path;
}

/** The S3 location of a rendered log path under `remote_base_log_folder` (s3://bucket/prefix). */
export function s3LogLocation(remoteBase: string, relativePath: string): LogLocation {
  const m = /^s3a?:\/\/([^/]+)\/?(.*)$/i.exec(remoteBase.trim());
  if (!m) throw new Error(`The remote log folder "${remoteBase}" is not an s3:// URL.`);
  const prefix = m[2].replace(/\/+$/, '');
  return { kind: 's3', bucket: m[1], key: prefix ? `${prefix}/${relativePath}` : relativePath };
}

/** The file of a rendered log path under `base_log_folder`. */
export function fileLogLocation(baseFolder: string, relativePath: string): LogLocation {
  return { kind: 'file', path: join(baseFolder, relativePath) };
}

/** A log that is not where it was looked for. */
export class LogNotFoundError extends Error {
  override name = 'LogNotFoundError';
}

/** Collects the bytes of a stream into one buffer of `expected` bytes at most. */
async function collect(
  chunks: AsyncIterable<Uint8Array>,
  expected: number,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const out = new Uint8Array(expected);
  let at = 0;
  for await (const chunk of chunks) {
    throwIfCancelled(signal);
    const piece = chunk.subarray(0, Math.max(0, expected - at));
    out.set(piece, at);
    at += piece.byteLength;
    if (at >= expected) break;
  }
  return at === expected ? out : out.subarray(0, at);
}

function kindOf(error: unknown): string | undefined {
  const kind = (error as { kind?: unknown } | undefined)?.kind;
  return typeof kind === 'string' ? kind : undefined;
}

/** Reads the tail of a log kept in S3; a missing object or denied access says which object and what to do. */
export async function readS3Log(
  store: ObjectReader,
  loc: Extract<LogLocation, { kind: 's3' }>,
  tryNumber: number,
  options: StoredLogOptions = {},
): Promise<TaskLog> {
  const where = logLocationText(loc);
  const tailBytes = options.tailBytes ?? DEFAULT_TAIL_BYTES;
  try {
    const { size } = await store.head(loc, options.signal);
    const start = Math.max(0, size - tailBytes);
    if (size === 0) return { text: '', note: `The log at ${where} is empty.` };
    const bytes = await collect(
      store.read(loc, {
        start,
        size,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      }),
      size - start,
      options.signal,
    );
    return await taskLogFromBytes(bytes, start);
  } catch (error) {
    if (error instanceof CancellationError || options.signal?.aborted) throw error;
    const kind = kindOf(error);
    if (kind === 'notFound' || kind === 'noSuchBucket')
      throw new LogNotFoundError(
        `No log for try ${tryNumber} at ${where}: ${errorMessage(error)} Airflow uploads a log when the try ends; ` +
          'check [logging] remote_base_log_folder and log_filename_template (or xcomLens.logs.remoteBaseLogFolder ' +
          'and xcomLens.logs.filenameTemplate).',
      );
    if (kind === 'accessDenied')
      throw new Error(
        `${errorMessage(error)} Reading task logs needs s3:GetObject on arn:aws:s3:::${loc.bucket}/${loc.key} ` +
          `(and s3:ListBucket on arn:aws:s3:::${loc.bucket} to tell a missing log from a denied one).`,
      );
    throw error;
  }
}

/** Reads the tail of the first of `paths` that exists; when none does, says every place looked at. */
export async function readLocalLog(
  paths: readonly string[],
  tryNumber: number,
  options: StoredLogOptions = {},
): Promise<TaskLog & { path: string }> {
  const tailBytes = options.tailBytes ?? DEFAULT_TAIL_BYTES;
  const problems: string[] = [];
  for (const path of paths) {
    throwIfCancelled(options.signal);
    let size: number;
    try {
      const stat = await fsp.stat(path);
      if (!stat.isFile()) {
        problems.push(`${path} is not a file`);
        continue;
      }
      size = stat.size;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push(code === 'ENOENT' ? `nothing at ${path}` : `${path}: ${errorMessage(error)}`);
      continue;
    }
    if (size === 0) return { text: '', note: `The log at ${path} is empty.`, path };
    const start = Math.max(0, size - tailBytes);
    const stream = createReadStream(path, {
      start,
      end: size - 1,
      highWaterMark: 1 << 20,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    try {
      let read = 0;
      const counted = (async function* () {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          read += chunk.byteLength;
          options.onProgress?.(read, size - start);
          yield chunk;
        }
      })();
      return { ...(await taskLogFromBytes(await collect(counted, size - start, options.signal), start)), path };
    } catch (error) {
      if (options.signal?.aborted) throw new CancellationError(`Reading ${path} was cancelled.`, { cause: error });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM')
        throw new Error(`Reading ${path} was denied (${code}): the log needs read permission for this user.`);
      throw new Error(`Reading ${path} failed: ${errorMessage(error)}`);
    } finally {
      stream.destroy();
    }
  }
  throw new LogNotFoundError(
    `No log for try ${tryNumber}: ${problems.join('; ')}. Set xcomLens.logs.baseLogFolder to the folder your ` +
      `Airflow writes task logs to ([logging] base_log_folder) if it is elsewhere.`,
  );
}

/** "1.2 MB of 300 MB" for progress messages. */
export function progressText(read: number, total: number): string {
  return `${formatBytes(read)} of ${formatBytes(total)}`;
}
