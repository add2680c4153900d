// Copy Cell, Copy Rows, Copy Column and Export CSV: the host copies and writes from the table itself, so a cell
// the grid shows cut is still copied whole.
import { MAX_ROWS_PER_REQUEST } from '../src/protocol';
import type { CopyFormat, ToWebview } from '../src/protocol';
import { fmt } from './dom';
import type { GridView } from './gridView';
import { EXPORT_TIMEOUT_MS, type HostClient } from './hostClient';
import type { PreviewState } from './state';
import type { Toast } from './toast';

/** The grid's copy and export actions. */
export class GridActions {
  constructor(
    private readonly state: PreviewState,
    private readonly grid: GridView,
    private readonly host: HostClient,
    private readonly toast: Toast,
    private readonly copyFormat: () => CopyFormat,
  ) {}

  /** Copies the focused cell; the host copies it from the table, whole even when the grid shows it cut. */
  async copyCell(): Promise<void> {
    const api = this.state.api;
    const cell = api?.getFocusedCell();
    if (!api || !cell) return this.toast.show('Focus a cell first.');
    const node = api.getDisplayedRowAtIndex(cell.rowIndex);
    const rowId = node?.data ? this.grid.rowId(node.data) : undefined;
    if (rowId === undefined) return this.toast.show('Focus a cell first.');
    const colId = cell.column.getColId();
    const r = await this.host.request((id) => ({ type: 'copyCell', id, rowId, colId })).catch(() => undefined);
    if (r) this.showAck(r);
  }

  /** Copies the selected rows (or the focused one) with headers, in the copy format. */
  async copyRows(): Promise<void> {
    const api = this.state.api;
    if (!api) return;
    let nodes = api.getSelectedNodes().filter((n) => n.data);
    if (nodes.length === 0) {
      const cell = api.getFocusedCell();
      const node = cell ? api.getDisplayedRowAtIndex(cell.rowIndex) : undefined;
      nodes = node?.data ? [node] : [];
    }
    if (nodes.length === 0) return this.toast.show('Select rows first (click, Shift+click, Ctrl+click).');
    if (nodes.length > MAX_ROWS_PER_REQUEST) {
      return this.toast.show(`Copy Rows takes up to ${fmt(MAX_ROWS_PER_REQUEST)} rows; use Export CSV… for more.`);
    }
    nodes.sort((a, b) => (a.rowIndex ?? 0) - (b.rowIndex ?? 0));
    const rowIds = nodes.map((n) => this.grid.rowId(n.data!)).filter((id): id is number => id !== undefined);
    const colIds = api
      .getAllDisplayedColumns()
      .map((c) => c.getColId())
      .filter((id) => this.state.columns.some((x) => x.id === id));
    const format = this.copyFormat();
    const r = await this.host
      .request((id) => ({ type: 'copyRows', id, rowIds, colIds, format }))
      .catch(() => undefined);
    if (r) this.showAck(r);
  }

  /** Copies the focused column, as filtered and sorted, with its header. */
  async copyColumn(): Promise<void> {
    const col = this.grid.focusedColumn();
    if (!col) return this.toast.show('Focus a cell of the column first.');
    const query = this.grid.currentQuery();
    const format = this.copyFormat();
    const r = await this.host
      .request((id) => ({ type: 'copyColumn', id, colId: col.id, format, ...query }))
      .catch(() => undefined);
    if (r) this.showAck(r);
  }

  /** Saves the table, as filtered and sorted, as CSV where the user picks; a failure shows as an error line. */
  async exportCsv(): Promise<void> {
    const query = this.grid.currentQuery();
    const r = await this.host
      .request((id) => ({ type: 'export', id, ...query }), EXPORT_TIMEOUT_MS)
      .catch(() => undefined);
    if (r?.type === 'ack' && r.message) this.toast.show(r.message);
  }

  /** Shows the host's answer to a copy request. */
  private showAck(r: ToWebview): void {
    this.toast.show(r.type === 'ack' ? (r.message ?? (r.ok ? 'Copied.' : 'Copy failed.')) : 'Copy failed.');
  }
}
