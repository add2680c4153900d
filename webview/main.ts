// The preview webview: toolbar, status and an ag-grid that pulls rows from the host. Every value is
// rendered as text (textContent, never innerHTML).
import {
  AllCommunityModule,
  type ColDef,
  type GridApi,
  type GridOptions,
  type GridState,
  type ICellRendererParams,
  type IDatasource,
  type IGetRowsParams,
  ModuleRegistry,
  createGrid,
  themeQuartz,
} from 'ag-grid-community';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import { MAX_ROWS_PER_REQUEST, RequestTracker, emptyQuery, isToWebview } from '../src/protocol';
import { buildRules, cellReference, type ReferenceRule } from '../src/references';
import { errorMessage } from '../src/errors';
import type { Cell, ColumnInfo, ColumnStats, CopyFormat, FromWebview, PersistedState, ToWebview, ViewQuery } from '../src/protocol';
import './style.css';

declare function acquireVsCodeApi(): { postMessage(msg: FromWebview): void; getState(): PersistedState | undefined; setState(s: PersistedState): void };

ModuleRegistry.registerModules([AllCommunityModule]);

const vscode = acquireVsCodeApi();
const nonce = document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce ?? '';
type Reply = Extract<ToWebview, { inReplyTo: number }>;
const requests = new RequestTracker<Reply>();
/** Export waits for the user at the save dialog: it may take long, but it still ends. */
const EXPORT_TIMEOUT_MS = 30 * 60_000;
/** Every request settles: a failed one (error reply or timeout) is shown in the panel and yields undefined. */
const tracker = {
  async request(send: (id: number) => void, timeoutMs?: number): Promise<Reply> {
    try {
      return await requests.request(send, timeoutMs);
    } catch (e) {
      addMessage('error', errorMessage(e));
      toast_(errorMessage(e));
      throw e;
    }
  },
};
const saved: PersistedState = vscode.getState() ?? {};

/** VS Code's theme variables drive the grid, so light, dark and high-contrast themes apply live. */
const theme = themeQuartz.withParams({
  backgroundColor: 'var(--vscode-editor-background)',
  foregroundColor: 'var(--vscode-editor-foreground)',
  textColor: 'var(--vscode-editor-foreground)',
  chromeBackgroundColor: 'var(--vscode-editorWidget-background, var(--vscode-editor-background))',
  headerBackgroundColor: 'var(--vscode-editorGroupHeader-tabsBackground, var(--vscode-editor-background))',
  headerTextColor: 'var(--vscode-foreground)',
  borderColor: 'var(--vscode-contrastBorder, var(--vscode-editorGroup-border, var(--vscode-panel-border)))',
  accentColor: 'var(--vscode-focusBorder)',
  rowHoverColor: 'var(--vscode-list-hoverBackground)',
  selectedRowBackgroundColor: 'var(--vscode-list-inactiveSelectionBackground, var(--vscode-list-hoverBackground))',
  oddRowBackgroundColor: 'var(--vscode-editor-background)',
  inputBackgroundColor: 'var(--vscode-input-background)',
  inputTextColor: 'var(--vscode-input-foreground)',
  inputBorder: { color: 'var(--vscode-input-border, var(--vscode-contrastBorder, transparent))' },
  menuBackgroundColor: 'var(--vscode-menu-background, var(--vscode-editorWidget-background))',
  menuTextColor: 'var(--vscode-menu-foreground, var(--vscode-foreground))',
  fontFamily: 'var(--vscode-font-family)',
  fontSize: 'var(--vscode-font-size)',
  cellFontFamily: 'var(--vscode-editor-font-family)',
  wrapperBorderRadius: 0,
  spacing: 5,
  rowVerticalPaddingScale: 0.7,
  browserColorScheme: 'inherit',
});

// ---- DOM ----
function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function button(label: string, title: string, onClick: () => void, secondary = true): HTMLElement {
  const b = document.createElement('vscode-button');
  b.textContent = label;
  b.title = title;
  if (secondary) b.setAttribute('secondary', '');
  b.addEventListener('click', onClick);
  return b;
}

const app = document.getElementById('app')!;
const header = el('header');
const titleEl = el('h1', 'title', saved.title ?? '');
const subtitleEl = el('div', 'subtitle');
header.append(titleEl, subtitleEl);

const toolbar = el('div', 'toolbar');
toolbar.setAttribute('role', 'toolbar');
const search = document.createElement('vscode-textfield') as HTMLElement & { value: string };
search.setAttribute('placeholder', 'Search all cells');
search.setAttribute('aria-label', 'Search all cells');
search.id = 'quick-filter';
search.value = saved.query?.quickFilter ?? '';
const formatSelect = document.createElement('vscode-single-select') as HTMLElement & { value: string };
formatSelect.setAttribute('aria-label', 'Copy format');
formatSelect.title = 'Format used when copying';
for (const [value, label] of [['tsv', 'TSV'], ['csv', 'CSV'], ['markdown', 'Markdown']]) {
  const o = document.createElement('vscode-option');
  o.setAttribute('value', value);
  o.textContent = label;
  formatSelect.append(o);
}
const cancelButton = button('Cancel', 'Stop downloading; keep the rows read so far', () => vscode.postMessage({ type: 'cancel' }), false);
cancelButton.id = 'cancel';
toolbar.append(
  search,
  button('Auto-size', 'Fit columns to their contents', () => api?.autoSizeAllColumns()),
  button('Stats', 'Statistics of the focused column', () => void showStats()),
  formatSelect,
  button('Copy Cell', 'Copy the focused cell', () => void copyCell()),
  button('Copy Rows', 'Copy the selected rows with headers', () => void copyRows()),
  button('Copy Column', 'Copy the focused column (as filtered and sorted) with its header', () => void copyColumn()),
  button('Export CSV…', 'Save the table (as filtered and sorted) as CSV', () => void exportCsv()),
  cancelButton,
);

const statusBar = el('div', 'status');
const showingEl = el('span', 'showing');
showingEl.id = 'showing';
const progressEl = el('span', 'progress-text');
progressEl.id = 'progress';
const progressBar = document.createElement('vscode-progress-bar');
statusBar.append(showingEl, progressEl);
const messages = el('div', 'messages');
messages.setAttribute('aria-live', 'polite');
const toast = el('div', 'toast');
toast.setAttribute('role', 'status');
const main = el('div', 'main');
const gridDiv = el('div', 'grid');
gridDiv.id = 'grid';
const statsPanel = el('aside', 'stats');
statsPanel.hidden = true;
main.append(gridDiv, statsPanel);
app.append(header, toolbar, progressBar, statusBar, messages, main, toast);

// ---- state ----
let columns: ColumnInfo[] = [];
let clientRowCap = 200_000;
let referenceRules: ReferenceRule[] = [];
let source: unknown = saved.source;
let mode: 'client' | 'server' = 'client';
let api: GridApi<Cell[]> | undefined;
let rowsParsed = 0;
let loaded = 0;
let pulling = false;
let done = false;
let serverTotal = 0;
let quickFilter = saved.query?.quickFilter ?? '';
const gridState: GridState | undefined = saved.grid as GridState | undefined;

function mb(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} kB` : `${n} B`;
}
function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function updateShowing(): void {
  if (!api) {
    showingEl.textContent = columns.length === 0 && done ? 'No table to show.' : '';
    return;
  }
  const shown = mode === 'client' ? api.getDisplayedRowCount() : serverTotal;
  showingEl.textContent = `showing ${fmt(shown)} of ${fmt(rowsParsed)} rows${mode === 'server' ? ' (sorted and filtered in the extension host)' : ''}`;
}

function persist(): void {
  const query = currentQuery();
  vscode.setState({ source, title: titleEl.textContent ?? undefined, query, grid: api?.getState() ?? gridState });
}

function currentQuery(): ViewQuery {
  if (!api) return { ...emptyQuery(), quickFilter };
  const sortModel = api.getColumnState().filter((c) => c.sort).sort((a, b) => (a.sortIndex ?? 0) - (b.sortIndex ?? 0)).map((c) => ({ colId: c.colId, sort: c.sort! }));
  return { sortModel, filterModel: api.getFilterModel() as ViewQuery['filterModel'], quickFilter };
}

let toastTimer: ReturnType<typeof setTimeout> | undefined;
function toast_(text: string): void {
  toast.textContent = text;
  toast.classList.add('visible');
  // An earlier toast's timer must not hide this one early.
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => toast.classList.remove('visible'), 2500);
}

function addMessage(kind: 'warning' | 'error', text: string): void {
  const m = el('div', kind, text);
  m.setAttribute('role', kind === 'error' ? 'alert' : 'note');
  messages.append(m);
}

// ---- grid ----
function isNumeric(c: ColumnInfo): boolean {
  return c.type === 'integer' || c.type === 'float';
}

function referenceRenderer(p: ICellRendererParams<Cell[]>): HTMLElement {
  const v = p.value as Cell | undefined;
  const span = el('span');
  const shown = typeof v === 'string' ? cellReference(v, referenceRules) : { kind: 'text' as const };
  if (typeof v === 'string' && shown.kind === 'malformed') {
    span.textContent = v;
    span.title = shown.title;
  } else if (typeof v === 'string' && shown.kind === 'link') {
    const a = el('a', 'reference', v);
    a.href = '#';
    a.title = shown.title;
    a.addEventListener('click', (e) => {
      e.preventDefault();
      void tracker.request((id) => vscode.postMessage({ type: 'openReference', id, value: v })).then((r) => r.type === 'ack' && !r.ok && toast_(r.message ?? 'Cannot open.'), () => undefined);
    });
    span.append(a);
  } else if (v !== null && v !== undefined) {
    span.textContent = String(v);
  }
  return span;
}

function columnDefs(): ColDef<Cell[]>[] {
  return columns.map((c, i) => ({
    colId: c.id,
    headerName: `${c.index ? c.name || 'index' : c.name} · ${c.type}`,
    headerTooltip: `${c.index ? 'Row index' : c.name} (${c.type})`,
    valueGetter: (p) => p.data?.[i] ?? null,
    cellDataType: false,
    filter: isNumeric(c) ? 'agNumberColumnFilter' : 'agTextColumnFilter',
    filterParams: { maxNumConditions: 2 },
    cellClass: isNumeric(c) ? 'num' : undefined,
    pinned: c.index ? 'left' : undefined,
    cellRenderer: !isNumeric(c) && referenceRules.length > 0 ? referenceRenderer : undefined,
    minWidth: 60,
  }));
}

/** The table row each grid row came from (copies ask the host for whole cells by row id). */
const rowIdOf = new WeakMap<Cell[], number>();

function remember(rows: Cell[][], rowIds: number[]): void {
  rows.forEach((row, k) => rowIdOf.set(row, rowIds[k]));
}

const datasource: IDatasource = {
  getRows(params: IGetRowsParams) {
    const q: ViewQuery = { sortModel: params.sortModel as ViewQuery['sortModel'], filterModel: params.filterModel as ViewQuery['filterModel'], quickFilter };
    void tracker.request((id) => vscode.postMessage({ type: 'getRows', id, startRow: params.startRow, endRow: params.endRow, ...q })).then((r) => {
      if (r.type !== 'rows') return params.failCallback();
      serverTotal = r.totalRows;
      remember(r.rows, r.rowIds);
      const complete = done || r.rows.length < params.endRow - params.startRow;
      params.successCallback(r.rows, complete ? r.totalRows : undefined);
      updateShowing();
    }, () => params.failCallback());
  },
};

function createTheGrid(): void {
  const state = api ? api.getState() : gridState;
  api?.destroy();
  loaded = 0;
  const common: GridOptions<Cell[]> = {
    theme,
    styleNonce: nonce,
    columnDefs: columnDefs(),
    defaultColDef: { sortable: true, resizable: true, filter: true },
    initialState: state,
    rowSelection: { mode: 'multiRow', checkboxes: false, headerCheckbox: false, enableClickSelection: true },
    tooltipShowDelay: 500,
    enableCellTextSelection: false,
    onStateUpdated: () => persistSoon(),
    onSortChanged: () => updateShowing(),
    onFilterChanged: () => updateShowing(),
    onModelUpdated: () => updateShowing(),
    onCellKeyDown: (e) => {
      const ke = e.event as KeyboardEvent | undefined;
      if (ke && (ke.ctrlKey || ke.metaKey) && ke.key.toLowerCase() === 'c') {
        ke.preventDefault();
        void ((api?.getSelectedNodes().length ?? 0) > 1 ? copyRows() : copyCell());
      }
    },
  };
  const options: GridOptions<Cell[]> = mode === 'client'
    ? { ...common, rowModelType: 'clientSide', rowData: [], quickFilterText: quickFilter }
    : { ...common, rowModelType: 'infinite', datasource, cacheBlockSize: 200, maxBlocksInCache: 100, infiniteInitialRowCount: 200 };
  api = createGrid(gridDiv, options);
  void pull();
  updateShowing();
}

let persistTimer: ReturnType<typeof setTimeout> | undefined;
function persistSoon(): void {
  clearTimeout(persistTimer);
  persistTimer = setTimeout(persist, 300);
}

/** Client mode: pulls rows in parse order until the grid has all the host has parsed. */
async function pull(): Promise<void> {
  if (pulling || mode !== 'client' || !api) return;
  pulling = true;
  try {
    while (mode === 'client' && api && loaded < rowsParsed) {
      const start = loaded;
      const end = Math.min(rowsParsed, start + 20_000);
      const r = await tracker.request((id) => vscode.postMessage({ type: 'getRows', id, startRow: start, endRow: end, ...emptyQuery() })).catch(() => undefined);
      if (!r) break;
      if (r.type !== 'rows' || mode !== 'client' || !api || loaded !== start) break;
      remember(r.rows, r.rowIds);
      api.applyTransaction({ add: r.rows });
      loaded += r.rows.length;
      if (r.rows.length === 0) break;
    }
  } finally {
    pulling = false;
    updateShowing();
  }
}

function ensureGrid(): void {
  if (columns.length === 0) return;
  const wanted = rowsParsed > clientRowCap ? 'server' : 'client';
  if (!api || wanted !== mode) {
    mode = wanted;
    createTheGrid();
  }
}

// ---- actions ----
function focusedColumn(): ColumnInfo | undefined {
  const cell = api?.getFocusedCell();
  const id = cell?.column.getColId();
  return columns.find((c) => c.id === id);
}

function cellText(v: Cell | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

function copyFormat(): CopyFormat {
  const v = formatSelect.value;
  return v === 'csv' || v === 'markdown' ? v : 'tsv';
}

/** Shows the host's answer to a copy request. */
function toastAck(r: ToWebview): void {
  toast_(r.type === 'ack' ? (r.message ?? (r.ok ? 'Copied.' : 'Copy failed.')) : 'Copy failed.');
}

/** Copies the focused cell; the host copies it from the table, whole even when the grid shows it cut. */
async function copyCell(): Promise<void> {
  const cell = api?.getFocusedCell();
  if (!api || !cell) return toast_('Focus a cell first.');
  const node = api.getDisplayedRowAtIndex(cell.rowIndex);
  const rowId = node?.data ? rowIdOf.get(node.data) : undefined;
  if (rowId === undefined) return toast_('Focus a cell first.');
  const r = await tracker.request((id) => vscode.postMessage({ type: 'copyCell', id, rowId, colId: cell.column.getColId() })).catch(() => undefined);
  if (r) toastAck(r);
}

async function copyRows(): Promise<void> {
  if (!api) return;
  let nodes = api.getSelectedNodes().filter((n) => n.data);
  if (nodes.length === 0) {
    const cell = api.getFocusedCell();
    const node = cell ? api.getDisplayedRowAtIndex(cell.rowIndex) : undefined;
    nodes = node?.data ? [node] : [];
  }
  if (nodes.length === 0) return toast_('Select rows first (click, Shift+click, Ctrl+click).');
  if (nodes.length > MAX_ROWS_PER_REQUEST) return toast_(`Copy Rows takes up to ${fmt(MAX_ROWS_PER_REQUEST)} rows; use Export CSV… for more.`);
  nodes.sort((a, b) => (a.rowIndex ?? 0) - (b.rowIndex ?? 0));
  const rowIds = nodes.map((n) => rowIdOf.get(n.data!)).filter((id): id is number => id !== undefined);
  const colIds = api.getAllDisplayedColumns().map((c) => c.getColId()).filter((id) => columns.some((x) => x.id === id));
  const r = await tracker.request((id) => vscode.postMessage({ type: 'copyRows', id, rowIds, colIds, format: copyFormat() })).catch(() => undefined);
  if (r) toastAck(r);
}

async function copyColumn(): Promise<void> {
  const col = focusedColumn();
  if (!col) return toast_('Focus a cell of the column first.');
  const r = await tracker.request((id) => vscode.postMessage({ type: 'copyColumn', id, colId: col.id, format: copyFormat(), ...currentQuery() })).catch(() => undefined);
  if (r) toastAck(r);
}

async function exportCsv(): Promise<void> {
  const r = await tracker.request((id) => vscode.postMessage({ type: 'export', id, ...currentQuery() }), EXPORT_TIMEOUT_MS).catch(() => undefined);
  if (r?.type === 'ack' && r.message) toast_(r.message);
}

function statsRow(table: HTMLTableElement, label: string, value: string): void {
  const tr = el('tr');
  tr.append(el('th', undefined, label), el('td', undefined, value));
  table.append(tr);
}

async function showStats(): Promise<void> {
  const col = focusedColumn() ?? columns.find((c) => !c.index) ?? columns[0];
  if (!col) return;
  const r = await tracker.request((id) => vscode.postMessage({ type: 'getStats', id, colId: col.id })).catch(() => undefined);
  if (!r) return;
  if (r.type !== 'stats' || !r.stats) return toast_(r.type === 'stats' ? r.error ?? 'No statistics.' : 'No statistics.');
  renderStats(col, r.stats);
}

function renderStats(col: ColumnInfo, s: ColumnStats): void {
  statsPanel.replaceChildren();
  const head = el('div', 'stats-head');
  head.append(el('h2', undefined, `${col.name || 'index'} · ${col.type}`), button('Close', 'Hide statistics', () => (statsPanel.hidden = true)));
  const t = el('table');
  statsRow(t, 'Rows', fmt(s.count));
  statsRow(t, 'Missing', fmt(s.nulls));
  statsRow(t, 'Distinct', `${fmt(s.distinct)}${s.distinctCapped ? '+' : ''}`);
  statsRow(t, 'Min', cellText(s.min));
  statsRow(t, 'Max', cellText(s.max));
  if (s.mean !== undefined) statsRow(t, 'Mean', String(Number(s.mean.toPrecision(8))));
  const top = el('table', 'top');
  const cap = el('caption', undefined, 'Top values');
  top.append(cap);
  for (const { value, count } of s.top) statsRow(top, cellText(value), fmt(count));
  statsPanel.append(head, t, top);
  statsPanel.hidden = false;
}

// ---- messages from the host ----
let searchTimer: ReturnType<typeof setTimeout> | undefined;
search.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    quickFilter = search.value;
    if (mode === 'client') api?.setGridOption('quickFilterText', quickFilter);
    else api?.purgeInfiniteCache();
    persistSoon();
  }, 250);
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const msg = event.data;
  if (!isToWebview(msg)) return;
  switch (msg.type) {
    case 'init':
      titleEl.textContent = msg.title;
      subtitleEl.textContent = msg.subtitle ?? '';
      document.title = msg.title;
      clientRowCap = msg.clientRowCap;
      referenceRules = buildRules(msg.references);
      source = msg.source;
      persist();
      break;
    case 'schema': {
      const changed = JSON.stringify(msg.columns) !== JSON.stringify(columns);
      columns = msg.columns;
      if (!api) ensureGrid();
      else if (changed) api.setGridOption('columnDefs', columnDefs());
      break;
    }
    case 'progress':
      rowsParsed = msg.rowsParsed;
      progressEl.textContent = done ? '' : msg.waitingFor ?? `loading: ${fmt(msg.rowsParsed)} rows, ${mb(msg.bytesRead)}${msg.totalBytes ? ` of ${mb(msg.totalBytes)}` : ''}`;
      if (msg.totalBytes) {
        progressBar.removeAttribute('indeterminate');
        progressBar.setAttribute('value', String(Math.min(100, (100 * msg.bytesRead) / msg.totalBytes)));
        progressBar.setAttribute('max', '100');
      } else progressBar.setAttribute('indeterminate', '');
      ensureGrid();
      void pull();
      updateShowing();
      break;
    case 'done':
      done = true;
      rowsParsed = msg.rowCount;
      progressEl.textContent = `${msg.cancelled ? 'cancelled' : 'loaded'} in ${(msg.elapsedMs / 1000).toFixed(1)} s`;
      progressBar.hidden = true;
      cancelButton.hidden = true;
      ensureGrid();
      if (mode === 'server') api?.refreshInfiniteCache();
      else void pull();
      updateShowing();
      document.body.dataset.loaded = 'true';
      break;
    case 'error':
      addMessage('error', msg.message);
      done = true;
      updateShowing();
      progressBar.hidden = true;
      cancelButton.hidden = true;
      document.body.dataset.loaded = 'true';
      break;
    case 'warning':
      addMessage('warning', msg.message);
      break;
    case 'rows':
    case 'stats':
    case 'ack':
    case 'failed':
      requests.settle(msg);
      break;
  }
});

progressBar.setAttribute('indeterminate', '');
vscode.postMessage({ type: 'ready' });
