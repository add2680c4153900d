// The Airflow tree in a real extension host, on a real SQLite metadata DB (Airflow 2.10 and 3.1 fixtures) and a
// real S3-compatible server: labels, states, paging, the failed filter, inputs, references, Open Value, copy and
// download, read-only access, and bad connections.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { S3Client } from '@aws-sdk/client-s3';
import * as vscode from 'vscode';
import type { XComLensApi } from '../../src/extension';
import type { TreeNode } from '../../src/views/treeNodes/treeNode';
import { createSqliteFixture } from '../fixtures/airflow/builder';
import { seedOffloadedObjects, type SeededObject } from '../fixtures/s3/seedOffloadedObjects';
import { connectFixture, labelOf, removeAllConnections, s3Service, TreeWalker } from './treeWalker';

const BUCKET = 'xcom-lens-test';
const ARTICLE_KEY = 'data_6f1c2b9e-4d3a-4f6e-9b8a-1c2d3e4f5a6b.csv';

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

for (const generation of [2, 3] as const) {
  describe(`the Airflow tree on an Airflow ${generation === 2 ? '2.10' : '3.1'} SQLite DB`, function () {
    this.timeout(60_000);
    let api: XComLensApi;
    let walk: TreeWalker;
    let dbPath: string;
    let checksum: string;
    let seeded: SeededObject[];
    const name = `fixture ${generation}`;

    before(async () => {
      const extension = vscode.extensions.getExtension<XComLensApi>('xcom-lens.xcom-lens');
      assert.ok(extension);
      api = await extension.activate();
      walk = new TreeWalker(api);
      await removeAllConnections();
      const dir = mkdtempSync(join(tmpdir(), 'xcom-lens-tree-'));
      dbPath = join(dir, 'airflow.db');
      await createSqliteFixture(dbPath, generation);
      checksum = sha256(dbPath);
      const s3 = s3Service();
      const client = new S3Client({
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: true,
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      });
      seeded = await seedOffloadedObjects(client, BUCKET);
      await vscode.commands.executeCommand('xcomLens.addConnection', {
        name,
        url: `sqlite:///${dbPath}`,
        storage: { endpointUrl: s3.endpoint, region: s3.region, forcePathStyle: true, bucket: BUCKET },
        s3Credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      });
    });

    after(removeAllConnections);

    it('shows the connection with the Airflow version it found', async () => {
      const roots = await walk.children();
      assert.deepEqual(walk.labels(roots), [name]);
      const item = walk.item(roots[0]);
      assert.match(
        String(item.description),
        generation === 2 ? /Airflow 2\.10\.3 · sqlite/ : /Airflow 3\.1\.0 · sqlite/,
      );
      assert.equal(item.contextValue, 'connection');
    });

    it('lists Recent failures first, then the DAGs by id, paused ones marked', async () => {
      const connection = await walk.path(name);
      const kids = await walk.children(connection);
      assert.deepEqual(walk.labels(kids), ['Recent failures', 'etl_orders', 'fanout_mapped', 'many_runs', 'xcom_zoo']);
      assert.equal(walk.item(kids[4]).contextValue, 'dag paused');
      assert.match(String(walk.item(kids[1]).description), /#orders/);
    });

    it('lists runs newest first with state, and filters them by state', async () => {
      const dag = await walk.path(name, 'etl_orders');
      const runs = await walk.children(dag);
      assert.equal(runs.length, 3);
      const states = runs.map((r) => walk.item(r).contextValue);
      assert.equal(states[0], 'dagRun failed', 'the newest run is the failed one');
      assert.ok(states.includes('dagRun success'));
      const dates = runs.map(
        (r) => (walk.item(r).tooltip as vscode.MarkdownString).value.match(/Logical date: (\S+ \S+)/)?.[1] ?? '',
      );
      assert.deepEqual([...dates].sort().reverse(), dates, 'newest first');
      await vscode.commands.executeCommand('xcomLens.filterRunsByState', dag, ['failed']);
      const failed = await walk.children(dag);
      assert.ok(failed.length >= 1);
      assert.ok(
        failed.every((r) => walk.item(r).contextValue === 'dagRun failed'),
        walk.labels(failed).join(', '),
      );
      await vscode.commands.executeCommand('xcomLens.filterRunsByState', dag, []);
      assert.equal((await walk.children(dag)).length, 3);
    });

    it('pages runs 50 at a time with Load more', async () => {
      const dag = await walk.path(name, 'many_runs');
      const first = await walk.children(dag);
      assert.equal(first.length, 51);
      const more = first[50];
      assert.equal(labelOf(walk.item(more)), 'Load more…');
      await vscode.commands.executeCommand('xcomLens.loadMore', more);
      const all = await walk.children(dag);
      assert.equal(all.length, 60);
      assert.ok(!walk.labels(all).includes('Load more…'));
    });

    it('shows task instances of the failed run with state, try number and upstream failure', async () => {
      const run = (await walk.children(await walk.path(name, 'etl_orders')))[0];
      const tis = await walk.children(run);
      assert.deepEqual(walk.labels(tis), ['extract', 'load', 'transform']);
      const [extract, load, transform] = tis.map((n) => walk.item(n));
      assert.equal(extract.contextValue, 'taskInstance success');
      assert.equal(load.contextValue, 'taskInstance upstream_failed');
      assert.equal(transform.contextValue, 'taskInstance failed');
      assert.match(String(transform.description), /failed · try 2/);
    });

    it('groups mapped task instances by map index', async () => {
      const run = (await walk.children(await walk.path(name, 'fanout_mapped')))[0];
      const mapped = (await walk.children(run)).find((n) => walk.item(n).contextValue === 'mappedTask');
      assert.ok(mapped, 'no mapped task group');
      assert.match(String(walk.item(mapped).description), /^3 mapped/);
      const indexes = await walk.children(mapped);
      assert.deepEqual(walk.labels(indexes), ['[0]', '[1]', '[2]']);
      const xcoms = (await walk.children(indexes[1])).filter((n) => /^xcom/.test(walk.item(n).contextValue ?? ''));
      assert.deepEqual(walk.labels(xcoms), ['return_value']);
    });

    it('recognises the offloaded DataFrame, shows its size, and reads it in a preview', async () => {
      const run = (await walk.children(await walk.path(name, 'etl_orders')))[0];
      const extract = await walk.child(run, 'extract');
      const xcom = await walk.child(extract, 'return_value');
      const item = await walk.settled(xcom);
      assert.match(item.contextValue ?? '', /\breference\b/);
      const article = seeded.find((o) => o.backend === 'article');
      assert.ok(article);
      assert.match(
        String(item.description),
        new RegExp(`^${article.body.length} B · .* · ${ARTICLE_KEY.replace(/\./g, '\\.')}$`),
      );
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'cloud');
      const summary = await vscode.commands.executeCommand<{ rowCount: number; columns: string[]; error?: string }>(
        'xcomLens.preview',
        xcom,
      );
      assert.ok(summary, 'the preview did not open');
      assert.equal(summary.error, undefined);
      assert.equal(summary.rowCount, article.rows);
      assert.deepEqual(summary.columns, ['order_id', 'customer', 'amount', 'currency', 'created_at', 'status']);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });

    it("invents no comparison when the last successful run's object is gone", async () => {
      const run = (await walk.children(await walk.path(name, 'etl_orders')))[0];
      const xcom = await walk.child(await walk.child(run, 'extract'), 'return_value');
      const result = await vscode.commands.executeCommand<{ baselineRunId: string; report: string } | undefined>(
        'xcomLens.compareWithLastGoodRun',
        xcom,
      );
      // The newest successful run's object is gone (a dangling reference): no diff is invented.
      assert.equal(result, undefined);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it('shows a reference whose object is gone as dangling, with the reason', async () => {
      const runs = await walk.children(await walk.path(name, 'etl_orders'));
      const successful = runs.find((r) => walk.item(r).contextValue === 'dagRun success');
      assert.ok(successful);
      const xcom = await walk.child(await walk.child(successful, 'extract'), 'return_value');
      const item = await walk.settled(xcom);
      assert.match(String(item.description), /^dangling reference · /);
      assert.match((item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' '), /does not exist/);
    });

    it('lists the XComs of upstream tasks as the inputs of the failed task', async () => {
      const run = (await walk.children(await walk.path(name, 'etl_orders')))[0];
      const transform = await walk.child(run, 'transform');
      const inputs = await walk.child(transform, 'Inputs');
      const inputXComs = await walk.children(inputs);
      assert.deepEqual(walk.labels(inputXComs), ['extract › return_value']);
      assert.match(walk.item(inputXComs[0]).contextValue ?? '', /\breference\b/);
    });

    it('lists the failed task instances across DAGs under Recent failures', async () => {
      const failures = await walk.path(name, 'Recent failures');
      const labels = walk.labels(await walk.children(failures));
      assert.ok(labels.includes('etl_orders › transform'), labels.join(' | '));
    });

    it('copies the reference, S3 URI, snippets and identifiers exactly', async () => {
      const run = (await walk.children(await walk.path(name, 'etl_orders')))[0];
      const xcom = await walk.child(await walk.child(run, 'extract'), 'return_value');
      const s3 = s3Service();
      const reference = `xcom_s3://${BUCKET}/${ARTICLE_KEY}`;
      const cases: Array<[string, string]> = [
        ['xcomLens.copyReference', reference],
        ['xcomLens.copyS3Uri', `s3://${BUCKET}/${ARTICLE_KEY}`],
        ['xcomLens.copyHttpsUrl', `${s3.endpoint}/${BUCKET}/${ARTICLE_KEY}`],
        [
          'xcomLens.copyAwsCliCommand',
          `aws s3 cp s3://${BUCKET}/${ARTICLE_KEY} ./${ARTICLE_KEY} --endpoint-url ${s3.endpoint} --region ${s3.region}`,
        ],
        [
          'xcomLens.copyPandasSnippet',
          `import pandas as pd\n\ndf = pd.read_csv(\n    "s3://${BUCKET}/${ARTICLE_KEY}",\n    storage_options={"client_kwargs": {"endpoint_url": "${s3.endpoint}", "region_name": "${s3.region}"}},\n)\n`,
        ],
      ];
      for (const [command, expected] of cases) {
        await vscode.env.clipboard.writeText('');
        await vscode.commands.executeCommand(command, xcom);
        assert.equal(await vscode.env.clipboard.readText(), expected, command);
      }
      const runId = labelOf(walk.item(run));
      await vscode.commands.executeCommand('xcomLens.copyXComPullSnippet', xcom);
      assert.equal(
        await vscode.env.clipboard.readText(),
        `# run_id: ${runId}\nvalue = ti.xcom_pull(dag_id="etl_orders", task_ids="extract", key="return_value")\n`,
      );
      await vscode.commands.executeCommand('xcomLens.copyIdentifiers', xcom);
      assert.equal(
        await vscode.env.clipboard.readText(),
        `dag_id=etl_orders\nrun_id=${runId}\ntask_id=extract\nmap_index=-1\nkey=return_value`,
      );
      await vscode.commands.executeCommand('xcomLens.copyPresignedUrl', xcom);
      const presigned = await vscode.env.clipboard.readText();
      assert.match(presigned, /X-Amz-Signature=/);
      const article = seeded.find((o) => o.backend === 'article');
      assert.deepEqual(Buffer.from(await (await fetch(presigned)).arrayBuffer()), article?.body);
    });

    it('downloads the object into the chosen folder', async () => {
      const run = (await walk.children(await walk.path(name, 'etl_orders')))[0];
      const xcom = await walk.child(await walk.child(run, 'extract'), 'return_value');
      const folder = mkdtempSync(join(tmpdir(), 'xcom-lens-download-'));
      const saved = await vscode.commands.executeCommand<string>(
        'xcomLens.downloadObject',
        xcom,
        vscode.Uri.file(folder),
      );
      assert.equal(saved, join(folder, ARTICLE_KEY));
      assert.deepEqual(readFileSync(saved), seeded.find((o) => o.backend === 'article')?.body);
      assert.ok(!existsSync(`${saved}.part`));
    });

    it('opens a decoded value in a read-only JSON editor', async () => {
      const run = (await walk.children(await walk.path(name, 'xcom_zoo')))[0];
      const task = (await walk.children(run))[0];
      const xcoms = (await walk.children(task)).filter((n) => /^xcom/.test(walk.item(n).contextValue ?? ''));
      const dict = xcoms.find((n) => labelOf(walk.item(n)) === 'json_dict');
      assert.ok(dict, `no json_dict among ${walk.labels(xcoms).join(', ')}`);
      await vscode.commands.executeCommand('xcomLens.openValue', dict);
      const editor = vscode.window.activeTextEditor;
      assert.ok(editor);
      assert.equal(editor.document.uri.scheme, 'xcom-lens');
      assert.doesNotThrow(() => JSON.parse(editor.document.getText()));
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });

    it('finds XComs by key across the DB and reveals the hit', async () => {
      const connection = await walk.path(name);
      const hits = await vscode.commands.executeCommand<Array<{ dagId: string; taskId: string; key: string }>>(
        'xcomLens.searchXComs',
        connection,
        'JSON_DICT',
      );
      assert.ok(hits && hits.length >= 1, 'no hit');
      assert.ok(
        hits.every(
          (h) =>
            h.key.toLowerCase().includes('json_dict') ||
            h.taskId.includes('json_dict') ||
            h.dagId.includes('json_dict'),
        ),
      );
      assert.equal(hits[0].dagId, 'xcom_zoo');
      const none = await vscode.commands.executeCommand<unknown[]>(
        'xcomLens.searchXComs',
        connection,
        'no_such_key_anywhere',
      );
      assert.deepEqual(none, []);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it('never writes to the metadata DB: the file is unchanged after browsing', () => {
      assert.equal(sha256(dbPath), checksum);
    });
  });
}

/** A connection to a fresh SQLite fixture whose S3 bucket holds the seeded objects plus `objects`; returns a tree walker. */
describe('a reset that overtakes a connection attempt', function () {
  this.timeout(60_000);
  after(removeAllConnections);

  // The view connects as soon as a connection is added; a save, test or Refresh arriving meanwhile used to leave
  // the overtaken attempt's "cancelled" or "connection was closed" behind as the connection's state: the root
  // stayed empty (the connection-failed welcome) until the next Refresh.
  it('shows the connection, not the failure of the attempt the reset cut short', async () => {
    const walk = await connectFixture('overtaken', {}, {});
    for (let round = 0; round < 3; round++) {
      await vscode.commands.executeCommand('xcomLens.refresh');
      const roots = walk.children(); // connects anew
      const refresh = vscode.commands.executeCommand('xcomLens.refresh'); // overtakes that attempt
      assert.deepEqual(walk.labels(await roots), ['overtaken'], `round ${round}`);
      await refresh;
      assert.deepEqual(walk.labels(await walk.children()), ['overtaken'], `round ${round}, after the reset`);
    }
  });
});

describe('compare with the last successful run', function () {
  this.timeout(60_000);

  after(removeAllConnections);

  it('reports added, removed and retyped columns and the row delta against the last good run', async () => {
    // Yesterday's extract: 10 rows, an integer amount, a region column, no currency/created_at/status.
    const baselineKey = 'data_baseline-0000-4000-8000-000000000000.csv';
    const rows = Array.from({ length: 10 }, (_, i) => `${i + 1},customer ${i},${100 + i},eu`).join('\n');
    const walk = await connectFixture(
      'compare',
      { [baselineKey]: `order_id,customer,amount,region\n${rows}\n` },
      { successExtract: `xcom_s3://${BUCKET}/${baselineKey}` },
    );
    const run = (await walk.children(await walk.path('compare', 'etl_orders')))[0];
    const xcom = await walk.child(await walk.child(run, 'extract'), 'return_value');
    const result = await vscode.commands.executeCommand<{ baselineRunId: string; report: string } | undefined>(
      'xcomLens.compareWithLastGoodRun',
      xcom,
    );
    assert.ok(result, 'no comparison');
    assert.match(result.report, /\| rows \| 10 \| 12 \(\+2\) \|/);
    assert.match(result.report, /\*\*Added columns:\*\* `currency`, `created_at`, `status`/);
    assert.match(result.report, /\*\*Removed columns:\*\* `region`/);
    assert.match(result.report, /`amount` integer → float/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

/** The XCom `ref_<name>` of a fixture connected with one object, `key` holding `body`, and one reference to it. */
async function referenceXCom(name: string, key: string, body: string): Promise<TreeNode> {
  const walk = await connectFixture(name, { [key]: body }, { [name]: `xcom_s3://${BUCKET}/${key}` });
  const run = (await walk.children(await walk.path(name, 'xcom_zoo')))[0];
  return walk.child((await walk.children(run))[0], `ref_${name}`);
}

describe('pandas snippet of a JSON Lines object', function () {
  this.timeout(60_000);

  after(removeAllConnections);

  it('tells read_json the object holds JSON Lines, from the tree item', async () => {
    const xcom = await referenceXCom('lines', 'data_lines.jsonl', '{"a":1}\n{"a":2}\n');
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('xcomLens.copyPandasSnippet', xcom);
    assert.match(
      await vscode.env.clipboard.readText(),
      /^import pandas as pd\n\ndf = pd\.read_json\(\n    "s3:\/\/xcom-lens-test\/data_lines\.jsonl",\n    lines=True,\n    storage_options=/,
    );
  });
});

describe('download', function () {
  this.timeout(60_000);

  after(removeAllConnections);

  it('keeps a key that tries to climb out of the folder inside the chosen folder', async () => {
    // Backslashes climb folders on Windows; s3rver keeps them as plain characters of one object name.
    const key = '..\\..\\escape.csv';
    const walk = await connectFixture(
      'traversal',
      { [key]: 'a,b\n1,2\n' },
      { traversal: `xcom_s3://${BUCKET}/${key}` },
    );
    const run = (await walk.children(await walk.path('traversal', 'xcom_zoo')))[0];
    const xcom = await walk.child((await walk.children(run))[0], 'ref_traversal');
    const folder = join(mkdtempSync(join(tmpdir(), 'xcom-lens-dl-')), 'inner');
    mkdirSync(folder);
    const saved = await vscode.commands.executeCommand<string>(
      'xcomLens.downloadObject',
      xcom,
      vscode.Uri.file(folder),
    );
    assert.equal(saved, join(folder, 'escape.csv'));
    assert.equal(readFileSync(saved, 'utf8'), 'a,b\n1,2\n');
    assert.ok(!existsSync(join(folder, '..', 'escape.csv')) && !existsSync(join(folder, '..', '..', 'escape.csv')));
  });

  /** Files in `folder`, temp files included. */
  const filesIn = (folder: string) => readdirSync(folder).sort();

  it('asks before replacing a file that exists; dismissing the question changes nothing', async () => {
    const xcom = await referenceXCom('exists', 'data_exists.csv', 'a,b\n1,2\n');
    const folder = mkdtempSync(join(tmpdir(), 'xcom-lens-dl-exists-'));
    writeFileSync(join(folder, 'data_exists.csv'), 'mine\n');
    const pending = vscode.commands.executeCommand<string | undefined>(
      'xcomLens.downloadObject',
      xcom,
      vscode.Uri.file(folder),
    );
    const answered = await Promise.race([
      pending.then(() => 'finished'),
      new Promise((r) => setTimeout(() => r('waiting'), 1500)),
    ]);
    assert.equal(answered, 'waiting', 'the download waits for an answer instead of replacing the file');
    assert.equal(readFileSync(join(folder, 'data_exists.csv'), 'utf8'), 'mine\n');
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.equal(await pending, undefined, 'a dismissed question is a Cancel');
    assert.equal(readFileSync(join(folder, 'data_exists.csv'), 'utf8'), 'mine\n');
    assert.deepEqual(filesIn(folder), ['data_exists.csv']);
  });

  it('Keep Both saves beside the existing file; Replace replaces it', async () => {
    const xcom = await referenceXCom('both', 'data_both.csv', 'a,b\n3,4\n');
    const folder = mkdtempSync(join(tmpdir(), 'xcom-lens-dl-both-'));
    writeFileSync(join(folder, 'data_both.csv'), 'mine\n');
    const kept = await vscode.commands.executeCommand<string>(
      'xcomLens.downloadObject',
      xcom,
      vscode.Uri.file(folder),
      'keepBoth',
    );
    assert.equal(kept, join(folder, 'data_both (1).csv'));
    assert.equal(readFileSync(kept, 'utf8'), 'a,b\n3,4\n');
    assert.equal(readFileSync(join(folder, 'data_both.csv'), 'utf8'), 'mine\n');
    const replaced = await vscode.commands.executeCommand<string>(
      'xcomLens.downloadObject',
      xcom,
      vscode.Uri.file(folder),
      'replace',
    );
    assert.equal(replaced, join(folder, 'data_both.csv'));
    assert.equal(readFileSync(replaced, 'utf8'), 'a,b\n3,4\n');
    assert.deepEqual(filesIn(folder), ['data_both (1).csv', 'data_both.csv'], 'no temporary file is left');
  });

  it('a folder that cannot be written gives a clear message and ends, leaving no partial file', async () => {
    const xcom = await referenceXCom('readonly', 'data_ro.csv', 'a,b\n5,6\n');
    // Tests run as root, who ignores permission bits: /sys refuses new files even to root (EACCES), and an
    // immutable folder (chattr +i) refuses them too (EPERM).
    const folders: Array<[string, string]> = [['/sys', 'EACCES']];
    const immutable = mkdtempSync(join(tmpdir(), 'xcom-lens-dl-ro-'));
    if (spawnSync('chattr', ['+i', immutable]).status === 0) folders.push([immutable, 'EPERM']);
    try {
      for (const [folder, code] of folders) {
        const started = Date.now();
        const download = vscode.commands.executeCommand<string | undefined>(
          'xcomLens.downloadObject',
          xcom,
          vscode.Uri.file(folder),
        );
        const outcome = await Promise.race([download, new Promise((r) => setTimeout(() => r('hung'), 10_000))]);
        assert.equal(outcome, undefined, `${folder} (${code}): the download ended without a file`);
        assert.ok(Date.now() - started < 10_000, `${folder}: the download ended`);
        if (folder !== '/sys') assert.deepEqual(filesIn(folder), [], `${folder}: nothing left behind`);
      }
    } finally {
      spawnSync('chattr', ['-i', immutable]);
    }
    assert.ok(folders.length >= 1);
  });
});

describe('references into a missing bucket', function () {
  this.timeout(60_000);

  after(removeAllConnections);

  it('shows them as dangling, naming the bucket', async () => {
    const walk = await connectFixture(
      'missing-bucket',
      {},
      { missing_bucket: 'xcom_s3://no-such-bucket-here/data_0.csv' },
    );
    const run = (await walk.children(await walk.path('missing-bucket', 'xcom_zoo')))[0];
    const xcom = await walk.child((await walk.children(run))[0], 'ref_missing_bucket');
    const item = await walk.settled(xcom);
    assert.match(String(item.description), /^dangling reference · /);
    assert.match((item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' '), /no-such-bucket-here/);
  });
});

describe("astronomer-providers' offloaded values that are not tables", function () {
  this.timeout(60_000);
  after(removeAllConnections);

  it('Open Value reads the object and shows what xcom_pull returns, not the key', async () => {
    const count = 's3_xcom_3c9d7e1f-2a4b-4c6d-8e0f-000000000001';
    const stats = 's3_xcom_3c9d7e1f-2a4b-4c6d-8e0f-000000000002';
    const walk = await connectFixture(
      'providers-values',
      { [count]: '1234', [stats]: '{"rows": 4, "ratio": 0.5, "label": "Zo\\u00eb"}' },
      { providers_count: count, providers_stats: stats },
    );
    const run = (await walk.children(await walk.path('providers-values', 'xcom_zoo')))[0];
    const task = (await walk.children(run))[0];
    for (const [key, expected] of [
      ['ref_providers_count', 1234],
      ['ref_providers_stats', { rows: 4, ratio: 0.5, label: 'Zoë' }],
    ] as const) {
      const xcom = await walk.child(task, key);
      const item = await walk.settled(xcom);
      assert.match(item.contextValue ?? '', /\breference\b/, key);
      assert.doesNotMatch(item.contextValue ?? '', /\btable\b/, key);
      assert.equal(item.command?.command, 'xcomLens.openValue', key);
      await vscode.commands.executeCommand('xcomLens.openValue', xcom);
      const editor = vscode.window.activeTextEditor;
      assert.ok(editor);
      const text = editor.document.getText();
      assert.match(
        text,
        new RegExp(
          `^// xcom_pull reads this from s3://${BUCKET}/${key.slice(4) === 'providers_count' ? count : stats}`,
        ),
        text,
      );
      const body = text
        .split('\n')
        .filter((l) => !l.startsWith('//'))
        .join('\n');
      assert.deepEqual(JSON.parse(body), expected);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
  });
});

describe('a bucket-less reference when no bucket is known', function () {
  this.timeout(60_000);
  after(removeAllConnections);

  it('says which setting makes it work, in the tree and in Open Value', async () => {
    const api = await vscode.extensions.getExtension<XComLensApi>('xcom-lens.xcom-lens')!.activate();
    await removeAllConnections();
    const dir = mkdtempSync(join(tmpdir(), 'xcom-lens-no-bucket-'));
    const raw = 'xcom_s3://data_0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    await createSqliteFixture(join(dir, 'airflow.db'), 2, { references: { tutorial: raw } });
    await vscode.commands.executeCommand('xcomLens.addConnection', {
      name: 'no-bucket',
      url: `sqlite:///${join(dir, 'airflow.db')}`,
    });
    const walk = new TreeWalker(api);
    const run = (await walk.children(await walk.path('no-bucket', 'xcom_zoo')))[0];
    const xcom = await walk.child((await walk.children(run))[0], 'ref_tutorial');
    const item = walk.item(xcom);
    assert.match(String(item.description), /^needs S3_XCOM_BUCKET_NAME/);
    assert.match(
      (item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' '),
      /Astronomer tutorial reference/,
    );
    await vscode.commands.executeCommand('xcomLens.openValue', xcom);
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.match(
      text,
      /^\/\/ It looks like an Astronomer tutorial reference, which carries no bucket: set S3_XCOM_BUCKET_NAME/,
    );
    assert.ok(text.split('\n').includes(raw), text);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});

describe('references an S3 stand-in refuses (bodiless 403 and 400 answers)', function () {
  this.timeout(60_000);
  let standIn: HttpServer;

  before(async () => {
    standIn = createHttpServer((req, res) => {
      res.writeHead((req.url ?? '').includes('expired') ? 400 : 403);
      res.end();
    });
    await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    await removeAllConnections();
    await new Promise<void>((resolve) => standIn.close(() => resolve()));
  });

  it('shows a 403 as access denied and an expired token as rejected credentials, not as unreachable', async () => {
    const api = await vscode.extensions.getExtension<XComLensApi>('xcom-lens.xcom-lens')!.activate();
    await removeAllConnections();
    const dir = mkdtempSync(join(tmpdir(), 'xcom-lens-refused-'));
    const references = {
      forbidden: 'xcom_s3://locked/data_forbidden.csv',
      expired: 'xcom_s3://locked/data_expired.csv',
    };
    await createSqliteFixture(join(dir, 'airflow.db'), 2, { references });
    const endpointUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
    await vscode.commands.executeCommand('xcomLens.addConnection', {
      name: 'refused',
      url: `sqlite:///${join(dir, 'airflow.db')}`,
      storage: { endpointUrl, region: 'us-east-1', forcePathStyle: true },
      s3Credentials: {
        accessKeyId: 'ASIATEMPORARY0001',
        secretAccessKey: 'temporarySecret',
        sessionToken: 'expiredToken',
      },
    });
    const walk = new TreeWalker(api);
    const run = (await walk.children(await walk.path('refused', 'xcom_zoo')))[0];
    const task = (await walk.children(run))[0];
    const forbidden = await walk.settled(await walk.child(task, 'ref_forbidden'));
    assert.match(String(forbidden.description), /^access denied · /);
    const expired = await walk.settled(await walk.child(task, 'ref_expired'));
    assert.match(String(expired.description), /^credentials rejected · /);
    assert.match((expired.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' '), /expired or invalid/);
  });
});

describe('bad connections', function () {
  this.timeout(60_000);
  let api: XComLensApi;
  let walk: TreeWalker;

  before(async () => {
    api = await vscode.extensions.getExtension<XComLensApi>('xcom-lens.xcom-lens')!.activate();
    walk = new TreeWalker(api);
    await removeAllConnections();
  });

  after(removeAllConnections);

  it('a SQLite file that is not an Airflow DB gives a clear message, and the connection-failed welcome', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xcom-lens-bad-'));
    const db = new DatabaseSync(join(dir, 'other.db'));
    db.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)');
    db.close();
    await vscode.commands.executeCommand('xcomLens.addConnection', {
      name: 'not airflow',
      url: `sqlite:///${join(dir, 'other.db')}`,
    });
    const roots = await walk.children();
    assert.deepEqual(roots, [], 'every connection failed: the tree is empty so the connection-failed welcome shows');
  });

  it('a good connection beside a bad one keeps working; the bad one explains itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xcom-lens-good-'));
    await createSqliteFixture(join(dir, 'airflow.db'), 2);
    await vscode.commands.executeCommand('xcomLens.addConnection', {
      name: 'good',
      url: `sqlite:///${join(dir, 'airflow.db')}`,
    });
    await vscode.commands.executeCommand('xcomLens.addConnection', {
      name: 'missing file',
      url: `sqlite:///${join(dir, 'nope.db')}`,
    });
    const roots = await walk.children();
    assert.deepEqual(walk.labels(roots), ['not airflow', 'good', 'missing file']);
    assert.equal(walk.item(roots[0]).description, 'connection failed');
    const [message] = await walk.children(roots[0]);
    assert.match(labelOf(walk.item(message)), /no Airflow metadata tables/i);
    assert.match(labelOf(walk.item((await walk.children(roots[2]))[0])), /nope\.db/);
    assert.ok(walk.labels(await walk.children(roots[1])).includes('etl_orders'));
  });

  it('retries a failed connection on Refresh, not on every redraw', async () => {
    await removeAllConnections();
    const dir = mkdtempSync(join(tmpdir(), 'xcom-lens-retry-'));
    const path = join(dir, 'airflow.db');
    await vscode.commands.executeCommand('xcomLens.addConnection', { name: 'later', url: `sqlite:///${path}` });
    assert.deepEqual(await walk.children(), [], 'the file does not exist yet: the connection fails');
    await createSqliteFixture(path, 2);
    assert.deepEqual(await walk.children(), [], 'a redraw alone does not reconnect');
    await vscode.commands.executeCommand('xcomLens.refresh');
    assert.deepEqual(walk.labels(await walk.children()), ['later']);
  });
});

describe('a DB at an alembic head newer than XCom Lens knows', function () {
  this.timeout(60_000);

  after(removeAllConnections);

  it('opens and says so on the connection node, not only in the log', async () => {
    const api = await vscode.extensions.getExtension<XComLensApi>('xcom-lens.xcom-lens')!.activate();
    await removeAllConnections();
    const path = join(mkdtempSync(join(tmpdir(), 'xcom-lens-newer-')), 'airflow.db');
    await createSqliteFixture(path, 3);
    const writer = new DatabaseSync(path);
    writer.exec("UPDATE alembic_version SET version_num = 'f0e1d2c3b4a5'");
    writer.close();
    await vscode.commands.executeCommand('xcomLens.addConnection', { name: 'newer', url: `sqlite:///${path}` });
    const walk = new TreeWalker(api);
    const connection = await walk.path('newer');
    assert.ok(walk.labels(await walk.children(connection)).includes('etl_orders'), 'the DAGs are listed');
    const item = walk.item((await walk.children())[0]);
    assert.match(String(item.description), /Airflow 3\.x · sqlite · newer than known/);
    const markdown = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip);
    const tooltip = markdown.replace(/&nbsp;/g, ' ');
    assert.match(tooltip, /\*\*Note:\*\* Alembic revision f0e1d2c3b4a5 is not one XCom Lens knows/);
  });
});

describe('identifiers holding bidi controls', function () {
  this.timeout(60_000);

  after(removeAllConnections);

  it('shows U+202E in DAG, run and task labels as a visible escape, never raw', async () => {
    const api = await vscode.extensions.getExtension<XComLensApi>('xcom-lens.xcom-lens')!.activate();
    await removeAllConnections();
    const dir = mkdtempSync(join(tmpdir(), 'xcom-lens-bidi-'));
    const path = join(dir, 'airflow.db');
    await createSqliteFixture(path, 2);
    // Rename every identifier of one DAG so each holds a right-to-left override (SQLite does not enforce the FKs).
    const db = new DatabaseSync(path);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((r) => String(r.name));
    for (const table of tables) {
      const columns = db
        .prepare(`PRAGMA table_info("${table}")`)
        .all()
        .map((r) => String(r.name));
      if (!columns.includes('dag_id')) continue;
      const where = "WHERE dag_id = 'xcom_zoo'";
      for (const column of ['run_id', 'task_id', 'task_display_name']) {
        if (columns.includes(column))
          db.exec(`UPDATE "${table}" SET ${column} = ${column} || char(8238) || 'gpj.exe' ${where}`);
      }
      if (columns.includes('dag_display_name'))
        db.exec(`UPDATE "${table}" SET dag_display_name = 'zoo' || char(8238) || 'txt' ${where}`);
      db.exec(`UPDATE "${table}" SET dag_id = 'zoo' || char(8238) || 'txt' ${where}`);
    }
    db.close();
    await vscode.commands.executeCommand('xcomLens.addConnection', { name: 'bidi', url: `sqlite:///${path}` });
    const walk = new TreeWalker(api);
    const dag = await walk.path('bidi', 'zoo\\u202Etxt');
    const run = (await walk.children(dag))[0];
    const task = (await walk.children(run))[0];
    const items = [walk.item(dag), walk.item(run), walk.item(task)];
    for (const item of items) {
      assert.doesNotMatch(labelOf(item), /\u202E/);
      assert.doesNotMatch(String(item.description ?? ''), /\u202E/);
      assert.doesNotMatch((item.tooltip as vscode.MarkdownString).value, /\u202E/);
    }
    assert.match(labelOf(walk.item(run)), /\\u202Egpj\.exe$/);
    assert.match(labelOf(walk.item(task)), /\\u202Egpj\.exe$/);
  });
});
