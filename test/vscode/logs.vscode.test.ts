// Task logs of a SQL connection in a real extension host: Open Log from Recent failures, from a run's task instance
// and from its Inputs, read from the log folder beside the SQLite DB and from S3 remote logging (s3rver); the final
// traceback in view; a traceback frame's link followed to the DAG file's line; a missing try says where it looked.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as vscode from 'vscode';
import type { XComLensApi } from '../../src/extension';
import type { OpenLogResult } from '../../src/views/logCommands';
import { createSqliteFixture } from '../fixtures/airflow/builder';
import { TreeWalker, labelOf, removeAllConnections, s3Service } from './treeWalker';

const REPO = join(__dirname, '..', '..', '..');
const RUN = 'scheduled__2024-01-03T00:00:00+00:00';
const BUCKET = 'xcom-lens-task-logs';

/** The log of a failed try of transform: 300 lines of progress, then a traceback through the DAG file. */
function failedTryLog(tryNumber: number): string {
  const progress = Array.from({ length: 300 }, (_, i) => `[2024-01-03T00:0${tryNumber}:00] INFO - batch ${i} done`);
  return [
    `[2024-01-03T00:0${tryNumber}:00] INFO - Starting attempt ${tryNumber} of 2`,
    ...progress,
    '[2024-01-03T00:12:00] ERROR - Task failed with exception',
    'Traceback (most recent call last):',
    '  File "/usr/local/lib/python3.12/site-packages/airflow/models/taskinstance.py", line 465, in _execute_task',
    '    result = _execute_callable(context=context, **execute_callable_kwargs)',
    '  File "/opt/airflow/dags/etl_orders.py", line 21, in <lambda>',
    `ValueError: orders without customer (try ${tryNumber})`,
    '',
  ].join('\n');
}

/** Airflow 2's default file name of a try of a task instance of the failed run. */
function logPath(taskId: string, tryNumber: number): string {
  return `dag_id=etl_orders/run_id=${RUN}/task_id=${taskId}/attempt=${tryNumber}.log`;
}

describe('Task logs of a SQL connection: Open Log and traceback links', function () {
  this.timeout(60_000);
  let api: XComLensApi;
  let walk: TreeWalker;
  let dbDir: string;
  let dagsFolder: string;
  let dagFile: vscode.Uri;

  const config = () => vscode.workspace.getConfiguration('xcomLens');

  before(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace has no folder');
    // The fixture's etl_orders has fileloc /opt/airflow/dags/etl_orders.py; the copy shares dags/etl_orders.py.
    dagsFolder = join(folder.uri.fsPath, 'dags');
    mkdirSync(dagsFolder, { recursive: true });
    copyFileSync(join(REPO, 'test', 'fixtures', 'dags', 'etl_orders.py'), join(dagsFolder, 'etl_orders.py'));
    dagFile = vscode.Uri.file(join(dagsFolder, 'etl_orders.py'));
    const extension = vscode.extensions.all.find((e) => e.packageJSON?.name === 'xcom-lens');
    assert.ok(extension);
    api = (await extension.activate()) as XComLensApi;
    walk = new TreeWalker(api);
    await removeAllConnections();
    // An Airflow home as `airflow standalone` leaves it: the SQLite DB, and task logs in logs/ beside it.
    dbDir = mkdtempSync(join(tmpdir(), 'xcom-lens-logs-'));
    await createSqliteFixture(join(dbDir, 'airflow.db'), 2);
    for (const tryNumber of [1, 2]) {
      const file = join(dbDir, 'logs', logPath('transform', tryNumber));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, failedTryLog(tryNumber));
    }
    const s3 = s3Service();
    await vscode.commands.executeCommand('xcomLens.addConnection', {
      name: 'local airflow',
      url: `sqlite:///${join(dbDir, 'airflow.db')}`,
      storage: { endpointUrl: s3.endpoint, region: s3.region, forcePathStyle: true },
      s3Credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await config().update('logs.remoteBaseLogFolder', undefined, vscode.ConfigurationTarget.Global);
    await removeAllConnections();
    rmSync(dagsFolder, { recursive: true, force: true });
    rmSync(dbDir, { recursive: true, force: true });
  });

  /** The transform task instance of the failed run, walked from the connection. */
  const runTask = async (taskId: string) => {
    const connection = await walk.child(undefined, 'local airflow');
    const run = await walk.child(await walk.child(connection, 'etl_orders'), /2024-01-03/);
    return walk.child(run, taskId);
  };

  it('opens the latest try from Recent failures, read from the log folder, the final traceback in view', async () => {
    const failures = await walk.children(
      await walk.child(await walk.child(undefined, 'local airflow'), 'Recent failures'),
    );
    assert.match(labelOf(walk.item(failures[0])), /etl_orders › transform/);
    const result = await vscode.commands.executeCommand<OpenLogResult>('xcomLens.openLog', failures[0], 2);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor && result);
    assert.equal(editor.document.uri.toString(), result.uri.toString());
    assert.match(editor.document.uri.path, /transform try 2 on worker-1\.log$/);
    const text = editor.document.getText();
    assert.ok(text.startsWith(failedTryLog(2)), 'the log as written');
    assert.match(
      text,
      new RegExp(`\\[XCom Lens\\] Read from ${escape(join(dbDir, 'logs', logPath('transform', 2)))}\\.`),
    );
    assert.equal(result.tracebackLine, 302);
    const visible = (): boolean => editor.visibleRanges.some((r) => r.start.line <= 302 && r.end.line >= 307);
    for (let i = 0; i < 50 && !visible(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(visible(), `the traceback is in view: ${JSON.stringify(editor.visibleRanges)}`);
  });

  it("follows a traceback frame's link to the DAG file's line; installed code gets no link", async () => {
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    const links =
      (await vscode.commands.executeCommand<vscode.DocumentLink[]>(
        'vscode.executeLinkProvider',
        editor.document.uri,
      )) ?? [];
    assert.deepEqual(
      links.map((l) => [editor.document.getText(l.range), l.target?.fsPath, l.target?.fragment]),
      [['/opt/airflow/dags/etl_orders.py', dagFile.fsPath, 'L21']],
    );
    // Click it as a user does: the cursor on the link, then Open Link.
    editor.selection = new vscode.Selection(links[0].range.start, links[0].range.start);
    await vscode.commands.executeCommand('editor.action.openLink');
    for (let i = 0; i < 50 && vscode.window.activeTextEditor?.document.uri.fsPath !== dagFile.fsPath; i++)
      await new Promise((r) => setTimeout(r, 100));
    const opened = vscode.window.activeTextEditor;
    assert.equal(opened?.document.uri.fsPath, dagFile.fsPath);
    assert.equal(opened?.selection.active.line, 20);
    assert.match(opened?.document.lineAt(20).text ?? '', /transform = PythonOperator/);
  });

  it("opens an earlier try from the task's Inputs node", async () => {
    const transform = await runTask('transform');
    const inputs = await walk.child(transform, 'Inputs');
    const result = await vscode.commands.executeCommand<OpenLogResult>('xcomLens.openLog', inputs, 1);
    assert.ok(result);
    assert.match(result.uri.path, /transform try 1\.log$/);
    assert.ok(vscode.window.activeTextEditor?.document.getText().startsWith(failedTryLog(1)));
  });

  it('says where a missing try was looked for', async () => {
    const load = await runTask('load');
    const result = await vscode.commands.executeCommand<OpenLogResult>('xcomLens.openLog', load, 1);
    assert.ok(result);
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.match(text, /^Could not read the log of try 1 of load: No log for try 1: /);
    assert.ok(text.includes(`nothing at ${join(dbDir, 'logs', logPath('load', 1))}`), text);
  });

  it("reads remote logging in S3 with the connection's S3 settings, else the local copy of a try not uploaded", async () => {
    const s3 = s3Service();
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    try {
      await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
      const body = failedTryLog(2).replace('Starting attempt 2', 'Starting attempt 2 (uploaded)');
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `prod/${logPath('transform', 2)}`, Body: body }));
    } finally {
      client.destroy();
    }
    await config().update('logs.remoteBaseLogFolder', `s3://${BUCKET}/prod`, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const result = await vscode.commands.executeCommand<OpenLogResult>(
      'xcomLens.openLog',
      await runTask('transform'),
      2,
    );
    assert.ok(result);
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.match(text, /^\[2024-01-03T00:02:00\] INFO - Starting attempt 2 \(uploaded\) of 2\n/);
    assert.ok(text.includes(`[XCom Lens] Read from s3://${BUCKET}/prod/${logPath('transform', 2)}.`), text.slice(-300));
    assert.equal(result.tracebackLine, 302);

    // Not uploaded (yet): the local copy, said so.
    await vscode.commands.executeCommand<OpenLogResult>('xcomLens.openLog', await runTask('transform'), 1);
    const local = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.ok(local.startsWith(failedTryLog(1)), local.slice(0, 200));
    assert.ok(
      local.includes(
        `[XCom Lens] Read from ${join(dbDir, 'logs', logPath('transform', 1))}. Not in S3 (yet) at ` +
          `s3://${BUCKET}/prod/${logPath('transform', 1)}: this is the local copy.`,
      ),
      local.slice(-400),
    );

    const missing = await vscode.commands.executeCommand<OpenLogResult>('xcomLens.openLog', await runTask('load'), 1);
    assert.ok(missing);
    assert.match(
      vscode.window.activeTextEditor?.document.getText() ?? '',
      new RegExp(
        `^Could not read the log of try 1 of load: No log for try 1 at s3://${BUCKET}/prod/${escape(logPath('load', 1))}: `,
      ),
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
