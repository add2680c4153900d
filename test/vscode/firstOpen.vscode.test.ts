// First open with only Airflow's own configuration (environment variables): the tree shows the DB it names at once,
// marked detected and expanded, with its DAGs; an unreachable one explains itself as its child; Dismiss hides it in
// this workspace until Detect; Save writes it to the user settings without its password.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { XComLensApi } from '../../src/extension';
import { createSqliteFixture } from '../fixtures/airflow/builder';
import { setProcessEnv } from '../fixtures/processEnv';
import { labelOf, removeAllConnections, TreeWalker } from './treeWalker';

const AIRFLOW_ENV = ['AIRFLOW_HOME', 'AIRFLOW_CONFIG', 'AIRFLOW__DATABASE__SQL_ALCHEMY_CONN', 'AIRFLOW__API__BASE_URL'];

describe("first open with Airflow's own configuration", function () {
  this.timeout(60_000);
  let api: XComLensApi;
  let walk: TreeWalker;
  let dbPath: string;
  let restoreEnv: (() => void) | undefined;
  const config = () => vscode.workspace.getConfiguration('xcomLens');

  /** Sets Airflow's environment as a user's shell would, and refreshes (which reads Airflow's configuration again). */
  async function airflowEnv(env: Record<string, string>): Promise<void> {
    for (const name of AIRFLOW_ENV) delete process.env[name];
    process.env.AIRFLOW_HOME = mkdtempSync(join(tmpdir(), 'xcom-lens-first-open-home-'));
    Object.assign(process.env, env);
    await vscode.commands.executeCommand('xcomLens.refresh');
  }

  before(async () => {
    const extension = vscode.extensions.getExtension<XComLensApi>('xcom-lens.xcom-lens');
    assert.ok(extension);
    api = await extension.activate();
    walk = new TreeWalker(api);
    await removeAllConnections();
    restoreEnv = setProcessEnv(Object.fromEntries(AIRFLOW_ENV.map((name) => [name, undefined])));
    dbPath = join(mkdtempSync(join(tmpdir(), 'xcom-lens-first-open-')), 'airflow.db');
    await createSqliteFixture(dbPath, 3);
  });

  after(async () => {
    restoreEnv?.();
    await removeAllConnections();
    await vscode.commands.executeCommand('xcomLens.refresh');
  });

  it('shows the DB the environment names, marked detected and expanded, with its DAGs', async () => {
    await airflowEnv({
      AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: `sqlite:///${dbPath}`,
      AIRFLOW__API__BASE_URL: 'http://127.0.0.1:9/',
    });
    const roots = await walk.children();
    assert.equal(roots.length, 1, `one root: ${walk.labels(roots).join(' | ')}`);
    const item = walk.item(roots[0]);
    assert.equal(labelOf(item), 'airflow.db');
    assert.equal(item.contextValue, 'detectedConnection');
    assert.match(String(item.description), /^detected · Airflow 3\.1\.0 · sqlite/);
    assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    // The Markdown as text: appendText writes spaces as &nbsp; and escapes punctuation.
    const tooltip = (item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    assert.match(tooltip, /Detected\*\* from env AIRFLOW__DATABASE__SQL_ALCHEMY_CONN, not saved/);
    assert.match(tooltip, /127\.0\.0\.1:9/, 'the API server found as well is named');
    assert.match(tooltip, /shown rather than the API server/);
    const children = walk.labels(await walk.children(roots[0]));
    assert.deepEqual(children, ['Recent failures', 'etl_orders', 'fanout_mapped', 'many_runs', 'xcom_zoo']);
    assert.deepEqual(config().get('connections'), [], 'nothing was written to the settings');
  });

  it('shows why a detected DB cannot be reached as its child, not a blank', async () => {
    await airflowEnv({ AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: 'postgresql://airflow:pw@127.0.0.1:1/airflow' });
    const [root] = await walk.children();
    assert.ok(root, 'the detected connection shows even though it fails');
    assert.match(String(walk.item(root).description), /^detected · connection failed/);
    const [child, ...rest] = await walk.children(root);
    assert.equal(rest.length, 0);
    assert.equal(walk.item(child).contextValue, 'message error');
    assert.match(labelOf(walk.item(child)), /refused|could not connect|ECONNREFUSED/i);
    assert.doesNotMatch(labelOf(walk.item(child)), /pw@/);
  });

  it('hides a dismissed connection in this workspace, on Refresh too, until Detect runs', async () => {
    await airflowEnv({ AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: `sqlite:///${dbPath}` });
    const [root] = await walk.children();
    assert.equal(walk.item(root).contextValue, 'detectedConnection');
    await vscode.commands.executeCommand('xcomLens.dismissDetectedConnection', root);
    assert.deepEqual(walk.labels(await walk.children()), []);
    await vscode.commands.executeCommand('xcomLens.refresh');
    assert.deepEqual(walk.labels(await walk.children()), [], 'still dismissed after Refresh');
    // Detect brings it back and, as it is the only one found, saves it.
    await vscode.commands.executeCommand('xcomLens.detectConnection');
    const saved = config().get<Array<{ url: string }>>('connections') ?? [];
    assert.deepEqual(
      saved.map((c) => c.url),
      [`sqlite:///${dbPath}`],
    );
    const roots = await walk.children();
    assert.deepEqual(
      roots.map((r) => walk.item(r).contextValue),
      ['connection'],
      'the saved connection replaces the detected one',
    );
    assert.equal(walk.item(roots[0]).collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    await removeAllConnections();
  });

  it('Save writes it to the user settings without its password, and the detected one goes', async () => {
    await airflowEnv({ AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: 'postgresql://airflow:s3cr%23t@127.0.0.1:1/airflow' });
    const [root] = await walk.children();
    const id = await vscode.commands.executeCommand<string>('xcomLens.saveDetectedConnection', root);
    const saved = config().inspect<Array<{ id: string; name: string; url: string }>>('connections')?.globalValue;
    assert.deepEqual(saved, [{ id, name: 'airflow on 127.0.0.1', url: 'postgresql://airflow@127.0.0.1:1/airflow' }]);
    // The saved connection is the only one, and it fails: the tree is empty and the connection-failed welcome shows.
    assert.deepEqual(walk.labels(await walk.children()), []);
  });

  it('shows the DB an airflow.cfg names as soon as the file appears (workspace, AIRFLOW_HOME), and drops it when it goes', async () => {
    await removeAllConnections();
    await airflowEnv({});
    assert.deepEqual(walk.labels(await walk.children()), []);
    const folder = process.env.XCOM_LENS_TEST_WORKSPACE;
    assert.ok(folder, 'XCOM_LENS_TEST_WORKSPACE is not set: run through the harness');
    const cfg = join(folder, 'airflow.cfg');
    const shown = async () => walk.labels(await walk.children()).join(' | ');
    const until = async (want: string) => {
      for (let i = 0; i < 100 && (await shown()) !== want; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(await shown(), want);
    };
    try {
      writeFileSync(cfg, `[database]\nsql_alchemy_conn = sqlite:///${dbPath}\n`);
      await until('airflow.db');
      const [root] = await walk.children();
      assert.match(
        (walk.item(root).tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1'),
        new RegExp(`from ${cfg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\[database\\] sql_alchemy_conn`),
      );
    } finally {
      rmSync(cfg, { force: true });
    }
    await until('');
    // The same for $AIRFLOW_HOME/airflow.cfg, outside the workspace.
    const homeCfg = join(process.env.AIRFLOW_HOME as string, 'airflow.cfg');
    try {
      writeFileSync(homeCfg, `[database]\nsql_alchemy_conn = sqlite:///${dbPath}\n`);
      await until('airflow.db');
    } finally {
      rmSync(homeCfg, { force: true });
    }
    await until('');
  });
});
