// Column distributions in the preview's headers, as a user sees them in code-server + Chromium: a histogram for
// numbers and dates, top values for text, the missing share, sensible pictures for a single-value and an all-missing
// column; a click on a bar filters the grid (row count shown) and Clear shows every row again. Screenshots in light
// and dark themes.
import * as assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { openPreview, setTheme } from '../harness/previewUi';
import { openWorkbench, screenshot, type Workbench } from '../harness/workbench';

const ROWS = 40;
const CITIES = ['Oslo', 'Oslo', 'Oslo', 'Lima', 'Lima', 'Pune', 'Kyiv', 'Baku', 'Rome', 'Nuuk'];

/**
 * amount = 0…39: 20 bins of width 1.95 over [0, 39], so the first bin holds 0 and 1; day = one date per day of
 * January 2024 and ten missing; city = text with a top value; flag = one value; nothing = all missing.
 */
const records = Array.from({ length: ROWS }, (_, i) => ({
  amount: i,
  day: i < 30 ? `2024-01-${String(i + 1).padStart(2, '0')}` : null,
  city: CITIES[i % CITIES.length],
  flag: 7,
  nothing: null,
}));

/** The chart under a column's header. */
function chart(grid: FrameLocator, colId: string) {
  return grid.locator(`.ag-floating-filter[aria-colindex="${Number(colId.slice(1)) + 1}"] .insight`);
}

/** Waits for "showing n of 40 rows". */
async function showing(grid: FrameLocator, rows: number): Promise<void> {
  await grid
    .locator('#showing')
    .filter({ hasText: `showing ${rows} of ${ROWS} rows` })
    .waitFor({ timeout: 10_000 });
}

/** The texts of a column's cells the grid shows (rows filtered out may stay in the DOM, hidden, for a while). */
async function shownCells(grid: FrameLocator, colId: string): Promise<string[]> {
  await new Promise((resolve) => setTimeout(resolve, 800));
  const texts = await grid.locator(`.ag-cell[col-id="${colId}"]`).filter({ visible: true }).allTextContents();
  return texts.sort();
}

describe('column distributions in the headers (UI)', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let page: Page;
  let grid: FrameLocator;

  before(async () => {
    wb = await openWorkbench();
    page = wb.page;
    grid = await openPreview(wb, page, { title: 'insights frame', inline: records });
    await chart(grid, 'c0').locator('.insight-bar').first().waitFor({ timeout: 20_000 });
  });

  after(async () => {
    await wb?.close();
  });

  it('draws a histogram for numbers and dates, top values for text, and says what is missing', async () => {
    assert.equal(await chart(grid, 'c0').locator('.insight-bar').count(), 20, 'amount: 20 bins');
    assert.equal(await chart(grid, 'c1').locator('.insight-bar:not(.missing)').count(), 20, 'day: 20 bins');
    assert.equal(await chart(grid, 'c1').locator('.insight-bar.missing').count(), 1, 'day: a missing bar');
    assert.match((await chart(grid, 'c0').locator('.insight-caption').textContent()) ?? '', /0 – 39\s*none missing/);
    assert.match(
      (await chart(grid, 'c1').locator('.insight-caption').textContent()) ?? '',
      /2024-01-01 – 2024-01-30\s*missing 25%/,
    );
    const city = chart(grid, 'c2');
    assert.match((await city.locator('.insight-caption').textContent()) ?? '', /7 distinct/);
    assert.equal(await city.locator('.insight-bar').count(), 6, 'five top values and "other"');
    assert.match((await city.locator('.insight-bar').first().getAttribute('title')) ?? '', /^Oslo: 12 rows \(30%\)/);
  });

  it('gives a single-value and an all-missing column a picture, never a blank or NaN', async () => {
    const flag = (await chart(grid, 'c3').textContent()) ?? '';
    assert.match(flag, /6\.5 – 7\.5/);
    assert.match((await chart(grid, 'c4').textContent()) ?? '', /all missing/);
    const all = (await grid.locator('.insight').allTextContents()).join(' | ');
    assert.doesNotMatch(all, /NaN|undefined|Infinity/);
    const titles = await grid.locator('.insight-bar').evaluateAll((bars) => bars.map((b) => b.getAttribute('title')));
    assert.ok(
      titles.every((t) => t && !/NaN|undefined/.test(t)),
      titles.join(' | '),
    );
  });

  it('filters the grid to a bar when it is clicked, says so, and Clear shows every row again', async () => {
    await showing(grid, ROWS);
    await chart(grid, 'c0').locator('.insight-bar').first().click();
    await showing(grid, 2);
    assert.deepEqual(await shownCells(grid, 'c0'), ['0', '1']);
    await grid
      .locator('#insight-filter')
      .filter({ hasText: 'Filtered by a header chart: amount: [0, 1.95)' })
      .waitFor();
    assert.equal(await chart(grid, 'c0').locator('.insight-bar.active').count(), 1, 'the bar shows it is on');
    await page.waitForTimeout(1000);
    console.log(`      light, filtered: ${await screenshot(page, 'insights-filtered-light')}`);
    await grid.locator('#insight-filter vscode-button', { hasText: 'Clear' }).click();
    await showing(grid, ROWS);
    assert.equal(await grid.locator('#insight-filter').isVisible(), false);
  });

  it('filters to a top value, to missing values and to a date bin', async () => {
    await chart(grid, 'c2').locator('.insight-bar').first().click();
    await showing(grid, 12);
    await chart(grid, 'c2').locator('.insight-bar').first().click();
    await showing(grid, ROWS);
    await chart(grid, 'c1').locator('.insight-bar.missing').click();
    await showing(grid, 10);
    await chart(grid, 'c1').locator('.insight-bar.missing').click();
    await showing(grid, ROWS);
    // 30 days over 20 bins of 1.45 days: the first bin holds Jan 1 and Jan 2.
    await chart(grid, 'c1').locator('.insight-bar').first().click();
    await showing(grid, 2);
    assert.deepEqual(await shownCells(grid, 'c1'), ['2024-01-01', '2024-01-02']);
    await grid.locator('#insight-filter vscode-button', { hasText: 'Clear' }).click();
    await showing(grid, ROWS);
  });

  it('follows light and dark themes (screenshots)', async () => {
    grid = await setTheme(wb, page, 'Default Light Modern');
    await chart(grid, 'c0').locator('.insight-bar').first().waitFor({ timeout: 20_000 });
    const fill = () =>
      chart(grid, 'c0')
        .locator('.insight-fill')
        .first()
        .evaluate(
          (e) =>
            (globalThis as unknown as { getComputedStyle(el: unknown): { backgroundColor: string } }).getComputedStyle(
              e,
            ).backgroundColor,
        );
    const light = await fill();
    console.log(`      light: ${await screenshot(page, 'insights-light')}`);
    grid = await setTheme(wb, page, 'Default Dark Modern');
    await chart(grid, 'c0').locator('.insight-bar').first().waitFor({ timeout: 20_000 });
    await chart(grid, 'c2').locator('.insight-bar').first().click();
    await showing(grid, 12);
    await page.waitForTimeout(1000);
    console.log(`      dark, filtered: ${await screenshot(page, 'insights-dark')}`);
    assert.notEqual(await fill(), light, 'the bars follow the theme');
  });
});
