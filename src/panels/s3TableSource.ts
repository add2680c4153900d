import type { ByteTableSource, FormatHint } from '../formats/table';

/** Bucket and key of an object. */
export interface ObjectLocation {
  /** Bucket name. */
  bucket: string;
  /** Object key. */
  key: string;
}

/** The part of src/storage/objectStore.ts's S3ObjectStore a preview uses. */
export interface ObjectReader {
  /** Size (and date) of the object. */
  head(loc: ObjectLocation, signal?: AbortSignal): Promise<{ size: number; lastModified?: Date }>;
  /** Streams the object. */
  read(loc: ObjectLocation, options: { signal?: AbortSignal; start?: number; end?: number; onProgress?(bytesRead: number, total?: number): void }): AsyncIterable<Uint8Array>;
  /** Reads bytes [start, endInclusive]. */
  readRange(loc: ObjectLocation, start: number, endInclusive: number, signal?: AbortSignal): Promise<Uint8Array>;
}

/** Options of `s3TableSource`. */
export interface S3SourceOptions {
  /** Panel title; the key's last segment by default. */
  title?: string;
  /** Declared format. */
  formatHint?: FormatHint;
  /** Declared compression. */
  compression?: string;
  /** What the panel serializer needs to reopen the object. */
  persist?: unknown;
}

/** A table source over an S3 object: HEAD for the size, then a streamed GET (or ranged GETs for Parquet). */
export async function s3TableSource(store: ObjectReader, loc: ObjectLocation, options: S3SourceOptions = {}): Promise<ByteTableSource> {
  const { size } = await store.head(loc);
  return {
    kind: 'bytes',
    title: options.title ?? loc.key.split('/').pop() ?? loc.key,
    sizeBytes: size,
    keyName: loc.key,
    formatHint: options.formatHint,
    compression: options.compression,
    persist: options.persist,
    open: (signal, onProgress) => store.read(loc, { signal, onProgress: (read) => onProgress?.(read, size) }),
    readRange: (start, endInclusive, signal) => store.readRange(loc, start, endInclusive, signal),
  };
}
