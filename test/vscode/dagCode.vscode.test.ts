// From code to data and back in a real extension host: CodeLenses above the tasks of a DAG file in the workspace
// (states and XCom counts from the SQLite fixture DB) and Open Task Definition from a task instance node.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { XComLensApi } from '../../src/extension';
import type { TreeNode } from '../../src/views/treeNodes/treeNode';
import { createSqliteFixture } from '../fixtures/airflow/builder';
import { TreeWalker } from './treeWalker';

const REPO = join(__dirname, '..', '..', '..');

/** The child of `node` (or the root) labelled `label`, walked as VS Code walks the tree. */
function child(api: XComLensApi, node: TreeNode | undefined, label: string | RegExp): Promise<TreeNode> {
  return new TreeWalker(api).child(node, label);
}

describe('DAG code: CodeLenses and Open Task Definition', function () {
  this.timeout(60_000);
  let api: XComLensApi;
  let dagFile: vscode.Uri;
  let dagsFolder: string;
  let dbDir: string;

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
    await vscode.workspace.getConfiguration('xcomLens').update('connections', [], vscode.ConfigurationTarget.Global);
    dbDir = mkdtempSync(join(tmpdir(), 'xcom-lens-dagcode-'));
    await createSqliteFixture(join(dbDir, 'airflow.db'), 2);
    await vscode.commands.executeCommand('xcomLens.addConnection', {
      name: 'dag code',
      url: `sqlite:///${join(dbDir, 'airflow.db')}`,
    });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('xcomLens').update('connections', [], vscode.ConfigurationTarget.Global);
    rmSync(dagsFolder, { recursive: true, force: true });
    rmSync(dbDir, { recursive: true, force: true });
  });

  it('shows the latest run state and XCom count above each task, with Preview, Open Log and Reveal links', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(dagFile));
    const lenses =
      (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', dagFile, 100)) ?? [];
    const rows = lenses.map((l) => [l.range.start.line, l.command?.title ?? '']);
    assert.deepEqual(rows, [
      [16, '✓ success · 1 XCom · 2024-01-03 00:00'],
      [16, 'Preview'],
      [16, 'Open Log'],
      [16, 'Reveal in Tree'],
      [20, '✗ failed · 0 XComs · 2024-01-03 00:00'],
      [20, 'Preview: no table XCom'],
      [20, 'Open Log'],
      [20, 'Reveal in Tree'],
      [21, '• upstream_failed · 0 XComs · 2024-01-03 00:00'],
      [21, 'Preview: no table XCom'],
      [21, 'Open Log: never ran'],
      [21, 'Reveal in Tree'],
    ]);
    assert.equal(lenses[1].command?.command, 'xcomLens.preview');
    // transform's Open Log: its latest try (2), straight to the log without asking which try.
    const [node, tryNumber] = (lenses[6].command?.arguments ?? []) as [{ ti?: { taskId: string } }, number];
    assert.equal(lenses[6].command?.command, 'xcomLens.openLog');
    assert.deepEqual([node.ti?.taskId, tryNumber], ['transform', 2]);
    // Its Reveal in Tree, with the view never shown: VS Code reports transform selected.
    const reveal = lenses[7].command;
    assert.equal(reveal?.command, 'xcomLens.revealTaskInstance');
    assert.equal(await vscode.commands.executeCommand(reveal.command, ...(reveal.arguments ?? [])), true);
  });

  it("gives a mapped task's lenses its first instance's log and its group to reveal", async () => {
    const mappedFile = vscode.Uri.file(join(dagsFolder, 'fanout_mapped.py'));
    writeFileSync(
      mappedFile.fsPath,
      [
        'from airflow import DAG',
        'from airflow.operators.python import PythonOperator',
        '',
        'with DAG("fanout_mapped", schedule=None) as dag:',
        '    make_list = PythonOperator(task_id="make_list", python_callable=lambda: [1, 2, 3])',
        '    process = PythonOperator.partial(task_id="process", python_callable=print).expand(op_args=make_list.output)',
        '',
      ].join('\n'),
    );
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(mappedFile));
    const lenses =
      (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', mappedFile, 100)) ??
      [];
    const process = lenses.filter((l) => l.range.start.line === 5).map((l) => l.command);
    assert.deepEqual(
      process.map((c) => c?.title),
      ['✓ success (3 mapped) · 3 XComs · 2024-01-01 00:00', 'Preview: no table XCom', 'Open Log [0]', 'Reveal in Tree'],
    );
    const [instance] = (process[2]?.arguments ?? []) as [{ ti?: { mapIndex: number } }];
    assert.equal(instance.ti?.mapIndex, 0);
    const reveal = process[3];
    assert.equal(await vscode.commands.executeCommand(reveal!.command, ...(reveal!.arguments ?? [])), true);
  });

  it('opens the line that defines a task instance, and says when the DAG file is not in the workspace', async () => {
    const connection = await child(api, undefined, 'dag code');
    const run = await child(api, await child(api, connection, 'etl_orders'), /2024-01-02/);
    const transform = await child(api, run, 'transform');
    const result = await vscode.commands.executeCommand<{ uri?: vscode.Uri; line?: number; warning?: string }>(
      'xcomLens.openTaskDefinition',
      transform,
    );
    assert.equal(result?.warning, undefined);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, dagFile.fsPath);
    assert.equal(editor?.selection.active.line, 20);

    const zoo = await child(api, connection, 'xcom_zoo');
    const zooRun = (await api.tree.getChildren(zoo))?.[0];
    assert.ok(zooRun);
    const zooTask = await child(api, zooRun, 'push_everything');
    const missing = await vscode.commands.executeCommand<{ warning?: string }>('xcomLens.openTaskDefinition', zooTask);
    assert.equal(
      missing?.warning,
      'xcom_zoo.py (fileloc /opt/airflow/dags/xcom_zoo.py) is not in this workspace: ' +
        'open the folder that holds your DAGs.',
    );
  });

  it('opens the file at the top and says so when the task is no longer where Airflow parsed it', async () => {
    const document = await vscode.workspace.openTextDocument(dagFile);
    const editor = await vscode.window.showTextDocument(document);
    // The user deleted the load task since the scheduler parsed the file (unsaved edit).
    const edit = new vscode.WorkspaceEdit();
    edit.delete(dagFile, new vscode.Range(21, 0, 22, 0));
    assert.ok(await vscode.workspace.applyEdit(edit));
    editor.selection = new vscode.Selection(10, 0, 10, 0);
    try {
      const connection = await child(api, undefined, 'dag code');
      const run = await child(api, await child(api, connection, 'etl_orders'), /2024-01-02/);
      const load = await child(api, run, 'load');
      const result = await vscode.commands.executeCommand<{ line?: number; warning?: string }>(
        'xcomLens.openTaskDefinition',
        load,
      );
      assert.equal(result?.line, undefined);
      assert.match(
        result?.warning ?? '',
        /^load is not defined in dags\/etl_orders\.py as it reads now: the DAG file moved or changed/,
      );
      assert.equal(vscode.window.activeTextEditor?.selection.active.line, 0);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });
});
