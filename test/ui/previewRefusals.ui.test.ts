// What a preview refuses to do past the memory budget, as a user sees it in code-server + Chromium, with objects a
// loopback S3 stand-in serves: Copy Column of more text than the clipboard takes says how many values there are
// and points to Export CSV; a JSON document too large to decode within the budget says so and names the setting,
// and once the setting is raised, Reopen in that alert reads it;
// a 4 GB Parquet object on an endpoint that ignores byte ranges says the endpoint does not serve them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { FrameLocator, Page } from 'playwright-core';
import {
  fixedWidthCsv,
  memoryObject,
  parquetFarIn,
  startGeneratedObjectServer,
  type GeneratedObjectServer,
} from '../fixtures/servers/generatedObjects';
import { openPreview, s3PreviewArgs, STAND_IN_AWS_ENV } from '../harness/previewUi';
import { openWorkbench, screenshot, type Workbench } from '../harness/workbench';

const BUCKET = 'refusals';

/** A small Parquet file (its footer goes at the end of a 4 GB object). */
function smallParquet(): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [{ name: 'id', data: Int32Array.from({ length: 100 }, (_, i) => i), type: 'INT32' }],
    }),
  );
}

/** 24 MB of JSON records: more than a quarter of a 64 MB budget. */
function largeJson(): Uint8Array {
  const records = Array.from({ length: 200_000 }, (_, i) => ({ id: i, note: `note ${i} ${'x'.repeat(80)}` }));
  return new TextEncoder().encode(JSON.stringify(records));
}

describe('preview refusals past the memory budget (UI)', function () {
  this.timeout(300_000);
  let server: GeneratedObjectServer | undefined;
  /** The same objects from an endpoint that answers every GET with the whole object. */
  let noRanges: GeneratedObjectServer | undefined;
  let wb: Workbench | undefined;
  let page: Page;
  let grid: FrameLocator;
  const settings = (budgetMB: number) =>
    writeFileSync(
      join(wb!.workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'xcomLens.preview.memoryBudgetMB': budgetMB }),
    );
  const target = (key: string, endpoint = server!.endpoint) => s3PreviewArgs(endpoint, BUCKET, key);

  before(async () => {
    const objects = {
      [`${BUCKET}/ids.csv`]: fixedWidthCsv(3e9),
      [`${BUCKET}/records.json`]: memoryObject(largeJson()),
      [`${BUCKET}/events.parquet`]: parquetFarIn(smallParquet(), 4e9),
    };
    server = await startGeneratedObjectServer(objects);
    noRanges = await startGeneratedObjectServer(objects, { ignoresRanges: true });
    wb = await openWorkbench({
      env: STAND_IN_AWS_ENV,
      files: { '.vscode/settings.json': JSON.stringify({ 'xcomLens.preview.memoryBudgetMB': 512 }) },
    });
    page = wb.page;
  });
  after(async () => {
    await wb?.close();
    await server?.close();
    await noRanges?.close();
  });

  it('refuses Copy Column past 32 MB of text, saying how many values and what to use instead', async () => {
    settings(512);
    grid = await openPreview(wb!, page, target('ids.csv'));
    // Millions of ids of 11 characters a line: more than the clipboard takes.
    await grid
      .locator('#progress')
      .filter({ hasText: /the first [\d,]+ rows · .* of 3\.0 GB read/ })
      .waitFor({ timeout: 120_000 });
    await grid.locator('.ag-row[row-index="0"] [col-id="c0"]').first().click();
    await grid.locator('vscode-button', { hasText: 'Copy Column' }).click();
    await grid
      .locator('.toast.visible')
      .filter({
        hasText:
          /^id has [\d,]{9,} values \(only the part of the object read so far\), more text than Copy Column puts on the clipboard \(32 MB\): use Export CSV… for all of them, or filter the rows first\.$/,
      })
      .waitFor({ timeout: 60_000 });
    console.log(`      Copy Column refused: ${await screenshot(page, 'preview-copy-column-refused')}`);
  });

  it('refuses a JSON document too large to decode within the budget, naming the setting; raised, Reopen reads it', async () => {
    settings(64);
    grid = await openPreview(wb!, page, target('records.json'), '.messages [role="alert"]');
    await grid
      .locator('.messages [role="alert"]')
      .filter({
        hasText:
          /The JSON document has to be read whole, and decoding it takes about 4 times its size: it is larger than the preview's memory budget allows \(16 MB for a budget of 64 MB\)\. Raise xcomLens\.preview\.memoryBudgetMB to preview it\./,
      })
      .waitFor({ timeout: 60_000 });
    console.log(`      JSON refused: ${await screenshot(page, 'preview-json-refused')}`);

    // The user raises the budget as the alert says, then Reopen in it reads the document.
    settings(128);
    const headers = grid.locator('.ag-header-cell-text', { hasText: /^note · string$/ });
    // The workbench takes the edited settings file in a moment: a Reopen before that is refused again.
    for (let attempt = 0; attempt < 10 && !(await headers.isVisible()); attempt++) {
      await page.waitForTimeout(1000);
      const reopen = grid.locator('.messages [role="alert"] vscode-button', { hasText: 'Reopen' });
      if (await reopen.isVisible()) await reopen.click();
      await headers.waitFor({ timeout: 5_000 }).catch(() => undefined);
    }
    await headers.waitFor({ timeout: 30_000 });
    await grid
      .locator('#progress')
      .filter({ hasText: /^loaded in/ })
      .waitFor({ timeout: 30_000 });
    await grid.locator('#showing').filter({ hasText: 'showing 200,000 of 200,000 rows' }).waitFor();
  });

  it('says an endpoint that ignores byte ranges cannot serve a 4 GB Parquet object, without downloading it', async () => {
    settings(64);
    grid = await openPreview(wb!, page, target('events.parquet', noRanges!.endpoint), '.messages [role="alert"]');
    await grid
      .locator('.messages [role="alert"]')
      .filter({
        hasText:
          /The S3 endpoint sent the whole of s3:\/\/refusals\/events\.parquet \(4\.0 GB\) when asked for its bytes from [\d,]+ on: it, or a proxy in front of it, does not serve byte ranges\./,
      })
      .waitFor({ timeout: 60_000 });
    const sent = noRanges!.sent(`${BUCKET}/events.parquet`);
    if (sent > 64e6) throw new Error(`downloaded ${sent} bytes of the 4 GB object`);
    console.log(`      ranges not served: ${await screenshot(page, 'preview-ranges-not-served')}`);
  });
});
