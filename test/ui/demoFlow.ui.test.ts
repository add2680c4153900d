// What a user does on the demo data, clicked in code-server + Chromium: open XCom Lens, find the failed task under
// Recent failures, see its inputs, preview the offloaded table, sort and filter it, copy a reference, and read a
// dangling reference's message. Each step leaves a screenshot in .artifacts/screenshots/.
import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { createDemoDatabase } from '../fixtures/airflow/demo';
import { seedOffloadedObjects, uploadLargeCsv } from '../fixtures/s3/seedOffloadedObjects';
import { startS3Server, type S3Server } from '../fixtures/servers/s3';
import { chooseFromMenu, expand, showView, treeItem } from '../harness/treeUi';
import { openWorkbench, screenshot, type Workbench } from '../harness/workbench';

const BUCKET = 'xcom-lens-demo';

function row(page: Page, text: string | RegExp): Locator {
  return page.locator('.pane-body .monaco-list-row', { hasText: text });
}

async function eventually(check: () => Promise<boolean>, message: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(message);
}

describe('the demo, as a user clicks through it', function () {
  this.timeout(300_000);
  let s3: S3Server | undefined;
  let workbench: Workbench | undefined;
  let page: Page;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xcom-lens-demo-ui-'));
    s3 = await startS3Server(join(dir, 's3'));
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    const seeded = await seedOffloadedObjects(client, BUCKET);
    await uploadLargeCsv(client, BUCKET, 'data_large.csv', 20_000);
    const dbPath = await createDemoDatabase(join(dir, 'airflow.db'), {
      bucket: BUCKET,
      seeded,
      largeReference: `xcom_s3://${BUCKET}/data_large.csv`,
    });
    const settings = {
      'xcomLens.connections': [
        {
          id: 'demo',
          name: 'Demo Airflow',
          url: `sqlite:///${dbPath}`,
          storage: { endpointUrl: s3.endpoint, region: s3.region, forcePathStyle: true, bucket: BUCKET },
        },
      ],
    };
    workbench = await openWorkbench({
      env: { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, AWS_REGION: s3.region },
      files: { '.vscode/settings.json': JSON.stringify(settings, null, 2) },
    });
    page = workbench.page;
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await screenshot(page, `demo-failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
    // A menu left open by a failed step must not block the next one.
    if (
      await page
        ?.locator('.context-view .monaco-menu')
        .isVisible()
        .catch(() => false)
    )
      await page.keyboard.press('Escape');
  });

  after(async () => {
    await workbench?.close();
    await s3?.stop();
  });

  it('opens the view and shows the connection with its Airflow version', async () => {
    await showView(page);
    // Widen the side bar the way a user would, by dragging its edge, so that descriptions are readable.
    const sash = page.locator('.monaco-sash.vertical').first();
    const box = await sash.boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(620, box.y + box.height / 2, { steps: 5 });
      await page.mouse.up();
    }
    const connection = treeItem(page, /Demo Airflow/);
    await connection.waitFor({ state: 'visible', timeout: 60_000 });
    await expand(page, /Demo Airflow/);
    await page.locator('.pane-body').getByText('Airflow 2.10.3 · sqlite').waitFor({ timeout: 30_000 });
    await screenshot(page, 'demo-1-connection');
  });

  it('finds the failed task under Recent failures and sees its inputs', async () => {
    await expand(page, /^Recent failures/);
    await expand(page, /etl_orders › transform/);
    await expand(page, /^Inputs/);
    const input = treeItem(page, /extract › return_value/);
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    // The HEAD of the offloaded object arrives and replaces "checking…" with its size and age.
    await eventually(
      async () =>
        /\d[\d.]* (B|KB|MB) · (just now|\d+ \w+ ago) · /.test(
          (await row(page, 'extract › return_value').textContent()) ?? '',
        ),
      'the object size never appeared',
    );
    await screenshot(page, 'demo-2-failed-task-inputs');
  });

  let grid: FrameLocator;
  it('previews the offloaded table with a click', async () => {
    await treeItem(page, /extract › return_value/).click();
    grid = page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
    await grid.locator('.ag-header-cell-text', { hasText: 'order_id' }).waitFor({ state: 'visible', timeout: 60_000 });
    const headers = await grid.locator('.ag-header-cell-text').allTextContents();
    // Each header shows the column's inferred type.
    assert.deepEqual(headers.slice(0, 6), [
      'order_id · integer',
      'customer · string',
      'amount · float',
      'currency · string',
      'created_at · datetime',
      'status · string',
    ]);
    await grid.getByText('Acme Corp').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'demo-3-preview');
  });

  it('sorts the table by clicking a header', async () => {
    await grid.locator('.ag-header-cell-text', { hasText: 'amount' }).click();
    await grid.locator('.ag-header-cell-text', { hasText: 'amount' }).click();
    // Descending by amount: Stark Industries' 45000.75 comes first.
    await eventually(
      async () => (await grid.locator('[role="row"][row-index="0"]').allTextContents()).join(' ').includes('45000.75'),
      'the table did not sort by amount',
    );
    await screenshot(page, 'demo-4-sorted');
  });

  it('copies the reference from the context menu', async () => {
    await chooseFromMenu(page, treeItem(page, /extract › return_value/), 'Copy Reference');
    await page.getByText('Copied reference').waitFor({ timeout: 10_000 });
    await screenshot(page, 'demo-5-copied');
  });

  it('shows a dangling reference with its reason', async () => {
    await row(page, /etl_orders\s*#daily/).click();
    await row(page, /success · scheduled/)
      .first()
      .click();
    const extract = row(page, /^extract\s*success/).first();
    await extract.waitFor({ timeout: 30_000 });
    await extract.click();
    await eventually(async () => (await row(page, 'dangling reference').count()) > 0, 'no dangling reference shown');
    await row(page, 'dangling reference').first().hover();
    await page
      .locator('.monaco-hover, .workbench-hover')
      .getByText(/does\s+not\s+exist/)
      .first()
      .waitFor({ timeout: 15_000 });
    await screenshot(page, 'demo-6-dangling');
  });
});
