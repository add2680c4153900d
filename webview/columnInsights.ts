// The distribution in each column header (histogram, top values, missing share), computed by the host, and the
// filter a click on one of its bars sets through the grid's own column filters. Built from DOM elements and CSS
// classes only; every value goes in as text.
import type { GridApi, IFloatingFilterComp, IFloatingFilterParams } from 'ag-grid-community';
import {
  type Cell,
  type ColumnFilter,
  type ColumnInfo,
  type ColumnProfile,
  IN_DATE_RANGE,
  IS_EXACTLY,
} from '../src/protocol';
import { button, el, fmt } from './dom';
import type { HostClient } from './hostClient';

/** One clickable bar: what it shows and the column filter it sets. */
interface Bar {
  /** Stable id of the bar within its column (to mark it while its filter is on). */
  key: string;
  /** What the bar holds, e.g. "10 – 20" or "Oslo". */
  label: string;
  count: number;
  /** The filter that shows exactly the bar's rows; undefined when the bar cannot be shown on its own ("other"). */
  filter: ColumnFilter | undefined;
  /** A style variant: missing values and "other" are drawn apart from the data. */
  variant?: 'missing' | 'other';
}

/** A short, finite label for a number (never NaN). */
function numberLabel(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : v < 0 ? '-inf' : '?';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** A date label as fine as the histogram's range needs. */
function dateLabel(ms: number, spanMs: number): string {
  if (!Number.isFinite(ms)) return '?';
  const iso = new Date(Math.round(ms)).toISOString();
  if (spanMs >= 3 * 86_400_000) return iso.slice(0, 10);
  if (spanMs >= 3 * 60_000) return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  return iso.slice(0, 23).replace('T', ' ');
}

function percent(part: number, whole: number): string {
  if (whole === 0) return '0%';
  const p = (100 * part) / whole;
  // Neither a few rows nor all but a few round to none or all.
  if (p > 0 && p < 1) return '<1%';
  if (p > 99 && p < 100) return '>99%';
  return `${Math.round(p)}%`;
}

function isNumeric(col: ColumnInfo): boolean {
  return col.type === 'integer' || col.type === 'float';
}

/** The value a top-value bar filters on, for a column with a number filter. */
function numberOf(text: string): number {
  return text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);
}

/** The bars of a column's profile, in the order shown. */
function barsOf(col: ColumnInfo, p: ColumnProfile): Bar[] {
  const bars: Bar[] = [];
  const numberFilter = isNumeric(col);
  if (p.kind === 'histogram') {
    const { edges, counts } = p;
    const span = edges[edges.length - 1] - edges[0];
    const label = (v: number) => (p.valueType === 'datetime' ? dateLabel(v, span) : numberLabel(v));
    counts.forEach((count, k) => {
      const lo = edges[k];
      const hi = edges[k + 1];
      const last = k === counts.length - 1;
      let filter: ColumnFilter;
      if (p.valueType === 'datetime') {
        // Cells are whole milliseconds: [lo, hi) holds t exactly when ceil(lo) <= t < ceil(hi); the last bin is closed.
        const to = last ? Math.floor(hi) + 1 : Math.ceil(hi);
        filter = {
          filterType: 'text',
          type: IN_DATE_RANGE,
          filter: new Date(Math.ceil(lo)).toISOString(),
          filterTo: new Date(to).toISOString(),
        };
      } else {
        filter = {
          filterType: 'number',
          operator: 'AND',
          conditions: [
            { filterType: 'number', type: 'greaterThanOrEqual', filter: lo },
            { filterType: 'number', type: last ? 'lessThanOrEqual' : 'lessThan', filter: hi },
          ],
        };
      }
      bars.push({ key: `bin${k}`, label: `[${label(lo)}, ${label(hi)}${last ? ']' : ')'}`, count, filter });
    });
  } else if (p.kind === 'top') {
    for (const [k, t] of p.top.entries()) {
      const filter: ColumnFilter = numberFilter
        ? { filterType: 'number', type: 'equals', filter: numberOf(t.value) }
        : { filterType: 'text', type: IS_EXACTLY, filter: t.value };
      bars.push({ key: `top${k}`, label: t.value === '' ? '(empty text)' : t.value, count: t.count, filter });
    }
    if (p.other > 0) {
      const label = `${fmt(p.distinct - p.top.length)}${p.distinctCapped ? '+' : ''} other values`;
      bars.push({ key: 'other', label, count: p.other, filter: undefined, variant: 'other' });
    }
  }
  if (p.missing > 0) {
    const filter: ColumnFilter = { filterType: numberFilter ? 'number' : 'text', type: 'blank' };
    bars.push({ key: 'missing', label: 'missing', count: p.missing, filter, variant: 'missing' });
  }
  return bars;
}

/** The caption under the bars: range or distinct count, and the missing share. */
function captionOf(p: ColumnProfile): [string, string] {
  const missing = p.missing > 0 ? `missing ${percent(p.missing, p.rows)}` : 'none missing';
  if (p.kind === 'empty') return [p.rows === 0 ? 'no rows' : 'all missing', ''];
  if (p.kind === 'top') return [`${fmt(p.distinct)}${p.distinctCapped ? '+' : ''} distinct`, missing];
  const first = p.edges[0];
  const last = p.edges[p.edges.length - 1];
  const span = last - first;
  const label = (v: number) => (p.valueType === 'datetime' ? dateLabel(v, span) : numberLabel(v));
  const extra = p.nonFinite > 0 ? ` · ${fmt(p.nonFinite)} not binned` : '';
  return [`${label(first)} – ${label(last)}`, missing + extra];
}

/** A filter model reduced to what decides the rows it keeps (the grid may add or drop empty fields). */
function filterKey(model: unknown): string {
  if (typeof model !== 'object' || model === null) return '';
  const m = model as Record<string, unknown>;
  const conditions = Array.isArray(m.conditions) ? m.conditions.map(filterKey) : undefined;
  return JSON.stringify([
    m.filterType,
    m.type ?? null,
    m.filter ?? null,
    m.filterTo ?? null,
    m.operator ?? null,
    conditions,
  ]);
}

/** The header distributions of one preview: profiles from the host, filters set by clicking a bar, the chip. */
export class ColumnInsights {
  /** The "filtered by a header chart" line with its Clear button. */
  readonly element = el('div', 'insight-filter');
  private profiles = new Map<string, ColumnProfile>();
  private rows = 0;
  private partial = false;
  /** Why the charts drawn are not of the rows held now: reading on, or a new distribution being computed. */
  private pending: 'reading' | 'computing' | undefined;
  /** The rows the distribution being computed covers. */
  private pendingRows = 0;
  /** Counts requests, so that only the reply to the latest one is drawn. */
  private generation = 0;
  /** What a chart without a profile says: waiting for the table, computing, or why there is none. */
  private status = 'distribution once loaded';
  private readonly headers = new Set<InsightChart>();

  constructor(
    private readonly host: HostClient,
    private readonly api: () => GridApi<Cell[]> | undefined,
    private readonly columns: () => ColumnInfo[],
  ) {
    this.element.id = 'insight-filter';
    this.element.hidden = true;
  }

  /**
   * Asks the host for every column's distribution over the `rows` it holds, and redraws the headers. Charts drawn
   * before stay until the new ones arrive, and the note says they are being computed.
   */
  async load(rows: number): Promise<void> {
    const generation = ++this.generation;
    this.status = 'computing distribution…';
    this.pending = 'computing';
    this.pendingRows = rows;
    this.redraw();
    const r = await this.host
      .request((id) => ({ type: 'getProfile', id }))
      .catch((e: unknown) => (e instanceof Error ? e : undefined));
    if (generation !== this.generation) return;
    this.pending = undefined;
    this.status = r instanceof Error ? `no distribution: ${r.message}` : 'no distribution';
    if (r && !(r instanceof Error) && r.type === 'profile') {
      this.profiles = new Map(r.profiles.map((p) => [p.colId, p]));
      this.rows = r.rows;
      this.partial = r.partial;
    }
    this.redraw();
  }

  /** Reading goes on past the rows the charts cover (Read Further): the note says so until `load` is called. */
  readingOn(): void {
    this.generation++;
    this.pending = 'reading';
    this.redraw();
  }

  /** The grid's filters changed: mark the bars whose filter is on. */
  filtersChanged(): void {
    this.redraw();
  }

  /** The bar of a column whose filter is the column's filter now (also after a reload restored it). */
  private activeBar(colId: string): { col: ColumnInfo; bar: Bar } | undefined {
    const col = this.columns().find((c) => c.id === colId);
    const p = this.profiles.get(colId);
    const model = this.api()?.getColumnFilterModel(colId);
    if (!col || !p || !model) return undefined;
    const key = filterKey(model);
    const bar = barsOf(col, p).find((b) => b.filter && filterKey(b.filter) === key);
    return bar ? { col, bar } : undefined;
  }

  /** Registers a header; it draws its column's chart now and whenever profiles or filters change. */
  attach(header: InsightChart): void {
    this.headers.add(header);
  }

  /** Forgets a destroyed header. */
  detach(header: InsightChart): void {
    this.headers.delete(header);
  }

  /** Draws one column's chart into `into`. */
  render(colId: string, into: HTMLElement): void {
    const col = this.columns().find((c) => c.id === colId);
    const p = this.profiles.get(colId);
    into.replaceChildren();
    if (!col || !p) {
      const caption = el('div', 'insight-caption', this.status);
      caption.title = this.status;
      into.append(caption);
      return;
    }
    const bars = barsOf(col, p);
    const max = Math.max(1, ...bars.map((b) => b.count));
    const chart = el('div', 'insight-bars');
    chart.setAttribute('role', 'group');
    chart.setAttribute('aria-label', `Distribution of ${col.name || 'index'}`);
    const active = this.activeBar(colId)?.bar.key;
    for (const bar of bars) {
      const b = el('div', `insight-bar${bar.variant ? ` ${bar.variant}` : ''}${bar.key === active ? ' active' : ''}`);
      const fill = el('div', 'insight-fill');
      // A height set through the CSSOM, which the CSP allows (no style attribute, no inline style sheet).
      fill.style.height = bar.count === 0 ? '0' : `max(1px, ${((100 * bar.count) / max).toFixed(1)}%)`;
      b.append(fill);
      const text = `${bar.label}: ${fmt(bar.count)} rows (${percent(bar.count, p.rows)})`;
      b.title = bar.filter ? `${text}. Click to show only these rows.` : text;
      b.setAttribute('aria-label', text);
      b.dataset.bar = bar.key;
      if (bar.filter) {
        b.classList.add('clickable');
        b.setAttribute('role', 'button');
        b.addEventListener('click', (e) => {
          // The header would sort on this click.
          e.stopPropagation();
          void this.applyBar(col, bar);
        });
      }
      chart.append(b);
    }
    const [left, right] = captionOf(p);
    const caption = el('div', 'insight-caption');
    for (const text of [left, right]) {
      const span = el('span', undefined, text);
      span.title = text;
      caption.append(span);
    }
    into.append(chart, caption);
  }

  /** Filters the grid to a bar's rows, or back to all rows when the bar's filter is already on. */
  private async applyBar(col: ColumnInfo, bar: Bar): Promise<void> {
    const api = this.api();
    if (!api || !bar.filter) return;
    const on = this.activeBar(col.id)?.bar.key === bar.key;
    await api.setColumnFilterModel(col.id, on ? null : bar.filter);
    api.onFilterChanged();
  }

  /** Clears every filter a header bar set. */
  private async clear(): Promise<void> {
    const api = this.api();
    if (!api) return;
    for (const colId of this.profiles.keys()) if (this.activeBar(colId)) await api.setColumnFilterModel(colId, null);
    api.onFilterChanged();
  }

  private redraw(): void {
    for (const h of this.headers) h.draw();
    this.element.replaceChildren();
    const notes: string[] = [];
    if (this.profiles.size > 0) {
      if (this.pending === 'reading')
        notes.push(`Header charts cover the first ${fmt(this.rows)} rows; they are redrawn when reading stops.`);
      else if (this.pending === 'computing' && this.pendingRows !== this.rows)
        notes.push(
          `Header charts cover the first ${fmt(this.rows)} rows; computing them for the ${fmt(this.pendingRows)} rows loaded…`,
        );
      else if (this.partial)
        notes.push(`Header charts cover the ${fmt(this.rows)} rows loaded (loading stopped before the end).`);
    }
    const active = [...this.profiles.keys()].flatMap((colId) => this.activeBar(colId) ?? []);
    if (active.length > 0) {
      const labels = active.map(({ col, bar }) => `${col.name || 'index'}: ${bar.label}`).join('; ');
      notes.push(`Filtered by a header chart: ${labels}`);
    }
    this.element.append(el('span', undefined, notes.join(' ')));
    if (active.length > 0)
      this.element.append(button('Clear', 'Remove the filters set from header charts', () => void this.clear()));
    this.element.hidden = notes.length === 0;
  }
}

/** Parameters the grid passes to each column's chart. */
export interface InsightChartParams extends IFloatingFilterParams {
  /** The preview's insights. */
  insights: ColumnInsights;
}

/**
 * A column's distribution, drawn in the grid's floating-filter row under the column's name: part of the header,
 * sized by the grid, and clicks there neither sort nor move the column.
 */
export class InsightChart implements IFloatingFilterComp {
  private readonly gui = el('div', 'insight');
  private params!: InsightChartParams;

  /** Called by the grid once. */
  init(params: InsightChartParams): void {
    this.params = params;
    params.insights.attach(this);
    this.draw();
  }

  /** The chart's element. */
  getGui(): HTMLElement {
    return this.gui;
  }

  /** The column's filter changed: ColumnInsights redraws every chart on the grid's filter event. */
  onParentModelChanged(): void {
    // Nothing to do here: the grid's filterChanged event reaches ColumnInsights.filtersChanged.
  }

  /** Draws the chart from the current profile. */
  draw(): void {
    this.params.insights.render(this.params.column.getColId(), this.gui);
  }

  /** Called by the grid when the header goes away. */
  destroy(): void {
    this.params.insights.detach(this);
  }
}
