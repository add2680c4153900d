// The preview grid as a user sees it, in code-server + Chromium: headers with types, sorting, filtering,
// hostile text rendered as text, copy through the host's clipboard, and screenshots in light and dark themes.
// A preview is opened by a user keybinding with arguments (keybindings.json is reloaded live), so the test
// needs no test hook in the extension.
import * as assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { openPreview, setTheme } from '../harness/previewUi';
import { openWorkbench, screenshot, type Workbench } from '../harness/workbench';

const XSS = '<img src=x onerror=alert(1)>';

/** Records in pandas orient=records: a hostile header and hostile cells, numbers to sort, a reference-looking value. */
const records = Array.from({ length: 30 }, (_, i) => ({
  id: i,
  amount: Math.round(((i * 37) % 101) * 1.5 * 100) / 100,
  city: ['Oslo', 'Lima', 'Pune'][i % 3],
  [XSS]: i % 2 ? XSS : `<b>bold ${i}</b>`,
  ref: i === 0 ? 'xcom_s3://my-bucket/data_5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b.csv' : null,
}));

describe('preview grid (UI)', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let page: Page;
  let grid: FrameLocator;
  const dialogs: string[] = [];

  before(async () => {
    wb = await openWorkbench();
    page = wb.page;
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    grid = await openPreview(wb, page, { title: 'ui frame', inline: records });
  });

  after(async () => {
    await wb?.close();
  });

  it('shows headers with their types and the row count', async () => {
    const headers = await grid.locator('.ag-header-cell-text').allTextContents();
    assert.deepEqual(headers.slice(0, 3), ['id · integer', 'amount · float', 'city · string']);
    await grid.locator('#showing').filter({ hasText: 'showing 30 of 30 rows' }).waitFor({ timeout: 10_000 });
  });

  it('renders hostile header and cell text as text', async () => {
    const headers = await grid.locator('.ag-header-cell-text').allTextContents();
    assert.ok(headers.includes(`${XSS} · string`), headers.join(' | '));
    const cells = await grid.locator('.ag-cell[col-id="c3"]').allTextContents();
    assert.ok(cells.includes(XSS), cells.join(' | '));
    assert.ok(cells.includes('<b>bold 0</b>'));
    assert.equal(await grid.locator('.ag-root img, .ag-root b').count(), 0);
    assert.deepEqual(dialogs, []);
  });

  it('renders a cell holding an XCom backend reference as a link', async () => {
    const link = grid.locator('.ag-cell[col-id="c4"] a.reference');
    assert.equal(await link.count(), 1);
    assert.equal(await link.textContent(), records[0].ref);
  });

  it('sorts numbers as numbers', async () => {
    await grid.locator('.ag-header-cell[col-id="c1"] .ag-header-cell-label').click();
    await page.waitForTimeout(500);
    const first = await grid.locator('.ag-row[row-index="0"] [col-id="c1"]').textContent();
    const values = records.map((r) => r.amount).sort((a, b) => a - b);
    assert.equal(Number(first), values[0]);
    await grid.locator('.ag-header-cell[col-id="c1"] .ag-header-cell-label').click();
    await page.waitForTimeout(500);
    assert.equal(Number(await grid.locator('.ag-row[row-index="0"] [col-id="c1"]').textContent()), values.at(-1));
  });

  it('filters with the quick search', async () => {
    await grid.locator('#quick-filter').click();
    await page.keyboard.type('Lima');
    await grid.locator('#showing').filter({ hasText: 'showing 10 of 30 rows' }).waitFor({ timeout: 10_000 });
    await grid.locator('#quick-filter').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await grid.locator('#showing').filter({ hasText: 'showing 30 of 30 rows' }).waitFor({ timeout: 10_000 });
  });

  it('shows column statistics computed by the host', async () => {
    await grid.locator('.ag-row[row-index="0"] [col-id="c1"]').click();
    await grid.locator('vscode-button', { hasText: 'Stats' }).click();
    const stats = grid.locator('aside.stats');
    await stats.waitFor({ state: 'visible', timeout: 10_000 });
    const text = await stats.textContent();
    assert.match(text ?? '', /amount · float/);
    assert.match(text ?? '', /Rows\s*30/);
    assert.match(text ?? '', /Missing\s*0/);
  });

  it('copies the focused cell through the host clipboard', async () => {
    await grid.locator('.ag-row[row-index="0"] [col-id="c2"]').click();
    await grid.locator('vscode-button', { hasText: 'Copy Cell' }).click();
    await grid.locator('.toast.visible').filter({ hasText: 'Copied the cell.' }).waitFor({ timeout: 10_000 });
  });

  it('survives a window reload and follows light, dark and high-contrast themes (screenshots)', async () => {
    grid = await setTheme(wb, page, 'Default Light Modern');
    await grid.locator('#showing').filter({ hasText: 'showing 30 of 30 rows' }).waitFor({ timeout: 10_000 });
    const lightBackground = await grid
      .locator('.ag-root-wrapper')
      .evaluate(
        (e) =>
          (globalThis as unknown as { getComputedStyle(el: unknown): { backgroundColor: string } }).getComputedStyle(e)
            .backgroundColor,
      );
    console.log(`      light: ${await screenshot(page, 'preview-light')}`);
    grid = await setTheme(wb, page, 'Default Dark Modern');
    console.log(`      dark: ${await screenshot(page, 'preview-dark')}`);
    const background = await grid
      .locator('.ag-root-wrapper')
      .evaluate(
        (e) =>
          (globalThis as unknown as { getComputedStyle(el: unknown): { backgroundColor: string } }).getComputedStyle(e)
            .backgroundColor,
      );
    assert.notEqual(background, lightBackground, 'the grid follows the theme');
    grid = await setTheme(wb, page, 'Default High Contrast');
    console.log(`      high contrast: ${await screenshot(page, 'preview-high-contrast')}`);
    const contrastBackground = await grid
      .locator('.ag-root-wrapper')
      .evaluate(
        (e) =>
          (globalThis as unknown as { getComputedStyle(el: unknown): { backgroundColor: string } }).getComputedStyle(e)
            .backgroundColor,
      );
    assert.equal(contrastBackground, 'rgb(0, 0, 0)', 'high contrast: a black grid');
  });
});
