// A few worker threads that parse CSV batches in parallel (csvWorker.ts). Batches go to the least busy ready
// worker (their bytes transferred, not copied); replies come back in any order and the caller puts them back
// in file order. Each worker's heap is bounded, so the garbage a parse leaves behind stays bounded too; the
// caller parses batches too big for it (one huge quoted cell) itself.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CsvBatchConfig, ParsedCsvBatch } from './csvBatchParser';
import type { CsvWorkerReply, CsvWorkerRequest } from './csvWorker';

/** Where the bundled worker script sits: next to the module that loads it (dist/ in the VSIX). */
export const defaultCsvWorkerScript = join(__dirname, 'csvWorker.js');

/**
 * Workers to start: one per core, at most four. The table worker (which cuts the stream into batches and adds
 * them to the table) and the extension host are mostly idle while a CSV loads, so every core parses.
 */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * Heap limits of a worker. A batch's text is parsed a piece at a time (csvBatchParser.ts), so few cells are
 * alive when the GC runs: a small young generation costs little time and keeps each worker's memory small. V8
 * splits a young generation of N MB into two semi-spaces of N/3 MB rounded up to a power of two (plus room for
 * large young objects): 7 or 8 MB make 4 MB semi-spaces, 4 to 6 MB make 2 MB ones, so 6 holds 4 MB less in each
 * worker than 8, for a few more scavenges that find little alive (95 MB bench CSV from the local S3 server,
 * medians of 10 interleaved runs: 147 → 136 MB at the peak, load time within the runs' spread).
 */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 6, maxOldGenerationSizeMb: 64 };

/** Why a batch came back unparsed; `input` holds its bytes when the worker could hand them back. */
export class CsvWorkerError extends Error {
  override readonly name = 'CsvWorkerError';
  constructor(
    message: string,
    readonly input?: Uint8Array,
  ) {
    super(message);
  }
}

interface Pending {
  resolve(batch: ParsedCsvBatch): void;
  reject(error: CsvWorkerError): void;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Set once the worker has said it is ready: batches go only to ready workers. */
  ready: boolean;
  alive: boolean;
}

/** Parses CSV batches on worker threads. */
export class CsvWorkerPool {
  private readonly workers: PoolWorker[] = [];
  private nextId = 0;
  /** Set by closeWhenIdle: the workers stop once the last parse on its way is back. */
  private closing = false;

  private constructor(script: string, size: number) {
    for (let k = 0; k < size; k++) {
      const entry: PoolWorker = {
        worker: new Worker(script, { resourceLimits: WORKER_HEAP }),
        pending: new Map(),
        ready: false,
        alive: true,
      };
      entry.worker.on('message', (reply: CsvWorkerReply) => {
        if ('ready' in reply) {
          entry.ready = true;
          return;
        }
        const p = entry.pending.get(reply.id);
        if (!p) return;
        entry.pending.delete(reply.id);
        if (reply.batch) p.resolve(reply.batch);
        else p.reject(new CsvWorkerError(reply.error ?? 'The CSV worker failed.', reply.input));
        this.closeIfIdle();
      });
      const stop = (error: Error): void => {
        entry.alive = false;
        for (const p of entry.pending.values()) p.reject(new CsvWorkerError(error.message));
        entry.pending.clear();
      };
      entry.worker.on('error', stop);
      entry.worker.on('exit', (code) => stop(new Error(`a CSV parse worker stopped (exit code ${code})`)));
      this.workers.push(entry);
    }
  }

  /** A pool, or undefined when the worker script is not there (then the caller parses on its own thread). */
  static start(script: string, size: number): CsvWorkerPool | undefined {
    if (size < 1 || !existsSync(script)) return undefined;
    return new CsvWorkerPool(script, size);
  }

  /** Number of workers still running. */
  get size(): number {
    return this.workers.filter((w) => w.alive).length;
  }

  /** Number of workers running and ready for batches (none while they start). */
  get ready(): number {
    return this.closing ? 0 : this.workers.filter((w) => w.alive && w.ready).length;
  }

  /**
   * Parses whole rows, given as consecutive parts, on the least busy ready worker; rejects if no worker is
   * ready or the worker stops. The parts' buffers are transferred, not copied: the caller cannot use them
   * afterwards (each part must span a buffer no other part uses).
   */
  parse(parts: Uint8Array[], config: CsvBatchConfig): Promise<ParsedCsvBatch> {
    const ready = this.closing ? [] : this.workers.filter((w) => w.alive && w.ready);
    if (ready.length === 0) return Promise.reject(new CsvWorkerError('no CSV parse worker is ready'));
    const entry = ready.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise<ParsedCsvBatch>((resolve, reject) => {
      entry.pending.set(id, { resolve, reject });
      const request: CsvWorkerRequest = { id, parts, config };
      entry.worker.postMessage(
        request,
        parts.map((p) => p.buffer as ArrayBuffer),
      );
    });
  }

  /** Stops every worker (pending parses are rejected). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  /** Stops every worker once the parses on their way are back (their batches are kept); takes no new ones. */
  closeWhenIdle(): void {
    this.closing = true;
    this.closeIfIdle();
  }

  private closeIfIdle(): void {
    if (this.closing && this.workers.every((w) => w.pending.size === 0)) void this.close();
  }
}
