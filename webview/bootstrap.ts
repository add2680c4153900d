// The preview webview's entry: builds the page, answers the host's messages and says `ready`.
// Every value is rendered as text (textContent, never innerHTML).
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import { formatBytes, formatBytesOf } from '../src/formatBytes';
import { isToWebview } from '../src/protocol';
import { buildRules } from '../src/references';
import type { ToWebview } from '../src/protocol';
import { button, el, fmt, throttle } from './dom';
import { ColumnInsights } from './columnInsights';
import { GridActions } from './gridActions';
import { GridView, onDemandText } from './gridView';
import { HostClient } from './hostClient';
import { initialState, readFurtherOffered } from './state';
import { StatsPanel } from './statsPanel';
import { MessageList, Toast } from './toast';
import { Toolbar } from './toolbar';
import './style.css';

/**
 * Sort, filters, search and scroll are persisted as they change, at most this often: a change a reload follows at
 * once is kept.
 */
const PERSIST_DELAY_MS = 300;

const toast = new Toast();
const messages = new MessageList();
const host = new HostClient((message, request) => {
  // Rows that could not be fetched (a row group read on demand) may come once the source is read again.
  messages.add('error', message, request === 'getRows' ? reopenButton() : undefined);
  toast.show(message);
});

/** Reopen, on a failure to read, when the host can read the source again from the start. */
function reopenButton(): HTMLElement | undefined {
  if (!state.reopenable) return undefined;
  return button('Reopen', 'Read it again from the start, as it is now', () => host.post({ type: 'reopen' }), false);
}
const saved = host.savedState();
const state = initialState(saved);
const nonce = document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce ?? '';

const header = el('header');
const titleEl = el('h1', 'title', saved.title ?? '');
const subtitleEl = el('div', 'subtitle');
header.append(titleEl, subtitleEl);
const statusBar = el('div', 'status');
const showingEl = el('span', 'showing');
showingEl.id = 'showing';
const progressEl = el('span', 'progress-text');
progressEl.id = 'progress';
const progressBar = document.createElement('vscode-progress-bar');
statusBar.append(showingEl, progressEl);
const gridDiv = el('div', 'grid');
gridDiv.id = 'grid';

/** Persists what a reloaded webview needs to show the same table the same way. */
function persist(): void {
  const grid = state.api?.getState() ?? state.savedGrid;
  host.saveState({ source: state.source, title: titleEl.textContent ?? undefined, query: view.currentQuery(), grid });
}
const persistSoon = throttle(persist, PERSIST_DELAY_MS);

const insights = new ColumnInsights(
  host,
  () => state.api,
  () => state.columns,
);
const view: GridView = new GridView(
  state,
  host,
  toast,
  { grid: gridDiv, showing: showingEl, nonce },
  {
    stateChanged: persistSoon,
    copyKey: () => void ((state.api?.getSelectedNodes().length ?? 0) > 1 ? actions.copyRows() : actions.copyCell()),
  },
  insights,
);
view.onRowGroups = () => {
  if (state.partial && state.rowGroups) progressEl.textContent = onDemandText(state.rowGroups);
};
const toolbar: Toolbar = new Toolbar(state.quickFilter, {
  search: (text) => {
    view.setQuickFilter(text);
    persistSoon();
  },
  autoSize: () => state.api?.autoSizeAllColumns(),
  stats: () => void stats.show(),
  copyCell: () => void actions.copyCell(),
  copyRows: () => void actions.copyRows(),
  copyColumn: () => void actions.copyColumn(),
  exportCsv: () => void actions.exportCsv(),
  cancel: () => host.post({ type: 'cancel' }),
  readFurther: () => {
    state.done = false;
    state.partial = undefined;
    showReadFurther();
    progressBar.hidden = false;
    toolbar.cancelButton.hidden = false;
    delete document.body.dataset.loaded;
    insights.readingOn();
    host.post({ type: 'readFurther' });
    view.updateShowing();
  },
});
const actions = new GridActions(state, view, host, toast, () => toolbar.copyFormat());
const stats = new StatsPanel(state, view, host, toast);

const main = el('div', 'main');
main.append(gridDiv, stats.element);
document
  .getElementById('app')!
  .append(header, toolbar.element, progressBar, statusBar, insights.element, messages.element, main, toast.element);

/** Read Further is shown while it can read on (readFurtherOffered). */
function showReadFurther(): void {
  toolbar.readFurtherButton.hidden = !readFurtherOffered(state);
}

/** The table is read (or failed): stop showing progress. */
function ended(): void {
  progressBar.hidden = true;
  toolbar.cancelButton.hidden = true;
  document.body.dataset.loaded = 'true';
}

function receive(msg: ToWebview): void {
  switch (msg.type) {
    case 'init':
      titleEl.textContent = msg.title;
      subtitleEl.textContent = msg.subtitle ?? '';
      document.title = msg.title;
      state.clientRowCap = msg.clientRowCap;
      state.referenceRules = buildRules(msg.references);
      state.source = msg.source;
      state.reopenable = msg.reopenable;
      persist();
      break;
    case 'schema':
      view.setColumns(msg.columns);
      break;
    case 'progress': {
      state.rowsParsed = msg.rowsParsed;
      const total = msg.totalBytes ? ` of ${formatBytes(msg.totalBytes)}` : '';
      // Once reading ended, the text says how it ended (a late progress message must not wipe it).
      if (!state.done)
        progressEl.textContent =
          msg.waitingFor ?? `loading: ${fmt(msg.rowsParsed)} rows, ${formatBytes(msg.bytesRead)}${total}`;
      if (msg.totalBytes) {
        progressBar.removeAttribute('indeterminate');
        progressBar.setAttribute('value', String(Math.min(100, (100 * msg.bytesRead) / msg.totalBytes)));
        progressBar.setAttribute('max', '100');
      } else progressBar.setAttribute('indeterminate', '');
      view.ensureGrid();
      void view.pull();
      view.updateShowing();
      break;
    }
    case 'done':
      state.done = true;
      state.rowsParsed = msg.rowCount;
      state.partial = msg.partial;
      state.cancelled = msg.cancelled === true;
      state.rowGroups = msg.partial?.rowGroups ?? state.rowGroups;
      progressEl.textContent = msg.partial?.rowGroups
        ? onDemandText(msg.partial.rowGroups)
        : msg.partial
          ? `${msg.cancelled ? 'cancelled: ' : ''}the first ${fmt(msg.rowCount)} rows · ${formatBytesOf(msg.partial.bytesRead, msg.partial.totalBytes)} read (memory budget reached)`
          : `${msg.cancelled ? 'cancelled' : 'loaded'} in ${(msg.elapsedMs / 1000).toFixed(1)} s`;
      view.finish();
      ended();
      showReadFurther();
      void insights.load(msg.rowCount);
      break;
    case 'error':
      messages.add('error', msg.message, reopenButton());
      state.done = true;
      view.updateShowing();
      ended();
      break;
    case 'warning':
      messages.add('warning', msg.message);
      break;
    case 'sourceChanged':
      state.sourceChanged = true;
      showReadFurther();
      view.updateShowing();
      break;
    case 'rows':
    case 'stats':
    case 'profile':
    case 'ack':
    case 'failed':
      host.settle(msg);
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isToWebview(event.data)) receive(event.data);
});

progressBar.setAttribute('indeterminate', '');
host.post({ type: 'ready' });
