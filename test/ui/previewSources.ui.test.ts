// Where a preview reads from, clicked in code-server + Chromium: a reference link inside a preview opened from the
// tree is read through the same connection (its S3 endpoint and static keys, never the default AWS chain); Preview
// All Map Indexes, chosen from a mapped task's XCom menu, stacks every map index's object in one grid; and a
// preview of an S3 endpoint that accepts and never answers opens at once, says what it waits for, and cancels.
import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { FrameLocator, Page } from 'playwright-core';
import { createSqliteFixture } from '../fixtures/airflow/builder';
import { startS3Server, type S3Server } from '../fixtures/servers/s3';
import { newestWebview, openPreview, pinnedColumn, runCommand, s3PreviewArgs } from '../harness/previewUi';
import { chooseFromMenu, expand, showView, treeItem } from '../harness/treeUi';
import { openWorkbench, screenshot, type Workbench } from '../harness/workbench';

const BUCKET = 'xcom-lens-sources';
const PARENT = 'data_0a1b2c3d-0000-4000-8000-000000000001.csv';
const CHILD = 'data_0a1b2c3d-0000-4000-8000-000000000002.csv';
/** A reference without a bucket (Astronomer's shape): a link only where the connection's bucket completes it. */
const BUCKETLESS = 'xcom_s3://data_0a1b2c3d-0000-4000-8000-000000000003.csv';
/** An object a custom rule of the workspace reads the way its backend does, its second column as the index. */
const INDEXED = 'indexed_0a1b2c3d-0000-4000-8000-000000000004.csv';
/** The objects fanout_mapped › process offloaded, map index by map index (the third was never written). */
const MAPPED = ['data_0a1b2c3d-0000-4000-8000-00000000000a.csv', 'data_0a1b2c3d-0000-4000-8000-00000000000b.csv'];

describe('preview sources (UI)', function () {
  this.timeout(300_000);
  let s3: S3Server | undefined;
  let silent: Server | undefined;
  let silentEndpoint = '';
  let workbench: Workbench | undefined;
  let page: Page;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xcom-lens-sources-ui-'));
    s3 = await startS3Server(join(dir, 's3'));
    const credentials = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
    const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET })).catch(() => undefined);
    const parent = `id,next\n1,xcom_s3://${BUCKET}/${CHILD}\n2,none\n3,${BUCKETLESS}\n`;
    const child = 'city,total\nOslo,11\nLima,22\nPune,33\n';
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: PARENT, Body: Buffer.from(parent) }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: CHILD, Body: Buffer.from(child) }));
    const indexed = 'day,city,total\n2024-01-01,Oslo,11\n2024-01-02,Lima,22\n';
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: INDEXED, Body: Buffer.from(indexed) }));
    const mapped = ['id,amount,discount\n1,10,0.5\n2,20,0\n3,30,0.25\n', 'id,amount\n4,unknown\n5,50\n'];
    for (const [i, key] of MAPPED.entries())
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.from(mapped[i]) }));
    client.destroy();
    const dbPath = join(dir, 'airflow.db');
    await createSqliteFixture(dbPath, 2, {
      bucket: BUCKET,
      references: { parent: `xcom_s3://${BUCKET}/${PARENT}`, indexed: `lake_csv://${BUCKET}/${INDEXED}` },
      mappedTables: [...MAPPED, 'data_0a1b2c3d-0000-4000-8000-00000000000c.csv'].map((k) => `xcom_s3://${BUCKET}/${k}`),
    });
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent!.listen(0, '127.0.0.1', resolve));
    silentEndpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const settings = {
      // A team's own backend: `lake_csv://<bucket>/<key>`, read back with pd.read_csv(..., index_col=1).
      'xcomLens.references.customRules': [{ name: 'lake CSV', prefix: 'lake_csv://', format: 'csv', indexColumn: 1 }],
      'xcomLens.connections': [
        {
          id: 'minio',
          name: 'Custom S3',
          url: `sqlite:///${dbPath}`,
          storage: { endpointUrl: s3.endpoint, region: s3.region, forcePathStyle: true, bucket: BUCKET },
        },
      ],
    };
    // Static keys from Airflow's own connection variable; the default AWS chain holds keys s3rver refuses and the
    // default endpoint is not this server: only the connection's endpoint and keys can read the objects.
    const keys = `aws://${encodeURIComponent(s3.accessKeyId)}:${encodeURIComponent(s3.secretAccessKey)}@`;
    workbench = await openWorkbench({
      env: {
        AIRFLOW_CONN_AWS_DEFAULT: keys,
        AWS_ACCESS_KEY_ID: 'AKIAWRONGKEY0001',
        AWS_SECRET_ACCESS_KEY: 'wrongSecret',
        AWS_REGION: s3.region,
      },
      files: { '.vscode/settings.json': JSON.stringify(settings, null, 2) },
    });
    page = workbench.page;
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await screenshot(page, `sources-failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  after(async () => {
    await workbench?.close();
    await s3?.stop();
    silent?.close();
  });

  /** Opens the tree at the connection. */
  async function showConnection(): Promise<void> {
    await showView(page);
    await expand(page, /Custom S3/);
  }

  /** Opens the tree down to the task instance that pushed the references. */
  async function openPushEverything(): Promise<void> {
    await showConnection();
    await expand(page, /xcom_zoo/);
    await expand(page, /manual__2024-01-01/);
    await expand(page, /push_everything/);
  }

  it('a reference clicked in a preview opened from the tree is read through the same connection', async () => {
    await openPushEverything();
    // Click once the HEAD has answered: the row is redrawn then, and a click on the row being replaced is lost.
    const refParent = treeItem(page, /ref_parent/);
    await refParent.filter({ hasNotText: 'checking' }).waitFor({ timeout: 60_000 });
    await refParent.click();
    const parent = newestWebview(page);
    await parent.locator('.ag-header-cell-text', { hasText: 'next' }).waitFor({ timeout: 60_000 });
    const link = parent.locator('a.reference', { hasText: CHILD });
    await link.waitFor({ timeout: 30_000 });
    // The connection's own rules reach the grid: its bucket completes the bucket-less reference.
    await parent.locator('a.reference', { hasText: BUCKETLESS }).waitFor({ timeout: 30_000 });
    await link.click();
    await page.locator('.tab', { hasText: CHILD }).waitFor({ timeout: 30_000 });
    const child = newestWebview(page);
    await child.locator('.ag-header-cell-text', { hasText: 'city' }).waitFor({ timeout: 30_000 });
    await child.locator('#showing').filter({ hasText: 'showing 3 of 3 rows' }).waitFor({ timeout: 30_000 });
    assert.deepEqual((await child.locator('.ag-cell[col-id="c0"]').allTextContents()).sort(), ['Lima', 'Oslo', 'Pune']);
    await screenshot(page, 'sources-reference-through-connection');
  });

  it("a custom rule's index column is the grid's row index, pinned at the left, as the backend reads it back", async () => {
    await runCommand(page, 'View: Close All Editors');
    await openPushEverything();
    const indexed = treeItem(page, /ref_indexed/);
    await indexed.filter({ hasNotText: 'checking' }).waitFor({ timeout: 60_000 });
    await indexed.click();
    await page.locator('.tab', { hasText: 'ref_indexed' }).waitFor({ timeout: 30_000 });
    const grid = newestWebview(page);
    await grid.locator('#showing').filter({ hasText: 'showing 2 of 2 rows' }).waitFor({ timeout: 60_000 });
    assert.deepEqual(await pinnedColumn(grid), { header: ['city · string'], cells: ['Lima', 'Oslo'] });
    const headers = await grid.locator('.ag-header-cell-text').allTextContents();
    assert.ok(
      headers.some((t) => t.startsWith('day')) && headers.some((t) => t.startsWith('total')),
      headers.join(', '),
    );
    await screenshot(page, 'sources-custom-rule-index-column');
  });

  it("Preview All Map Indexes, chosen from a mapped task's XCom menu, stacks the map indexes in one grid", async () => {
    await runCommand(page, 'View: Close All Editors');
    await showConnection();
    // Only one run row of that name in view at a time.
    const zoo = treeItem(page, /xcom_zoo/);
    if ((await zoo.getAttribute('aria-expanded')) === 'true') {
      await zoo.click();
      await page.waitForFunction((el) => el?.getAttribute('aria-expanded') === 'false', await zoo.elementHandle());
    }
    await expand(page, /fanout_mapped/);
    await expand(page, /manual__2024-01-01/);
    await expand(page, /^process/);
    await expand(page, /^\[0\]/);
    const table = treeItem(page, /^table/);
    await table.filter({ hasNotText: 'checking' }).waitFor({ timeout: 60_000 });
    await chooseFromMenu(page, table, 'Preview All Map Indexes');
    const frame = newestWebview(page);
    await frame.locator('#showing').filter({ hasText: 'showing 5 of 5 rows' }).waitFor({ timeout: 60_000 });
    // The header claims no count the notes would contradict (two of the three map indexes were stacked).
    assert.equal(
      await frame.locator('.subtitle').textContent(),
      "the map indexes' tables, stacked with a map_index column",
    );
    // Columns aligned by name, each with its type: amount is text because one map index wrote "unknown".
    assert.deepEqual(await frame.locator('.ag-header-cell-text').allTextContents(), [
      'map_index · integer',
      'id · integer',
      'amount · string',
      'discount · float',
    ]);
    const rows: string[][] = [];
    for (let r = 0; r < 5; r++)
      rows.push(
        (await frame.locator(`[role="row"][row-index="${r}"] .ag-cell`).allTextContents()).map((t) => t.trim()),
      );
    // Each row says its map index; the map index without `discount` shows it missing.
    assert.deepEqual(rows, [
      ['0', '1', '10', '0.5'],
      ['0', '2', '20', '0.0'],
      ['0', '3', '30', '0.25'],
      ['1', '4', 'unknown', 'NaN'],
      ['1', '5', '50', 'NaN'],
    ]);
    // What differs between the map indexes, and the one left out, stay in the panel.
    const notes = frame.locator('.messages [role="note"]');
    await notes.filter({ hasText: 'map_index 1 lacks column `discount`.' }).waitFor({ timeout: 10_000 });
    await notes.filter({ hasText: /`amount` \(integer in map_index 0; string in map_index 1\)/ }).waitFor();
    await notes.filter({ hasText: /^map_index 2 could not be read and is left out:/ }).waitFor();
    await screenshot(page, 'sources-all-map-indexes');
  });

  it('a preview without that connection shows the bucket-less reference as text, with the reason', async () => {
    const frame = await openPreview(workbench!, page, {
      title: 'no connection',
      inline: [{ id: 3, next: BUCKETLESS }],
    });
    const cell = frame.locator('.ag-cell', { hasText: BUCKETLESS });
    await cell.waitFor({ timeout: 30_000 });
    assert.equal(await cell.locator('a.reference').count(), 0);
    assert.match((await cell.locator('span[title]').getAttribute('title')) ?? '', /carries no bucket/);
  });

  it('an S3 endpoint that never answers: the panel opens at once, says it waits for the HEAD, and Cancel ends it', async () => {
    const args = { title: 'silent', ...s3PreviewArgs(silentEndpoint, 'b', 'k.csv') };
    const waiting = (panel: FrameLocator) =>
      panel.locator('#progress').filter({ hasText: 'Waiting for S3 (HEAD s3://b/k.csv)…' });
    // The panel says what it waits for within seconds of the key press, or openPreview presses again.
    const frame = await openPreview(workbench!, page, args, waiting, 5_000);
    await screenshot(page, 'sources-waiting-for-s3');
    const cancelledAt = Date.now();
    await frame.locator('#cancel').click();
    await frame
      .locator('#progress')
      .filter({ hasText: /^cancelled in/ })
      .waitFor({ timeout: 5_000 });
    assert.ok(Date.now() - cancelledAt < 5_000);
    await frame.getByText(/Loading was cancelled/).waitFor({ timeout: 5_000 });
  });
});
