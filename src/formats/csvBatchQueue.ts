// Batches of CSV rows in file order while they are parsed: on worker threads (csvWorkerPool.ts) once the
// object is big enough to pay for starting them, on this thread before that or when a worker stops.
import { type CsvBatchConfig, type ParsedCsvBatch, parseCsvBatch } from './csvBatchParser';
import { CsvWorkerPool } from './csvWorkerPool';
import { joinParts } from './heldBytes';

/** A batch on its way. */
interface QueuedBatch {
  /** Resolves once the batch is parsed (or its worker gave up). */
  settled: Promise<void>;
  batch?: ParsedCsvBatch;
  /** Parses the batch on this thread when its worker could not. */
  retry?: () => ParsedCsvBatch;
  done: boolean;
}

/** Options of a CsvBatchQueue. */
export interface CsvBatchQueueOptions {
  /** Worker threads to start (0: parse everything on this thread). */
  workers: number;
  /** The bundled worker script. */
  workerScript: string;
  /** Bytes parsed on this thread before the workers start. */
  inThreadBytes: number;
}

/** Parses batches, in parallel when it pays, and hands them back in the order they were added. */
export class CsvBatchQueue {
  private readonly queue: QueuedBatch[] = [];
  private pool: CsvWorkerPool | undefined;
  private added = 0;
  /** Worker threads started. */
  workerThreads = 0;

  constructor(private readonly options: CsvBatchQueueOptions) {}

  /** True while more batches are on their way than the workers can take on. */
  get full(): boolean {
    return this.queue.length > (this.pool ? Math.max(1, this.pool.size) * 2 : 0);
  }

  /** True when no batch is on its way. */
  get empty(): boolean {
    return this.queue.length === 0;
  }

  /**
   * Queues whole rows of CSV for parsing, given as consecutive parts (views of the chunks they arrived in):
   * a worker gets them joined in a buffer of its own, transferred; the parts stay for a parse here if it stops.
   */
  add(parts: readonly Uint8Array[], config: CsvBatchConfig): void {
    const { workers, workerScript, inThreadBytes } = this.options;
    if (!this.pool && this.added >= inThreadBytes && workers > 0) {
      this.pool = CsvWorkerPool.start(workerScript, workers);
      this.workerThreads = this.pool?.size ?? 0;
    }
    for (const p of parts) this.added += p.byteLength;
    if (!this.pool || this.pool.size === 0) {
      // Parsed here: the promise lets the thread answer the panel (first rows, progress) before the next batch.
      this.queue.push({
        settled: new Promise((resolve) => setImmediate(resolve)),
        batch: parseCsvBatch(joinParts(parts), config),
        done: true,
      });
      return;
    }
    const entry: QueuedBatch = { settled: Promise.resolve(), done: false };
    entry.settled = this.pool.parse(joinParts(parts), config).then(
      (batch) => {
        entry.batch = batch;
        entry.done = true;
      },
      () => {
        // The worker stopped (a batch too big for its heap, or the pool was closed): parse it here.
        entry.retry = () => parseCsvBatch(joinParts(parts), config);
        entry.done = true;
      },
    );
    this.queue.push(entry);
  }

  /** Waits until the oldest batch is parsed. */
  async next(): Promise<void> {
    await this.queue[0]?.settled;
  }

  /** Removes and returns the parsed batches at the front, in order. */
  takeParsed(): ParsedCsvBatch[] {
    const out: ParsedCsvBatch[] = [];
    while (this.queue.length > 0 && this.queue[0].done) {
      const entry = this.queue.shift()!;
      out.push(entry.batch ?? entry.retry!());
    }
    return out;
  }

  /** Stops the workers (batches still on their way are dropped). */
  async close(): Promise<void> {
    await this.pool?.close();
  }
}
