// Host side of table previews: one webview panel per table, loading in the extension host and serving
// the windows of rows the webview pulls. Every message from the webview is validated first.
import * as vscode from 'vscode';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { errorMessage } from '../errors';
import type { Logger } from '../logger';
import { isFromWebview } from '../protocol';
import type { FromWebview, PersistedState, ToWebview, ViewQuery } from '../protocol';
import { ColumnarTable, type TableSource } from '../formats/table';
import { type FormatCodecs, parseTableSource } from '../formats/tableParser';
import { TableViewer, columnStats } from '../formats/tableView';
import { csvField, formatRows } from '../formats/textFormats';
import { Views } from '../constants';
import { decompress } from '../formats/decompress';
import { sniffFormat } from '../formats/sniff';
import { previewHtml, previewWebviewOptions } from './previewHtml';

/** A source whose first request (S3's HEAD) runs once the panel is open, so that the panel says what it waits for. */
export interface PendingTableSource {
  /** Discriminator. */
  kind: 'pending';
  /** Shown while `resolve` runs, e.g. "Waiting for S3 (HEAD s3://b/k)…". */
  waitingFor: string;
  /** Shown after `resolve` until the first bytes arrive. */
  waitingForData?: string;
  /** What the panel serializer needs to reopen it. */
  persist?: unknown;
  /** The source itself; rejects with a CancellationError when `signal` aborts. */
  resolve(signal: AbortSignal): Promise<TableSource>;
}

/** What to preview. */
export interface PreviewRequest {
  /** Panel title. */
  title: string;
  /** Second line in the panel (e.g. the S3 URI or the XCom's identifiers). */
  subtitle?: string;
  /** Where the table comes from. */
  source: TableSource | PendingTableSource;
}

/** The settings a preview reads. */
export interface PreviewSettings {
  /** Up to this many rows the webview sorts and filters itself. */
  clientRowCap: number;
}

/** Optional collaborators of PreviewPanels. */
export interface PreviewPanelsOptions {
  /** Format sniffing and decompression; src/formats/sniff.ts and decompress.ts by default. */
  codecs?: FormatCodecs;
  /** Turns a cell value that is an XCom backend reference into a preview (`parent` is the table it was found in); undefined if it is not one. */
  resolveReference?: (value: string, parent: PreviewRequest) => PreviewRequest | undefined | Promise<PreviewRequest | undefined>;
  /** Text prefixes that may start a reference; the webview renders such cells as links. */
  referencePrefixes?: () => string[];
}

/** Outcome of a preview load, returned to scripts and tests by the `xcomLens.preview` command. */
export interface PreviewSummary {
  /** Panel title. */
  title: string;
  /** Rows loaded. */
  rowCount: number;
  /** Column names. */
  columns: string[];
  /** Column types. */
  types: string[];
  /** Where sorting and filtering happen. */
  mode: 'client' | 'server';
  /** Format read. */
  format?: string;
  /** Warnings shown. */
  warnings: string[];
  /** Error shown, if loading failed. */
  error?: string;
  /** True when the user cancelled. */
  cancelled: boolean;
  /** Bytes held by the table. */
  tableBytes: number;
  /** Worker threads that parsed the object (0: all on the extension host's thread). */
  workerThreads: number;
}

const PROGRESS_INTERVAL_MS = 100;

/** The project's format sniffing and decompression. */
const defaultCodecs: FormatCodecs = { sniffFormat, decompress };

/** One open preview: its panel, its table and the load in progress. */
export class PreviewSession implements vscode.Disposable {
  /** Resolves when loading ends (done, failed or cancelled). */
  readonly loaded: Promise<PreviewSummary>;
  /** False when the source itself could not be opened (e.g. its HEAD failed), as opposed to its bytes. */
  sourceOpened = true;
  private readonly table = new ColumnarTable();
  private readonly viewer = new TableViewer(this.table);
  private readonly abort = new AbortController();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly warnings: string[] = [];
  private bytesRead = 0;
  private totalBytes: number | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private finished: ToWebview | undefined;
  private error: string | undefined;
  private format: string | undefined;
  private workerThreads = 0;
  private waitingFor: string | undefined;
  private readonly started = Date.now();
  private webviewReady = false;
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly request: PreviewRequest,
    extensionUri: vscode.Uri,
    private readonly log: Logger,
    private readonly settings: () => PreviewSettings,
    private readonly options: PreviewPanelsOptions,
    private readonly openPreview: (request: PreviewRequest) => Promise<void>,
  ) {
    panel.webview.options = previewWebviewOptions(extensionUri);
    panel.webview.html = previewHtml(panel.webview, extensionUri, request.title);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((msg: unknown) => this.receive(msg)),
      panel.onDidDispose(() => this.dispose()),
    );
    this.loaded = this.load();
  }

  /** Rows loaded so far. */
  get rowCount(): number {
    return this.table.rowCount;
  }

  private post(msg: ToWebview): void {
    if (!this.disposed && this.webviewReady) void this.panel.webview.postMessage(msg);
  }

  private mode(): 'client' | 'server' {
    return this.table.rowCount > this.settings().clientRowCap ? 'server' : 'client';
  }

  private sendProgress(): void {
    const waitingFor = this.waitingFor && !this.finished ? { waitingFor: this.waitingFor } : {};
    const { bytesRead, totalBytes } = this;
    this.post({ type: 'progress', rowsParsed: this.table.rowCount, bytesRead, totalBytes, ...waitingFor });
  }

  private scheduleProgress(): void {
    if (this.progressTimer) return;
    this.progressTimer = setTimeout(() => {
      this.progressTimer = undefined;
      this.sendProgress();
    }, PROGRESS_INTERVAL_MS);
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.log.warn(`preview ${this.request.title}: ${message}`);
    this.post({ type: 'warning', message });
  }

  /** The table source, once a pending one resolved (the panel shows what it waits for meanwhile). */
  private async openSource(): Promise<TableSource> {
    const pending = this.request.source;
    if (pending.kind !== 'pending') return pending;
    this.waitingFor = pending.waitingFor;
    this.sendProgress();
    try {
      const source = await pending.resolve(this.abort.signal);
      this.waitingFor = pending.waitingForData;
      return source;
    } catch (e) {
      this.sourceOpened = false;
      throw e;
    }
  }

  private async load(): Promise<PreviewSummary> {
    try {
      const source = await this.openSource();
      this.totalBytes = source.kind === 'bytes' ? source.sizeBytes : undefined;
      this.sendProgress();
      const summary = await parseTableSource(source, this.table, {
        signal: this.abort.signal,
        codecs: this.options.codecs ?? defaultCodecs,
        logger: this.log,
        onSchema: () => this.post({ type: 'schema', columns: this.table.schema() }),
        onProgress: (bytesRead, totalBytes) => {
          this.bytesRead = bytesRead;
          if (bytesRead > 0) this.waitingFor = undefined;
          this.totalBytes = totalBytes ?? this.totalBytes;
          this.scheduleProgress();
        },
        onWarning: (m) => this.warn(m),
      });
      this.format = summary.format + (summary.compression ? ` (${summary.compression})` : '');
      this.workerThreads = summary.workerThreads ?? 0;
    } catch (e) {
      if (!this.abort.signal.aborted) {
        this.error = errorMessage(e);
        this.log.error(`preview ${this.request.title}: ${this.error}`);
      }
    }
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    this.waitingFor = undefined;
    const cancelled = this.abort.signal.aborted && !this.disposed;
    if (cancelled) this.warn(`Loading was cancelled: showing the ${this.table.rowCount.toLocaleString('en-US')} rows read so far.`);
    this.finished = this.error !== undefined
      ? { type: 'error', message: this.error }
      : { type: 'done', rowCount: this.table.rowCount, mode: this.mode(), elapsedMs: Date.now() - this.started, cancelled };
    this.sendFinal();
    this.log.info(`preview ${this.request.title}: ${this.table.rowCount} rows × ${this.table.columns.length} columns in ${Date.now() - this.started} ms (${this.format ?? 'failed'}${this.workerThreads ? `, ${this.workerThreads} worker threads` : ''})`);
    return this.summary();
  }

  private sendFinal(): void {
    this.post({ type: 'schema', columns: this.table.schema() });
    this.sendProgress();
    if (this.finished?.type === 'error') {
      // Rows read before the failure stay visible under the error.
      this.post({ type: 'done', rowCount: this.table.rowCount, mode: this.mode(), elapsedMs: Date.now() - this.started });
    }
    if (this.finished) this.post(this.finished);
  }

  /** What the preview loaded (for the command's return value and tests). */
  summary(): PreviewSummary {
    return {
      title: this.request.title,
      rowCount: this.table.rowCount,
      columns: this.table.columns.map((c) => c.name),
      types: this.table.columns.map((c) => c.type),
      mode: this.mode(),
      format: this.format,
      warnings: [...this.warnings],
      error: this.error,
      cancelled: this.abort.signal.aborted,
      tableBytes: this.table.byteSize,
      workerThreads: this.workerThreads,
    };
  }

  private onReady(): void {
    this.webviewReady = true;
    const { title, subtitle, source } = this.request;
    this.post({
      type: 'init',
      title,
      subtitle,
      source: source.persist,
      clientRowCap: this.settings().clientRowCap,
      referencePrefixes: this.options.referencePrefixes?.() ?? [],
    });
    if (this.table.columns.length > 0) this.post({ type: 'schema', columns: this.table.schema() });
    for (const message of this.warnings) this.post({ type: 'warning', message });
    if (this.finished) this.sendFinal();
    else this.sendProgress();
  }

  private receive(raw: unknown): void {
    if (!isFromWebview(raw)) {
      this.log.warn(`preview ${this.request.title}: ignored an invalid message from the webview`);
      return;
    }
    void this.handle(raw).catch((e) => this.log.error(`preview ${this.request.title}: ${errorMessage(e)}`));
  }

  private async handle(msg: FromWebview): Promise<void> {
    switch (msg.type) {
      case 'ready':
        return this.onReady();
      case 'cancel':
        this.abort.abort();
        return;
      case 'getRows': {
        const { rows, rowIds, total } = this.viewer.window(msg, msg.startRow, msg.endRow);
        this.post({ type: 'rows', inReplyTo: msg.id, startRow: msg.startRow, rows, rowIds, totalRows: total, tableRows: this.table.rowCount });
        return;
      }
      case 'getStats': {
        const col = this.table.column(msg.colId);
        this.post(col ? { type: 'stats', inReplyTo: msg.id, stats: columnStats(this.table, col) } : { type: 'stats', inReplyTo: msg.id, error: 'Unknown column.' });
        return;
      }
      case 'copyCell':
        return this.copyCell(msg);
      case 'copyRows':
        return this.copyRows(msg);
      case 'copyColumn':
        return this.copyColumn(msg.id, msg.colId, msg.format, msg);
      case 'export':
        return this.exportCsv(msg.id, msg);
      case 'openReference':
        return this.openReference(msg.id, msg.value);
    }
  }

  /** Copies one cell from the table itself, whole even when the grid shows it cut. */
  private async copyCell(msg: Extract<FromWebview, { type: 'copyCell' }>): Promise<void> {
    const col = this.table.column(msg.colId);
    if (!col || msg.rowId >= this.table.rowCount) return this.post({ type: 'ack', inReplyTo: msg.id, ok: false, message: 'That cell is not in the table.' });
    await vscode.env.clipboard.writeText(col.textAt(msg.rowId));
    this.post({ type: 'ack', inReplyTo: msg.id, ok: true, message: 'Copied the cell.' });
  }

  /** Copies rows from the table itself, so cells the grid shows cut are copied whole. */
  private async copyRows(msg: Extract<FromWebview, { type: 'copyRows' }>): Promise<void> {
    const cols = msg.colIds.map((id) => this.table.column(id));
    if (cols.some((c) => !c) || msg.rowIds.some((r) => r >= this.table.rowCount)) return this.post({ type: 'ack', inReplyTo: msg.id, ok: false, message: 'Those rows or columns are not in the table.' });
    const rows = msg.rowIds.map((r) => cols.map((c) => c!.textAt(r)));
    await vscode.env.clipboard.writeText(formatRows(cols.map((c) => c!.name), rows, msg.format));
    this.post({ type: 'ack', inReplyTo: msg.id, ok: true, message: `Copied ${rows.length.toLocaleString('en-US')} row(s).` });
  }

  private async copyColumn(id: number, colId: string, format: 'tsv' | 'csv' | 'markdown', query: ViewQuery): Promise<void> {
    const col = this.table.column(colId);
    if (!col) return this.post({ type: 'ack', inReplyTo: id, ok: false, message: 'Unknown column.' });
    const view = this.viewer.view(query);
    const rows: string[][] = new Array(view.length);
    for (let i = 0; i < view.length; i++) rows[i] = [col.textAt(view.rows ? view.rows[i] : i)];
    await vscode.env.clipboard.writeText(formatRows([col.name], rows, format));
    this.post({ type: 'ack', inReplyTo: id, ok: true, message: `Copied ${view.length.toLocaleString('en-US')} values of ${col.name || 'the index'}.` });
  }

  private async exportCsv(id: number, query: ViewQuery): Promise<void> {
    const base = this.request.title.replace(/[^\w.-]+/g, '_').replace(/\.(csv|json|parquet|gz|zst)$/i, '') || 'table';
    const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(`${base}.csv`), filters: { CSV: ['csv'] }, saveLabel: 'Export' });
    if (!target) return this.post({ type: 'ack', inReplyTo: id, ok: false, message: 'Export cancelled.' });
    const view = this.viewer.view(query);
    const cols = this.table.columns;
    const out = createWriteStream(target.fsPath, { encoding: 'utf8' });
    let buffer = cols.map((c) => csvField(c.name)).join(',') + '\n';
    for (let i = 0; i < view.length; i++) {
      const r = view.rows ? view.rows[i] : i;
      buffer += cols.map((c) => csvField(c.textAt(r))).join(',') + '\n';
      if (buffer.length > 1 << 20) {
        if (!out.write(buffer)) await once(out, 'drain');
        buffer = '';
      }
    }
    out.end(buffer);
    await once(out, 'finish');
    this.post({ type: 'ack', inReplyTo: id, ok: true, message: `Exported ${view.length.toLocaleString('en-US')} rows to ${target.fsPath}.` });
  }

  private async openReference(id: number, value: string): Promise<void> {
    let request: PreviewRequest | undefined;
    try {
      request = await this.options.resolveReference?.(value, this.request);
    } catch (e) {
      return this.post({ type: 'ack', inReplyTo: id, ok: false, message: `Cannot open ${value}: ${errorMessage(e)}` });
    }
    if (!request) return this.post({ type: 'ack', inReplyTo: id, ok: false, message: 'This value is not an XCom backend reference XCom Lens can open.' });
    this.post({ type: 'ack', inReplyTo: id, ok: true });
    await this.openPreview(request);
  }

  /** Stops loading and releases the panel. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.abort.abort();
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Opens and revives table previews. */
export class PreviewPanels implements vscode.Disposable {
  private readonly sessions = new Set<PreviewSession>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
    private readonly settings: () => PreviewSettings,
    private readonly options: PreviewPanelsOptions = {},
  ) {}

  /** Opens a preview in a new panel and resolves once the table is loaded (or failed). */
  async open(request: PreviewRequest): Promise<void> {
    await this.openSession(request).loaded;
  }

  /** Opens a preview and returns its session at once (the load goes on). */
  openSession(request: PreviewRequest, column: vscode.ViewColumn = vscode.ViewColumn.Active): PreviewSession {
    const title = request.title.length > 60 ? `…${request.title.slice(-59)}` : request.title;
    const panel = vscode.window.createWebviewPanel(Views.preview, title, column, previewWebviewOptions(this.extensionUri));
    return this.attach(panel, request);
  }

  /** Restores a panel VS Code kept across a window reload; `request` was rebuilt from the state its webview saved. */
  async revive(
    panel: vscode.WebviewPanel,
    state: PersistedState | undefined,
    request: PreviewRequest | undefined,
  ): Promise<void> {
    if (!request) {
      const unavailable: TableSource = {
        kind: 'bytes',
        title: panel.title,
        open() {
          throw new Error('This preview cannot be restored after a reload. Open it again from the XCom tree.');
        },
      };
      await this.attach(panel, { title: state?.title ?? panel.title, source: unavailable }).loaded;
      return;
    }
    await this.attach(panel, { ...request, title: state?.title ?? request.title }).loaded;
  }

  private attach(panel: vscode.WebviewPanel, request: PreviewRequest): PreviewSession {
    const session = new PreviewSession(panel, request, this.extensionUri, this.log, this.settings, this.options, (r) => this.open(r));
    this.sessions.add(session);
    panel.onDidDispose(() => this.sessions.delete(session));
    return session;
  }

  /** Open previews (for tests). */
  get openSessions(): readonly PreviewSession[] {
    return [...this.sessions];
  }

  /** Closes every preview. */
  dispose(): void {
    for (const s of this.sessions) s.dispose();
    this.sessions.clear();
  }
}
