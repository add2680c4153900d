// The ag-grid of the preview: columns, cell rendering (references as links), and rows pulled from the host —
// all of them into the grid (client mode), or page by page with the host sorting and filtering (server mode).
import {
  AllCommunityModule,
  type ColDef,
  type GridOptions,
  type ICellRendererParams,
  type IDatasource,
  type IGetRowsParams,
  ModuleRegistry,
  createGrid,
} from 'ag-grid-community';
import { IN_DATE_RANGE, emptyQuery, inDateRange } from '../src/protocol';
import { cellReference } from '../src/references';
import type { Cell, ColumnInfo, ViewQuery } from '../src/protocol';
import { type ColumnInsights, InsightChart } from './columnInsights';
import { el, fmt } from './dom';
import type { HostClient } from './hostClient';
import type { PreviewState } from './state';
import { theme } from './theme';
import type { Toast } from './toast';

ModuleRegistry.registerModules([AllCommunityModule]);

/** Height of the header row that shows each column's distribution. */
const CHART_ROW_HEIGHT = 58;

/** The text filter's own options plus a date range, which a datetime column's histogram bars set. */
const DATETIME_FILTER_OPTIONS = [
  'contains',
  'notContains',
  'equals',
  'notEqual',
  'startsWith',
  'endsWith',
  'blank',
  'notBlank',
  {
    displayKey: IN_DATE_RANGE,
    displayName: 'In date range (from, to excluded)',
    numberOfInputs: 2 as const,
    predicate: ([from, to]: unknown[], cell: unknown) =>
      typeof cell === 'string' && inDateRange(cell, String(from), String(to)),
  },
];

/** Rows asked for at a time in client mode. */
const PULL_ROWS = 20_000;

/** What the grid tells the rest of the webview. */
export interface GridEvents {
  /** Sort, filters, columns or scroll changed: worth persisting. */
  stateChanged(): void;
  /** Ctrl+C (Cmd+C) in a cell. */
  copyKey(): void;
}

function isNumeric(c: ColumnInfo): boolean {
  return c.type === 'integer' || c.type === 'float';
}

/** The grid, its row source and the "showing n of m rows" line. */
export class GridView {
  /** The table row each grid row came from (copies ask the host for whole cells by row id). */
  private readonly rowIdOf = new WeakMap<Cell[], number>();

  constructor(
    private readonly state: PreviewState,
    private readonly host: HostClient,
    private readonly toast: Toast,
    private readonly elements: { grid: HTMLElement; showing: HTMLElement; nonce: string },
    private readonly events: GridEvents,
    private readonly insights: ColumnInsights,
  ) {}

  /** The table row id of a grid row. */
  rowId(row: Cell[]): number | undefined {
    return this.rowIdOf.get(row);
  }

  /** The column of the focused cell. */
  focusedColumn(): ColumnInfo | undefined {
    const id = this.state.api?.getFocusedCell()?.column.getColId();
    return this.state.columns.find((c) => c.id === id);
  }

  /** Sort, filters and quick search as the host applies them. */
  currentQuery(): ViewQuery {
    const { api, quickFilter } = this.state;
    if (!api) return { ...emptyQuery(), quickFilter };
    const sortModel = api
      .getColumnState()
      .filter((c) => c.sort)
      .sort((a, b) => (a.sortIndex ?? 0) - (b.sortIndex ?? 0))
      .map((c) => ({ colId: c.colId, sort: c.sort! }));
    return { sortModel, filterModel: api.getFilterModel() as ViewQuery['filterModel'], quickFilter };
  }

  /** New columns from the host: creates the grid, or updates its columns when they changed. */
  setColumns(columns: ColumnInfo[]): void {
    const changed = JSON.stringify(columns) !== JSON.stringify(this.state.columns);
    this.state.columns = columns;
    if (!this.state.api) this.ensureGrid();
    else if (changed) this.state.api.setGridOption('columnDefs', this.columnDefs());
  }

  /** Creates the grid once there are columns, again when the row count crosses the client-mode cap. */
  ensureGrid(): void {
    const s = this.state;
    if (s.columns.length === 0) return;
    const wanted = s.rowsParsed > s.clientRowCap ? 'server' : 'client';
    if (!s.api || wanted !== s.mode) {
      s.mode = wanted;
      this.createTheGrid();
    }
  }

  /** The host has read everything: show the last rows. */
  finish(): void {
    this.ensureGrid();
    if (this.state.mode === 'server') this.state.api?.refreshInfiniteCache();
    else void this.pull();
    this.updateShowing();
  }

  /** Applies a new quick search text. */
  setQuickFilter(text: string): void {
    this.state.quickFilter = text;
    if (this.state.mode === 'client') this.state.api?.setGridOption('quickFilterText', text);
    else this.state.api?.purgeInfiniteCache();
  }

  /** Updates "showing n of m rows". */
  updateShowing(): void {
    const { api, columns, done, mode, serverTotal, rowsParsed } = this.state;
    if (!api) {
      this.elements.showing.textContent = columns.length === 0 && done ? 'No table to show.' : '';
      return;
    }
    const shown = mode === 'client' ? api.getDisplayedRowCount() : serverTotal;
    const where = mode === 'server' ? ' (sorted and filtered in the extension host)' : '';
    this.elements.showing.textContent = `showing ${fmt(shown)} of ${fmt(rowsParsed)} rows${where}`;
  }

  /** Client mode: pulls rows in parse order until the grid has all the host has parsed. */
  async pull(): Promise<void> {
    const s = this.state;
    if (s.pulling || s.mode !== 'client' || !s.api) return;
    s.pulling = true;
    try {
      while (s.mode === 'client' && s.api && s.loaded < s.rowsParsed) {
        const start = s.loaded;
        const end = Math.min(s.rowsParsed, start + PULL_ROWS);
        const r = await this.host
          .request((id) => ({ type: 'getRows', id, startRow: start, endRow: end, ...emptyQuery() }))
          .catch(() => undefined);
        if (!r) break;
        if (r.type !== 'rows' || s.mode !== 'client' || !s.api || s.loaded !== start) break;
        this.remember(r.rows, r.rowIds);
        s.api.applyTransaction({ add: r.rows });
        s.loaded += r.rows.length;
        if (r.rows.length === 0) break;
      }
    } finally {
      s.pulling = false;
      this.updateShowing();
    }
  }

  private remember(rows: Cell[][], rowIds: number[]): void {
    rows.forEach((row, k) => this.rowIdOf.set(row, rowIds[k]));
  }

  /** Server mode: the grid asks for a block of rows, the host sorts and filters them. */
  private readonly datasource: IDatasource = {
    getRows: (params: IGetRowsParams) => {
      const q: ViewQuery = {
        sortModel: params.sortModel as ViewQuery['sortModel'],
        filterModel: params.filterModel as ViewQuery['filterModel'],
        quickFilter: this.state.quickFilter,
      };
      const { startRow, endRow } = params;
      void this.host
        .request((id) => ({ type: 'getRows', id, startRow, endRow, ...q }))
        .then(
          (r) => {
            if (r.type !== 'rows') return params.failCallback();
            this.state.serverTotal = r.totalRows;
            this.remember(r.rows, r.rowIds);
            const complete = this.state.done || r.rows.length < endRow - startRow;
            params.successCallback(r.rows, complete ? r.totalRows : undefined);
            this.updateShowing();
          },
          () => params.failCallback(),
        );
    },
  };

  private createTheGrid(): void {
    const s = this.state;
    const initialState = s.api ? s.api.getState() : s.savedGrid;
    s.api?.destroy();
    s.loaded = 0;
    const common: GridOptions<Cell[]> = {
      theme,
      styleNonce: this.elements.nonce,
      columnDefs: this.columnDefs(),
      defaultColDef: { sortable: true, resizable: true, filter: true },
      initialState,
      rowSelection: { mode: 'multiRow', checkboxes: false, headerCheckbox: false, enableClickSelection: true },
      tooltipShowDelay: 500,
      // A header's tooltip (its full name) only when the name is cut, so it does not cover the chart row under it.
      tooltipShowMode: 'whenTruncated',
      enableCellTextSelection: false,
      onStateUpdated: () => this.events.stateChanged(),
      onSortChanged: () => this.updateShowing(),
      onFilterChanged: () => {
        this.updateShowing();
        this.insights.filtersChanged();
      },
      floatingFiltersHeight: CHART_ROW_HEIGHT,
      onModelUpdated: () => this.updateShowing(),
      onCellKeyDown: (e) => {
        const ke = e.event as KeyboardEvent | undefined;
        if (ke && (ke.ctrlKey || ke.metaKey) && ke.key.toLowerCase() === 'c') {
          ke.preventDefault();
          this.events.copyKey();
        }
      },
    };
    const options: GridOptions<Cell[]> =
      s.mode === 'client'
        ? { ...common, rowModelType: 'clientSide', rowData: [], quickFilterText: s.quickFilter }
        : {
            ...common,
            rowModelType: 'infinite',
            datasource: this.datasource,
            cacheBlockSize: 200,
            maxBlocksInCache: 100,
            infiniteInitialRowCount: 200,
          };
    s.api = createGrid(this.elements.grid, options);
    void this.pull();
    this.updateShowing();
  }

  private columnDefs(): ColDef<Cell[]>[] {
    const links = this.state.referenceRules.length > 0;
    return this.state.columns.map((c, i) => ({
      colId: c.id,
      headerName: `${c.index ? c.name || 'index' : c.name} · ${c.type}`,
      headerTooltip: `${c.index ? 'Row index' : c.name} (${c.type})`,
      valueGetter: (p) => p.data?.[i] ?? null,
      cellDataType: false,
      filter: isNumeric(c) ? 'agNumberColumnFilter' : 'agTextColumnFilter',
      filterParams: {
        maxNumConditions: 2,
        ...(c.type === 'datetime' ? { filterOptions: DATETIME_FILTER_OPTIONS } : {}),
      },
      floatingFilter: true,
      floatingFilterComponent: InsightChart,
      floatingFilterComponentParams: { insights: this.insights },
      suppressFloatingFilterButton: true,
      cellClass: isNumeric(c) ? 'num' : undefined,
      pinned: c.index ? 'left' : undefined,
      cellRenderer: !isNumeric(c) && links ? (p: ICellRendererParams<Cell[]>) => this.renderCell(p) : undefined,
      minWidth: 60,
    }));
  }

  /** A text cell: a link when the connection's rules call it a reference, a tooltip when it is a malformed one. */
  private renderCell(p: ICellRendererParams<Cell[]>): HTMLElement {
    const v = p.value as Cell | undefined;
    const span = el('span');
    const shown = typeof v === 'string' ? cellReference(v, this.state.referenceRules) : { kind: 'text' as const };
    if (typeof v === 'string' && shown.kind === 'malformed') {
      span.textContent = v;
      span.title = shown.title;
    } else if (typeof v === 'string' && shown.kind === 'link') {
      const a = el('a', 'reference', v);
      a.href = '#';
      a.title = shown.title;
      a.addEventListener('click', (e) => {
        e.preventDefault();
        void this.host
          .request((id) => ({ type: 'openReference', id, value: v }))
          .then(
            (r) => r.type === 'ack' && !r.ok && this.toast.show(r.message ?? 'Cannot open.'),
            () => undefined,
          );
      });
      span.append(a);
    } else if (v !== null && v !== undefined) {
      span.textContent = String(v);
    }
    return span;
  }
}
