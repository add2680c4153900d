// A preview of an object far larger than the memory budget, as a user sees it in code-server + Chromium: a 3 GB CSV
// served by a loopback S3 stand-in that generates its bytes. Reading stops at the budget; the panel says exactly what
// it holds and that sort, filter and search cover that part; Read Further reads on; Cancel stops. 3 GB of JSON Lines
// stop at the budget the same way, with read_json's dtypes in the headers.
import * as assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import {
  fixedWidthCsv,
  fixedWidthJsonLines,
  startGeneratedObjectServer,
  type GeneratedObjectServer,
  unendingRowCsv,
  wideTextCsv,
} from '../fixtures/servers/generatedObjects';
import { gridCell, openPreview, s3PreviewArgs, STAND_IN_AWS_ENV, waitOrLog } from '../harness/previewUi';
import { openWorkbench, screenshot, type Workbench } from '../harness/workbench';

const BUCKET = 'budget';
const KEY = 'huge.csv';
const UNCLOSED_KEY = 'unclosed-quote.csv';
const JSON_LINES_KEY = 'huge.jsonl';
const WIDE_KEY = 'wide.csv';
const WIDE = wideTextCsv(3e9, 2000);

describe('preview past the memory budget (UI)', function () {
  this.timeout(300_000);
  let server: GeneratedObjectServer | undefined;
  let wb: Workbench | undefined;
  let page: Page;
  let grid: FrameLocator;

  before(async () => {
    server = await startGeneratedObjectServer({
      [`${BUCKET}/${KEY}`]: fixedWidthCsv(3e9),
      [`${BUCKET}/${UNCLOSED_KEY}`]: unendingRowCsv(3e9, 1000, true),
      [`${BUCKET}/${JSON_LINES_KEY}`]: fixedWidthJsonLines(3e9),
      [`${BUCKET}/${WIDE_KEY}`]: WIDE,
    });
    wb = await openWorkbench({
      env: STAND_IN_AWS_ENV,
      files: { '.vscode/settings.json': JSON.stringify({ 'xcomLens.preview.memoryBudgetMB': 64 }) },
    });
    page = wb.page;
  });
  after(async () => {
    await wb?.close();
    await server?.close();
  });

  /** The progress line once reading stopped at the budget of a 3 GB object. */
  const heldAtBudget = () =>
    grid.locator('#progress').filter({ hasText: /the first [\d,]+ rows · [\d.]+ (?:[KM]B )?of 3\.0 GB read/ });
  const fmt = (n: number) => n.toLocaleString('en-US');
  const rowsShown = async (): Promise<number> =>
    Number(
      /of (?:the first )?([\d,]+) rows/
        .exec((await grid.locator('#showing').textContent()) ?? '')?.[1]
        .replace(/,/g, '') ?? NaN,
    );

  /** What the panel showed, each time it changed, since {@link recordPanel}. */
  interface Shown {
    note: string;
    readFurtherHidden: boolean;
  }

  /** Starts recording, in the panel, the charts note and whether Read Further is hidden at every change. */
  const recordPanel = (panel: FrameLocator) =>
    panel.locator('body').evaluate((body) => {
      const doc = body.ownerDocument;
      const seen: Shown[] = [];
      const note = () => ({
        note: doc.querySelector('#insight-filter')?.textContent ?? '',
        readFurtherHidden: [...doc.querySelectorAll('vscode-button')].some(
          (b) => b.textContent === 'Read Further' && (b as unknown as { hidden: boolean }).hidden,
        ),
      });
      const view = doc.defaultView as unknown as {
        MutationObserver: new (changed: () => void) => { observe(target: unknown, options: object): void };
      };
      const observer = new view.MutationObserver(() => seen.push(note()));
      observer.observe(body, { subtree: true, childList: true, characterData: true, attributes: true });
      Object.assign(doc.defaultView as object, { xcomLensShown: seen });
    });

  const recorded = (panel: FrameLocator) =>
    panel
      .locator('body')
      .evaluate((body) => (body.ownerDocument.defaultView as unknown as { xcomLensShown: Shown[] }).xcomLensShown);

  it('stops at the budget, says what it holds, reads further on request', async () => {
    grid = await openPreview(wb!, page, s3PreviewArgs(server!.endpoint, BUCKET, KEY));
    const held = heldAtBudget();
    await waitOrLog(page, grid, held.waitFor({ timeout: 120_000 }), 'preview-budget-failed');
    const first = /the first ([\d,]+) rows/.exec((await held.textContent()) ?? '')![1];
    await grid.locator('#showing').filter({ hasText: 'sort, filter and search cover only the part read' }).waitFor();
    assert.equal(await rowsShown(), Number(first.replace(/,/g, '')));
    const readFurther = grid.locator('vscode-button', { hasText: 'Read Further' });
    assert.equal(await readFurther.isVisible(), true);
    // The header chart of the ids (unique text) counts up to 100,000 distinct values and says so.
    await grid
      .locator('.ag-floating-filter[aria-colindex="1"] .insight-caption')
      .filter({ hasText: /^100,000\+ distinct/ })
      .waitFor({ timeout: 60_000 });
    console.log(`      at the budget: ${await screenshot(page, 'preview-budget')}`);
    // A copy of a column says it covers only the part read.
    await grid.locator('.ag-row[row-index="0"] [col-id="c0"]').first().click();
    await grid.locator('vscode-button', { hasText: 'Copy Column' }).click();
    await grid
      .locator('.toast.visible')
      .filter({ hasText: /Copied [\d,]+ values of .* \(only the part of the object read so far\)\./ })
      .waitFor({ timeout: 60_000 });

    const chartsNote = grid.locator('#insight-filter');
    await chartsNote
      .filter({ hasText: `Header charts cover the ${first} rows loaded (loading stopped before the end).` })
      .waitFor();
    // Reading on may end within a second: what the panel shows meanwhile is recorded as it changes, not polled.
    await recordPanel(grid);
    await readFurther.click();
    await grid
      .locator('#progress')
      .filter({ hasText: new RegExp(`the first (?!${first} )[\\d,]+ rows · [\\d.]+ (?:[KM]B )?of 3\\.0 GB read`) })
      .waitFor({ timeout: 120_000 });
    const whileReading = (await recorded(grid)).filter((shown) =>
      shown.note.includes(`Header charts cover the first ${first} rows; they are redrawn when reading stops.`),
    );
    assert.ok(whileReading.length > 0, 'the charts note said they are redrawn when reading stops');
    assert.ok(
      whileReading.every((shown) => shown.readFurtherHidden),
      'Read Further is hidden while reading',
    );
    assert.ok((await rowsShown()) > Number(first.replace(/,/g, '')), 'more rows after Read Further');
    assert.ok(server!.sent(`${BUCKET}/${KEY}`) < 0.1 * 3e9, 'the rest of the object was not downloaded');
    // The charts are computed again for every row held, and their note says so.
    await chartsNote
      .filter({
        hasText: `Header charts cover the ${fmt(await rowsShown())} rows loaded (loading stopped before the end).`,
      })
      .waitFor({ timeout: 60_000 });

    // A text column (zero-padded ids) sorted from its header, descending: the largest id held comes first.
    const heldRows = await rowsShown();
    const header = grid.locator('.ag-header-cell-text', { hasText: /^id · string$/ });
    await header.click();
    await header.click();
    const cell = (row: number) => gridCell(grid, row, 'c0');
    await cell(0)
      .filter({ hasText: String(heldRows - 1).padStart(10, '0') })
      .waitFor({ timeout: 60_000 });
    assert.equal((await cell(1).textContent())?.trim(), String(heldRows - 2).padStart(10, '0'));
    // The ascending sort the second click replaced was stopped, and that is no error to show.
    assert.deepEqual(await grid.locator('.messages [role="alert"]').allTextContents(), []);
    await grid.locator('#showing').filter({ hasText: 'sorted and filtered in a background thread' }).waitFor();
    console.log(`      sorted by a text column: ${await screenshot(page, 'preview-budget-sorted')}`);
  });

  it('stops at a row that never ends (a quote left open in a 3 GB CSV), says why, and shows the rows before it', async () => {
    grid = await openPreview(wb!, page, s3PreviewArgs(server!.endpoint, BUCKET, UNCLOSED_KEY));
    await grid
      .locator('.messages [role="alert"]')
      .filter({
        hasText:
          /Reading stopped after 1,000 rows: the next row runs past 16 MB without ending.*A quote opened in it is never closed.*The rows before it are shown\./,
      })
      .waitFor({ timeout: 60_000 });
    assert.equal(await rowsShown(), 1000);
    assert.equal((await grid.locator('.ag-row[row-index="0"] [col-id="c1"]').first().textContent())?.trim(), 'note 0');
    assert.ok(server!.sent(`${BUCKET}/${UNCLOSED_KEY}`) < 64e6 + 32e6, 'the rest of the object was not downloaded');
    console.log(`      a row that never ends: ${await screenshot(page, 'preview-unending-row')}`);
  });

  it('stops 3 GB of JSON Lines at the budget with read_json dtypes, and reads further on request', async () => {
    grid = await openPreview(wb!, page, s3PreviewArgs(server!.endpoint, BUCKET, JSON_LINES_KEY));
    const stopped = (not?: string) =>
      grid.locator('#progress').filter({
        hasText: new RegExp(`the first ${not ? `(?!${not} )` : ''}[\\d,]+ rows · [\\d.]+ (?:[KM]B )?of 3\\.0 GB read`),
      });
    await stopped().waitFor({ timeout: 120_000 });
    const first = /the first ([\d,]+) rows/.exec((await stopped().textContent()) ?? '')![1];
    // read_json(lines=True) reads the zero-padded id text as int64 and created_at's epoch milliseconds as dates.
    for (const header of ['id · integer', 'category · string', 'amount · integer', 'created_at · datetime'])
      await grid.locator('.ag-header-cell-text', { hasText: header }).first().waitFor();
    const cell = (row: number, col: string) => gridCell(grid, row, col);
    assert.equal((await cell(1, 'c0').textContent())?.trim(), '1');
    console.log(`      JSON Lines at the budget: ${await screenshot(page, 'preview-budget-json-lines')}`);
    await grid.locator('vscode-button', { hasText: 'Read Further' }).click();
    await stopped(first).waitFor({ timeout: 120_000 });
    assert.ok((await rowsShown()) > Number(first.replace(/,/g, '')), 'more rows after Read Further');
    assert.ok(server!.sent(`${BUCKET}/${JSON_LINES_KEY}`) < 0.1 * 3e9, 'the rest of the object was not downloaded');
  });

  it('stops a 3 GB CSV of 2,000 text columns at the budget and shows its rows as written', async () => {
    grid = await openPreview(wb!, page, s3PreviewArgs(server!.endpoint, BUCKET, WIDE_KEY));
    const held = heldAtBudget();
    await waitOrLog(page, grid, held.waitFor({ timeout: 120_000 }), 'preview-budget-wide-failed');
    const first = Number(/the first ([\d,]+) rows/.exec((await held.textContent()) ?? '')![1].replace(/,/g, ''));
    assert.ok(first > 1000, `rows held: ${first}`);
    assert.equal(await rowsShown(), first);
    // Wide rows come to the grid a few hundred at a time (replies are bounded in bytes): all of them, in the end.
    await grid
      .locator('#showing')
      .filter({ hasText: `showing ${fmt(first)} of the first ${fmt(first)} rows read` })
      .waitFor({ timeout: 60_000 });
    const cells = WIDE.row(1).trimEnd().split(',');
    for (const [col, text] of [
      ['c0', cells[0]],
      ['c1', cells[1]],
    ])
      assert.equal(
        (await grid.locator(`.ag-row[row-index="1"] [col-id="${col}"]`).first().textContent())?.trim(),
        text,
      );
    assert.ok(server!.sent(`${BUCKET}/${WIDE_KEY}`) < 0.1 * 3e9, 'the rest of the object was not downloaded');
    console.log(`      2,000 columns at the budget (${first} rows): ${await screenshot(page, 'preview-budget-wide')}`);
  });
});
