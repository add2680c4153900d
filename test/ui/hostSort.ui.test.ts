// A sort by two columns of a table the grid pages from its table worker (more rows than
// xcomLens.preview.clientRowCap), as a user makes it in code-server + Chromium: a click on one header and a
// Shift-click on another. Rows missing the first column's value come last, ordered by the second column, as the
// grid's own sort orders smaller tables.
// Ids stored ascending, sorted descending: enough rows that the first window comes from the full sort rather than
// a top-N selection (topRows.ts gives way on rows in reverse order).
import * as assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { gridCell, openPreview } from '../harness/previewUi';
import { openWorkbench, screenshot, type Workbench } from '../harness/workbench';

const ROWS = 3000;
/** Ten rows with a group (0, 1 or 2), the others without; names unique and out of table order. */
const records = Array.from({ length: ROWS }, (_, i) => ({
  group: i < 10 ? i % 3 : null,
  name: `n${String((i * 7919) % ROWS).padStart(4, '0')}`,
}));

describe('sort by two columns, paged from the table worker (UI)', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let page: Page;
  let grid: FrameLocator;

  before(async () => {
    wb = await openWorkbench({
      files: { '.vscode/settings.json': JSON.stringify({ 'xcomLens.preview.clientRowCap': 1000 }) },
    });
    page = wb.page;
    grid = await openPreview(wb, page, { title: 'groups', inline: records });
  });

  after(async () => {
    await wb?.close();
  });

  const cellText = async (row: number, colId: string) => (await gridCell(grid, row, colId).textContent())?.trim();

  it('orders by the first column, then the second, rows missing the first last and by the second', async () => {
    await grid.locator('#showing').filter({ hasText: 'sorted and filtered in a background thread' }).waitFor();
    // 2,990 of 3,000 groups missing: not rounded up to all of them.
    await grid
      .locator('.ag-floating-filter[aria-colindex="1"] .insight-caption')
      .filter({ hasText: /missing >99%/ })
      .waitFor({ timeout: 30_000 });
    await grid.locator('.ag-header-cell[col-id="c0"] .ag-header-cell-label').click();
    await grid.locator('.ag-header-cell[col-id="c1"] .ag-header-cell-label').click({ modifiers: ['Shift'] });
    const byGroupThenName = records
      .map((r, i) => ({ ...r, i }))
      .sort((a, b) => {
        if (a.group !== b.group) return a.group === null ? 1 : b.group === null ? -1 : a.group - b.group;
        return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
      });
    // The first of the rows without a group is the smallest name among them, not the first in table order.
    const firstMissing = byGroupThenName[10].name;
    assert.notEqual(firstMissing, records[10].name);
    await grid
      .locator('.ag-row[row-index="10"] [col-id="c1"]')
      .first()
      .filter({ hasText: firstMissing })
      .waitFor({ timeout: 30_000 });
    const shown: (string | undefined)[][] = [];
    for (let r = 0; r < 16; r++) shown.push([await cellText(r, 'c0'), await cellText(r, 'c1')]);
    assert.deepEqual(
      shown.map(([, name]) => name),
      byGroupThenName.slice(0, 16).map((r) => r.name),
    );
    assert.deepEqual(
      shown.slice(0, 10).map(([group]) => group),
      byGroupThenName.slice(0, 10).map((r) => `${r.group}.0`),
    );
    assert.deepEqual(await grid.locator('.messages [role="alert"]').allTextContents(), []);
    console.log(`      sorted by group, then name: ${await screenshot(page, 'host-sort-two-columns')}`);
  });

  it('sorts 70,000 ids stored ascending into descending order with two clicks on the header', async () => {
    // More rows than a top-N selection looks at before it gives way to the full sort on rows in reverse order.
    const ids = Array.from({ length: 70_000 }, (_, i) => ({ id: `id${String(i).padStart(6, '0')}` }));
    grid = await openPreview(wb, page, { title: 'ascending ids', inline: ids });
    await grid.locator('#showing').filter({ hasText: 'showing 70,000 of 70,000 rows' }).waitFor({ timeout: 60_000 });
    const header = grid.locator('.ag-header-cell[col-id="c0"] .ag-header-cell-label');
    await header.click();
    await grid.locator('.ag-row[row-index="0"] [col-id="c0"]').first().filter({ hasText: 'id000000' }).waitFor();
    await header.click();
    await grid
      .locator('.ag-row[row-index="0"] [col-id="c0"]')
      .first()
      .filter({ hasText: 'id069999' })
      .waitFor({ timeout: 30_000 });
    const shown: (string | undefined)[] = [];
    for (let r = 0; r < 5; r++) shown.push(await cellText(r, 'c0'));
    assert.deepEqual(shown, ['id069999', 'id069998', 'id069997', 'id069996', 'id069995']);
    assert.deepEqual(await grid.locator('.messages [role="alert"]').allTextContents(), []);
    console.log(`      ids descending: ${await screenshot(page, 'host-sort-reversed')}`);
  });
});
