// A table over an S3 object, resolved once the preview panel is open, and how a reference's rule says to read it.
// No `vscode` here: the integration tests read every backend's objects through this same code.
import type { FormatHint } from '../formats/table';
import type { XComReference } from '../references';
import type { S3ObjectStore } from '../storage/objectStore';
import type { ObjectLocation } from '../storage/storageSettings';
import type { PendingTableSource } from './previewPanel';

/** How to read one object as a table: its declared format and compression, and the backend's read options. */
export interface S3TableOptions {
  /** Panel title. */
  title: string;
  /** Declared format; sniffed when absent. */
  formatHint?: FormatHint;
  /** Declared compression; sniffed when absent. */
  compression?: string;
  /** Column the backend reads as the row index. */
  indexColumn?: number;
  /** What the panel persists to reopen it. */
  persist?: unknown;
}

/** How an object is read as a table, apart from the panel's title and what it persists. */
export type TableReadOptions = Omit<S3TableOptions, 'title' | 'persist'>;

/** The table options a reference's rule gives: what the backend wrote and how it reads it back. */
export function referenceTableOptions(
  reference: Pick<XComReference, 'formatHint' | 'compression' | 'read'>,
): TableReadOptions {
  const { formatHint, compression, read } = reference;
  return {
    ...(formatHint && formatHint !== 'pickle' ? { formatHint } : {}),
    ...(compression ? { compression } : {}),
    ...(typeof read?.indexColumn === 'number' ? { indexColumn: read.indexColumn } : {}),
  };
}

/**
 * A table over an S3 object that the panel resolves once open: HEAD for the size (the panel says it waits for
 * it), then a streamed GET or ranged GETs for Parquet. Cancel aborts whichever request is in flight.
 */
export function s3Source(
  store: () => Promise<S3ObjectStore>,
  loc: ObjectLocation,
  options: S3TableOptions,
): PendingTableSource {
  const uri = `s3://${loc.bucket}/${loc.key}`;
  return {
    kind: 'pending',
    waitingFor: `Waiting for S3 (HEAD ${uri})…`,
    waitingForData: `Waiting for S3 (GET ${uri})…`,
    persist: options.persist,
    async resolve(signal) {
      const reader = await store();
      // Every later GET asks for the version this HEAD saw: an object replaced meanwhile stops the read clearly.
      const { size, etag } = await reader.head(loc, signal);
      return {
        kind: 'bytes',
        title: options.title,
        sizeBytes: size,
        keyName: loc.key,
        formatHint: options.formatHint,
        compression: options.compression,
        ...(options.indexColumn !== undefined ? { indexColumn: options.indexColumn } : {}),
        persist: options.persist,
        // Body pieces: Node's HTTP parser copies each into a buffer of its own, which the SDK does not keep.
        chunksAreOwned: true,
        open: (s, onProgress) =>
          reader.read(loc, {
            signal: s,
            size,
            ...(etag ? { ifMatch: etag } : {}),
            onProgress: (read) => onProgress?.(read, size),
          }),
        readRange: (start, endInclusive, s) => reader.readRange(loc, start, endInclusive, s, etag),
      };
    },
  };
}
