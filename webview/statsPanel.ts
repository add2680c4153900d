// The statistics side panel of one column: counts, min, max, mean and the most frequent values.
import { cellText } from '../src/cellText';
import type { Cell, ColumnInfo, ColumnStats } from '../src/protocol';
import { button, el, fmt } from './dom';
import type { GridView } from './gridView';
import type { HostClient } from './hostClient';
import type { PreviewState } from './state';
import type { Toast } from './toast';

/** Min and max of a column without values are absent, not missing cells. */
function extreme(v: Cell | undefined, col: ColumnInfo): string {
  return v === null || v === undefined ? '' : cellText(v, col);
}

function statsRow(table: HTMLTableElement, label: string, value: string): void {
  const tr = el('tr');
  tr.append(el('th', undefined, label), el('td', undefined, value));
  table.append(tr);
}

/** The side panel that shows the statistics the host computes for a column. */
export class StatsPanel {
  /** The panel's element (hidden until statistics are shown). */
  readonly element = el('aside', 'stats');

  constructor(
    private readonly state: PreviewState,
    private readonly grid: GridView,
    private readonly host: HostClient,
    private readonly toast: Toast,
  ) {
    this.element.hidden = true;
  }

  /** Asks the host for the statistics of the focused column (else the first data column) and shows them. */
  async show(): Promise<void> {
    const columns = this.state.columns;
    const col = this.grid.focusedColumn() ?? columns.find((c) => !c.index) ?? columns[0];
    if (!col) return;
    const r = await this.host.request((id) => ({ type: 'getStats', id, colId: col.id })).catch(() => undefined);
    if (!r) return;
    if (r.type !== 'stats' || !r.stats) {
      return this.toast.show(r.type === 'stats' ? (r.error ?? 'No statistics.') : 'No statistics.');
    }
    this.render(col, r.stats);
  }

  private render(col: ColumnInfo, s: ColumnStats): void {
    this.element.replaceChildren();
    const head = el('div', 'stats-head');
    const close = button('Close', 'Hide statistics', () => (this.element.hidden = true));
    head.append(el('h2', undefined, `${col.name || 'index'} · ${col.type}`), close);
    const t = el('table');
    statsRow(t, 'Rows', fmt(s.count));
    statsRow(t, 'Missing', fmt(s.nulls));
    statsRow(t, 'Distinct', `${fmt(s.distinct)}${s.distinctCapped ? '+' : ''}`);
    statsRow(t, 'Min', extreme(s.min, col));
    statsRow(t, 'Max', extreme(s.max, col));
    if (s.mean !== undefined) statsRow(t, 'Mean', String(Number(s.mean.toPrecision(8))));
    const top = el('table', 'top');
    top.append(el('caption', undefined, 'Top values'));
    for (const { value, count } of s.top) statsRow(top, cellText(value, col), fmt(count));
    this.element.append(head, t, top);
    this.element.hidden = false;
  }
}
