// Host side of table previews: one webview panel per table, loading in the extension host and serving
// the windows of rows the webview pulls. Every message from the webview is validated first.
import * as vscode from 'vscode';
import type { Logger } from '../logger';
import { errorMessage } from '../errors';
import { formatBytesOf } from '../formatBytes';
import { isFromWebview, replyTo } from '../protocol';
import type { PersistedState, ToWebview } from '../protocol';
import type { ReferenceConfig } from '../references';
import type { TableSource } from '../formats/table';
import { type PartialRead, TableClient } from '../formats/tableClient';
import { answerRequest, type PreviewMessageContext } from './previewMessages';
import { Views } from '../constants';
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
  /** False when reading the source again cannot help (a preview that could not be restored): no Reopen. */
  reopenable?: boolean;
}

/** The settings a preview reads. */
export interface PreviewSettings {
  /** Up to this many rows the webview sorts and filters itself. */
  clientRowCap: number;
  /** A preview stops reading once its table holds this many MB (Read further goes on); 512 by default. */
  memoryBudgetMB?: number;
  /** Export CSV escapes cells a spreadsheet would run as formulas (OWASP); on by default. */
  exportEscapeFormulas?: boolean;
  /** TSV and CSV copies escape such cells too; off by default (copies keep the values as they are). */
  copyEscapeFormulas?: boolean;
}

/** Optional collaborators of PreviewPanels. */
export interface PreviewPanelsOptions {
  /** Turns a cell value that is an XCom backend reference into a preview (`parent` is the table it was found in); undefined if it is not one. */
  resolveReference?: (
    value: string,
    parent: PreviewRequest,
  ) => PreviewRequest | undefined | Promise<PreviewRequest | undefined>;
  /** The reference rules in force for a preview, as data: the webview builds the same rules and links such cells. */
  referenceConfig?: (request: PreviewRequest) => ReferenceConfig | undefined;
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
  /** Set when reading stopped at the memory budget: how much of the object the table holds. */
  partial?: PartialRead;
}

const PROGRESS_INTERVAL_MS = 100;

/** Memory a preview's table may hold before reading stops, when the setting gives none. */
const DEFAULT_MEMORY_BUDGET_MB = 512;

/** Reference rules of a preview that has none configured: the webview links nothing. */
const NO_REFERENCES: ReferenceConfig = { preset: 'none', prefix: '', customRules: [] };

/** One open preview: its panel, its table and the load in progress. */
class PreviewSession implements vscode.Disposable {
  /** Resolves when loading ends (done, failed or cancelled) or first stops at the memory budget. */
  readonly loaded: Promise<PreviewSummary>;
  private stopped: (summary: PreviewSummary) => void = () => {};
  /** Set while reading waits at the memory budget. */
  private partial: PartialRead | undefined;
  /** False when the source itself could not be opened (e.g. its HEAD failed), as opposed to its bytes. */
  sourceOpened = true;
  /** The table lives in a worker thread: nothing done to it holds up the extension host. */
  private readonly table = new TableClient();
  /** The window requests in flight, by query: a request for another query cancels them (sort or filter changed). */
  private readonly windows = new Map<AbortController, string>();
  private readonly abort = new AbortController();
  /** Aborts when the panel closes (unlike `abort`, which also stops a load the user cancels). */
  private readonly closed = new AbortController();
  private readonly disposables: vscode.Disposable;
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
    /** Reads the source again from the start, in this panel (a new session takes it over). */
    private readonly reopen: () => void,
  ) {
    panel.webview.options = previewWebviewOptions(extensionUri);
    panel.webview.html = previewHtml(panel.webview, extensionUri, request.title);
    this.disposables = vscode.Disposable.from(
      panel.webview.onDidReceiveMessage((msg: unknown) => this.receive(msg)),
      panel.onDidDispose(() => this.dispose()),
    );
    this.table.onSourceChanged(() => {
      this.log.info(`preview ${this.request.title}: the object changed while it was being read`);
      this.post({ type: 'sourceChanged' });
    });
    this.loaded = new Promise((resolve) => (this.stopped = resolve));
    void this.load().then(this.stopped);
  }

  /** Rows loaded so far. */
  get rowCount(): number {
    return this.table.rowCount;
  }

  private post(msg: ToWebview): void {
    if (!this.disposed && this.webviewReady) void this.panel.webview.postMessage(msg);
  }

  private mode(): 'client' | 'server' {
    // Parquet read on demand: the grid scrolls the whole file, so the host answers every window.
    if (this.table.rowGroups) return 'server';
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
      const summary = await this.table.load(source, {
        signal: this.abort.signal,
        onSchema: () => this.post({ type: 'schema', columns: this.table.columns }),
        onProgress: (bytesRead, totalBytes) => {
          this.bytesRead = bytesRead;
          if (bytesRead > 0) this.waitingFor = undefined;
          this.totalBytes = totalBytes ?? this.totalBytes;
          this.scheduleProgress();
        },
        onWarning: (m) => this.warn(m),
        budgetBytes: (this.settings().memoryBudgetMB ?? DEFAULT_MEMORY_BUDGET_MB) * 1e6,
        onPaused: (partial) => this.onPaused(partial),
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
    if (cancelled)
      this.warn(`Loading was cancelled: showing the ${this.table.rowCount.toLocaleString('en-US')} rows read so far.`);
    this.finished =
      this.error !== undefined
        ? { type: 'error', message: this.error }
        : {
            type: 'done',
            rowCount: this.table.rowCount,
            mode: this.mode(),
            elapsedMs: Date.now() - this.started,
            cancelled,
            ...(this.partial ? { partial: this.partial } : {}),
          };
    this.sendFinal();
    this.log.info(
      `preview ${this.request.title}: ${this.table.rowCount} rows × ${this.table.columns.length} columns in ${Date.now() - this.started} ms (${this.format ?? 'failed'}${this.workerThreads ? `, ${this.workerThreads} worker threads` : ''})`,
    );
    return this.summary();
  }

  /** Reading stopped at the memory budget: the panel says what it holds and offers to read further. */
  private onPaused(partial: PartialRead): void {
    this.partial = partial;
    this.bytesRead = partial.bytesRead;
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    this.finished = {
      type: 'done',
      rowCount: this.table.rowCount,
      mode: this.mode(),
      elapsedMs: Date.now() - this.started,
      partial,
    };
    this.sendFinal();
    this.log.info(
      `preview ${this.request.title}: stopped at the memory budget with ${this.table.rowCount} rows, ${formatBytesOf(partial.bytesRead, partial.totalBytes)} read`,
    );
    this.stopped(this.summary());
  }

  private readFurther(): void {
    if (!this.partial || this.abort.signal.aborted || this.table.sourceChanged) return;
    this.partial = undefined;
    this.finished = undefined;
    this.table.readFurther();
    this.sendProgress();
  }

  private sendFinal(): void {
    this.post({ type: 'schema', columns: this.table.columns });
    this.sendProgress();
    if (this.finished?.type === 'error') {
      // Rows read before the failure stay visible under the error.
      this.post({
        type: 'done',
        rowCount: this.table.rowCount,
        mode: this.mode(),
        elapsedMs: Date.now() - this.started,
      });
    }
    if (this.finished) this.post(this.finished);
    // A webview made again (the panel moved, say) hears it too: Read Further stays withdrawn.
    if (this.table.sourceChanged) this.post({ type: 'sourceChanged' });
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
      tableBytes: this.table.tableBytes,
      workerThreads: this.workerThreads,
      ...(this.partial ? { partial: this.partial } : {}),
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
      references: this.options.referenceConfig?.(this.request) ?? NO_REFERENCES,
      reopenable: this.request.reopenable !== false,
    });
    if (this.table.columns.length > 0) this.post({ type: 'schema', columns: this.table.columns });
    for (const message of this.warnings) this.post({ type: 'warning', message });
    if (this.finished) this.sendFinal();
    else this.sendProgress();
  }

  private receive(raw: unknown): void {
    if (!isFromWebview(raw)) {
      this.log.warn(`preview ${this.request.title}: ignored an invalid message from the webview`);
      return;
    }
    if (raw.type === 'ready') return this.onReady();
    if (raw.type === 'cancel') return this.abort.abort();
    if (raw.type === 'readFurther') return this.readFurther();
    if (raw.type === 'reopen') return this.reopen();
    const msg = raw;
    const request = new AbortController();
    if (msg.type === 'getRows') {
      const query = JSON.stringify([msg.sortModel, msg.filterModel, msg.quickFilter]);
      for (const [other, otherQuery] of this.windows) if (otherQuery !== query) other.abort();
      this.windows.set(request, query);
    }
    const stop = (): void => request.abort();
    // A Cancel of the load leaves requests alone; closing the panel ends them.
    this.closed.signal.addEventListener('abort', stop, { once: true });
    void replyTo(
      msg.id,
      () => answerRequest(msg, this.messageContext(request.signal)),
      (reply) => {
        this.windows.delete(request);
        this.closed.signal.removeEventListener('abort', stop);
        if (reply.type === 'failed' && !request.signal.aborted)
          this.log.error(`preview ${this.request.title}: ${msg.type}: ${reply.message}`);
        this.post(reply);
      },
    );
  }

  /** What the request handlers (previewMessages.ts) work on. */
  private messageContext(signal: AbortSignal): PreviewMessageContext {
    return {
      table: this.table,
      signal,
      partial: () =>
        !this.finished ||
        this.finished.type === 'error' ||
        (this.finished.type === 'done' && (!!this.finished.cancelled || !!this.finished.partial)),
      title: this.request.title,
      escapeFormulas: () => {
        const settings = this.settings();
        return { export: settings.exportEscapeFormulas ?? true, copy: settings.copyEscapeFormulas ?? false };
      },
      openReference: async (value) => {
        let request: PreviewRequest | undefined;
        try {
          request = await this.options.resolveReference?.(value, this.request);
        } catch (e) {
          throw new Error(`Cannot open ${value}: ${errorMessage(e)}`, { cause: e });
        }
        if (!request) return false;
        // The reply goes out now; the new panel reports its own load.
        void this.openPreview(request).catch((e: unknown) => this.log.error(`preview ${value}: ${errorMessage(e)}`));
        return true;
      },
    };
  }

  /** Stops loading and lets the panel go, open, to another session (Reopen). */
  detach(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.abort.abort();
    this.closed.abort();
    void this.table.close();
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.disposables.dispose();
  }

  /** Stops loading and releases the panel. */
  dispose(): void {
    if (this.disposed) return;
    this.detach();
    this.panel.dispose();
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
    const panel = vscode.window.createWebviewPanel(
      Views.preview,
      title,
      column,
      previewWebviewOptions(this.extensionUri),
    );
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
      await this.attach(panel, { title: state?.title ?? panel.title, source: unavailable, reopenable: false }).loaded;
      return;
    }
    await this.attach(panel, { ...request, title: state?.title ?? request.title }).loaded;
  }

  private attach(panel: vscode.WebviewPanel, request: PreviewRequest): PreviewSession {
    const session: PreviewSession = new PreviewSession(
      panel,
      request,
      this.extensionUri,
      this.log,
      this.settings,
      this.options,
      (r) => this.open(r),
      () => {
        // The source is resolved again (a fresh HEAD: the object as it is now) in a new page of the same panel.
        this.log.info(`preview ${request.title}: reopened`);
        session.detach();
        this.sessions.delete(session);
        released.dispose();
        this.attach(panel, request);
      },
    );
    this.sessions.add(session);
    const released = panel.onDidDispose(() => {
      this.sessions.delete(session);
      released.dispose();
    });
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
