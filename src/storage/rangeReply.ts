// What a reply to a ranged GET holds. An S3 endpoint, or a proxy in front of it, may ignore the Range header and
// send the whole object (HTTP 200, no Content-Range): its bytes then start at 0, not where they were asked for,
// and run to the object's end. The reader skips to the bytes asked for (within a bound) and stops at their end.
import { formatBytes } from '../formatBytes';
import { RANGES_NOT_SERVED } from '../errors';
import { StorageError } from './storageErrors';
import type { ObjectLocation } from './storageSettings';

/** Most bytes of an object downloaded and dropped to reach a range when the server ignores ranges. */
export const MOST_BYTES_SKIPPED = 16_000_000;

/** The parts of a GetObject reply that say which bytes its body holds. */
export interface RangeReply {
  ContentRange?: string | undefined;
  ContentLength?: number | undefined;
  $metadata: { httpStatusCode?: number | undefined };
}

/** True when the reply is the whole object sent in answer to a ranged GET. */
export function isWholeObject(reply: RangeReply): boolean {
  return reply.$metadata.httpStatusCode === 200 && !reply.ContentRange;
}

/** Where the body of a reply to a GET of the bytes from `asked` on starts in the object. */
export function servedStart(reply: RangeReply, asked: number): number {
  if (isWholeObject(reply)) return 0;
  const range = /^bytes (\d+)-/.exec(reply.ContentRange ?? '');
  return range ? Number(range[1]) : asked;
}

/**
 * Why bytes from `asked` on cannot be read from a reply whose body starts at `served`: past the bytes asked for,
 * or so far before them that reaching them means downloading more than MOST_BYTES_SKIPPED first.
 */
export function rangesNotServed(loc: ObjectLocation, asked: number, served: number, reply: RangeReply): StorageError {
  const uri = `s3://${loc.bucket}/${loc.key}`;
  const from = asked.toLocaleString('en-US');
  if (served > asked)
    return new StorageError(
      'rangesNotServed',
      `The S3 endpoint answered a GET of the bytes of ${uri} from ${from} on with bytes from ${served.toLocaleString('en-US')} on (${reply.ContentRange}). Check the endpoint, or a proxy in front of it.`,
      reply.$metadata.httpStatusCode,
      RANGES_NOT_SERVED,
    );
  const size = reply.ContentLength !== undefined ? ` (${formatBytes(reply.ContentLength)})` : '';
  return new StorageError(
    'rangesNotServed',
    `The S3 endpoint sent the whole of ${uri}${size} when asked for its bytes from ${from} on: it, or a proxy in front of it, does not serve byte ranges. Reaching those bytes means downloading ${formatBytes(asked - served)} first, more than the preview downloads to skip (${formatBytes(MOST_BYTES_SKIPPED)}). Use an endpoint that serves byte ranges (S3, MinIO and most S3-compatible servers do), or a proxy that passes the Range header on.`,
    reply.$metadata.httpStatusCode,
    RANGES_NOT_SERVED,
  );
}
