// ISO dates in a CSV preview as a user sees them, in code-server + Chromium: a column of date-times the way pandas
// writes them and one of dates, held as numbers in the table worker (which sorts and searches past clientRowCap).
// Each cell shows exactly as written; a click on a header sorts in date order both ways, the missing cells last; the
// header histogram's bin filters to its dates; a quick search for a date finds its rows.
import * as assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { gridCell, openServedCsvPreview, type ServedCsvPreview, showingRows } from '../harness/previewUi';
import { screenshot } from '../harness/workbench';

const BUCKET = 'dates';
const KEY = 'runs.csv';
const ROWS = 5000;

/** Rows of id, a date-time (pandas' to_csv spelling, spread over 1990–2052) and its date; every 97th at is missing. */
const rows = Array.from({ length: ROWS }, (_, i) => {
  const stamp = new Date(Date.UTC(1990, 0, 1) + ((i * 7919) % ROWS) * 397_000_000 + i * 1000).toISOString();
  return { id: String(i), at: i % 97 === 0 ? '' : stamp.slice(0, 19).replace('T', ' '), day: stamp.slice(0, 10) };
});
const csv = `id,at,day\n${rows.map((r) => `${r.id},${r.at},${r.day}`).join('\n')}\n`;

describe('ISO dates in the preview grid (UI)', function () {
  this.timeout(240_000);
  let preview: ServedCsvPreview | undefined;
  let page: Page;
  let grid: FrameLocator;

  /** The texts of column `colId` in the first `n` rows the grid shows. */
  const firstCells = async (colId: string, n: number): Promise<string[]> => {
    const out: string[] = [];
    for (let r = 0; r < n; r++) out.push((await gridCell(grid, r, colId).textContent()) ?? '');
    return out;
  };

  before(async () => {
    // Past clientRowCap the grid sorts and searches in the table worker, where the dates are held as numbers.
    preview = await openServedCsvPreview(csv, ROWS, BUCKET, KEY);
    ({ grid } = preview);
    page = preview.wb.page;
  });
  after(async () => {
    await preview?.close();
  });

  it('types both columns as datetime and shows every cell as written', async () => {
    const headers = await grid.locator('.ag-header-cell-text').allTextContents();
    assert.deepEqual(headers, ['id · integer', 'at · datetime', 'day · datetime']);
    assert.deepEqual(
      await firstCells('c1', 5),
      rows.slice(0, 5).map((r) => r.at || 'NaN'),
    );
    assert.deepEqual(
      await firstCells('c2', 5),
      rows.slice(0, 5).map((r) => r.day),
    );
  });

  it('sorts by a date-time header in date order both ways, the missing cells last', async () => {
    const present = rows.map((r) => r.at).filter((at) => at !== '');
    const ascending = [...present].sort();
    const header = grid.locator('.ag-header-cell[col-id="c1"] .ag-header-cell-label');
    await header.click();
    await page.waitForTimeout(800);
    assert.deepEqual(await firstCells('c1', 8), ascending.slice(0, 8));
    await header.click();
    await page.waitForTimeout(800);
    assert.deepEqual(await firstCells('c1', 8), [...ascending].reverse().slice(0, 8));
    console.log(`      sorted by date-time, descending: ${await screenshot(page, 'preview-iso-dates-sorted')}`);
    // The last rows of the descending order: the missing cells, shown as NaN.
    const last = gridCell(grid, ROWS - 1, 'c1');
    const scrollBar = grid.locator('.ag-body-vertical-scroll-viewport');
    for (let attempt = 0; attempt < 20 && !(await last.isVisible()); attempt++) {
      await scrollBar.evaluate((e) => (e.scrollTop = e.scrollHeight));
      await page.waitForTimeout(500);
    }
    await last.waitFor({ timeout: 10_000 });
    assert.equal(await last.textContent(), 'NaN');
    await header.click();
  });

  it('draws the dates in a header histogram and filters to a bin of it, from included, to excluded', async () => {
    // numpy.histogram's first of 20 equal bins over the days' epoch milliseconds: [min, min + width).
    const days = rows.map((r) => Date.parse(`${r.day}T00:00:00Z`));
    const [min, max] = [Math.min(...days), Math.max(...days)];
    const inFirstBin = days.filter((ms) => ms < min + (max - min) / 20).length;
    const bar = grid.locator('.ag-floating-filter[aria-colindex="3"] .insight .insight-bar').first();
    await bar.waitFor({ timeout: 20_000 });
    await bar.click();
    await showingRows(grid, inFirstBin, ROWS).waitFor({ timeout: 10_000 });
    console.log(`      filtered to the first bin of day: ${await screenshot(page, 'preview-iso-dates-bin')}`);
    await grid.locator('#insight-filter vscode-button', { hasText: 'Clear' }).click();
    await showingRows(grid, ROWS, ROWS).waitFor({ timeout: 10_000 });
  });

  it('finds the rows of a date with the quick search', async () => {
    const day = rows[1234].day;
    const want = rows.filter((r) => r.day === day || r.at.startsWith(day)).length;
    await grid.locator('#quick-filter').click();
    await page.keyboard.type(day);
    await showingRows(grid, want, ROWS).waitFor({ timeout: 10_000 });
    assert.ok((await firstCells('c2', 1))[0] === day);
  });
});
