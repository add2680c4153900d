// Open Value of an offloaded XCom: reads the object the reference points at (within the editor's byte budget,
// through the connection's object store), decompressed as its key or its first bytes say, and shows what the
// backend's deserialize_value — and so xcom_pull — returns for it, not the reference string.
import { errorMessage } from '../errors';
import { formatBytes } from '../formatBytes';
import { decompress } from '../formats/decompress';
import { sniffFormat, type SniffFormat } from '../formats/sniff';
import type { OffThreadDecoded } from '../airflow/offThreadDecode';
import type { StoredValue } from '../airflow/types';
import type { DecodeOptions } from '../airflow/xcomValue';
import { formatReference, type XComReference } from '../references';
import type { S3ObjectStore } from '../storage/objectStore';

/** The start of an offloaded object, decompressed. */
interface ObjectStart {
  /** The bytes, at most the budget. */
  bytes: Uint8Array;
  /** The stored object's size. */
  size: number;
  /** True when the object (or its decompressed form) is larger than the budget. */
  cut: boolean;
  /** The payload's format, from the reference or sniffed. */
  format: SniffFormat;
  /** The compression that was undone. */
  compression?: string;
}

/** What Open Value needs: the object store of the XCom's connection, the budget, and the off-thread decoder. */
export interface OffloadedValueOptions {
  /** The connection's object store. */
  store: Pick<S3ObjectStore, 'head' | 'read'>;
  /** Largest stored or decompressed size read (the editor's byte budget). */
  maxBytes: number;
  /** Decodes JSON bytes as an XCom value (decodeOffThread in the product). */
  decode(stored: StoredValue, options: DecodeOptions, signal?: AbortSignal): Promise<OffThreadDecoded>;
  /** Cancels the read. */
  signal?: AbortSignal;
}

/** Editor text: comment lines, then the value. */
export interface OffloadedValueText {
  /** Lines to show as `//` comments above the value. */
  notes: string[];
  /** The value the backend reads back, pretty (JSON) or as text; undefined when it was not read. */
  body?: string;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c.subarray(0, total - offset), offset);
    offset += Math.min(c.byteLength, total - offset);
    if (offset >= total) break;
  }
  return out;
}

/** Collects an async byte stream up to `max` bytes; `more` tells whether anything was left. */
async function collect(stream: AsyncIterable<Uint8Array>, max: number): Promise<{ bytes: Uint8Array; more: boolean }> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    total += chunk.byteLength;
    if (total > max) return { bytes: concat(chunks, max), more: true };
  }
  return { bytes: concat(chunks, total), more: false };
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** Reads the first `maxBytes` of an object and undoes its compression (a cut compressed stream keeps what it gave). */
async function readObjectStart(
  store: OffloadedValueOptions['store'],
  ref: XComReference,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<ObjectStart> {
  const loc = { bucket: ref.bucket, key: ref.key };
  const { size } = await store.head(loc, signal);
  const stored =
    size === 0
      ? { bytes: new Uint8Array(0), more: false }
      : await collect(store.read(loc, { signal, size, start: 0, end: Math.min(size, maxBytes) - 1 }), maxBytes);
  let bytes = stored.bytes;
  let cut = size > maxBytes;
  const sniffed = sniffFormat(bytes.subarray(0, 4096), ref.key);
  const compression = ref.compression ?? sniffed.compression;
  if (compression) {
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for await (const piece of decompress(once(bytes), compression)) {
        chunks.push(piece);
        total += piece.byteLength;
        if (total > maxBytes) break;
      }
    } catch (error) {
      // A stream cut at the budget ends early: keep what was decompressed.
      if (!cut) throw error;
    }
    cut ||= total > maxBytes;
    bytes = concat(chunks, Math.min(total, maxBytes));
  }
  const hinted = ref.formatHint === 'pickle' ? 'pickle' : ref.formatHint;
  const format = hinted ?? sniffFormat(bytes.subarray(0, 4096)).format;
  return { bytes, size, cut, format, ...(compression ? { compression } : {}) };
}

const TABLE_FORMATS: ReadonlySet<SniffFormat> = new Set(['csv', 'parquet']);

/**
 * The editor text of an offloaded XCom: a line naming the object, then the value the backend reads back. A
 * table (CSV, Parquet) or a pickle is named, not dumped: Preview Table shows a table as the backend reads it.
 */
export async function offloadedValueText(
  ref: XComReference,
  options: OffloadedValueOptions,
): Promise<OffloadedValueText> {
  const where = formatReference.describe(ref);
  let start: ObjectStart;
  try {
    start = await readObjectStart(options.store, ref, options.maxBytes, options.signal);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return { notes: [`The XCom points at ${where}, which could not be read: ${errorMessage(error)}`] };
  }
  const size = formatBytes(start.size);
  const notes = [`xcom_pull reads this from ${where} (${size}).`];
  if (start.format === 'pickle')
    return { notes: [...notes, 'It is a pickle: XCom Lens never unpickles data (that would run code from it).'] };
  if (start.cut)
    notes.push(`Only the first ${formatBytes(options.maxBytes)} were read (xcomLens.preview.maxRawEditorBytes).`);
  const text = new TextDecoder('utf-8').decode(start.bytes);
  if (ref.read?.isoDatetime)
    return { notes: [...notes, 'A datetime.datetime, read back with datetime.fromisoformat:'], body: text.trim() };
  if (TABLE_FORMATS.has(start.format) || (ref.holds === 'table' && start.format !== 'json'))
    return {
      notes: [...notes, `It holds a ${start.format} table: Preview Table shows it as the backend reads it back.`],
    };
  const decoded = await options.decode(
    { kind: 'bytes', bytes: start.bytes },
    { truncated: start.cut, storedSize: start.size },
    options.signal,
  );
  if (ref.holds === 'table')
    notes.push('It holds a DataFrame: Preview Table shows it as a grid, the way the backend reads it back.');
  if (decoded.note) notes.push(decoded.note);
  return { notes, body: decoded.pretty };
}
