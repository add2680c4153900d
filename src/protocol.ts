// Messages between the preview panel's host side (src/panels) and its webview (webview/).
// Shared by both bundles: no `vscode`, no Node built-ins. The webview pulls windows of rows; the host
// validates every message it receives with `isFromWebview`. Every request settles: the host answers it once with
// `replyTo` (an error reply when its handler fails), and the webview's `RequestTracker` gives up after a timeout.
import { CancellationError, errorMessage, isCancellation } from './errors';
import type { ReferenceConfig } from './references';

/** Inferred type of a column, shown in its header. */
export type ColumnType = 'integer' | 'float' | 'boolean' | 'datetime' | 'string' | 'empty';

/** One value in a row sent to the webview: numbers stay numbers, everything else is text; null is a missing value. */
export type Cell = string | number | null;

/** A column of the previewed table. */
export interface ColumnInfo {
  /** Stable field id used by the grid (`c0`, `c1`, …): header text may be empty or repeated. */
  id: string;
  /** Header text as found in the data. */
  name: string;
  /** Inferred type. */
  type: ColumnType;
  /** True for a row-index column (pandas' unnamed index), pinned on the left. */
  index?: boolean;
  /** What a missing cell shows (pandas' spelling for the column's dtype); see `src/cellText.ts` for the default. */
  missing?: MissingMarker;
}

/** How pandas prints a missing value: NaN (numbers, read_csv text), None (object columns), NaT (datetimes). */
export type MissingMarker = 'NaN' | 'None' | 'NaT';

/** One sort key, as ag-grid reports it. */
export interface SortItem {
  /** Column id. */
  colId: string;
  /** Direction. */
  sort: 'asc' | 'desc';
}

/** Operators of a text filter condition (ag-grid's text filter). */
export type TextFilterOp =
  | 'contains'
  | 'notContains'
  | 'equals'
  | 'notEqual'
  | 'startsWith'
  | 'endsWith'
  | 'blank'
  | 'notBlank'
  | 'missing'
  | 'notMissing'
  | typeof IN_DATE_RANGE
  | typeof IS_EXACTLY;
/** Operators of a number filter condition (ag-grid's number filter). */
export type NumberFilterOp =
  | 'equals'
  | 'notEqual'
  | 'lessThan'
  | 'lessThanOrEqual'
  | 'greaterThan'
  | 'greaterThanOrEqual'
  | 'inRange'
  | 'blank'
  | 'notBlank'
  | 'missing'
  | 'notMissing';

/** A single filter condition. */
export type FilterCondition =
  | { filterType: 'text'; type: TextFilterOp; filter?: string | null; filterTo?: string | null }
  | { filterType: 'number'; type: NumberFilterOp; filter?: number | null; filterTo?: number | null };

/** A column's filter: one condition, or two joined by AND/OR. */
export type ColumnFilter =
  FilterCondition | { filterType: 'text' | 'number'; operator: 'AND' | 'OR'; conditions: FilterCondition[] };

/** Filters by column id. */
export type FilterModel = Record<string, ColumnFilter>;

/** What the grid currently shows: sort, column filters and the quick search text. */
export interface ViewQuery {
  /** Sort keys, most significant first. */
  sortModel: SortItem[];
  /** Column filters. */
  filterModel: FilterModel;
  /** Text searched in every cell (case-insensitive). */
  quickFilter: string;
}

/** Statistics of one column. */
export interface ColumnStats {
  /** Column id. */
  colId: string;
  /** Number of rows. */
  count: number;
  /** Missing values. */
  nulls: number;
  /** Distinct non-missing values (a lower bound when `distinctCapped`). */
  distinct: number;
  /** True when counting distinct values stopped at a cap. */
  distinctCapped: boolean;
  /** Smallest value (typed order). */
  min: Cell;
  /** Largest value (typed order). */
  max: Cell;
  /** Mean of a numeric column. */
  mean?: number;
  /** Most frequent values with their counts. */
  top: { value: Cell; count: number }[];
}

/** A text filter operator: the cell is this text exactly, case included (a top-value bar of a column chart sets it). */
export const IS_EXACTLY = 'isExactly';

/** A text filter operator of datetime columns: from `filter` (included) to `filterTo` (excluded), both ISO text. */
export const IN_DATE_RANGE = 'inDateRange';

/**
 * Epoch milliseconds of an ISO date or date-time as the preview reads it (a time without a zone is UTC; digits
 * past milliseconds are dropped); NaN when the text is not one.
 */
export function datetimeEpochMs(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(
    text.trim(),
  );
  if (!m) return NaN;
  const [, date, time = '00:00:00', fraction, zone = 'Z'] = m;
  const ms = fraction ? `.${fraction.slice(0, 3).padEnd(3, '0')}` : '';
  const offset = zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone.toUpperCase();
  return Date.parse(`${date}T${time}${ms}${offset}`);
}

/** True when a cell's date lies in [from, to) (ISO texts); false for missing cells and text that is not a date. */
export function inDateRange(cell: string | null | undefined, from: string, to: string): boolean {
  if (cell === null || cell === undefined) return false;
  const t = datetimeEpochMs(cell);
  return t >= datetimeEpochMs(from) && t < datetimeEpochMs(to);
}

/** The distribution of one column shown in its header, over the rows the preview holds. */
export type ColumnProfile =
  /** Numbers or dates: numpy.histogram's equal-width bins (dates as epoch milliseconds); the last bin is closed. */
  | {
      colId: string;
      kind: 'histogram';
      valueType: 'number' | 'datetime';
      rows: number;
      missing: number;
      /** Cells that are neither missing nor binned (±inf, text that does not parse). */
      nonFinite: number;
      /** bins + 1 edges. */
      edges: number[];
      /** Cells per bin. */
      counts: number[];
    }
  /** Text and booleans: the most frequent values and how many cells hold any other value. */
  | {
      colId: string;
      kind: 'top';
      rows: number;
      missing: number;
      top: { value: string; count: number }[];
      other: number;
      /** Distinct values (a lower bound when `distinctCapped`). */
      distinct: number;
      /** True when counting distinct values stopped at a cap: the top values are those of the values counted. */
      distinctCapped?: boolean;
    }
  /** Every cell missing (or no rows). */
  | { colId: string; kind: 'empty'; rows: number; missing: number };

/** Text formats for copying. */
export type CopyFormat = 'tsv' | 'csv' | 'markdown';

/** State the webview keeps with `setState`, which also lets the host revive the panel after a reload. */
export interface PersistedState {
  /** How the host can open the same table again (opaque to the webview). */
  source?: unknown;
  /** Panel title. */
  title?: string;
  /** Sort, filters and search. */
  query?: ViewQuery;
  /** The grid's own state (column sizes, scroll position), opaque to the host. */
  grid?: unknown;
}

/** How many rows a Parquet source has, and how much of it is held. */
export interface RowGroupCounts {
  /** Rows in the whole file (from its footer). */
  rows: number;
  /** Row groups in the file. */
  groups: number;
  /** Row groups held now (read in order into the table, or cached). */
  held: number;
  /** Bytes the held row groups take in memory. */
  heldBytes: number;
}

/** Messages the host sends to the webview. */
export type ToWebview =
  /** Panel identity and settings, sent after `ready`; `source` is what the webview persists for a reload. */
  | {
      type: 'init';
      title: string;
      subtitle?: string;
      source?: unknown;
      clientRowCap: number;
      references: ReferenceConfig;
      /** The source can be read again from the start (`reopen`): the panel offers it when reading fails. */
      reopenable: boolean;
    }
  /** Columns are known (may be re-sent when types firm up at the end of parsing). */
  | { type: 'schema'; columns: ColumnInfo[] }
  /** Parsing progress; `waitingFor` says what the host waits for before any bytes arrive (e.g. S3's HEAD). */
  | { type: 'progress'; rowsParsed: number; bytesRead: number; totalBytes?: number; waitingFor?: string }
  /**
   * Parsing finished; `mode` says where sorting and filtering happen. `partial`: reading stopped at the memory
   * budget, so the table holds the first `rowCount` rows only (`readFurther` goes on).
   */
  | {
      type: 'done';
      rowCount: number;
      mode: 'client' | 'server';
      elapsedMs: number;
      cancelled?: boolean;
      partial?: { bytesRead: number; totalBytes?: number; rowGroups?: RowGroupCounts };
    }
  /** Parsing failed; rows parsed so far (if any) stay visible. */
  | { type: 'error'; message: string }
  /** Something the user should know about the data (best effort parse, dropped rows, …). */
  | { type: 'warning'; message: string }
  /** A read found the object replaced since the preview began reading it: reading further cannot succeed, Reopen can. */
  | { type: 'sourceChanged' }
  /** Reply to `getRows`. `totalRows` counts rows matching the query (−1 while unknown). */
  | {
      type: 'rows';
      inReplyTo: number;
      startRow: number;
      rows: Cell[][];
      rowIds: number[];
      totalRows: number;
      tableRows: number;
      /** Parquet read on demand: how many row groups are held now. */
      rowGroups?: RowGroupCounts;
    }
  /** Reply to `getProfile`; `partial` when loading stopped before the end of the table. */
  | { type: 'profile'; inReplyTo: number; profiles: ColumnProfile[]; rows: number; partial: boolean }
  /** Reply to `getStats`. */
  | { type: 'stats'; inReplyTo: number; stats?: ColumnStats; error?: string }
  /** Reply to a request that only needs an outcome (copies, `export`, `openReference`). */
  | { type: 'ack'; inReplyTo: number; ok: boolean; message?: string }
  /**
   * Reply to any request whose handler failed: what went wrong, in one sentence. `cancelled`: the work was
   * stopped because it was no longer wanted (a newer sort or filter, the panel closing), not a failure to report.
   */
  | { type: 'failed'; inReplyTo: number; message: string; cancelled?: boolean };

/** Messages the webview sends to the host. */
export type FromWebview =
  /** The webview is listening; the host answers with `init`, `schema`, progress and so on. */
  | { type: 'ready' }
  /** Ask for rows [startRow, endRow) of the table as sorted and filtered by the query. */
  | ({ type: 'getRows'; id: number; startRow: number; endRow: number } & ViewQuery)
  /** Ask for a column's statistics (over the whole table). */
  | { type: 'getStats'; id: number; colId: string }
  /** Ask for every column's distribution (header charts) over the rows loaded. */
  | { type: 'getProfile'; id: number }
  /** Stop downloading and parsing; keep what was parsed. */
  | { type: 'cancel' }
  /** Reading stopped at the memory budget: read on, up to as much again. */
  | { type: 'readFurther' }
  /** Read the source again from the start, as it is now (after a failure, or an object replaced meanwhile). */
  | { type: 'reopen' }
  /** Copy one cell of the table (by row id), whole even when the grid shows it cut. */
  | { type: 'copyCell'; id: number; rowId: number; colId: string }
  /** Copy table rows (by row id, in this order) with a header of the given columns; cells are copied whole, not as shown. */
  | { type: 'copyRows'; id: number; rowIds: number[]; colIds: string[]; format: CopyFormat }
  /** Copy a whole column (as filtered and sorted) with its header. */
  | ({ type: 'copyColumn'; id: number; colId: string; format: CopyFormat } & ViewQuery)
  /** Export the table (as filtered and sorted) to a CSV file the user picks. */
  | ({ type: 'export'; id: number } & ViewQuery)
  /** Open a cell value that looks like an XCom backend reference in a new preview. */
  | { type: 'openReference'; id: number; value: string };

/** A host message that answers a request. */
export type Reply = Extract<ToWebview, { inReplyTo: number }>;
/** A webview message that expects exactly one reply. */
export type RequestMessage = Extract<FromWebview, { id: number }>;
/** A reply as a handler returns it: the envelope (`replyTo`) adds `inReplyTo`. */
export type ReplyBody = Reply extends infer R ? (R extends Reply ? Omit<R, 'inReplyTo'> : never) : never;

/** Largest window of rows the webview may ask for at once. */
export const MAX_ROWS_PER_REQUEST = 100_000;
/** Longest cell text sent for display; longer cells are cut and end with '…' (copies still take the whole cell). */
export const MAX_SHOWN_CELL_CHARS = 10_000;

/** Most text Copy Column puts on the clipboard (characters); a longer column is for Export CSV. */
export const MAX_COLUMN_COPY_CHARS = 32_000_000;

/** A cell as the grid shows it: text longer than `max` (MAX_SHOWN_CELL_CHARS) is cut, so a huge cell cannot freeze the grid. */
export function shownCell(v: Cell, max = MAX_SHOWN_CELL_CHARS): Cell {
  return typeof v === 'string' && v.length > max ? `${v.slice(0, max)}…` : v;
}

/**
 * Answers one request exactly once: runs its handler and posts the reply it returns with `inReplyTo` set, or a
 * `failed` reply when the handler throws or rejects. Resolves once the reply was handed to `post`.
 */
export async function replyTo(
  id: number,
  handler: () => ReplyBody | Promise<ReplyBody>,
  post: (reply: Reply) => void | Promise<unknown>,
): Promise<void> {
  let body: ReplyBody;
  try {
    body = await handler();
  } catch (e) {
    body = { type: 'failed', message: errorMessage(e), ...(isCancellation(e) ? { cancelled: true } : {}) };
  }
  await post({ ...body, inReplyTo: id } as Reply);
}

/** A request that ended without a useful reply: the host's handler failed, or no reply came in time. */
class RequestFailedError extends Error {
  override readonly name = 'RequestFailedError';
}

/** How long the webview waits for a reply by default. */
const DEFAULT_REPLY_TIMEOUT_MS = 60_000;

/**
 * Pairs requests with replies on the webview side: `request` allocates the `id`, `settle` resolves by
 * `inReplyTo`. Every request settles: with its reply, or rejected with a RequestFailedError when the host
 * answers `failed`, when sending throws, or when no reply comes within the timeout (with a CancellationError
 * when the host says the work was stopped as no longer wanted).
 */
export class RequestTracker<
  R extends { inReplyTo: number; type?: string; message?: string; cancelled?: boolean } = Reply,
> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (reply: R) => void; reject: (e: Error) => void }>();

  constructor(private readonly defaultTimeoutMs = DEFAULT_REPLY_TIMEOUT_MS) {}

  /** Sends a request built around a fresh id and waits for its reply (at most `timeoutMs`). */
  request(send: (id: number) => void, timeoutMs = this.defaultTimeoutMs): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestFailedError(`No answer from XCom Lens within ${Math.round(timeoutMs / 1000)} s.`));
      }, timeoutMs);
      const done =
        <T>(settle: (v: T) => void) =>
        (v: T) => {
          clearTimeout(timer);
          this.pending.delete(id);
          settle(v);
        };
      this.pending.set(id, { resolve: done(resolve), reject: done(reject) });
      try {
        send(id);
      } catch (e) {
        this.pending.get(id)?.reject(new RequestFailedError(errorMessage(e)));
      }
    });
  }

  /** Settles the waiting request, if any; returns false for an unknown or stale reply. */
  settle(reply: R): boolean {
    const waiting = this.pending.get(reply.inReplyTo);
    if (!waiting) return false;
    if (reply.type === 'failed')
      waiting.reject(
        reply.cancelled ? new CancellationError() : new RequestFailedError(reply.message ?? 'The request failed.'),
      );
    else waiting.resolve(reply);
    return true;
  }

  /** Requests still waiting for a reply. */
  get waiting(): number {
    return this.pending.size;
  }
}

const TEXT_OPS: readonly string[] = [
  'contains',
  'notContains',
  'equals',
  'notEqual',
  'startsWith',
  'endsWith',
  'blank',
  'notBlank',
  'missing',
  'notMissing',
  IN_DATE_RANGE,
  IS_EXACTLY,
];
const NUMBER_OPS: readonly string[] = [
  'equals',
  'notEqual',
  'lessThan',
  'lessThanOrEqual',
  'greaterThan',
  'greaterThanOrEqual',
  'inRange',
  'blank',
  'notBlank',
  'missing',
  'notMissing',
];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isColId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 64;
}

function isOptionalNumber(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'number' && !Number.isNaN(v));
}

function isOptionalText(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.length <= 10_000);
}

function isCondition(v: unknown): boolean {
  if (!isObject(v)) return false;
  if (v.filterType === 'text') {
    return TEXT_OPS.includes(v.type as string) && isOptionalText(v.filter) && isOptionalText(v.filterTo);
  }
  if (v.filterType === 'number') {
    return NUMBER_OPS.includes(v.type as string) && isOptionalNumber(v.filter) && isOptionalNumber(v.filterTo);
  }
  return false;
}

function isColumnFilter(v: unknown): boolean {
  if (!isObject(v)) return false;
  if ('conditions' in v) {
    return (
      (v.operator === 'AND' || v.operator === 'OR') &&
      Array.isArray(v.conditions) &&
      v.conditions.length <= 10 &&
      v.conditions.every(isCondition)
    );
  }
  return isCondition(v);
}

/** True when `v` is a well-formed sort/filter/search query. */
function isViewQuery(v: unknown): v is ViewQuery {
  if (!isObject(v)) return false;
  const { sortModel, filterModel, quickFilter } = v;
  if (!Array.isArray(sortModel) || sortModel.length > 64) return false;
  if (!sortModel.every((s) => isObject(s) && isColId(s.colId) && (s.sort === 'asc' || s.sort === 'desc'))) return false;
  if (!isObject(filterModel)) return false;
  const keys = Object.keys(filterModel);
  if (keys.length > 1000 || !keys.every(isColId) || !keys.every((k) => isColumnFilter(filterModel[k]))) return false;
  return typeof quickFilter === 'string' && quickFilter.length <= 10_000;
}

/** Validates a message received from the webview; the host ignores anything that fails. */
export function isFromWebview(msg: unknown): msg is FromWebview {
  if (!isObject(msg) || typeof msg.type !== 'string') return false;
  switch (msg.type) {
    case 'ready':
    case 'cancel':
    case 'readFurther':
    case 'reopen':
      return true;
    case 'getRows':
      return (
        isId(msg.id) &&
        isId(msg.startRow) &&
        isId(msg.endRow) &&
        msg.endRow >= msg.startRow &&
        msg.endRow - msg.startRow <= MAX_ROWS_PER_REQUEST &&
        isViewQuery(msg)
      );
    case 'getStats':
      return isId(msg.id) && isColId(msg.colId);
    case 'getProfile':
      return isId(msg.id);
    case 'copyCell':
      return isId(msg.id) && isId(msg.rowId) && isColId(msg.colId);
    case 'copyRows':
      return (
        isId(msg.id) &&
        Array.isArray(msg.rowIds) &&
        msg.rowIds.length <= MAX_ROWS_PER_REQUEST &&
        msg.rowIds.every(isId) &&
        Array.isArray(msg.colIds) &&
        msg.colIds.length <= 10_000 &&
        msg.colIds.every(isColId) &&
        (msg.format === 'tsv' || msg.format === 'csv' || msg.format === 'markdown')
      );
    case 'copyColumn':
      return (
        isId(msg.id) &&
        isColId(msg.colId) &&
        (msg.format === 'tsv' || msg.format === 'csv' || msg.format === 'markdown') &&
        isViewQuery(msg)
      );
    case 'export':
      return isId(msg.id) && isViewQuery(msg);
    case 'openReference':
      return isId(msg.id) && typeof msg.value === 'string' && msg.value.length > 0 && msg.value.length <= 4096;
    default:
      return false;
  }
}

/** Validates a message received from the host (the webview trusts its host, but a stale or foreign message is dropped). */
export function isToWebview(msg: unknown): msg is ToWebview {
  return (
    isObject(msg) &&
    typeof msg.type === 'string' &&
    [
      'init',
      'schema',
      'progress',
      'done',
      'error',
      'warning',
      'sourceChanged',
      'rows',
      'stats',
      'profile',
      'ack',
      'failed',
    ].includes(msg.type)
  );
}

/** An empty query: no sort, no filter, no search. */
export function emptyQuery(): ViewQuery {
  return { sortModel: [], filterModel: {}, quickFilter: '' };
}
