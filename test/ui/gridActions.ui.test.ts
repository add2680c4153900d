// The grid's actions as a user clicks them in code-server + Chromium, on CSV objects in a real S3 server:
// Copy Cell, Copy Rows and Copy Column (the clipboard text checked exactly), Export CSV through the save
// dialog (the file checked exactly), Cancel while a large object is still downloading over a slow link, and a
// reference in a cell followed the way its rule reads it (before and after a window reload).
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { FrameLocator, Page } from 'playwright-core';
import { startS3Server, type S3Server } from '../fixtures/servers/s3';
import { startThrottledProxy, type ThrottledProxy } from '../fixtures/servers/throttledProxy';
import {
  allowClipboard,
  clipboardAfter,
  newestWebview,
  openPreview,
  pinnedColumn,
  reloadWindow,
  resetClipboard,
  s3PreviewArgs,
} from '../harness/previewUi';
import { openWorkbench, screenshot, type Workbench } from '../harness/workbench';

const BUCKET = 'grid-actions';
const SMALL =
  'id,city,amount,note\n1,Oslo,12.5,plain\n2,Lima,7.25,"has, comma"\n3,Pune,30,"tab\there"\n4,Oslo,1.5,"quote ""q"""\n';
const LARGE_ROWS = 400_000;
/** Cells a spreadsheet would run as formulas, beside numbers that only look like them. */
const FORMULAS = 'id,expr,n\n1,=1+1,-5\n2,-5,7\n3,@SUM(A1),0\n';
const XSS_KEY = '<img src=x onerror=alert(1)>.csv';
const WIDE_CELL = 'w'.repeat(49_990) + ' end.';
const HUGE_CELL_BYTES = 100 * 1024 * 1024;
/** A team's own backend reference (a workspace rule reads it with `pd.read_csv(..., index_col=1)`), in a cell. */
const LAKE_REFERENCE = `lake_csv://${BUCKET}/indexed.csv`;

function largeCsv(): string {
  const lines = ['id,label,value'];
  for (let i = 0; i < LARGE_ROWS; i++) lines.push(`${i},row number ${i} of the large table,${(i * 0.25).toFixed(2)}`);
  return lines.join('\n') + '\n';
}

describe('grid actions (UI)', function () {
  this.timeout(300_000);
  let s3: S3Server | undefined;
  let slow: ThrottledProxy | undefined;
  let wb: Workbench | undefined;
  let page: Page;
  let grid: FrameLocator;
  const dialogs: string[] = [];

  const target = (key: string, endpointUrl: string) => s3PreviewArgs(endpointUrl, BUCKET, key, s3!.region);

  before(async () => {
    s3 = await startS3Server(join(mkdtempSync(join(tmpdir(), 'xcom-lens-grid-ui-')), 's3'));
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'small.csv', Body: SMALL }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'large.csv', Body: largeCsv() }));
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'wide.csv', Body: `id,blob\n1,${WIDE_CELL}\n2,short\n` }),
    );
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'formulas.csv', Body: FORMULAS }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: XSS_KEY, Body: 'a,b\n1,2\n' }));
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'links.csv', Body: `id,next\n1,${LAKE_REFERENCE}\n` }),
    );
    // The index column has no name, as to_csv writes a DataFrame's index: it reads as `index`, else as `Unnamed: 1`.
    const indexed = 'day,,total\n2024-01-01,Oslo,11\n2024-01-02,Lima,22\n';
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'indexed.csv', Body: indexed }));
    const huge = Buffer.alloc(HUGE_CELL_BYTES + 20, 'h');
    huge.write('id,blob\n1,"', 0);
    huge.write('"\n', huge.length - 2);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'huge-cell.csv', Body: huge }));
    // About 18 MB at 1.5 MB/s: the download takes over ten seconds.
    slow = await startThrottledProxy(Number(new URL(s3.endpoint).port), 1.5 * 1024 * 1024);
    wb = await openWorkbench({
      env: { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, AWS_REGION: s3.region },
      files: {
        '.vscode/settings.json': JSON.stringify({
          'xcomLens.references.customRules': [{ name: 'lake CSV', prefix: 'lake_csv://', indexColumn: 1 }],
        }),
      },
    });
    page = wb.page;
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await allowClipboard(page);
    grid = await openPreview(wb, page, target('small.csv', s3.endpoint));
    await grid.locator('#showing').filter({ hasText: 'showing 4 of 4 rows' }).waitFor({ timeout: 30_000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await screenshot(page, `grid-actions-failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(
        () => undefined,
      );
  });

  after(async () => {
    await wb?.close();
    await slow?.stop();
    await s3?.stop();
  });

  const cell = (row: number, col: string) => grid.locator(`.ag-row[row-index="${row}"] [col-id="${col}"]`);

  it('copies the focused cell', async () => {
    const before = await resetClipboard(page);
    await cell(1, 'c1').click();
    await grid.locator('vscode-button', { hasText: 'Copy Cell' }).click();
    assert.equal(await clipboardAfter(page, before), 'Lima');
  });

  it('moves between cells with the arrow keys and copies the focused cell with Ctrl+C', async () => {
    const before = await resetClipboard(page);
    await cell(0, 'c1').click();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Control+C');
    // amount is a float column (12.5, 7.25, 30, 1.5): copied as pandas prints and to_csv writes it.
    assert.equal(await clipboardAfter(page, before), '30.0');
  });

  it('copies the selected rows with headers as TSV, quoting what needs it', async () => {
    const before = await resetClipboard(page);
    await cell(1, 'c0').click();
    await cell(2, 'c0').click({ modifiers: ['Shift'] });
    await grid.locator('vscode-button', { hasText: 'Copy Rows' }).click();
    assert.equal(
      await clipboardAfter(page, before),
      'id\tcity\tamount\tnote\n2\tLima\t7.25\thas, comma\n3\tPune\t30.0\t"tab\there"\n',
    );
  });

  it('copies a whole column as CSV', async () => {
    const format = grid.locator('vscode-single-select[aria-label="Copy format"]');
    await format.click();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.equal(await format.evaluate((e) => (e as unknown as { value: string }).value), 'csv');
    const before = await resetClipboard(page);
    await cell(0, 'c3').click();
    await grid.locator('vscode-button', { hasText: 'Copy Column' }).click();
    assert.equal(await clipboardAfter(page, before), 'note\nplain\n"has, comma"\ntab\there\n"quote ""q"""\n');
    await grid.locator('.toast.visible').filter({ hasText: 'Copied 4 values of note.' }).waitFor({ timeout: 10_000 });
  });

  /** Clicks Export CSV… and answers the save dialog with `file`. */
  async function exportTo(file: string): Promise<void> {
    await grid.locator('vscode-button', { hasText: 'Export CSV' }).click();
    // The web workbench's save dialog is a quick input holding a path.
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    // The dialog fills in the suggested path itself once it has listed the folder: wait for that, then replace it.
    await page.waitForFunction(
      (e) => (e as unknown as { value: string }).value.endsWith('.csv'),
      await input.elementHandle(),
      { timeout: 15_000 },
    );
    await page.waitForTimeout(500);
    for (let attempt = 0; attempt < 3 && (await input.inputValue()) !== file; attempt++) {
      await input.fill(file);
      await page.waitForTimeout(700);
    }
    assert.equal(await input.inputValue(), file);
    await page.keyboard.press('Enter');
  }

  it('exports the sorted table as CSV through the save dialog', async () => {
    const header = grid.locator('.ag-header-cell[col-id="c2"] .ag-header-cell-label');
    await header.click();
    await header.click();
    await grid.locator('.ag-row[row-index="0"] [col-id="c2"]').filter({ hasText: '30' }).waitFor({ timeout: 10_000 });
    const file = join(wb!.workspace, 'exported.csv');
    await exportTo(file);
    await grid.locator('.toast.visible').filter({ hasText: 'Exported 4 rows' }).waitFor({ timeout: 15_000 });
    assert.ok(existsSync(file));
    assert.equal(
      readFileSync(file, 'utf8'),
      'id,city,amount,note\n3,Pune,30.0,tab\there\n1,Oslo,12.5,plain\n2,Lima,7.25,"has, comma"\n4,Oslo,1.5,"quote ""q"""\n',
    );
  });

  it('exports cells that start like formulas escaped, and numbers as they are', async () => {
    grid = await openPreview(wb!, page, target('formulas.csv', s3!.endpoint));
    await grid.locator('#showing').filter({ hasText: 'showing 3 of 3 rows' }).waitFor({ timeout: 30_000 });
    const file = join(wb!.workspace, 'formulas-exported.csv');
    await exportTo(file);
    await grid.locator('.toast.visible').filter({ hasText: 'Exported 3 rows' }).waitFor({ timeout: 15_000 });
    assert.equal(readFileSync(file, 'utf8'), "id,expr,n\n1,'=1+1,-5\n2,-5,7\n3,'@SUM(A1),0\n");
  });

  it('says so in the panel when the export file cannot be written, instead of waiting', async () => {
    // Nobody may create files in /sys, not even root.
    const file = '/sys/xcom-lens-export.csv';
    await exportTo(file);
    const error = grid.locator('.messages .error', { hasText: `Export failed: cannot write ${file}` });
    await error.waitFor({ timeout: 15_000 });
    assert.equal(await error.getAttribute('role'), 'alert');
    assert.equal(existsSync(file), false);
  });

  it('cancels a large download and keeps the rows read so far', async () => {
    grid = await openPreview(wb!, page, target('large.csv', slow!.endpoint));
    await grid
      .locator('#progress')
      .filter({ hasText: /loading: [\d,]+ rows/ })
      .waitFor({ timeout: 30_000 });
    await grid.locator('vscode-button', { hasText: 'Cancel' }).click();
    await grid
      .locator('.warning', { hasText: /Loading was cancelled: showing the [\d,]+ rows read so far/ })
      .waitFor({ timeout: 15_000 });
    await grid
      .locator('#progress')
      .filter({ hasText: /cancelled in/ })
      .waitFor({ timeout: 15_000 });
    const showing = async () =>
      Number(
        /of ([\d,]+) rows/.exec((await grid.locator('#showing').textContent()) ?? '')?.[1].replace(/,/g, '') ?? NaN,
      );
    const rows = await showing();
    assert.ok(rows > 0 && rows < LARGE_ROWS, `rows kept: ${rows}`);
    await page.waitForTimeout(3000);
    assert.equal(await showing(), rows, 'nothing more was loaded after Cancel');
    assert.ok(
      (await cell(0, 'c1').filter({ hasText: 'row number 0 of the large table' }).count()) > 0,
      'the rows read so far are shown',
    );
    console.log(`      cancelled: ${await screenshot(page, 'grid-cancelled')}`);
  });

  it('shows a long cell cut and still copies it whole', async () => {
    grid = await openPreview(wb!, page, target('wide.csv', s3!.endpoint));
    await grid.locator('#showing').filter({ hasText: 'showing 2 of 2 rows' }).waitFor({ timeout: 30_000 });
    const shown = (await cell(0, 'c1').textContent()) ?? '';
    assert.equal(shown.length, 10_001);
    assert.ok(shown.endsWith('…'));
    const before = await resetClipboard(page);
    await cell(0, 'c1').click();
    await grid.locator('vscode-button', { hasText: 'Copy Cell' }).click();
    assert.equal(await clipboardAfter(page, before), WIDE_CELL);
  });

  it('opens a 100 MB single cell without freezing the window', async () => {
    const started = Date.now();
    grid = await openPreview(wb!, page, target('huge-cell.csv', s3!.endpoint));
    await grid.locator('#showing').filter({ hasText: 'showing 1 of 1 rows' }).waitFor({ timeout: 120_000 });
    assert.equal(((await cell(0, 'c1').textContent()) ?? '').length, 10_001);
    // Still responsive: the quick search answers.
    await grid.locator('#quick-filter').click();
    await page.keyboard.type('nothing-like-this');
    await grid.locator('#showing').filter({ hasText: 'showing 0 of 1 rows' }).waitFor({ timeout: 30_000 });
    console.log(
      `      100 MB cell shown and searched in ${((Date.now() - started) / 1000).toFixed(1)} s: ${await screenshot(page, 'grid-huge-cell')}`,
    );
  });

  it('shows an S3 key that holds markup as text', async () => {
    grid = await openPreview(wb!, page, target(XSS_KEY, s3!.endpoint));
    await grid.locator('#showing').filter({ hasText: 'showing 1 of 1 rows' }).waitFor({ timeout: 30_000 });
    assert.ok(((await grid.locator('header').textContent()) ?? '').includes(`s3://${BUCKET}/${XSS_KEY}`));
    assert.equal(await grid.locator('img').count(), 0);
    assert.ok((await page.locator('.tab', { hasText: XSS_KEY }).count()) > 0, 'the tab label shows the key as text');
    assert.equal(await page.locator('.tab img').count(), 0);
    assert.deepEqual(dialogs, []);
  });

  it("follows a reference in a cell the way its rule reads it: the rule's index column pinned at the left", async () => {
    grid = await openPreview(wb!, page, target('links.csv', s3!.endpoint));
    const link = grid.locator('a.reference', { hasText: LAKE_REFERENCE });
    await link.waitFor({ timeout: 30_000 });
    await link.click();
    await page.locator('.tab', { hasText: 'indexed.csv' }).waitFor({ timeout: 30_000 });
    const child = newestWebview(page);
    await child.locator('#showing').filter({ hasText: 'showing 2 of 2 rows' }).waitFor({ timeout: 30_000 });
    assert.deepEqual(await pinnedColumn(child), { header: ['index · string'], cells: ['Lima', 'Oslo'] });
    // Reopened after a window reload from what the panel saved: read the same way.
    await reloadWindow(page);
    const revived = newestWebview(page);
    await revived.locator('#showing').filter({ hasText: 'showing 2 of 2 rows' }).waitFor({ timeout: 60_000 });
    assert.deepEqual(await pinnedColumn(revived), { header: ['index · string'], cells: ['Lima', 'Oslo'] });
  });
});
