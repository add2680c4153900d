// Batches of CSV rows in file order while they are parsed: on worker threads (csvWorkerPool.ts) once the
// object is big enough to pay for starting them and they are ready, on this thread before that, for a batch
// too big for a worker, or when a worker fails.
import { type CsvBatchConfig, type ParsedCsvBatch, parseCsvBatch } from './csvBatchParser';
import type { CsvParserThreads } from './csvParserThreads';
import type { CsvWorkerError } from './csvWorkerPool';
import { nextTurn } from '../timeSlices';
import { joinParts, partsLength } from './heldBytes';

/**
 * Batches larger than this (a row with a huge quoted cell) are parsed on this thread: a worker's heap is kept
 * small, and a batch that outgrew it would stop the worker and take its bytes with it.
 */
const MAX_WORKER_BATCH_BYTES = 8 * 1024 * 1024;

/** A batch on its way. */
interface QueuedBatch {
  /** Resolves once the batch is parsed (or its worker gave up). */
  settled: Promise<void>;
  batch?: ParsedCsvBatch;
  /** Parses the batch on this thread when its worker could not. */
  retry?: () => ParsedCsvBatch;
  done: boolean;
  /** True for a batch parsed on this thread as it was added. */
  parsedHere: boolean;
}

/** Options of a CsvBatchQueue. */
export interface CsvBatchQueueOptions {
  /** The worker threads to parse on (with a count of 0, every batch is parsed on this thread). */
  threads: CsvParserThreads;
  /** Bytes parsed on this thread before the workers start. */
  inThreadBytes: number;
}

/** Parses batches, in parallel when it pays, and hands them back in the order they were added. */
export class CsvBatchQueue {
  private readonly queue: QueuedBatch[] = [];
  private added = 0;
  /** Set by parseHereOnly: no batch goes to a worker thread again, and none is started. */
  private hereOnly = false;

  constructor(private readonly options: CsvBatchQueueOptions) {}

  /** Most worker threads that parsed at once (none when every batch was parsed here). */
  get workerThreads(): number {
    return this.hereOnly ? 0 : this.options.threads.started;
  }

  /**
   * True while the caller should take parsed batches before adding another: more batches are on their way than
   * the workers can take on, or the newest was parsed on this thread and is not taken yet. A batch parsed here
   * is parsed as it is added, in the layouts the table has then: while the threads start, the next batch waits
   * for the one before it to reach the table, so that one column changing layout (a date column's first rows
   * all distinct, held as a dictionary until the second batch) does not make every batch after it fail its
   * layouts and be parsed twice.
   */
  get full(): boolean {
    if (this.queue[this.queue.length - 1]?.parsedHere) return true;
    return this.queue.length > (this.options.threads.running ? Math.max(1, this.options.threads.size) * 2 : 0);
  }

  /** True when no batch is on its way. */
  get empty(): boolean {
    return this.queue.length === 0;
  }

  /**
   * Queues whole rows of CSV for parsing, given as consecutive parts. `transferable`: each part spans a buffer
   * of its own that the caller gives away (HeldBytes.takeTransferable), and a worker gets the parts as they
   * are. Otherwise a worker gets them joined in a buffer of its own, and the parts stay for a parse here if
   * the worker stops. Until a worker is ready, and for a batch too big for a worker's heap, parses here.
   */
  add(parts: readonly Uint8Array[], config: CsvBatchConfig, transferable = false): void {
    if (this.added >= this.options.inThreadBytes) this.startWorkers();
    const size = partsLength(parts);
    this.added += size;
    const pool = size <= MAX_WORKER_BATCH_BYTES && !this.hereOnly ? this.options.threads.ready : undefined;
    if (!pool) {
      // Done on the next turn of the event loop, not at once: a caller adding batch after batch lets messages
      // in between (a worker saying it is ready, the grid asking for rows).
      const here: QueuedBatch = {
        settled: Promise.resolve(),
        batch: parseCsvBatch(joinParts(parts), config),
        done: false,
        parsedHere: true,
      };
      here.settled = nextTurn().then(() => {
        here.done = true;
      });
      this.queue.push(here);
      return;
    }
    const entry: QueuedBatch = { settled: Promise.resolve(), done: false, parsedHere: false };
    entry.settled = pool.parse(transferable ? [...parts] : [joinParts(parts)], config).then(
      (batch) => {
        entry.batch = batch;
        entry.done = true;
      },
      (error: CsvWorkerError) => {
        const input = error.input ?? (transferable ? undefined : joinParts(parts));
        entry.retry = () => {
          if (input) return parseCsvBatch(input, config);
          throw new Error(
            `Reading stopped: ${error.message}. The rows before this point are shown; reopen the preview to read the rest.`,
          );
        };
        entry.done = true;
      },
    );
    this.queue.push(entry);
  }

  /**
   * Starts the workers now, not once inThreadBytes are added: for an object known to be big enough, they get
   * ready while its first rows are read and parsed here.
   */
  startWorkers(): void {
    if (!this.hereOnly) this.options.threads.start();
  }

  /** Parses every batch from now on on this thread, and stops the worker threads (batches on their way are dropped). */
  async parseHereOnly(): Promise<void> {
    this.hereOnly = true;
    await this.options.threads.stop();
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
    await this.options.threads.stop();
  }
}
