// A Parquet object far larger than the memory budget, as a user sees it in code-server + Chromium: a virtual 1 GB
// file (test/fixtures/virtualParquet.ts) served by the loopback S3 stand-in. The grid's scroll range is the whole
// file at once; jumping to the last row fetches that row group only, and the panel says how many row groups it holds.
// A file of 3,000,000-row groups written without an offset index opens on the first part of its first group, fetched
// only as far as that part's rows. A file replaced after it was opened (a task re-run uploading over the key) is
// not read on against its old footer: the jump says the object changed, Read Further is withdrawn, and Reopen in
// that alert reads the new file.
import * as assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { startGeneratedObjectServer, type GeneratedObjectServer } from '../fixtures/servers/generatedObjects';
import { virtualLabel, virtualParquet } from '../fixtures/virtualParquet';
import { newestWebview, openPreview, s3PreviewArgs, STAND_IN_AWS_ENV, waitOrLog } from '../harness/previewUi';
import { openWorkbench, screenshot, type Workbench } from '../harness/workbench';

const BUCKET = 'ondemand';
const KEY = 'big.parquet';
const BIG_GROUPS_KEY = 'big-groups.parquet';
const REPLACED_KEY = 'rerun.parquet';

describe('Parquet read on demand (UI)', function () {
  this.timeout(300_000);
  const file = virtualParquet(1e9);
  const bigGroups = virtualParquet(1e9, 3_000_000);
  const fmt = (n: number): string => n.toLocaleString('en-US');
  let server: GeneratedObjectServer | undefined;
  let wb: Workbench | undefined;
  let page: Page;
  let grid: FrameLocator;

  before(async () => {
    server = await startGeneratedObjectServer({
      [`${BUCKET}/${KEY}`]: file,
      [`${BUCKET}/${BIG_GROUPS_KEY}`]: bigGroups,
      [`${BUCKET}/${REPLACED_KEY}`]: file,
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

  /**
   * Opens `key` (the virtual file `f`) in the preview, waits for the status of a file read on demand, drags the
   * scroll bar to the last row, and returns the bytes fetched to open it and for the jump.
   */
  async function openAndJumpToEnd(
    key: string,
    f: typeof file,
    shot: string,
  ): Promise<{ opened: number; jumped: number }> {
    grid = await openPreview(wb!, page, s3PreviewArgs(server!.endpoint, BUCKET, key));
    const held = (n: number) =>
      grid
        .locator('#progress')
        .filter({ hasText: `${fmt(f.rows)} rows · row groups read on demand (${n} of ${fmt(f.groups)} held)` });
    await waitOrLog(page, grid, held(1).waitFor({ timeout: 60_000 }), `${shot}-failed`);
    await grid
      .locator('#showing')
      .filter({ hasText: `all ${fmt(f.rows)} rows in file order; sort, filter and search cover only the first` })
      .waitFor();
    const opened = server!.sent(`${BUCKET}/${key}`);

    // Drag the scroll bar to the end, as a user would: the grid scrolls to the last rows (the grid stretches its
    // scroll range for this many rows, so a drag may stop a few rows short: drag again until the last two show).
    const lastLabel = grid.locator('.ag-cell', { hasText: virtualLabel(f.groupRows - 1) }).first();
    const beforeLastLabel = grid.locator('.ag-cell', { hasText: virtualLabel(f.groupRows - 2) }).first();
    const atEnd = async () => (await lastLabel.isVisible()) && (await beforeLastLabel.isVisible());
    const scrollBar = grid.locator('.ag-body-vertical-scroll-viewport');
    for (let attempt = 0; attempt < 40 && !(await atEnd()); attempt++) {
      await scrollBar.evaluate((e) => (e.scrollTop = e.scrollHeight));
      await page.waitForTimeout(500);
    }
    const bothShown = Promise.all([
      lastLabel.waitFor({ timeout: 30_000 }),
      beforeLastLabel.waitFor({ timeout: 30_000 }),
    ]);
    await waitOrLog(page, grid, bothShown, `${shot}-failed`);
    await held(2).waitFor({ timeout: 30_000 });
    const jumped = server!.sent(`${BUCKET}/${key}`) - opened;
    assert.ok(server!.sent(`${BUCKET}/${key}`) < 0.2 * f.size, 'the rest of the file was not downloaded');
    console.log(`      at the last row: ${await screenshot(page, shot)}`);
    return { opened, jumped };
  }

  it('scrolls the whole file and fetches only the row group it jumps to', async () => {
    const { jumped } = await openAndJumpToEnd(KEY, file, 'parquet-on-demand');
    assert.ok(jumped <= 2 * file.groupBytes, `the jump fetched ${jumped} bytes (a row group is ${file.groupBytes})`);
  });

  it('opens a file of 3,000,000-row groups on the first rows of its first group, fetched only that far', async () => {
    const { opened, jumped } = await openAndJumpToEnd(BIG_GROUPS_KEY, bigGroups, 'parquet-large-groups');
    assert.ok(
      opened < bigGroups.footerBytes + bigGroups.groupBytes / 2,
      `opening fetched ${opened} bytes (a row group is ${bigGroups.groupBytes})`,
    );
    assert.ok(
      jumped <= 1.1 * bigGroups.groupBytes,
      `the jump fetched ${jumped} bytes (a row group is ${bigGroups.groupBytes})`,
    );
  });

  it('says the object changed when a re-run replaced it after it was opened, withdraws Read Further, shows no value for rows not fetched, and reopens it', async () => {
    grid = await openPreview(wb!, page, s3PreviewArgs(server!.endpoint, BUCKET, REPLACED_KEY));
    await grid
      .locator('#progress')
      .filter({ hasText: `${fmt(file.rows)} rows · row groups read on demand (1 of ${fmt(file.groups)} held)` })
      .waitFor({ timeout: 60_000 });
    const readFurther = grid.locator('#read-further');
    assert.ok(await readFurther.isVisible(), 'Read Further is offered while the first row groups are held');
    // Another file of the same size, with its own footer and row groups, under the same key.
    server!.replace(`${BUCKET}/${REPLACED_KEY}`, bigGroups);
    const alert = grid.locator('.messages [role="alert"]').filter({
      hasText: /s3:\/\/ondemand\/rerun\.parquet changed while it was being read: .*Reopen it to read the new version\./,
    });
    const scrollBar = grid.locator('.ag-body-vertical-scroll-viewport');
    for (let attempt = 0; attempt < 40 && !(await alert.isVisible()); attempt++) {
      await scrollBar.evaluate((e) => (e.scrollTop = e.scrollHeight));
      await page.waitForTimeout(500);
    }
    await alert.waitFor({ timeout: 30_000 });
    // Reading further would meet the same refusal: only Reopen is offered now.
    await readFurther.waitFor({ state: 'hidden', timeout: 5_000 });
    assert.doesNotMatch((await grid.locator('#showing').textContent()) ?? '', /Read Further/);
    // Every window the grid asked for failed the same way: the panel says it once.
    await page.waitForTimeout(1000);
    assert.equal(await grid.locator('.messages [role="alert"]').count(), 1, 'one alert');
    // The rows it could not fetch show nothing: not the NaN and None of missing values, nor rows of the new file.
    const cells = await grid.locator('.ag-row .ag-cell').filter({ visible: true }).allTextContents();
    assert.ok(cells.length > 0, 'rows are laid out where the grid jumped to');
    assert.deepEqual(
      cells.filter((text) => text.trim() !== ''),
      [],
      'the rows not fetched show no value',
    );
    assert.equal(await grid.locator('.ag-cell.missing-value').filter({ visible: true }).count(), 0);
    console.log(`      replaced while open: ${await screenshot(page, 'parquet-replaced')}`);

    // Hidden behind another editor and shown again, the panel is made anew: it still offers Reopen alone.
    const explorer = page.locator('.explorer-folders-view');
    await explorer.locator('.monaco-list-row', { hasText: '.vscode' }).click();
    await explorer.locator('.monaco-list-row', { hasText: 'settings.json' }).click();
    await page.locator('.tab.active', { hasText: 'settings.json' }).waitFor({ timeout: 30_000 });
    await page.locator('.tab', { hasText: REPLACED_KEY }).click();
    grid = newestWebview(page);
    await grid
      .locator('#progress')
      .filter({ hasText: `${fmt(file.rows)} rows · row groups read on demand` })
      .waitFor({ timeout: 60_000 });
    await page.waitForTimeout(500);
    assert.equal(await grid.locator('#read-further').isVisible(), false, 'Read Further stays withdrawn');
    // Its alert was the old panel's: the rows it cannot fetch bring it back.
    for (let attempt = 0; attempt < 40 && !(await alert.isVisible()); attempt++) {
      await scrollBar.evaluate((e) => (e.scrollTop = e.scrollHeight));
      await page.waitForTimeout(500);
    }

    // Reopen, in the alert, reads the object as it is now: the new file's footer and row groups, and no alert.
    await alert.locator('vscode-button', { hasText: 'Reopen' }).click();
    await grid
      .locator('#progress')
      .filter({
        hasText: new RegExp(
          `^${fmt(bigGroups.rows)} rows · row groups read on demand \\(\\d of ${fmt(bigGroups.groups)} held\\)`,
        ),
      })
      .waitFor({ timeout: 60_000 });
    assert.deepEqual(await grid.locator('.messages [role="alert"]').allTextContents(), []);
    console.log(`      reopened: ${await screenshot(page, 'parquet-reopened')}`);
  });
});
