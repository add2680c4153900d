// Worker-thread entry (bundled as dist/csvWorker.js): parses CSV batches off the extension host's thread
// and hands the columns back without copying their buffers. A batch comes as the parts it was read in,
// which are this thread's once they arrive: they are joined into one buffer kept from batch to batch, and
// then dropped, so their memory is freed by this thread's next young-generation GC, a few milliseconds on.
import { parentPort } from 'node:worker_threads';
import { packBatch, transferables } from './columnBatch';
import { isSmallBatch } from './segmentedArray';
import { type CsvBatchConfig, type ParsedCsvBatch, parseCsvBatch } from './csvBatchParser';
import { joinParts, partsLength } from './heldBytes';

/** A request from csvWorkerPool.ts. */
export interface CsvWorkerRequest {
  /** Echoed in the reply. */
  id: number;
  /** Whole rows of CSV, in consecutive parts (transferred). */
  parts: Uint8Array[];
  /** Delimiter, newline and header width. */
  config: CsvBatchConfig;
}

/** A message to csvWorkerPool.ts: this thread is ready, or the reply to a request. */
export type CsvWorkerReply =
  | { ready: true }
  | {
      /** The request's id. */
      id: number;
      /** The parsed batch. */
      batch?: ParsedCsvBatch;
      /** Why the batch could not be parsed. */
      error?: string;
      /** With an error: the request's bytes, so the pool's caller can parse them itself. */
      input?: Uint8Array;
    };

/** The buffer batches are joined in, grown when a batch is larger. */
let joined = new Uint8Array(0);

function batchBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const size = partsLength(parts);
  if (joined.length < size) joined = new Uint8Array(Math.ceil(size * 1.25));
  return joinParts(parts, joined.subarray(0, size));
}

parentPort?.on('message', (request: CsvWorkerRequest) => {
  const bytes = batchBytes(request.parts);
  request.parts = [];
  let reply: CsvWorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const batch = parseCsvBatch(bytes, request.config);
    reply = { id: request.id, batch };
    // A batch the table copies (a few rows, of a wide table) travels as one buffer; a longer one's arrays are
    // kept by the table as they are, each its own.
    transfer = isSmallBatch(batch.rows) ? [packBatch(batch)] : transferables(batch);
  } catch (e) {
    // A copy (`slice` of a Buffer would be a view of the same memory).
    const input = new Uint8Array(bytes);
    reply = { id: request.id, error: e instanceof Error ? e.message : String(e), input };
    transfer = [input.buffer];
  }
  parentPort!.postMessage(reply, transfer);
});
parentPort?.postMessage({ ready: true } satisfies CsvWorkerReply);
