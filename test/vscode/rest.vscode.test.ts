// The Airflow tree on the REST source in a real extension host: a connection added with an http:// base URL and a
// password, walked DAGs → runs → task instances → XComs against the spec-validating API stand-in (/api/v1 and
// /api/v2, started here in the extension host process), an offloaded reference previewed from the test s3rver,
// Open Log scrolled to the traceback, Recent failures and Search.
import * as assert from 'node:assert/strict';
import { S3Client } from '@aws-sdk/client-s3';
import * as vscode from 'vscode';
import type { XComLensApi } from '../../src/extension';
import type { TreeNode } from '../../src/views/treeNodes/treeNode';
import { API_USER, startAirflowApi, type AirflowApi } from '../fixtures/servers/airflowApi';
import { seedOffloadedObjects, type SeededObject } from '../fixtures/s3/seedOffloadedObjects';
import { labelOf, removeAllConnections, s3Service, TreeWalker } from './treeWalker';

const BUCKET = 'xcom-lens-test';
const ARTICLE_KEY = 'data_6f1c2b9e-4d3a-4f6e-9b8a-1c2d3e4f5a6b.csv';

for (const generation of [3, 2] as const) {
  describe(`the Airflow tree on the REST API /api/v${generation - 1}`, function () {
    this.timeout(60_000);
    let api: XComLensApi;
    let airflow: AirflowApi;
    let seeded: SeededObject[];
    const name = `rest ${generation}`;
    let walk: TreeWalker;
    const children = (node?: TreeNode): Promise<TreeNode[]> => walk.children(node);
    const item = (node: TreeNode): vscode.TreeItem => walk.item(node);
    const child = (node: TreeNode | undefined, label: string | RegExp): Promise<TreeNode> => walk.child(node, label);
    const path = (...labels: Array<string | RegExp>): Promise<TreeNode> => walk.path(...labels);

    before(async () => {
      const extension = vscode.extensions.getExtension<XComLensApi>('xcom-lens.xcom-lens');
      assert.ok(extension);
      api = await extension.activate();
      walk = new TreeWalker(api);
      await removeAllConnections();
      airflow = await startAirflowApi({ generation, failedTries: 2, logFillerLines: 300 });
      const s3 = s3Service();
      const client = new S3Client({
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: true,
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      });
      seeded = await seedOffloadedObjects(client, BUCKET);
      const [, port] = airflow.url.split('127.0.0.1:');
      await vscode.commands.executeCommand('xcomLens.addConnection', {
        name,
        url: `http://${API_USER.username}@127.0.0.1:${port}/home`,
        password: API_USER.password,
        storage: { endpointUrl: s3.endpoint, region: s3.region, forcePathStyle: true, bucket: BUCKET },
        s3Credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      });
    });

    after(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.getConfiguration('xcomLens').update('connections', [], vscode.ConfigurationTarget.Global);
      await airflow.stop();
    });

    afterEach(() => assert.deepEqual(airflow.violations, [], 'every request and response matches the official spec'));

    it('shows the connection with the version the API reports', async () => {
      const roots = await children();
      assert.deepEqual(
        roots.map((n) => labelOf(item(n))),
        [name],
      );
      assert.match(String(item(roots[0]).description), generation === 2 ? /Airflow 2\.10\.3/ : /Airflow 3\.1\.0/);
    });

    it('walks DAGs → runs → task instances → XComs and previews the offloaded table', async () => {
      const dag = await path(name, 'etl');
      const runs = await children(dag);
      assert.equal(runs.length, 3, 'three runs of etl');
      const ti = await child(runs[runs.length - 1], /extract/);
      const sent = airflow.requests.length;
      const xcoms = await children(ti);
      assert.deepEqual(
        airflow.requests.slice(sent).map((r) => r.split('?')[0].replace(/.*\/taskInstances\//, '')),
        ['extract/xcomEntries'],
        'expanding a task instance is one request, whatever its number of XComs',
      );
      assert.deepEqual(
        xcoms.map((n) => labelOf(item(n))),
        ['Inputs', 'return_value', 'stats'],
      );
      const xcom = xcoms.find((n) => labelOf(item(n)) === 'return_value')!;
      const article = seeded.find((o) => o.key === ARTICLE_KEY);
      assert.ok(article, 'the article object is seeded');
      const description = String((await walk.settled(xcom)).description ?? '');
      assert.match(description, new RegExp(ARTICLE_KEY.replace(/[.]/g, '\\.')), 'the reference is recognised');
      assert.match(String((await walk.settled(xcoms[2])).description), /rows.*3/, 'the dict value is previewed');
      const summary = await vscode.commands.executeCommand<{ rowCount: number; columns: string[]; error?: string }>(
        'xcomLens.preview',
        xcom,
      );
      assert.ok(summary, 'the preview did not open');
      assert.equal(summary.error, undefined);
      assert.equal(summary.rowCount, article.rows);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    /** Runs Open Log on the failed task, picks the `down`-th try of the quick pick (0 = the latest), returns the editor. */
    const openLogPicking = async (down: number): Promise<vscode.TextEditor> => {
      const failed = await children(await path(name, 'Recent failures'));
      assert.ok(failed.length >= 1, 'the failed load task is listed under Recent failures');
      assert.match(labelOf(item(failed[0])), /load/);
      const opened = vscode.commands.executeCommand('xcomLens.openLog', failed[0]);
      await new Promise((r) => setTimeout(r, 800)); // the quick pick of tries appears
      for (let i = 0; i < down; i++) await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await opened;
      const editor = vscode.window.activeTextEditor;
      assert.ok(editor, 'no editor opened');
      return editor;
    };

    it('says on the item why a value could not be read (403), and reads it again after Refresh', async () => {
      const runs = await children(await path(name, 'etl'));
      const ti = await child(runs[0], /extract/);
      airflow.failNext(/\/taskInstances\/extract\/xcomEntries\/stats$/, 403);
      const stats = (await children(ti)).find((n) => labelOf(item(n)) === 'stats')!;
      const refused = await walk.settled(stats);
      assert.match(String(refused.description), /^value not read · Forbidden \(403\)/);
      const tooltip =
        refused.tooltip instanceof vscode.MarkdownString ? refused.tooltip.value : String(refused.tooltip);
      assert.match(tooltip, /permission/, 'the tooltip says what to fix');
      await vscode.commands.executeCommand('xcomLens.refresh', ti);
      const again = (await children(ti)).find((n) => labelOf(item(n)) === 'stats')!;
      assert.match(String((await walk.settled(again)).description), /rows.*3/);
    });

    it("opens the latest try's log with try and host in the title, scrolled to the final traceback", async () => {
      const editor = await openLogPicking(0);
      assert.match(editor.document.uri.path, /load try 2 on worker-1\.log$/);
      const text = editor.document.getText();
      assert.match(
        text,
        /Starting attempt 2\n.*Running load\n(.*progress \d+\n){300}.*Traceback \(most recent call last\):\n.*ValueError: boom\n/,
      );
      const line = editor.document.positionAt(text.lastIndexOf('Traceback')).line;
      assert.ok(line > 300, 'the traceback is far below the top');
      const visible = (): boolean => editor.visibleRanges.some((r) => r.start.line <= line && r.end.line >= line);
      for (let i = 0; i < 50 && !visible(); i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(visible(), `the traceback (line ${line}) is visible: ${JSON.stringify(editor.visibleRanges)}`);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it('opens an earlier try picked from the quick pick of tries', async () => {
      const editor = await openLogPicking(1);
      assert.match(editor.document.uri.path, /load try 1\.log$/);
      assert.match(editor.document.getText(), /Starting attempt 1\n/);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it('searches XCom keys where the server can (3.1+), else says why', async () => {
      const [connection] = await children();
      if (generation === 3) {
        const hits = await vscode.commands.executeCommand<Array<{ dagId: string; taskId: string; key: string }>>(
          'xcomLens.searchXComs',
          connection,
          'stats',
        );
        assert.ok(
          hits?.some((h) => h.dagId === 'etl' && h.taskId === 'extract' && h.key === 'stats'),
          JSON.stringify(hits),
        );
      } else {
        await assert.rejects(
          Promise.resolve(vscode.commands.executeCommand('xcomLens.searchXComs', connection, 'stats')),
          /Search over the REST API needs Airflow 3\.1 or later \(this server runs 2\.10\.3\)/,
        );
      }
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });
  });
}
