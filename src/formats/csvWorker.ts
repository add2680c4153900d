// Worker-thread entry (bundled as dist/csvWorker.js): parses CSV batches off the extension host's thread
// and hands the columns back without copying their buffers.
import { parentPort } from 'node:worker_threads';
import { transferables } from './columnBatch';
import { type CsvBatchConfig, parseCsvBatch } from './csvBatchParser';

/** A request from csvWorkerPool.ts. */
export interface CsvWorkerRequest {
  /** Echoed in the reply. */
  id: number;
  /** Whole rows of CSV. */
  bytes: Uint8Array;
  /** Delimiter, newline and header width. */
  config: CsvBatchConfig;
}

parentPort?.on('message', (request: CsvWorkerRequest) => {
  try {
    const batch = parseCsvBatch(request.bytes, request.config);
    parentPort!.postMessage({ id: request.id, batch }, transferables(batch));
  } catch (e) {
    parentPort!.postMessage({ id: request.id, error: e instanceof Error ? e.message : String(e) });
  }
});
