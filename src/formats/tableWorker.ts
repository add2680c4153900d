// Worker-thread entry (bundled as dist/tableWorker.js): the preview's table lives here. The host streams
// the object's bytes in (or answers ranged reads for Parquet), this thread parses them into the columnar
// table, and every operation on the table — windows, sorts, filters, search, statistics, copies, export —
// runs here, so none of them holds up the extension host's thread. tableClient.ts is the host side.
import { parentPort, workerData } from 'node:worker_threads';
import { CancellationError, errorMessage, isCancellation } from '../errors';
import type { ColumnInfo, RowGroupCounts } from '../protocol';
import { pollCheck } from '../timeSlices';
import { CsvParserThreads } from './csvParserThreads';
import { decompress } from './decompress';
import { RowGroupStore } from './parquetRowGroups';
import { sniffFormat } from './sniff';
import { appendPart } from './stackTables';
import { type ByteSourceFacts, ColumnarTable, type TableSource } from './table';
import { type ParseSummary, parseTableSource } from './tableParser';
import { type TableRequest, TableService } from './tableService';
import { VIEW_BYTES_PER_ROW, tableShareOfBudget, windowShaper } from './tableView';
import { formatRows } from './textFormats';

/** What the worker needs to know of a source; its bytes come in `bytes` messages or ranged reads. */
export type WorkerSource =
  | { kind: 'inline'; title: string; value: unknown }
  | (ByteSourceFacts & {
      kind: 'bytes';
      /** The host can answer ranged reads. */
      ranged: boolean;
    });

/** How a load joins a stacked table: the part column and this part's value in it. */
export interface StackAs {
  /** The part column's name. */
  column: string;
  /** This part's value. */
  value: number;
}

/** Messages from the host. */
export type ToTableWorker =
  /** `stackAs`: read the source as a part of a stacked table, its rows appended under the table's with this value. */
  | { type: 'load'; source: WorkerSource; budgetBytes: number; stackAs?: StackAs }
  | { type: 'readFurther' }
  /** Chunks that each own their whole buffer (transferred). */
  | { type: 'bytes'; chunks: Uint8Array[] }
  | { type: 'end' }
  | { type: 'fail'; message: string }
  | { type: 'range'; id: number; bytes?: Uint8Array; error?: string; code?: string; cancelled?: boolean }
  | { type: 'abortLoad' }
  | { type: 'request'; id: number; request: TableRequest };

/** Messages to the host. */
export type FromTableWorker =
  | { type: 'open' }
  | { type: 'pull' }
  /** `onDemand`: a row group the grid asked for (answered after the load ends too, stopped by `cancelRange`). */
  | { type: 'readRange'; id: number; start: number; end: number; onDemand?: boolean }
  | { type: 'cancelRange'; id: number }
  | { type: 'progress'; rowCount: number; bytesRead: number; totalBytes?: number }
  | { type: 'schema'; rowCount: number; columns: ColumnInfo[] }
  | { type: 'warning'; message: string }
  | {
      type: 'paused';
      rowCount: number;
      columns: ColumnInfo[];
      tableBytes: number;
      bytesRead: number;
      totalBytes?: number;
      /** Parquet read on demand: the file's rows and row groups, and how many are held. */
      rowGroups?: RowGroupCounts;
    }
  | {
      type: 'loaded';
      rowCount: number;
      columns: ColumnInfo[];
      tableBytes: number;
      summary?: ParseSummary;
      error?: string;
      cancelled: boolean;
    }
  | { type: 'reply'; id: number; value?: unknown; error?: string; cancelled?: boolean };

/** Data the host starts the worker with. */
export interface TableWorkerData {
  /** Int32 slots: slot id % length holds id once request `id` is cancelled (read while the request runs). */
  cancelSlots: SharedArrayBuffer;
  /** One Int32 the host bumps whenever the grid asks for another query: a sort finishing in the background stops. */
  queryGeneration: SharedArrayBuffer;
}

/** Least time between two progress messages. */
const PROGRESS_MS = 50;

const port = parentPort!;
const slots = new Int32Array((workerData as TableWorkerData).cancelSlots);
const generation = new Int32Array((workerData as TableWorkerData).queryGeneration);
const table = new ColumnarTable();
const service = new TableService(table);
const loadAbort = new AbortController();
/** Bytes of the object taken in so far (streamed or ranged). */
let bytesIn = 0;
let totalBytes: number | undefined;

/** Memory the table holds for the budget: its arrays, and room to sort and filter its rows. */
function memoryHeld(): number {
  return table.byteSize + table.rowCount * VIEW_BYTES_PER_ROW;
}

/**
 * While a preview reads, the process's resident memory may grow by the table's share of the budget (the budget less
 * the threads' reserve), and by at least this much, the default budget's share: memory outside the table (the
 * threads' heaps, garbage not yet collected, what the allocator keeps) grows with a table's width, and a table of
 * 2,000 text columns took the process to 1.65× the budget while the table itself held less than it. Reading stops
 * once the process has grown that far; the reserve is what is on its way then (the batches being parsed and their
 * garbage): a 5 GB CSV of 2,000 text columns peaked at 490–505 MB at the default 512 MB budget, where an allowance of
 * the whole budget peaked at 541–570 MB. Below this size the threads a load starts would take much of a budget
 * (300 MB at 2,000 columns).
 */
const PROCESS_ALLOWANCE_MIN_BYTES = tableShareOfBudget(512e6);

/** The process's resident memory (every thread's: the extension host's, when the preview runs there). */
function processMemory(): number {
  return process.memoryUsage.rss();
}

/**
 * The memory budget: before more bytes are taken in, reading waits while the table holds the budget (less the
 * threads' reserve) or more (memoryHeld), or while the process has grown by its allowance (the table's share, at least
 * PROCESS_ALLOWANCE_MIN_BYTES) since the table was empty, and the host hears that the preview holds part of the
 * object; Read further lets both grow as much again.
 */
class ReadGate {
  private limit = Infinity;
  private step = Infinity;
  /** How far the process's memory may grow in one step, and the resident size it may reach now. */
  private allowance = Infinity;
  private processLimit = Infinity;
  private firstPartOnly = false;
  private resume: (() => void) | undefined;

  setBudget(bytes: number): void {
    this.limit = this.step = tableShareOfBudget(bytes);
    this.allowance = Math.max(tableShareOfBudget(bytes), PROCESS_ALLOWANCE_MIN_BYTES);
    // From the first part of a table (a stacked table's later parts add to the same allowance).
    if (table.rowCount === 0) this.processLimit = processMemory() + this.allowance;
  }

  /** True when the table holds its share of the budget, or the process has grown by its allowance. */
  private get full(): boolean {
    return memoryHeld() >= this.limit || processMemory() >= this.processLimit;
  }

  /** What the table may hold: the budget less the threads' reserve. */
  get budget(): number {
    return this.step;
  }

  /** Rows come on demand: read only the first part of the file in order (a row group, or part of a large one) until Read further. */
  stopAfterFirstPart(): void {
    this.firstPartOnly = true;
  }

  async pass(signal: AbortSignal): Promise<void> {
    while ((this.full || (this.firstPartOnly && table.rowCount > 0)) && !signal.aborted) {
      // Rows wait here a while: stop the parser threads. At the budget, the chunks being filled keep their room (at
      // most a quarter of what each column holds): giving it back would copy them, a peak past the budget of up to
      // a fifth of the table, for room that reading further fills again. The first part of a Parquet file read on
      // demand gives it back: the row groups shown later are held in what is left of the budget.
      if (!this.full) table.compact();
      csvThreads?.stopWhenIdle();
      post({
        type: 'paused',
        rowCount: table.rowCount,
        columns: table.schema(),
        tableBytes: table.byteSize,
        bytesRead: bytesIn,
        totalBytes,
        ...(store ? { rowGroups: store.counts() } : {}),
      });
      await new Promise<void>((resolve) => (this.resume = resolve));
      this.resume = undefined;
    }
  }

  /** Reads on, up to the budget again past what the table holds now (and the process's allowance past its size). */
  further(): void {
    this.firstPartOnly = false;
    this.limit = memoryHeld() + this.step;
    this.processLimit = processMemory() + this.allowance;
    this.resume?.();
  }

  /** Wakes a paused read (which then sees its signal aborted). */
  wake(): void {
    this.resume?.();
  }
}

const gate = new ReadGate();
/** The parser threads of the CSV being loaded: stopped while reading waits, started again when it reads on. */
let csvThreads: CsvParserThreads | undefined;
/** Set when a ranged Parquet object larger than the budget is read on demand. */
let store: RowGroupStore | undefined;

function post(message: FromTableWorker, transfer?: ArrayBuffer[]): void {
  port.postMessage(message, transfer);
}

/** Throws once request `id` is cancelled. */
function checkFor(id: number): () => void {
  return () => {
    if (Atomics.load(slots, id % slots.length) === id) throw new CancellationError();
  };
}

/** The bytes the host sends for a load, as a stream; each group of chunks taken asks the host for one more. */
class IncomingBytes {
  private readonly groups: Uint8Array[][] = [];
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  received = 0;

  push(group: Uint8Array[]): void {
    this.groups.push(group);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  fail(message: string): void {
    this.failure = new Error(message);
    this.wake?.();
  }

  abort(): void {
    this.wake?.();
  }

  /** Ready for the next load's stream (a stacked table's next part). */
  reset(): void {
    this.groups.length = 0;
    this.ended = false;
    this.failure = undefined;
    this.received = 0;
  }

  async *read(signal: AbortSignal, onProgress?: (received: number) => void): AsyncIterable<Uint8Array> {
    post({ type: 'open' });
    for (;;) {
      await gate.pass(signal);
      if (signal.aborted) throw new CancellationError();
      const group = this.groups.shift();
      if (group) {
        post({ type: 'pull' });
        for (const chunk of group) {
          this.received += chunk.byteLength;
          onProgress?.(this.received);
          yield chunk;
        }
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

const incoming = new IncomingBytes();
const ranges = new Map<number, { resolve(bytes: Uint8Array): void; reject(e: Error): void }>();
let nextRange = 0;

async function readRange(start: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
  await gate.pass(loadAbort.signal);
  if (signal?.aborted || loadAbort.signal.aborted) throw new CancellationError();
  const id = nextRange++;
  const bytes = await new Promise<Uint8Array>((resolve, reject) => {
    ranges.set(id, { resolve, reject });
    post({ type: 'readRange', id, start, end });
  });
  bytesIn += bytes.byteLength;
  return bytes;
}

const demandRanges = new Map<number, { resolve(bytes: Uint8Array): void; reject(e: Error): void }>();

/** A ranged read of a row group the grid asked for: not held by the budget's gate, stopped by `signal`. */
function demandRange(start: number, end: number, signal: AbortSignal): Promise<Uint8Array> {
  if (signal.aborted) return Promise.reject(new CancellationError());
  const id = nextRange++;
  return new Promise<Uint8Array>((resolve, reject) => {
    const onAbort = (): void => {
      demandRanges.delete(id);
      post({ type: 'cancelRange', id });
      reject(new CancellationError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    demandRanges.set(id, {
      resolve: (bytes) => {
        signal.removeEventListener('abort', onAbort);
        bytesIn += bytes.byteLength;
        resolve(bytes);
      },
      reject: (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    });
    post({ type: 'readRange', id, start, end, onDemand: true });
  });
}

/** The grid asks for rows in file order: no sort, filter or search. */
function inFileOrder(request: TableRequest): boolean {
  if (request.op !== 'rows') return false;
  const q = request.query;
  return q.sortModel.length === 0 && Object.keys(q.filterModel ?? {}).length === 0 && q.quickFilter.trim() === '';
}

/** Answers a request about rows of a Parquet source read on demand, or returns undefined for the table's own. */
async function answerOnDemand(request: TableRequest, signal: AbortSignal): Promise<unknown> {
  if (!store) return undefined;
  if (request.op === 'rows' && inFileOrder(request)) {
    const window = await store.rows(request.start, request.end, windowShaper(table.columns.length), signal);
    return { ...window, total: store.rowCount, tableRows: store.rowCount, rowGroups: store.counts() };
  }
  if (request.op === 'cellText' && request.rowId >= table.rowCount)
    return (await store.cellText(request.rowId, request.colId, signal)) ?? null;
  if (request.op === 'rowsText' && request.rowIds.some((r) => r >= table.rowCount)) {
    const cols = request.colIds.map((id) => table.column(id));
    if (cols.some((c) => !c) || request.rowIds.some((r) => r >= store!.rowCount)) return null;
    const rows: string[][] = [];
    for (const r of request.rowIds) {
      const row: string[] = [];
      for (const id of request.colIds) row.push((await store.cellText(r, id, signal)) ?? '');
      rows.push(row);
    }
    const header = cols.map((c) => c!.name);
    const text = formatRows(header, rows, request.format, { escapeFormulas: request.escapeFormulas });
    return { text, count: rows.length };
  }
  return undefined;
}

function tableSource(source: WorkerSource): TableSource {
  if (source.kind === 'inline') return source;
  const { ranged, ...facts } = source;
  return {
    ...facts,
    // The host transfers every chunk (tableClient.ts): each is this thread's own, to hand on to the parsers.
    chunksAreOwned: true,
    open: (signal, onProgress) =>
      incoming.read(signal, (read) => {
        bytesIn = read;
        onProgress?.(read, source.sizeBytes);
      }),
    ...(ranged ? { readRange } : {}),
  };
}

/**
 * Reads `source` into the table, or, with `stackAs`, into a table of its own whose rows are then appended under
 * the table's (a stacked table's part: its parse and its copy both run here, not on the host).
 */
async function load(source: WorkerSource, budgetBytes: number, stackAs?: StackAs): Promise<void> {
  gate.setBudget(budgetBytes);
  incoming.reset();
  const into = stackAs ? new ColumnarTable() : table;
  totalBytes = source.kind === 'bytes' ? source.sizeBytes : undefined;
  let lastProgress = 0;
  let lastSchema = 0;
  let schemaWidth = -1;
  const sendSchema = (force: boolean): void => {
    const now = Date.now();
    if (!force && table.columns.length === schemaWidth && now - lastSchema < 250) return;
    lastSchema = now;
    schemaWidth = table.columns.length;
    post({ type: 'schema', rowCount: table.rowCount, columns: table.schema() });
  };
  let summary: ParseSummary | undefined;
  let error: string | undefined;
  csvThreads = new CsvParserThreads();
  try {
    summary = await parseTableSource(tableSource(source), into, {
      signal: loadAbort.signal,
      csvThreads,
      codecs: { sniffFormat, decompress },
      memoryBudget: budgetBytes,
      onParquetLayout: (layout, pages) => {
        // Larger than the budget: the grid scrolls the whole file and each row group is fetched when shown.
        if (stackAs || source.kind !== 'bytes' || !source.sizeBytes || source.sizeBytes <= budgetBytes) return;
        store = new RowGroupStore(demandRange, source.sizeBytes, layout, pages, table, () =>
          Math.max(0, gate.budget - memoryHeld()),
        );
        gate.stopAfterFirstPart();
      },
      beforeParquetPart: () => gate.pass(loadAbort.signal),
      onSchema: () => sendSchema(false),
      onProgress: (bytesRead, totalBytes) => {
        const now = Date.now();
        if (now - lastProgress < PROGRESS_MS) return;
        lastProgress = now;
        post({ type: 'progress', rowCount: table.rowCount, bytesRead, totalBytes });
      },
      onWarning: (message) => post({ type: 'warning', message }),
    });
    if (stackAs) {
      await appendPart(table, stackAs.column, { partValue: stackAs.value, table: into }, loadAbort.signal);
      summary = { ...summary, part: into.schema().map((c) => ({ name: c.name, type: c.type })) };
    }
  } catch (e) {
    if (!loadAbort.signal.aborted || !isCancellation(e)) error = errorMessage(e);
  }
  // The rows are all in: the columns give back the spare room of the segments they were filling.
  table.compact();
  csvThreads = undefined;
  post({
    type: 'loaded',
    rowCount: table.rowCount,
    columns: table.schema(),
    tableBytes: table.byteSize,
    summary,
    error,
    cancelled: loadAbort.signal.aborted,
  });
}

async function answer(id: number, request: TableRequest): Promise<void> {
  const check = checkFor(id);
  try {
    check();
    let value: unknown;
    if (store) {
      const polled = pollCheck(check);
      try {
        value = await answerOnDemand(request, polled.signal);
      } finally {
        polled.done();
      }
      check();
    }
    if (value === null) value = undefined;
    else value ??= await service.answer(request, check);
    post({ type: 'reply', id, value });
    // The first window of a new sort came from a top-N selection: finish the full order now, off the host.
    if (request.op === 'rows' && (value as { sortPending?: boolean }).sortPending) {
      const asked = Atomics.load(generation, 0);
      setImmediate(() => {
        try {
          service.viewer.view(request.query, () => {
            check();
            if (Atomics.load(generation, 0) !== asked) throw new CancellationError();
          });
        } catch {
          // Cancelled or superseded: the next request computes what it needs.
        }
      });
    }
  } catch (e) {
    post({ type: 'reply', id, ...(isCancellation(e) ? { cancelled: true } : { error: errorMessage(e) }) });
  }
}

port.on('message', (message: ToTableWorker) => {
  switch (message.type) {
    case 'load':
      void load(message.source, message.budgetBytes, message.stackAs);
      return;
    case 'readFurther':
      gate.further();
      return;
    case 'bytes':
      incoming.push(message.chunks);
      return;
    case 'end':
      incoming.end();
      return;
    case 'fail':
      incoming.fail(message.message);
      return;
    case 'range': {
      const waiting = ranges.get(message.id) ?? demandRanges.get(message.id);
      ranges.delete(message.id);
      demandRanges.delete(message.id);
      if (message.bytes) waiting?.resolve(message.bytes);
      else if (message.cancelled) waiting?.reject(new CancellationError());
      else
        waiting?.reject(
          Object.assign(
            new Error(message.error ?? 'The ranged read failed.'),
            message.code ? { code: message.code } : {},
          ),
        );
      return;
    }
    case 'abortLoad':
      loadAbort.abort();
      incoming.abort();
      gate.wake();
      for (const waiting of ranges.values()) waiting.reject(new CancellationError());
      ranges.clear();
      return;
    case 'request':
      void answer(message.id, message.request);
      return;
  }
});
