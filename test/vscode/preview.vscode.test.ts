// The preview panel inside a real extension host: `xcomLens.preview` opens a panel for an inline table and for
// S3 objects (CSV, gzip CSV, Parquet, one past the memory budget) and reports what it loaded. Cells inside the webview are checked by
// test/ui/preview.ui.test.ts.
import { rowGroupsParquet } from '../fixtures/parquet/parquetFixtures';
import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import * as vscode from 'vscode';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { VIEW_BYTES_PER_ROW, tableShareOfBudget } from '../../src/formats/tableView';
import type { PreviewSummary } from '../../src/panels/previewPanel';
import { fixedWidthCsv, startGeneratedObjectServer } from '../fixtures/servers/generatedObjects';

interface Services {
  s3?: { endpoint: string; accessKeyId: string; secretAccessKey: string; region: string };
}

const services: Services = process.env.XCOM_LENS_TEST_SERVICES
  ? (JSON.parse(process.env.XCOM_LENS_TEST_SERVICES) as Services)
  : {};
const bucket = 'xcom-lens-preview';

function previewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('xcomLens.preview'));
}

/** Waits until the tab model (updated asynchronously by the workbench) shows `n` previews. */
async function previewTabCount(n: number): Promise<number> {
  for (let i = 0; i < 50 && previewTabs().length !== n; i++) await new Promise((r) => setTimeout(r, 100));
  return previewTabs().length;
}

async function preview(arg: unknown): Promise<PreviewSummary> {
  const summary = await vscode.commands.executeCommand<PreviewSummary | undefined>('xcomLens.preview', arg);
  assert.ok(summary, 'xcomLens.preview returned no summary');
  return summary;
}

describe('preview panel', () => {
  before(async () => {
    await vscode.extensions.getExtension('xcom-lens.xcom-lens')?.activate();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await previewTabCount(0);
  });

  it('opens an inline DataFrame (orient=columns) and reports its rows and types', async () => {
    const summary = await preview({
      title: 'inline frame',
      inline: { id: { '0': 1, '1': 2, '2': 3 }, name: { '0': 'a', '1': 'b', '2': null } },
    });
    assert.equal(summary.rowCount, 3);
    assert.deepEqual(summary.columns, ['id', 'name']);
    assert.deepEqual(summary.types, ['integer', 'string']);
    assert.equal(summary.mode, 'client');
    assert.equal(summary.error, undefined);
    assert.equal(await previewTabCount(1), 1);
    assert.equal(previewTabs()[0].label, 'inline frame');
  });

  it('shows a clear error for a value that is not a table, and still opens the panel', async () => {
    const summary = await preview({ title: 'not a table', inline: 42 });
    assert.match(summary.error ?? '', /not a table/);
    assert.equal(await previewTabCount(1), 1);
  });

  it('rejects a malformed argument without opening a panel', async () => {
    const summary = await vscode.commands.executeCommand('xcomLens.preview', { s3: { bucket: 5 } });
    assert.equal(summary, undefined);
    assert.equal(await previewTabCount(0), 0);
  });

  describe('S3 objects', function () {
    let s3: S3Client;
    const rows = (n: number) =>
      'id,city,amount\n' +
      Array.from({ length: n }, (_, i) => `${i},city_${i % 7},${(i * 1.5).toFixed(2)}`).join('\n') +
      '\n';
    const csv = rows(5000);

    before(async function () {
      if (!services.s3) return this.skip();
      const { endpoint, accessKeyId, secretAccessKey, region } = services.s3;
      // The command reads credentials from the standard AWS chain: the environment of this extension host.
      process.env.AWS_ACCESS_KEY_ID = accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = secretAccessKey;
      process.env.AWS_REGION = region;
      s3 = new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
      await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => undefined);
      const parquet = Buffer.from(rowGroupsParquet());
      for (const [Key, Body] of [
        ['data_1.csv', csv],
        ['data_2.csv.gz', gzipSync(csv)],
        ['frame.parquet', parquet],
        ['pickled', Buffer.from([0x80, 0x04, 0x4b, 0x2a, 0x2e])],
        ['data_3mb.csv', rows(100_000)],
      ] as const) {
        await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key, Body: typeof Body === 'string' ? Buffer.from(Body) : Body }),
        );
      }
    });

    const target = (key: string) => ({
      bucket,
      key,
      endpointUrl: services.s3!.endpoint,
      region: services.s3!.region,
      forcePathStyle: true,
    });

    it('streams a CSV object into the grid', async () => {
      const summary = await preview({ s3: target('data_1.csv') });
      assert.equal(summary.rowCount, 5000);
      assert.deepEqual(summary.types, ['integer', 'string', 'float']);
      assert.equal(summary.format, 'csv');
    });

    it('parses a larger CSV on worker threads shipped next to the extension bundle', async () => {
      const summary = await preview({ s3: target('data_3mb.csv') });
      assert.equal(summary.rowCount, 100_000);
      assert.deepEqual(summary.types, ['integer', 'string', 'float']);
      assert.ok(summary.workerThreads > 0, 'parsed on worker threads');
      assert.equal(summary.error, undefined);
    });

    it('decompresses a gzip CSV object', async () => {
      const summary = await preview({ s3: target('data_2.csv.gz') });
      assert.equal(summary.rowCount, 5000);
      assert.equal(summary.format, 'csv (gzip)');
    });

    it('reads Parquet with ranged reads', async () => {
      const summary = await preview({ s3: target('frame.parquet') });
      assert.equal(summary.rowCount, 15);
      assert.equal(summary.format, 'parquet');
    });

    it('refuses to unpickle and says why', async () => {
      const summary = await preview({ s3: target('pickled') });
      assert.match(summary.error ?? '', /pickle/);
    });

    it('against an endpoint that accepts and never answers, the panel opens at once and the wait is bounded', async () => {
      const silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const endpointUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const config = vscode.workspace.getConfiguration('xcomLens');
      await config.update('s3.requestTimeoutSeconds', 2, vscode.ConfigurationTarget.Global);
      try {
        const started = Date.now();
        const result = vscode.commands.executeCommand('xcomLens.preview', {
          s3: { ...target('data_1.csv'), endpointUrl },
        });
        assert.equal(await previewTabCount(1), 1, 'the panel is open while the HEAD waits');
        assert.ok(Date.now() - started < 3000, `opened after ${Date.now() - started} ms`);
        assert.equal(await result, undefined, 'no table could be opened');
        const elapsed = Date.now() - started;
        assert.ok(elapsed >= 1900 && elapsed < 6000, `gave up after ${elapsed} ms with a 2 s bound`);
      } finally {
        await config.update('s3.requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
        silent.close();
      }
    });

    it('stops a 3 GB object at the memory budget and says how much of it the table holds', async () => {
      const huge = fixedWidthCsv(3e9);
      const server = await startGeneratedObjectServer({ [`${bucket}/huge.csv`]: huge });
      const config = vscode.workspace.getConfiguration('xcomLens');
      await config.update('preview.memoryBudgetMB', 64, vscode.ConfigurationTarget.Global);
      // This extension host's threads (Linux): the preview adds its table worker, and its parser threads while it reads.
      const threads = (): number => readdirSync('/proc/self/task').length;
      const before = threads();
      try {
        const summary = await preview({ s3: { ...target('huge.csv'), endpointUrl: server.endpoint } });
        assert.equal(summary.error, undefined);
        assert.ok(summary.partial, 'reading stopped at the budget');
        // Waiting at the budget, the parser threads are stopped: only the table worker stays.
        for (const started = Date.now(); threads() > before + 1; await new Promise((r) => setTimeout(r, 20)))
          assert.ok(
            Date.now() - started < 5000,
            `the parser threads still run at the budget: ${threads()} threads, ${before} before`,
          );
        assert.equal(summary.partial.totalBytes, huge.size);
        assert.ok(summary.partial.bytesRead < 0.1 * huge.size, `read ${summary.partial.bytesRead} bytes`);
        // The budget holds the table and the room to sort and filter its rows, and the threads' own memory.
        const held = summary.tableBytes + summary.rowCount * VIEW_BYTES_PER_ROW;
        // It stops once they reach the budget less that share, so they stay within the budget itself.
        const share = tableShareOfBudget(64e6);
        assert.ok(held >= share && held < 64e6, `table holds ${summary.tableBytes} bytes, ${summary.rowCount} rows`);
        assert.ok(summary.rowCount > 500_000, `rows: ${summary.rowCount}`);
        assert.ok(server.sent(`${bucket}/huge.csv`) < 0.1 * huge.size, 'the rest of the object is not downloaded');
      } finally {
        await config.update('preview.memoryBudgetMB', undefined, vscode.ConfigurationTarget.Global);
        await server.close();
      }
    });

    it('reports a missing object', async () => {
      const result = await vscode.commands.executeCommand('xcomLens.preview', { s3: target('missing.csv') });
      assert.equal(result, undefined);
    });
  });
});
