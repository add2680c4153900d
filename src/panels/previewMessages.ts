// The preview's request handlers on the host side: each request from the webview gets exactly one reply, which
// its handler returns (the envelope, `replyTo` in src/protocol.ts, adds `inReplyTo` and turns a failure into a
// `failed` reply). Copies and exports read whole cells from the table, not what the grid shows.
import * as vscode from 'vscode';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { errorMessage } from '../errors';
import type { ColumnarTable } from '../formats/table';
import { TableViewer, columnStats } from '../formats/tableView';
import { csvLine, formatRows, type TextFormatOptions } from '../formats/textFormats';
import type { ReplyBody, RequestMessage, ViewQuery } from '../protocol';

/** What the handlers of one preview work on. */
export interface PreviewMessageContext {
  /** The loaded table. */
  readonly table: ColumnarTable;
  /** Sorted and filtered views of the table. */
  readonly viewer: TableViewer;
  /** Aborts when the panel closes (long computations stop). */
  readonly signal: AbortSignal;
  /** True when loading stopped before the end of the table (cancelled or failed). */
  partial(): boolean;
  /** Panel title: the suggested export file name comes from it. */
  readonly title: string;
  /** Whether Export CSV and the TSV/CSV copies escape cells a spreadsheet would run as formulas. */
  escapeFormulas(): { export: boolean; copy: boolean };
  /** Opens a cell value as a new preview; false when it is not a reference XCom Lens can open. */
  openReference(value: string): Promise<boolean>;
}

/** Largest chunk of CSV text built before it is written out. */
const EXPORT_CHUNK_CHARS = 1 << 20;

/** The reply to one request; throws (and so answers `failed`) when the work fails. */
export async function answerRequest(msg: RequestMessage, ctx: PreviewMessageContext): Promise<ReplyBody> {
  switch (msg.type) {
    case 'getRows': {
      const { rows, rowIds, total } = ctx.viewer.window(msg, msg.startRow, msg.endRow);
      return { type: 'rows', startRow: msg.startRow, rows, rowIds, totalRows: total, tableRows: ctx.table.rowCount };
    }
    case 'getStats': {
      const col = ctx.table.column(msg.colId);
      return col ? { type: 'stats', stats: columnStats(ctx.table, col) } : { type: 'stats', error: 'Unknown column.' };
    }
    case 'getProfile': {
      const profiles = await ctx.viewer.profileColumns(ctx.signal);
      return { type: 'profile', profiles, rows: profiles[0]?.rows ?? ctx.table.rowCount, partial: ctx.partial() };
    }
    case 'copyCell':
      return copyCell(ctx, msg);
    case 'copyRows':
      return copyRows(ctx, msg);
    case 'copyColumn':
      return copyColumn(ctx, msg);
    case 'export':
      return exportCsv(ctx, msg);
    case 'openReference':
      return (await ctx.openReference(msg.value))
        ? { type: 'ack', ok: true }
        : { type: 'ack', ok: false, message: 'This value is not an XCom backend reference XCom Lens can open.' };
  }
}

function copyOptions(ctx: PreviewMessageContext): TextFormatOptions {
  return { escapeFormulas: ctx.escapeFormulas().copy };
}

/** Copies one cell from the table itself, whole even when the grid shows it cut (raw: one value is not a sheet). */
async function copyCell(
  ctx: PreviewMessageContext,
  msg: Extract<RequestMessage, { type: 'copyCell' }>,
): Promise<ReplyBody> {
  const col = ctx.table.column(msg.colId);
  if (!col || msg.rowId >= ctx.table.rowCount)
    return { type: 'ack', ok: false, message: 'That cell is not in the table.' };
  await vscode.env.clipboard.writeText(col.textAt(msg.rowId));
  return { type: 'ack', ok: true, message: 'Copied the cell.' };
}

/** Copies rows from the table itself, so cells the grid shows cut are copied whole. */
async function copyRows(
  ctx: PreviewMessageContext,
  msg: Extract<RequestMessage, { type: 'copyRows' }>,
): Promise<ReplyBody> {
  const cols = msg.colIds.map((id) => ctx.table.column(id));
  if (cols.some((c) => !c) || msg.rowIds.some((r) => r >= ctx.table.rowCount)) {
    return { type: 'ack', ok: false, message: 'Those rows or columns are not in the table.' };
  }
  const rows = msg.rowIds.map((r) => cols.map((c) => c!.textAt(r)));
  await vscode.env.clipboard.writeText(
    formatRows(
      cols.map((c) => c!.name),
      rows,
      msg.format,
      copyOptions(ctx),
    ),
  );
  return { type: 'ack', ok: true, message: `Copied ${rows.length.toLocaleString('en-US')} row(s).` };
}

/** Copies a whole column as filtered and sorted, with its header. */
async function copyColumn(
  ctx: PreviewMessageContext,
  msg: Extract<RequestMessage, { type: 'copyColumn' }>,
): Promise<ReplyBody> {
  const col = ctx.table.column(msg.colId);
  if (!col) return { type: 'ack', ok: false, message: 'Unknown column.' };
  const view = ctx.viewer.view(msg);
  const rows: string[][] = new Array(view.length);
  for (let i = 0; i < view.length; i++) rows[i] = [col.textAt(view.rows ? view.rows[i] : i)];
  await vscode.env.clipboard.writeText(formatRows([col.name], rows, msg.format, copyOptions(ctx)));
  return {
    type: 'ack',
    ok: true,
    message: `Copied ${view.length.toLocaleString('en-US')} values of ${col.name || 'the index'}.`,
  };
}

/** The CSV text of the table as `query` shows it, header first, in chunks of about a megabyte. */
function* csvChunks(
  table: ColumnarTable,
  viewer: TableViewer,
  query: ViewQuery,
  options: TextFormatOptions,
): Generator<string> {
  const view = viewer.view(query);
  const cols = table.columns;
  let chunk = csvLine(
    cols.map((c) => c.name),
    options,
  );
  for (let i = 0; i < view.length; i++) {
    const r = view.rows ? view.rows[i] : i;
    chunk += csvLine(
      cols.map((c) => c.textAt(r)),
      options,
    );
    if (chunk.length > EXPORT_CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

/** Writes the table as filtered and sorted to a CSV file the user picks; a failed write is an error reply. */
async function exportCsv(
  ctx: PreviewMessageContext,
  query: Extract<RequestMessage, { type: 'export' }>,
): Promise<ReplyBody> {
  const base = ctx.title.replace(/[^\w.-]+/g, '_').replace(/\.(csv|json|parquet|gz|zst)$/i, '') || 'table';
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(`${base}.csv`),
    filters: { CSV: ['csv'] },
    saveLabel: 'Export',
  });
  if (!target) return { type: 'ack', ok: false, message: 'Export cancelled.' };
  const rowCount = ctx.viewer.view(query).length;
  try {
    const chunks = csvChunks(ctx.table, ctx.viewer, query, { escapeFormulas: ctx.escapeFormulas().export });
    await pipeline(chunks, createWriteStream(target.fsPath, { encoding: 'utf8' }));
  } catch (e) {
    throw new Error(`Export failed: cannot write ${target.fsPath}: ${errorMessage(e)}`, { cause: e });
  }
  return { type: 'ack', ok: true, message: `Exported ${rowCount.toLocaleString('en-US')} rows to ${target.fsPath}.` };
}
