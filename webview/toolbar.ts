// The toolbar: quick search over all cells, the copy format, the action buttons and Cancel.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { CopyFormat } from '../src/protocol';
import { button, debounce, el } from './dom';

/** Quick search waits this long after the last key. */
const SEARCH_DELAY_MS = 250;

/** What the toolbar's controls do. */
export interface ToolbarActions {
  /** The quick search text changed (debounced). */
  search(text: string): void;
  /** Fit columns to their contents. */
  autoSize(): void;
  /** Show statistics of the focused column. */
  stats(): void;
  /** Copy the focused cell. */
  copyCell(): void;
  /** Copy the selected rows. */
  copyRows(): void;
  /** Copy the focused column. */
  copyColumn(): void;
  /** Export the table as CSV. */
  exportCsv(): void;
  /** Stop reading the table. */
  cancel(): void;
  /** Read on past the memory budget. */
  readFurther(): void;
}

/** The toolbar's element and the controls others read or hide. */
export class Toolbar {
  /** The toolbar's element. */
  readonly element = el('div', 'toolbar');
  /** Cancel, hidden once the table is read. */
  readonly cancelButton: HTMLElement;
  /** Read further, shown while reading stopped at the memory budget. */
  readonly readFurtherButton: HTMLElement;
  private readonly formatSelect = document.createElement('vscode-single-select') as HTMLElement & { value: string };

  constructor(quickFilter: string, actions: ToolbarActions) {
    this.element.setAttribute('role', 'toolbar');
    const search = document.createElement('vscode-textfield') as HTMLElement & { value: string };
    search.setAttribute('placeholder', 'Search all cells');
    search.setAttribute('aria-label', 'Search all cells');
    search.id = 'quick-filter';
    search.value = quickFilter;
    search.addEventListener(
      'input',
      debounce(() => actions.search(search.value), SEARCH_DELAY_MS),
    );
    this.formatSelect.setAttribute('aria-label', 'Copy format');
    this.formatSelect.title = 'Format used when copying';
    for (const [value, label] of [
      ['tsv', 'TSV'],
      ['csv', 'CSV'],
      ['markdown', 'Markdown'],
    ]) {
      const o = document.createElement('vscode-option');
      o.setAttribute('value', value);
      o.textContent = label;
      this.formatSelect.append(o);
    }
    this.cancelButton = button('Cancel', 'Stop downloading; keep the rows read so far', actions.cancel, false);
    this.cancelButton.id = 'cancel';
    this.readFurtherButton = button(
      'Read Further',
      'Read more of the object, up to the memory budget again (xcomLens.preview.memoryBudgetMB)',
      actions.readFurther,
      false,
    );
    this.readFurtherButton.id = 'read-further';
    this.readFurtherButton.hidden = true;
    this.element.append(
      search,
      button('Auto-size', 'Fit columns to their contents', actions.autoSize),
      button('Stats', 'Statistics of the focused column', actions.stats),
      this.formatSelect,
      button('Copy Cell', 'Copy the focused cell', actions.copyCell),
      button('Copy Rows', 'Copy the selected rows with headers', actions.copyRows),
      button('Copy Column', 'Copy the focused column (as filtered and sorted) with its header', actions.copyColumn),
      button('Export CSV…', 'Save the table (as filtered and sorted) as CSV', actions.exportCsv),
      this.cancelButton,
      this.readFurtherButton,
    );
  }

  /** The copy format picked. */
  copyFormat(): CopyFormat {
    const v = this.formatSelect.value;
    return v === 'csv' || v === 'markdown' ? v : 'tsv';
  }
}
