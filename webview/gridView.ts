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
import { cellText, missingMarker } from '../src/cellText';
import { IN_DATE_RANGE, IS_EXACTLY, emptyQuery, inDateRange } from '../src/protocol';
import { cellReference } from '../src/references';
import type { Cell, ColumnInfo, RowGroupCounts, ViewQuery } from '../src/protocol';
import { type ColumnInsights, InsightChart } from './columnInsights';
import { el, fmt } from './dom';
import type { HostClient } from './hostClient';
import { type PreviewState, readFurtherOffered } from './state';
import { theme } from './theme';
import type { Toast } from './toast';

ModuleRegistry.registerModules([AllCommunityModule]);

/** Height of the header row that shows each column's distribution. */
const CHART_ROW_HEIGHT = 58;

/** Case-sensitive equality, which a top-value bar of a column chart sets (ag-grid's own equals ignores case). */
const EXACT_OPTION = {
  displayKey: IS_EXACTLY,
  displayName: 'Is exactly (case-sensitive)',
  numberOfInputs: 1 as const,
  predicate: ([value]: unknown[], cell: unknown) =>
    cell !== null && cell !== undefined && String(cell) === String(value),
};

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
  EXACT_OPTION,
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

/** Filter choices for missing cells (NaN, None, NaT), offered in every column next to ag-grid's own. */
const MISSING_OPTIONS = [
  {
    displayKey: 'missing',
    displayName: 'Missing (NaN, None, NaT)',
    predicate: (_: unknown[], v: unknown) => v === null || v === undefined,
    numberOfInputs: 0 as const,
  },
  {
    displayKey: 'notMissing',
    displayName: 'Not missing',
    predicate: (_: unknown[], v: unknown) => v !== null && v !== undefined,
    numberOfInputs: 0 as const,
  },
];
const TEXT_OPTIONS = ['contains', 'notContains', 'equals', 'notEqual', 'startsWith', 'endsWith', 'blank', 'notBlank'];
const NUMBER_OPTIONS = [
  'equals',
  'notEqual',
  'greaterThan',
  'greaterThanOrEqual',
  'lessThan',
  'lessThanOrEqual',
  'inRange',
  'blank',
  'notBlank',
];

/** The filter of a column: numbers, text (with a date range for datetimes); each with the missing-value choices. */
function columnFilter(c: ColumnInfo): Pick<ColDef<Cell[]>, 'filter' | 'filterParams'> {
  const base = { maxNumConditions: 2 };
  if (isNumeric(c))
    return {
      filter: 'agNumberColumnFilter',
      filterParams: { ...base, filterOptions: [...NUMBER_OPTIONS, ...MISSING_OPTIONS] },
    };
  if (c.type === 'datetime')
    return {
      filter: 'agTextColumnFilter',
      filterParams: { ...base, filterOptions: [...DATETIME_FILTER_OPTIONS, ...MISSING_OPTIONS] },
    };
  return {
    filter: 'agTextColumnFilter',
    filterParams: { ...base, filterOptions: [...TEXT_OPTIONS, EXACT_OPTION, ...MISSING_OPTIONS] },
  };
}

/** Typed order with missing cells last in both directions, as the host sorts (pandas' na_position='last'). */
function compareCells(a: Cell | undefined, b: Cell | undefined, _x: unknown, _y: unknown, descending: boolean): number {
  const aMissing = a === null || a === undefined;
  const bMissing = b === null || b === undefined;
  if (aMissing || bMissing) {
    if (aMissing && bMissing) return 0;
    // ag-grid reverses the result for a descending sort: flip it so that missing stays last.
    return (aMissing ? 1 : -1) * (descending ? -1 : 1);
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The grid, its row source and the "showing n of m rows" line. */
/** What a Parquet table read on demand holds, e.g. "12,000,000,000 rows · row groups read on demand (3 of 4,000 held)". */
export function onDemandText(g: RowGroupCounts): string {
  return `${fmt(g.rows)} rows · row groups read on demand (${fmt(g.held)} of ${fmt(g.groups)} held)`;
}

export class GridView {
  /** Called when a reply says how many row groups of a Parquet table read on demand are held now. */
  onRowGroups: (() => void) | undefined;

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

  /** Creates the grid once there are columns, again when the row count crosses the client-mode cap (or rows come on demand). */
  ensureGrid(): void {
    const s = this.state;
    if (s.columns.length === 0) return;
    // Parquet read on demand: the host answers windows anywhere in the file.
    const wanted = s.rowGroups || s.rowsParsed > s.clientRowCap ? 'server' : 'client';
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
    const where = mode === 'server' ? ' (sorted and filtered in a background thread)' : '';
    // Sort, filter and search cover what was read: say so while that is not the whole object.
    const sorted = this.state.lastQuery !== undefined && !isFileOrder(this.state.lastQuery);
    const more = readFurtherOffered(this.state) ? ' (Read Further reads more)' : done ? '' : ' (reading more)';
    this.elements.showing.textContent = this.state.rowGroups
      ? sorted
        ? `showing ${fmt(shown)} of the first ${fmt(rowsParsed)} rows read in order; sort, filter and search cover only those${more}`
        : `showing all ${fmt(this.state.rowGroups.rows)} rows in file order; sort, filter and search cover only the first ${fmt(rowsParsed)} rows read${more}`
      : this.state.partial
        ? `showing ${fmt(shown)} of the first ${fmt(rowsParsed)} rows read${where}; sort, filter and search cover only the part read`
        : `showing ${fmt(shown)} of ${fmt(rowsParsed)} rows${done || rowsParsed === 0 ? '' : ' read so far'}${where}`;
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
      void this.block(q, startRow, endRow).then(
        (r) => {
          if (!r) return params.failCallback();
          this.state.serverTotal = r.totalRows;
          const complete = this.state.done || r.rows.length < endRow - startRow;
          params.successCallback(r.rows, complete ? r.totalRows : undefined);
          this.updateShowing();
        },
        () => params.failCallback(),
      );
    },
  };

  /** Rows [startRow, endRow) of the query; the host bounds each reply in bytes, so a wide table takes several. */
  private async block(
    q: ViewQuery,
    startRow: number,
    endRow: number,
  ): Promise<{ rows: Cell[][]; totalRows: number } | undefined> {
    const rows: Cell[][] = [];
    let totalRows = 0;
    for (let at = startRow; at < endRow;) {
      const from = at;
      const r = await this.host.request((id) => ({ type: 'getRows', id, startRow: from, endRow, ...q }));
      if (r.type !== 'rows') return undefined;
      this.state.lastQuery = q;
      if (r.rowGroups) {
        this.state.rowGroups = r.rowGroups;
        this.onRowGroups?.();
      }
      this.remember(r.rows, r.rowIds);
      rows.push(...r.rows);
      totalRows = r.totalRows;
      at += r.rows.length;
      if (r.rows.length === 0 || at >= r.totalRows) break;
    }
    return { rows, totalRows };
  }

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
      headerTooltip: `${c.index ? 'Row index' : c.name} (${c.type}); missing cells read ${missingMarker(c)}`,
      // undefined: the row is not loaded (its block is on its way, or failed), which is not a missing value.
      valueGetter: (p) => (p.data ? (p.data[i] ?? null) : undefined),
      // Shown as pandas prints it: 0.0 for a float zero, True/False, and the missing marker instead of nothing.
      valueFormatter: (p) => shownText(p.value as Cell | undefined, c),
      getQuickFilterText: (p) => shownText(p.value as Cell | undefined, c),
      comparator: compareCells,
      cellDataType: false,
      ...columnFilter(c),
      floatingFilter: true,
      floatingFilterComponent: InsightChart,
      floatingFilterComponentParams: { insights: this.insights },
      suppressFloatingFilterButton: true,
      cellClass: isNumeric(c) ? 'num' : undefined,
      cellClassRules: { 'missing-value': (p) => p.value === null },
      pinned: c.index ? 'left' : undefined,
      cellRenderer: !isNumeric(c) && links ? (p: ICellRendererParams<Cell[]>) => this.renderCell(p, c) : undefined,
      minWidth: 60,
    }));
  }

  /** A text cell: a link when the connection's rules call it a reference, a tooltip when it is a malformed one. */
  private renderCell(p: ICellRendererParams<Cell[]>, column: ColumnInfo): HTMLElement {
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
    } else {
      span.textContent = shownText(v, column);
    }
    return span;
  }
}

/** A cell's text: as pandas prints it, or nothing for a row not loaded (`undefined`). */
function shownText(value: Cell | undefined, column: ColumnInfo): string {
  return value === undefined ? '' : cellText(value, column);
}

/** The grid shows rows in file order: no sort, filter or search. */
function isFileOrder(q: ViewQuery): boolean {
  return q.sortModel.length === 0 && Object.keys(q.filterModel ?? {}).length === 0 && q.quickFilter.trim() === '';
}
