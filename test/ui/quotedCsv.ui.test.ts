// A CSV as pandas writes it, as a user sees it in code-server + Chromium: text that holds the delimiter, a quote or a
// newline is quoted (each quote in it doubled), and names go beyond ASCII. The object is big enough that most of it
// is parsed on the parse threads, a piece at a time; cells far into it show exactly as pandas would read them back.
import * as assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { gridCell, openServedCsvPreview, type ServedCsvPreview, showingRows } from '../harness/previewUi';
import { screenshot } from '../harness/workbench';

const BUCKET = 'lake';
const KEY = 'notes.csv';
const ROWS = 150_000;

/** Row `i`: an id, a name (every fifth beyond ASCII) and a note (every third quoted: a comma, quotes, a newline). */
function row(i: number) {
  return {
    id: String(i),
    name: i % 5 === 0 ? `Zoë Łódź ${i}` : `name ${i}`,
    note: i % 3 === 0 ? `say "hi", ${i}\nagain` : `plain ${i}`,
  };
}

/** A cell as pandas' to_csv writes it. */
function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const csv = `id,name,note\n${Array.from({ length: ROWS }, (_, i) => {
  const r = row(i);
  return `${r.id},${csvCell(r.name)},${csvCell(r.note)}`;
}).join('\n')}\n`;

describe('a CSV with quoted cells and text beyond ASCII, past the first batches (UI)', function () {
  this.timeout(240_000);
  let preview: ServedCsvPreview | undefined;
  let page: Page;
  let grid: FrameLocator;

  const cellText = async (rowIndex: number, colId: string) =>
    (await gridCell(grid, rowIndex, colId).textContent()) ?? '';

  /** Waits until the grid shows `rows` of the table's rows, the first with id `firstId`. */
  const showing = async (rows: number, firstId: string) => {
    await showingRows(grid, rows, ROWS).waitFor({ timeout: 20_000 });
    await gridCell(grid, 0, 'c0')
      .filter({ hasText: new RegExp(`^${firstId}$`) })
      .waitFor({ timeout: 20_000 });
  };

  /** Types `text` into an empty quick search and waits for `rows` rows, the first with id `firstId`. */
  const search = async (text: string, rows: number, firstId: string) => {
    await grid.locator('#quick-filter').click();
    await page.keyboard.type(text);
    await showing(rows, firstId);
  };

  /** Empties the quick search and waits for every row. */
  const clearSearch = async () => {
    await grid.locator('#quick-filter').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await showing(ROWS, '0');
  };

  before(async () => {
    preview = await openServedCsvPreview(csv, ROWS, BUCKET, KEY);
    ({ grid } = preview);
    page = preview.wb.page;
  });
  after(async () => {
    await preview?.close();
  });

  it('reads every row, the quoted newlines inside their cells, with the types pandas gives', async () => {
    assert.ok(csv.length > 4_000_000, `${csv.length} bytes: more than the first megabyte parsed in the table worker`);
    assert.deepEqual(await grid.locator('.ag-header-cell-text').allTextContents(), [
      'id · integer',
      'name · string',
      'note · string',
    ]);
    assert.deepEqual(await grid.locator('.messages [role="alert"]').allTextContents(), []);
  });

  it('shows a quoted cell far into the object as written: its comma, its quotes and its newline', async () => {
    const i = 145_002;
    await search(`"hi", ${i}`, 1, row(i).id);
    assert.deepEqual(
      [await cellText(0, 'c0'), await cellText(0, 'c1'), await cellText(0, 'c2')],
      [row(i).id, row(i).name, row(i).note],
    );
    console.log(`      a quoted cell at row ${i}: ${await screenshot(page, 'quoted-csv-cell')}`);
    await clearSearch();
  });

  it('shows text beyond ASCII far into the object as written, beside a plain cell', async () => {
    const i = 133_335;
    await search(String(i), 1, row(i).id);
    assert.deepEqual(
      [await cellText(0, 'c0'), await cellText(0, 'c1'), await cellText(0, 'c2')],
      [row(i).id, row(i).name, row(i).note],
    );
    await clearSearch();
    // Every fifth name is beyond ASCII: a search finds each of them.
    await search('zo', ROWS / 5, '0');
    assert.equal(await cellText(0, 'c1'), row(0).name);
  });
});
