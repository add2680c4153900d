// Missing values in the grid as a user sees them, in code-server + Chromium: the marker pandas prints (NaN, None,
// NaT) as styled text, an empty string left empty, floats with their float look, datetimes from epoch
// milliseconds, missing cells last in both sort directions, and quick search and the Missing filter finding them.
import * as assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { gridCell, openPreview } from '../harness/previewUi';
import { openWorkbench, screenshot, type Workbench } from '../harness/workbench';

/** pandas' to_json(orient='records') of a frame with a float, a text and a datetime column, one row all gaps. */
const records = [
  { amount: 0.0, note: '', created_at: 1795075200000 },
  { amount: null, note: null, created_at: null },
  { amount: 12.5, note: 'paid', created_at: 1769903999000 },
];

describe('missing values in the preview grid (UI)', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let page: Page;
  let grid: FrameLocator;

  const column = async (colId: string) => grid.locator(`.ag-cell[col-id="${colId}"]`).allTextContents();

  before(async () => {
    wb = await openWorkbench();
    page = wb.page;
    grid = await openPreview(wb, page, { title: 'gaps', inline: records });
  });

  after(async () => {
    await wb?.close();
  });

  it('shows NaN, None and NaT as styled text, an empty string as empty, and values as pandas prints them', async () => {
    await grid.locator('#showing').filter({ hasText: 'showing 3 of 3 rows' }).waitFor({ timeout: 10_000 });
    const headers = await grid.locator('.ag-header-cell-text').allTextContents();
    assert.deepEqual(headers, ['amount · float', 'note · string', 'created_at · datetime']);
    assert.deepEqual(await column('c0'), ['0.0', 'NaN', '12.5']);
    assert.deepEqual(await column('c1'), ['', 'None', 'paid']);
    assert.deepEqual(await column('c2'), ['2026-11-19 08:00:00', 'NaT', '2026-01-31 23:59:59']);
    const missing = await grid.locator('.ag-cell.missing-value').allTextContents();
    assert.deepEqual(missing.sort(), ['NaN', 'NaT', 'None']);
    const style = await grid
      .locator('.ag-cell.missing-value')
      .first()
      .evaluate(
        (e) =>
          (globalThis as unknown as { getComputedStyle(el: unknown): { fontStyle: string } }).getComputedStyle(e)
            .fontStyle,
      );
    assert.equal(style, 'italic');
    console.log(`      missing markers: ${await screenshot(page, 'preview-missing-values')}`);
  });

  it('sorts missing cells last in both directions', async () => {
    const header = grid.locator('.ag-header-cell[col-id="c0"] .ag-header-cell-label');
    const sortedColumn = async () => {
      await page.waitForTimeout(500);
      const texts: (string | null)[] = [];
      for (let r = 0; r < records.length; r++) texts.push(await gridCell(grid, r, 'c0').textContent());
      return texts;
    };
    await header.click();
    assert.deepEqual(await sortedColumn(), ['0.0', '12.5', 'NaN']);
    await header.click();
    assert.deepEqual(await sortedColumn(), ['12.5', '0.0', 'NaN']);
    await header.click();
  });

  it('finds missing cells with the quick search', async () => {
    await grid.locator('#quick-filter').click();
    await page.keyboard.type('NaT');
    await grid.locator('#showing').filter({ hasText: 'showing 1 of 3 rows' }).waitFor({ timeout: 10_000 });
    // Rows leave the DOM after the filter's animation: wait for them to go.
    for (let i = 0; i < 50 && (await column('c2')).length > 1; i++) await page.waitForTimeout(100);
    assert.deepEqual(await column('c2'), ['NaT']);
    await grid.locator('#quick-filter').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await grid.locator('#showing').filter({ hasText: 'showing 3 of 3 rows' }).waitFor({ timeout: 10_000 });
  });

  it('filters the datetime column by Missing in its column filter', async () => {
    await grid.locator('.ag-header-cell[col-id="c2"] .ag-header-cell-filter-button').click();
    const popup = grid.locator('.ag-filter').first();
    await popup.waitFor({ state: 'visible', timeout: 10_000 });
    await popup.locator('.ag-picker-field-wrapper').first().click();
    await grid.locator('.ag-list-item', { hasText: 'Missing (NaN, None, NaT)' }).first().click();
    await grid.locator('#showing').filter({ hasText: 'showing 1 of 3 rows' }).waitFor({ timeout: 10_000 });
    for (let i = 0; i < 50 && (await column('c2')).length > 1; i++) await page.waitForTimeout(100);
    assert.deepEqual(await column('c2'), ['NaT']);
  });
});
