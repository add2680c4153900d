// Host side of the table worker (tableWorker.ts): starts one worker per preview, streams the source's bytes
// to it with a bounded number of chunks in flight, answers its ranged reads, and proxies the panel's requests
// with cancellation. The host keeps only what the panel shows of the table: its row count and schema.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  CancellationError,
  RANGES_NOT_SERVED,
  errorMessage,
  isCancellation,
  isObjectChanged,
  isRangesNotServed,
} from '../errors';
import type { ColumnInfo, RowGroupCounts } from '../protocol';
import { ownedChunkGroups, transferable } from './ownedChunks';
import { readAhead } from './readAhead';
import { type PartSchema, schemaDifferences } from './stackTables';
import {
  type ByteTableSource,
  type InlineTableSource,
  type StackedTableSource,
  type TableSource,
  byteSourceFacts,
} from './table';
import type { ParseEvents, ParseSummary } from './tableParser';
import type { TableOp, TableReplies, TableRequest } from './tableService';
import type { FromTableWorker, StackAs, TableWorkerData, ToTableWorker, WorkerSource } from './tableWorker';

/** How much of the object a preview holds when reading stopped at the memory budget. */
export interface PartialRead {
  /** Bytes of the object read. */
  bytesRead: number;
  /** The object's size, when known. */
  totalBytes?: number;
  /** Parquet read on demand: the file's rows and row groups, and how many are held. */
  rowGroups?: RowGroupCounts;
}

/** Options of `TableClient.load`. */
export interface LoadOptions extends ParseEvents {
  /** Stops the load (the rows read so far stay). */
  signal: AbortSignal;
  /** Reading waits once the table holds this many bytes, until `readFurther`. */
  budgetBytes?: number;
  /** Reading stopped at the budget; `readFurther` goes on. */
  onPaused?(partial: PartialRead): void;
}

/** Where the bundled worker script sits: next to the module that loads it (dist/ in the VSIX). */
const defaultTableWorkerScript = join(__dirname, 'tableWorker.js');

/** Parts of a stacked table reached ahead of the one being read, and the bytes of each read ahead. */
const PARTS_AHEAD = 4;
const READ_AHEAD_BYTES = 1024 * 1024;

/** A byte or inline source as the worker is told of it. */
function described(source: ByteTableSource | InlineTableSource): WorkerSource {
  if (source.kind === 'inline') return { kind: 'inline', title: source.title, value: source.value };
  return { ...byteSourceFacts(source), kind: 'bytes', ranged: source.readRange !== undefined };
}

/** A failed ranged read as the worker gets it: its message, and whether the server does not serve ranges. */
function rangeFailure(e: unknown): { error: string; code?: string } {
  return { error: errorMessage(e), ...(isRangesNotServed(e) ? { code: RANGES_NOT_SERVED } : {}) };
}

/**
 * The table worker's young generation: its garbage is short-lived (cut-out cells, the first rows parsed here,
 * window replies), so a small one costs little time, where V8's default grows to tens of megabytes that stay in
 * memory beside the table (measured: 7–9 MB less at the peak of a 95 MB CSV's load, no slower). Its semi-spaces
 * are 4 MB, twice the parse workers' (csvWorkerPool.ts): a table of thousands of columns is parsed here, its
 * builders alive across many collections, and 2 MB semi-spaces made reading a 2,000-column CSV to the budget a
 * third slower.
 */
const TABLE_WORKER_HEAP = { maxYoungGenerationSizeMb: 8 };

/**
 * Groups of chunks (up to a megabyte each) sent to the worker and not yet taken by its parser: bounds what waits
 * in the worker's queue. Parsing is slower than a local download, so the queue stays full: three keep the parser
 * fed and hold 5 MB less than eight (measured on the 95 MB bench CSV: 7–9 MB less at the peak, no slower).
 */
const GROUPS_IN_FLIGHT = 3;
/** Cancel slots shared with the worker (request ids are spread over them). */
const CANCEL_SLOTS = 1024;

interface Waiting {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** One table living in a worker thread. */
export class TableClient {
  /** Rows parsed so far. */
  rowCount = 0;
  /** Columns as last reported. */
  columns: ColumnInfo[] = [];
  /** Bytes held by the table's arrays, known once loading ended. */
  tableBytes = 0;
  /** Set when the source is a Parquet object read on demand (the grid scrolls all its rows). */
  rowGroups: RowGroupCounts | undefined;
  /** Reads ranges of the loaded source, for row groups fetched on demand. */
  private rangeReader: ((start: number, end: number, signal: AbortSignal) => Promise<Uint8Array>) | undefined;
  /** True when the range reader's bytes are this thread's to give away (ByteTableSource.chunksAreOwned). */
  private rangesAreOwned = false;
  /** Ranged reads on demand under way, by id. */
  private readonly demandReads = new Map<number, AbortController>();
  private readonly worker: Worker;
  private readonly slots = new Int32Array(new SharedArrayBuffer(4 * CANCEL_SLOTS));
  private readonly generation = new Int32Array(new SharedArrayBuffer(4));
  private lastQuery = '';
  private readonly requests = new Map<number, Waiting>();
  private nextId = 1;
  private stopped: Error | undefined;
  private closing = false;
  private handlers: ((message: FromTableWorker) => void)[] = [];
  private readonly changeListeners: (() => void)[] = [];
  /** True once a read found the object replaced since the load began: reading further cannot succeed. */
  sourceChanged = false;

  constructor(script = defaultTableWorkerScript) {
    const data: TableWorkerData = {
      cancelSlots: this.slots.buffer as SharedArrayBuffer,
      queryGeneration: this.generation.buffer as SharedArrayBuffer,
    };
    this.worker = new Worker(script, { workerData: data, resourceLimits: TABLE_WORKER_HEAP });
    this.worker.on('message', (message: FromTableWorker) => this.receive(message));
    const stop = (error: Error): void => {
      this.stopped ??= error;
      for (const w of this.requests.values()) w.reject(this.stopped);
      this.requests.clear();
      for (const h of this.handlers) h({ type: 'loaded', ...this.snapshot(), error: this.stopped.message });
    };
    this.worker.on('error', (e) => stop(new Error(`The table worker failed: ${errorMessage(e)}`)));
    this.worker.on('exit', (code) =>
      stop(
        new Error(
          code === 0 || this.closing
            ? 'The preview was closed.'
            : `The table worker stopped (exit code ${code}): it may have run out of memory.`,
        ),
      ),
    );
  }

  private snapshot(): { rowCount: number; columns: ColumnInfo[]; tableBytes: number; cancelled: boolean } {
    return { rowCount: this.rowCount, columns: this.columns, tableBytes: this.tableBytes, cancelled: false };
  }

  /** Calls `listener` once a read finds the object replaced since the load began. */
  onSourceChanged(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  /** Notes a failed read of the source: a replaced object is told to the listeners, once. */
  private noteReadFailure(error: unknown): void {
    if (this.sourceChanged || !isObjectChanged(error)) return;
    this.sourceChanged = true;
    for (const listener of this.changeListeners) listener();
  }

  private send(message: ToTableWorker, transfer?: ArrayBuffer[]): void {
    if (!this.stopped) this.worker.postMessage(message, transfer);
  }

  private receive(message: FromTableWorker): void {
    if (message.type === 'readRange' && message.onDemand) return void this.answerDemand(message);
    if (message.type === 'cancelRange') {
      this.demandReads.get(message.id)?.abort();
      return;
    }
    if (message.type === 'reply') {
      const waiting = this.requests.get(message.id);
      this.requests.delete(message.id);
      if (!waiting) return;
      if (message.cancelled) waiting.reject(new CancellationError());
      else if (message.error !== undefined) waiting.reject(new Error(message.error));
      else {
        const held = (message.value as { rowGroups?: RowGroupCounts } | undefined)?.rowGroups;
        if (held) this.rowGroups = held;
        waiting.resolve(message.value);
      }
      return;
    }
    if (
      message.type === 'progress' ||
      message.type === 'schema' ||
      message.type === 'loaded' ||
      message.type === 'paused'
    )
      this.rowCount = message.rowCount;
    if (message.type === 'schema' || message.type === 'loaded' || message.type === 'paused')
      this.columns = message.columns;
    if (message.type === 'loaded' || message.type === 'paused') this.tableBytes = message.tableBytes;
    if (message.type === 'paused' && message.rowGroups) this.rowGroups = message.rowGroups;
    for (const h of [...this.handlers]) h(message);
  }

  /** Reads a range for a row group the grid asked for; the worker's `cancelRange` stops it. */
  private async answerDemand(message: { id: number; start: number; end: number }): Promise<void> {
    const stop = new AbortController();
    this.demandReads.set(message.id, stop);
    try {
      if (!this.rangeReader) throw new Error('The object cannot be read by range.');
      const bytes = transferable(await this.rangeReader(message.start, message.end, stop.signal), this.rangesAreOwned);
      this.send({ type: 'range', id: message.id, bytes }, [bytes.buffer]);
    } catch (e) {
      if (!stop.signal.aborted) this.noteReadFailure(e);
      this.send({
        type: 'range',
        id: message.id,
        ...(stop.signal.aborted ? { cancelled: true } : rangeFailure(e)),
      });
    } finally {
      this.demandReads.delete(message.id);
    }
  }

  /** Answers the worker's ranged reads from `source`, when it can read by range. */
  private useRanges(source: ByteTableSource): void {
    if (!source.readRange) return;
    this.rangeReader = source.readRange.bind(source);
    this.rangesAreOwned = source.chunksAreOwned === true;
  }

  /** Loads `source` into the worker's table; resolves when done or cancelled, rejects with a readable error. */
  async load(source: TableSource, options: LoadOptions): Promise<ParseSummary> {
    if (source.kind === 'stacked') return this.loadStacked(source, options);
    if (source.kind === 'bytes') this.useRanges(source);
    return this.loadDescribed(source, described(source), options);
  }

  /**
   * Reads a stacked table's parts one after another into the worker, each appended there under the rows before;
   * a part that cannot be read is left out with a note, and what differs between the parts' schemas is said.
   */
  private async loadStacked(source: StackedTableSource, options: LoadOptions): Promise<ParseSummary> {
    const { signal } = options;
    const { partColumn: column, parts } = source;
    const note = (message: string): void => {
      source.onNote?.(message);
      options.onWarning?.(message);
    };
    for (const message of source.firstNotes ?? []) note(message);
    // Parts are reached (an S3 HEAD each) and their first bytes read a few ahead of the one being parsed.
    const reached: Promise<ByteTableSource | InlineTableSource | Error>[] = [];
    const reach = (k: number) =>
      (reached[k] ??= parts[k].open(signal).then(
        (part) => (part.kind === 'bytes' ? readAhead(part, signal, READ_AHEAD_BYTES) : part),
        (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
      ));
    const schemas: PartSchema[] = [];
    let bytesBefore = 0;
    for (let k = 0; k < parts.length; k++) {
      for (let j = k; j < Math.min(parts.length, k + PARTS_AHEAD); j++) void reach(j);
      const value = parts[k].partValue;
      const part = await reach(k);
      if (signal.aborted) throw new CancellationError();
      let bytesRead = 0;
      try {
        if (part instanceof Error) throw part;
        if (part.kind === 'bytes') this.useRanges(part);
        const summary = await this.loadDescribed(
          part,
          described(part),
          {
            signal,
            onSchema: options.onSchema,
            onProgress: (read) => options.onProgress?.(bytesBefore + (bytesRead = read), undefined),
            onWarning: (message) => note(`${column} ${value}: ${message}`),
          },
          { column, value },
        );
        schemas.push({ partValue: value, columns: summary.part ?? [] });
        source.onPartStacked?.(value);
      } catch (e) {
        if (signal.aborted || isCancellation(e)) throw e;
        note(`${column} ${value} could not be read and is left out: ${errorMessage(e)}`);
      }
      bytesBefore += bytesRead;
    }
    for (const sentence of schemaDifferences(column, schemas)) note(sentence);
    return { format: 'tables' };
  }

  /** `stackAs`: the source is a part of a stacked table. */
  private loadDescribed(
    source: TableSource,
    described: WorkerSource,
    options: LoadOptions,
    stackAs?: StackAs,
  ): Promise<ParseSummary> {
    const { signal } = options;
    return new Promise<ParseSummary>((resolve, reject) => {
      let credit = GROUPS_IN_FLIGHT;
      let wakePump: (() => void) | undefined;
      // Set once the worker says the load is over: the pump stops (and closes the stream) rather than send bytes
      // the next load (a stacked table's next part) would take for its own.
      let over = false;
      const onAbort = (): void => {
        this.send({ type: 'abortLoad' });
        wakePump?.();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const waitForCredit = async (): Promise<void> => {
        credit--;
        while (credit <= 0 && !over && !signal.aborted && !this.stopped)
          await new Promise<void>((wake) => (wakePump = wake));
        wakePump = undefined;
      };
      const pump = async (): Promise<void> => {
        if (source.kind !== 'bytes') return;
        try {
          // Groups of chunks the worker can own: transferred as they are when the source allows, else copied.
          const groups = ownedChunkGroups(source.open(signal), { chunksAreOwned: source.chunksAreOwned === true });
          for await (const chunks of groups) {
            if (over || signal.aborted || this.stopped) return;
            this.send(
              { type: 'bytes', chunks },
              chunks.map((c) => c.buffer as ArrayBuffer),
            );
            await waitForCredit();
          }
          if (!over) this.send({ type: 'end' });
        } catch (e) {
          if (!signal.aborted && !over) {
            this.noteReadFailure(e);
            this.send({ type: 'fail', message: errorMessage(e) });
          }
        }
      };
      const answerRange = async (id: number, start: number, end: number): Promise<void> => {
        if (source.kind !== 'bytes' || !source.readRange) return;
        try {
          const bytes = transferable(await source.readRange(start, end, signal), source.chunksAreOwned === true);
          this.send({ type: 'range', id, bytes }, [bytes.buffer]);
        } catch (e) {
          if (!signal.aborted) this.noteReadFailure(e);
          this.send({ type: 'range', id, ...rangeFailure(e) });
        }
      };
      const handler = (message: FromTableWorker): void => {
        switch (message.type) {
          case 'open':
            void pump();
            return;
          case 'pull':
            credit++;
            wakePump?.();
            return;
          case 'readRange':
            void answerRange(message.id, message.start, message.end);
            return;
          case 'progress':
            options.onProgress?.(message.bytesRead, message.totalBytes);
            return;
          case 'schema':
            options.onSchema?.();
            return;
          case 'warning':
            options.onWarning?.(message.message);
            return;
          case 'paused':
            options.onPaused?.({
              bytesRead: message.bytesRead,
              totalBytes: message.totalBytes,
              ...(message.rowGroups ? { rowGroups: message.rowGroups } : {}),
            });
            return;
          case 'loaded':
            over = true;
            this.handlers = this.handlers.filter((h) => h !== handler);
            signal.removeEventListener('abort', onAbort);
            wakePump?.();
            options.onSchema?.();
            if (message.error !== undefined) reject(new Error(message.error));
            else if (message.cancelled) reject(new CancellationError());
            else resolve(message.summary!);
            return;
        }
      };
      this.handlers.push(handler);
      this.send({
        type: 'load',
        source: described,
        budgetBytes: options.budgetBytes ?? Infinity,
        ...(stackAs ? { stackAs } : {}),
      });
      if (signal.aborted) onAbort();
    });
  }

  /** Goes on reading after a stop at the memory budget, up to as much again. */
  readFurther(): void {
    this.send({ type: 'readFurther' });
  }

  /** Asks the table for something; aborting `signal` cancels the work in the worker and rejects. */
  request<K extends TableOp>(
    request: Extract<TableRequest, { op: K }>,
    signal?: AbortSignal,
  ): Promise<TableReplies[K]> {
    if (this.stopped) return Promise.reject(this.stopped);
    if (signal?.aborted) return Promise.reject(new CancellationError());
    const id = this.nextId++;
    const asked = request as TableRequest;
    if (asked.op === 'rows') {
      const { sortModel, filterModel, quickFilter } = asked.query;
      const query = JSON.stringify([sortModel, filterModel, quickFilter]);
      // Another query: whatever the worker still computes for the last one is not wanted any more.
      if (query !== this.lastQuery) Atomics.add(this.generation, 0, 1);
      this.lastQuery = query;
    }
    return new Promise<TableReplies[K]>((resolve, reject) => {
      const onAbort = (): void => {
        Atomics.store(this.slots, id % CANCEL_SLOTS, id);
        this.requests.delete(id);
        reject(new CancellationError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settled =
        <T>(settle: (v: T) => void) =>
        (v: T): void => {
          signal?.removeEventListener('abort', onAbort);
          settle(v);
        };
      this.requests.set(id, { resolve: settled(resolve as (v: unknown) => void), reject: settled(reject) });
      this.send({ type: 'request', id, request });
    });
  }

  /** Stops the worker and drops the table. */
  async close(): Promise<void> {
    this.closing = true;
    for (const read of this.demandReads.values()) read.abort();
    await this.worker.terminate();
  }
}
