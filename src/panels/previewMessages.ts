// The preview's request handlers on the host side: each request from the webview gets exactly one reply, which
// its handler returns (the envelope, `replyTo` in src/protocol.ts, adds `inReplyTo` and turns a failure into a
// `failed` reply). The work itself runs where the table lives (its worker thread, formats/tableClient.ts); copies
// and exports read whole cells from the table, not what the grid shows.
import * as vscode from 'vscode';
import { errorMessage } from '../errors';
import type { TableClient } from '../formats/tableClient';
import { formatBytes } from '../formatBytes';
import { MAX_COLUMN_COPY_CHARS, type ReplyBody, type RequestMessage, type ViewQuery } from '../protocol';

/** What the handlers of one preview work on. */
export interface PreviewMessageContext {
  /** The table, living in its worker thread. */
  readonly table: TableClient;
  /** True when the table holds part of the object only (loading cancelled, failed or stopped at the budget). */
  partial(): boolean;
  /** Panel title: the suggested export file name comes from it. */
  readonly title: string;
  /** Cancels the request when aborted (the panel closed, or a newer query replaced it). */
  readonly signal?: AbortSignal;
  /** Whether Export CSV and the TSV/CSV copies escape cells a spreadsheet would run as formulas. */
  escapeFormulas(): { export: boolean; copy: boolean };
  /** Opens a cell value as a new preview; false when it is not a reference XCom Lens can open. */
  openReference(value: string): Promise<boolean>;
}

/** The reply to one request; throws (and so answers `failed`) when the work fails. */
export async function answerRequest(msg: RequestMessage, ctx: PreviewMessageContext): Promise<ReplyBody> {
  const { table, signal } = ctx;
  switch (msg.type) {
    case 'getRows': {
      const { rows, rowIds, total, tableRows, rowGroups } = await table.request(
        { op: 'rows', query: viewQuery(msg), start: msg.startRow, end: msg.endRow },
        signal,
      );
      return {
        type: 'rows',
        startRow: msg.startRow,
        rows,
        rowIds,
        totalRows: total,
        tableRows,
        ...(rowGroups ? { rowGroups } : {}),
      };
    }
    case 'getStats': {
      const stats = await table.request({ op: 'stats', colId: msg.colId }, signal);
      return stats ? { type: 'stats', stats } : { type: 'stats', error: 'Unknown column.' };
    }
    case 'copyCell': {
      const text = await table.request({ op: 'cellText', rowId: msg.rowId, colId: msg.colId }, signal);
      if (text === undefined) return { type: 'ack', ok: false, message: 'That cell is not in the table.' };
      await vscode.env.clipboard.writeText(text);
      return { type: 'ack', ok: true, message: 'Copied the cell.' };
    }
    case 'copyRows': {
      const { rowIds, colIds, format } = msg;
      const copied = await table.request(
        { op: 'rowsText', rowIds, colIds, format, escapeFormulas: ctx.escapeFormulas().copy },
        signal,
      );
      if (!copied) return { type: 'ack', ok: false, message: 'Those rows or columns are not in the table.' };
      await vscode.env.clipboard.writeText(copied.text);
      return { type: 'ack', ok: true, message: `Copied ${copied.count.toLocaleString('en-US')} row(s).` };
    }
    case 'copyColumn': {
      const copied = await table.request(
        {
          op: 'columnText',
          query: viewQuery(msg),
          colId: msg.colId,
          format: msg.format,
          escapeFormulas: ctx.escapeFormulas().copy,
        },
        signal,
      );
      if (!copied) return { type: 'ack', ok: false, message: 'Unknown column.' };
      if (copied.text === undefined)
        return {
          type: 'ack',
          ok: false,
          message: `${copied.name || 'The index'} has ${copied.count.toLocaleString('en-US')} values${partOnly(ctx)}, more text than Copy Column puts on the clipboard (${formatBytes(MAX_COLUMN_COPY_CHARS)}): use Export CSV… for all of them, or filter the rows first.`,
        };
      await vscode.env.clipboard.writeText(copied.text);
      return {
        type: 'ack',
        ok: true,
        message: `Copied ${copied.count.toLocaleString('en-US')} values of ${copied.name || 'the index'}${partOnly(ctx)}.`,
      };
    }
    case 'getProfile': {
      const { profiles, rows } = await table.request({ op: 'profile' }, signal);
      return { type: 'profile', profiles, rows, partial: ctx.partial() };
    }
    case 'export':
      return exportCsv(ctx, msg);
    case 'openReference':
      return (await ctx.openReference(msg.value))
        ? { type: 'ack', ok: true }
        : { type: 'ack', ok: false, message: 'This value is not an XCom backend reference XCom Lens can open.' };
  }
}

/** Says that a copy or export covers only the rows read, when the table holds part of the object. */
function partOnly(ctx: PreviewMessageContext): string {
  return ctx.partial() ? ' (only the part of the object read so far)' : '';
}

/** The query part of a request (the rest of the message stays on the host). */
function viewQuery(msg: ViewQuery): ViewQuery {
  return { sortModel: msg.sortModel, filterModel: msg.filterModel, quickFilter: msg.quickFilter };
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
  let rows: number;
  try {
    ({ rows } = await ctx.table.request(
      { op: 'exportCsv', query: viewQuery(query), path: target.fsPath, escapeFormulas: ctx.escapeFormulas().export },
      ctx.signal,
    ));
  } catch (e) {
    throw new Error(`Export failed: cannot write ${target.fsPath}: ${errorMessage(e)}`, { cause: e });
  }
  return {
    type: 'ack',
    ok: true,
    message: `Exported ${rows.toLocaleString('en-US')} rows${partOnly(ctx)} to ${target.fsPath}.`,
  };
}
