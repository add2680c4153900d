// The operations the preview asks of a loaded table — windows of rows, column statistics, copies and CSV
// export — as plain requests and replies, so that they run where the table lives (the table worker,
// tableWorker.ts) and never on the extension host's thread. Long operations call `check` between steps,
// which throws a CancellationError once their request was cancelled.
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import {
  type Cell,
  type ColumnProfile,
  type ColumnStats,
  type CopyFormat,
  MAX_COLUMN_COPY_CHARS,
  type RowGroupCounts,
  type ViewQuery,
} from '../protocol';
import { pollCheck } from '../timeSlices';
import type { Column, ColumnarTable } from './table';
import { type TableView, TableViewer, columnStats } from './tableView';
import { type RowFormatter, formatRows, rowFormatter } from './textFormats';

/** A request to the table, by operation. */
export type TableRequest =
  | { op: 'rows'; query: ViewQuery; start: number; end: number }
  | { op: 'stats'; colId: string }
  | { op: 'profile' }
  | { op: 'cellText'; rowId: number; colId: string }
  | { op: 'rowsText'; rowIds: number[]; colIds: string[]; format: CopyFormat; escapeFormulas: boolean }
  | { op: 'columnText'; query: ViewQuery; colId: string; format: CopyFormat; escapeFormulas: boolean }
  | { op: 'exportCsv'; query: ViewQuery; path: string; escapeFormulas: boolean };

/** The reply to each operation; undefined where the request named rows or columns the table does not have. */
export interface TableReplies {
  /** A window of the view, and the sizes of the view and of the table. */
  rows: { rows: Cell[][]; rowIds: number[]; total: number; tableRows: number; rowGroups?: RowGroupCounts };
  /** Statistics of the column. */
  stats: ColumnStats | undefined;
  /** The distribution of every column, and the rows it covers. */
  profile: { profiles: ColumnProfile[]; rows: number };
  /** The whole text of one cell. */
  cellText: string | undefined;
  /** The rows formatted for the clipboard, and how many. */
  rowsText: { text: string; count: number } | undefined;
  /**
   * One column of the view formatted for the clipboard (undefined past MAX_COLUMN_COPY_CHARS), its name and how
   * many values.
   */
  columnText: { text: string | undefined; count: number; name: string } | undefined;
  /** Rows written to the file. */
  exportCsv: { rows: number };
}

/** Operation names. */
export type TableOp = TableRequest['op'];

/**
 * Largest chunk of text built before it is handed on (written out, or joined into a copy): small enough that its
 * lines die young (a chunk of a megabyte held them long enough to reach the old generation, +55 MB at the peak of
 * an export of 4.7 M rows).
 */
const CHUNK_CHARS = 1 << 16;

/**
 * The text of `columns` as `view` shows them, a header line first and then a line a row, in chunks of about
 * CHUNK_CHARS (`check` between them): an export writes them out as they come, a copy stops when they get too long.
 */
function* viewText(
  view: TableView,
  columns: readonly Column[],
  lines: RowFormatter,
  check: () => void,
): Generator<string> {
  // A chunk's lines are joined once, into one flat string: a string grown line by line (`+=`) is a rope of
  // every line, several times the size of its text, and a copy holds every chunk until it is joined.
  const chunk = [lines.header(columns.map((c) => c.name))];
  let chars = chunk[0].length;
  for (let i = 0; i < view.length; i++) {
    const r = view.rows ? view.rows[i] : i;
    const line = lines.row(columns.map((c) => c.textAt(r)));
    chunk.push(line);
    chars += line.length;
    if (chars > CHUNK_CHARS) {
      yield chunk.join('');
      check();
      chunk.length = 0;
      chars = 0;
    }
  }
  yield chunk.join('');
}

/** The chunks joined, or undefined once they come to more than `max` characters (no more is built). */
function joinAtMost(chunks: Iterable<string>, max: number): string | undefined {
  const parts: string[] = [];
  let chars = 0;
  for (const chunk of chunks) {
    chars += chunk.length;
    if (chars > max) return undefined;
    parts.push(chunk);
  }
  return parts.join('');
}

/** Answers table requests over one table (which may still be loading). */
export class TableService {
  /** Sorted and filtered views of the table; the last one is kept. */
  readonly viewer: TableViewer;

  constructor(readonly table: ColumnarTable) {
    this.viewer = new TableViewer(table);
  }

  /** The reply to `request`; `check` throws once the request was cancelled. */
  async answer<K extends TableOp>(
    request: Extract<TableRequest, { op: K }>,
    check: () => void = () => {},
  ): Promise<TableReplies[K]> {
    return (await this.dispatch(request, check)) as TableReplies[K];
  }

  private async dispatch(request: TableRequest, check: () => void): Promise<TableReplies[TableOp]> {
    const { table, viewer } = this;
    switch (request.op) {
      case 'rows': {
        const w = viewer.window(request.query, request.start, request.end, check);
        return { ...w, tableRows: table.rowCount };
      }
      case 'stats': {
        const col = table.column(request.colId);
        return col ? columnStats(table, col) : undefined;
      }
      case 'profile': {
        // The profile runs in slices that yield between them: poll for the request's cancel meanwhile.
        const polled = pollCheck(check);
        try {
          const profiles = await viewer.profileColumns(polled.signal);
          return { profiles, rows: profiles[0]?.rows ?? table.rowCount };
        } finally {
          polled.done();
        }
      }
      case 'cellText': {
        const col = table.column(request.colId);
        return col && request.rowId < table.rowCount ? col.textAt(request.rowId) : undefined;
      }
      case 'rowsText': {
        const cols = request.colIds.map((id) => table.column(id));
        if (cols.some((c) => !c) || request.rowIds.some((r) => r >= table.rowCount)) return undefined;
        const rows = request.rowIds.map((r) => cols.map((c) => c!.textAt(r)));
        const header = cols.map((c) => c!.name);
        const text = formatRows(header, rows, request.format, { escapeFormulas: request.escapeFormulas });
        return { text, count: rows.length };
      }
      case 'columnText': {
        const col = table.column(request.colId);
        if (!col) return undefined;
        const view = viewer.view(request.query, check);
        const lines = rowFormatter(request.format, { escapeFormulas: request.escapeFormulas });
        const text = joinAtMost(viewText(view, [col], lines, check), MAX_COLUMN_COPY_CHARS);
        return { text, count: view.length, name: col.name };
      }
      case 'exportCsv': {
        const view = viewer.view(request.query, check);
        const lines = rowFormatter('csv', { escapeFormulas: request.escapeFormulas });
        await pipeline(
          viewText(view, table.columns, lines, check),
          createWriteStream(request.path, { encoding: 'utf8' }),
        );
        return { rows: view.length };
      }
    }
  }
}
