// The CSV parser threads (csvWorkerPool.ts) of one load: started once the load has enough to parse, stopped once
// it has nothing to parse for a while — when it ends, and while reading waits at the memory budget, where idle
// threads would hold their memory for as long as the preview stays open. Reading on starts them again; the
// batches in between are parsed on the calling thread until they are ready.
import { CsvWorkerPool, defaultCsvWorkerScript, defaultWorkerCount } from './csvWorkerPool';

/** Parser threads that come and go with the work. */
export class CsvParserThreads {
  private pool: CsvWorkerPool | undefined;
  /** Most threads running at once so far. */
  started = 0;

  constructor(
    private readonly script = defaultCsvWorkerScript,
    private readonly count = defaultWorkerCount(),
  ) {}

  /** Starts the threads unless they are running (or none are wanted, or the script is missing). */
  start(): void {
    if (this.pool || this.count < 1) return;
    this.pool = CsvWorkerPool.start(this.script, this.count);
    this.started = Math.max(this.started, this.pool?.size ?? 0);
  }

  /** True while threads are started and not told to stop. */
  get running(): boolean {
    return this.pool !== undefined;
  }

  /** Threads running, ready or not. */
  get size(): number {
    return this.pool?.size ?? 0;
  }

  /** The threads, when one is ready for a batch. */
  get ready(): CsvWorkerPool | undefined {
    return this.pool && this.pool.ready > 0 ? this.pool : undefined;
  }

  /** Stops the threads once the batches on their way are parsed (they are kept); the next start makes new ones. */
  stopWhenIdle(): void {
    this.pool?.closeWhenIdle();
    this.pool = undefined;
  }

  /** Stops the threads now: batches on their way are dropped. */
  async stop(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }
}
