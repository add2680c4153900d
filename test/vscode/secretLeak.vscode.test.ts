// Secrets never leave SecretStorage, in a real extension host: passwords and tokens with every special character
// class go through Add Connection (in the URL, percent-encoded, or apart), Edit, Detect (Airflow's env variable),
// Test Connection with the wrong password against the real PostgreSQL and MariaDB servers, and a REST connection
// (bearer token and basic auth) against the Airflow API stand-in; then settings.json on disk, every log file
// code-server wrote (the XCom Lens output channel included), every tree item's label, description and tooltip,
// and every message the commands returned or logged are searched for each secret in its raw, URL-encoded and
// base64 forms.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { XComLensApi } from '../../src/extension';
import type { TreeNode } from '../../src/views/treeNodes/treeNode';
import { createSqliteFixture } from '../fixtures/airflow/builder';
import { startAirflowApi, type AirflowApi } from '../fixtures/servers/airflowApi';
import { labelOf, testServices } from './treeWalker';

/** One secret per character class; each carries a marker so a hit cannot be a coincidence. */
const SECRETS: Record<string, string> = {
  hash: 'pa#ss#wd-K7Q1',
  slash: 'a/b//c-K7Q2',
  question: 'why?not=1-K7Q3',
  at: 'at@sign@@-K7Q4',
  percent: '100%sure%zz-K7Q5',
  colon: 'co:lon::-K7Q6',
  ampersand: 'amp&eq=x&y-K7Q7',
  space: 'with  space inside-K7Q8',
  quotes: `q'uo"te\`s-K7Q9`,
  backslash: 'back\\sl\\ash-K7R1',
  unicode: 'ünïcødé-密码-🔑-K7R2',
  encoded: '%41%2F%40%23enc-K7R3',
  long: `${'L0ng#/?@%:&= \'"\\é'.repeat(40)}-K7R4`,
};

/** Every spelling of a secret that would count as a leak. */
function formsOf(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]);
  try {
    forms.add(decodeURIComponent(secret)); // what a percent-decoding parser makes of a raw password
  } catch {
    // not a valid percent-encoded text: its raw form is searched
  }
  for (const user of ['airflow', 'admin']) forms.add(Buffer.from(`${user}:${secret}`).toString('base64'));
  return [...forms];
}

/** host:port/db of a test server's URL, and the scheme to use. */
function target(url: string): { scheme: string; hostPort: string } {
  const parsed = new URL(url);
  return { scheme: parsed.protocol.replace(/:$/, ''), hostPort: parsed.host };
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

function tooltipOf(item: vscode.TreeItem): string {
  const tip = item.tooltip;
  return typeof tip === 'string' ? tip : (tip?.value ?? '');
}

describe('secrets never leak into settings, logs, labels or messages', function () {
  this.timeout(180_000);
  let api: XComLensApi;
  let restApi: AirflowApi;
  /** Text a user could see or a file could keep, with where it came from. */
  const outputs: Array<{ where: string; text: string }> = [];
  const names: string[] = [];
  let tried = 0;

  const config = () => vscode.workspace.getConfiguration('xcomLens');

  async function add(name: string, args: Record<string, unknown>): Promise<string> {
    const id = await vscode.commands.executeCommand<string>('xcomLens.addConnection', { name, ...args });
    assert.equal(typeof id, 'string', `Add Connection of ${name} returned an id`);
    names.push(name);
    return id;
  }

  async function testConnection(id: string, where: string): Promise<void> {
    const info = await vscode.commands.executeCommand('xcomLens.testConnection', id);
    assert.equal(info, undefined, `${where}: the wrong secret must not connect`);
  }

  before(async () => {
    const extension = vscode.extensions.getExtension<XComLensApi>('xcom-lens.xcom-lens');
    assert.ok(extension);
    api = await extension.activate();
    await config().update('connections', [], vscode.ConfigurationTarget.Global);
    restApi = await startAirflowApi({ generation: 3 });
    // One connection that works, so the tree lists every connection (when all fail it shows only a message).
    const dbPath = join(mkdtempSync(join(tmpdir(), 'xcom-lens-leak-')), 'airflow.db');
    await createSqliteFixture(dbPath, 3);
    await add('working sqlite', { url: `sqlite:///${dbPath}` });
  });

  after(async () => {
    await config().update('connections', [], vscode.ConfigurationTarget.Global);
    await restApi?.stop();
  });

  it('pushes every secret through Add, Edit, Detect, Test Connection (PostgreSQL, MariaDB, REST) and the tree', async () => {
    const { postgres, mariadb } = testServices();
    assert.ok(postgres && mariadb, 'the vscode level must start postgres and mariadb (--services s3,postgres,mariadb)');
    const pg = target(postgres.url);
    const my = target(mariadb.url);
    const airflowHome = mkdtempSync(join(tmpdir(), 'xcom-lens-leak-home-'));
    const savedEnv = {
      conn: process.env.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN,
      home: process.env.AIRFLOW_HOME,
      cfg: process.env.AIRFLOW_CONFIG,
    };
    try {
      for (const [cls, secret] of Object.entries(SECRETS)) {
        // Add Connection: raw in the URL (SQLAlchemy takes the password up to the last @), wrong for PostgreSQL.
        const pgId = await add(`pg ${cls}`, { url: `${pg.scheme}://airflow:${secret}@${pg.hostPort}/airflow` });
        await testConnection(pgId, `PostgreSQL ${cls}`);
        // Add Connection: percent-encoded in the URL, wrong for MariaDB.
        const myId = await add(`my ${cls}`, {
          url: `${my.scheme}://airflow:${encodeURIComponent(secret)}@${my.hostPort}/airflow`,
        });
        await testConnection(myId, `MariaDB ${cls}`);
        // Edit: a new URL with the secret apart, then one with it in the URL.
        await vscode.commands.executeCommand('xcomLens.editConnection', myId, {
          url: `${my.scheme}://airflow@${my.hostPort}/airflow`,
          password: secret,
        });
        await testConnection(myId, `MariaDB edited ${cls}`);
        await vscode.commands.executeCommand('xcomLens.editConnection', pgId, {
          url: `${pg.scheme}://airflow:${encodeURIComponent(secret)}@${pg.hostPort}/airflow_${cls}`,
        });
        await testConnection(pgId, `PostgreSQL edited ${cls}`);
        // Detect: Airflow's own env variable (one candidate, so Detect saves it without asking).
        process.env.AIRFLOW_HOME = airflowHome;
        delete process.env.AIRFLOW_CONFIG;
        process.env.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN = `${pg.scheme}://airflow:${encodeURIComponent(secret)}@${pg.hostPort}/detected_${cls}`;
        const before = config().get<unknown[]>('connections')?.length ?? 0;
        await vscode.commands.executeCommand('xcomLens.detectConnection');
        assert.equal(config().get<unknown[]>('connections')?.length, before + 1, `Detect saved the ${cls} connection`);
        // REST: a bearer token, and basic auth with a wrong password, against the API stand-in.
        const tokenId = await add(`rest token ${cls}`, { url: restApi.url, password: secret });
        await testConnection(tokenId, `REST token ${cls}`);
        const basicId = await add(`rest basic ${cls}`, {
          url: `${restApi.url.replace('://', '://admin@')}`,
          password: secret,
        });
        await testConnection(basicId, `REST basic ${cls}`);
        tried += 6;
      }
    } finally {
      if (savedEnv.conn === undefined) delete process.env.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN;
      else process.env.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN = savedEnv.conn;
      if (savedEnv.home === undefined) delete process.env.AIRFLOW_HOME;
      else process.env.AIRFLOW_HOME = savedEnv.home;
      if (savedEnv.cfg !== undefined) process.env.AIRFLOW_CONFIG = savedEnv.cfg;
      await vscode.commands.executeCommand('xcomLens.refresh'); // reads Airflow's configuration again
    }

    // The tree: every connection, and what expanding it shows (errors of the wrong passwords included).
    const roots = (await api.tree.getChildren()) ?? [];
    assert.ok(roots.length >= Object.keys(SECRETS).length * 5, `every connection is in the tree (${roots.length})`);
    const nodes: TreeNode[] = [...roots];
    for (const root of roots) nodes.push(...((await api.tree.getChildren(root)) ?? []));
    for (const node of nodes) {
      const item = (await api.tree.getTreeItem(node)) as vscode.TreeItem;
      outputs.push({
        where: `tree item ${labelOf(item)}`,
        text: `${labelOf(item)}\n${String(item.description ?? '')}\n${tooltipOf(item)}`,
      });
    }
    const unreachable = nodes
      .map((n) => api.tree.getTreeItem(n) as vscode.TreeItem)
      .filter((i) =>
        /password|auth|denied|401|refused/i.test(`${labelOf(i)} ${String(i.description ?? '')} ${tooltipOf(i)}`),
      );
    assert.ok(unreachable.length > 0, 'the tree shows why the wrong passwords were refused');
  });

  it('finds none of them in settings.json, the log files, the tree or the messages', async () => {
    assert.ok(tried > 0, 'the secrets went through every path first');
    const userData = process.env.XCOM_LENS_TEST_USER_DATA;
    assert.ok(userData, 'XCOM_LENS_TEST_USER_DATA is not set: run through the harness');
    const settings = readFileSync(join(userData, 'User', 'settings.json'), 'utf8');
    assert.match(settings, /"xcomLens\.connections"/, 'the connections were written to the user settings.json');
    outputs.push({ where: 'User/settings.json', text: settings });

    // The output channel's log is flushed to disk asynchronously: wait until it holds the last connection saved.
    const last = names[names.length - 1];
    let logs: Array<{ where: string; text: string }> = [];
    for (let i = 0; i < 100; i++) {
      logs = filesUnder(join(userData, 'logs')).map((path) => ({ where: path, text: readFileSync(path, 'utf8') }));
      const channel = logs.filter((l) => /XCom Lens/.test(l.where));
      if (
        channel.some((l) => l.text.includes(`Saved connection ${last}`)) &&
        channel.some((l) => l.text.includes('Connection test of'))
      )
        break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const channel = logs.filter((l) => /XCom Lens/.test(l.where));
    assert.ok(
      channel.length > 0,
      `the XCom Lens output channel's log file exists (${logs.map((l) => l.where).join(', ')})`,
    );
    assert.ok(
      channel.some((l) => l.text.includes(`Saved connection ${last}`)),
      'the log file holds the last save',
    );
    // Every message Test Connection shows is logged with it: the log is where the messages are read.
    const failures = channel.flatMap((l) => l.text.split('\n')).filter((line) => line.includes('Connection test of'));
    assert.ok(failures.length >= tried, `every failed test is in the log (${failures.length} of ${tried})`);
    assert.ok(
      failures.some((line) => /password|authentication|Access denied/i.test(line)),
      'the servers refused the passwords',
    );
    outputs.push(...logs);

    const leaks: string[] = [];
    for (const [cls, secret] of Object.entries(SECRETS)) {
      for (const form of formsOf(secret)) {
        for (const output of outputs)
          if (output.text.includes(form))
            leaks.push(`${cls} secret (as ${JSON.stringify(form.slice(0, 40))}) in ${output.where}`);
      }
    }
    assert.deepEqual(leaks, [], `no secret may appear anywhere (${outputs.length} outputs searched)`);
  });
});
