// An untrusted workspace in a real extension host (code-server started with workspace trust on and no prompt): its
// .vscode/settings.json defines a connection that reuses the user's connection id but points elsewhere (with an S3
// endpoint), reference rules and a 1 s connect timeout. None of them is in effect, the workspace connection never
// receives a connection attempt (so never the user's stored password), and a new connection goes to user settings.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { XComLensApi } from '../../src/extension';
import { setProcessEnv } from '../fixtures/processEnv';

const USER_ID = 'user-conn-1';
const PASSWORD = 'us#er-pa/ss?-T3';

/** A loopback TCP server that accepts connections, never answers, and counts them. */
async function silentServer(): Promise<{
  server: Server;
  port: number;
  accepted: () => number;
  close: () => Promise<void>;
}> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    accepted: () => sockets.length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('an untrusted workspace cannot redirect connections, secrets, rules or timeouts', function () {
  this.timeout(60_000);
  let api: XComLensApi;
  let userTarget: Awaited<ReturnType<typeof silentServer>>;
  let workspaceTarget: Awaited<ReturnType<typeof silentServer>>;
  let workspaceSettings: string;
  const config = () => vscode.workspace.getConfiguration('xcomLens');

  before(async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the harness opened this workspace untrusted');
    const extension = vscode.extensions.getExtension<XComLensApi>('xcom-lens.xcom-lens');
    assert.ok(extension);
    api = await extension.activate();
    userTarget = await silentServer();
    workspaceTarget = await silentServer();
    // The user's own connection (its password in SecretStorage) and a 3 s connect timeout.
    await config().update('connectTimeoutSeconds', 3, vscode.ConfigurationTarget.Global);
    await config().update('connections', [], vscode.ConfigurationTarget.Global);
    const id = await vscode.commands.executeCommand<string>('xcomLens.addConnection', {
      name: 'mine',
      url: `postgresql://airflow:${encodeURIComponent(PASSWORD)}@127.0.0.1:${userTarget.port}/airflow`,
    });
    const saved = config().inspect<Array<{ id: string }>>('connections')?.globalValue ?? [];
    // Give the user's connection a known id, so the workspace can claim the same one.
    await config().update(
      'connections',
      saved.map((c) => (c.id === id ? { ...c, id: USER_ID } : c)),
      vscode.ConfigurationTarget.Global,
    );
    await vscode.commands.executeCommand('xcomLens.editConnection', USER_ID, {
      url: `postgresql://airflow@127.0.0.1:${userTarget.port}/airflow`,
      password: PASSWORD,
    });
    // The workspace's settings file, written as a cloned repository would bring it.
    const folder = process.env.XCOM_LENS_TEST_WORKSPACE;
    assert.ok(folder, 'XCOM_LENS_TEST_WORKSPACE is not set: run through the harness');
    mkdirSync(join(folder, '.vscode'), { recursive: true });
    workspaceSettings = join(folder, '.vscode', 'settings.json');
    writeFileSync(
      workspaceSettings,
      JSON.stringify(
        {
          'xcomLens.connections': [
            {
              id: USER_ID,
              name: 'workspace evil',
              url: `postgresql://airflow@127.0.0.1:${workspaceTarget.port}/airflow`,
              storage: { endpointUrl: `http://127.0.0.1:${workspaceTarget.port}` },
            },
            {
              id: 'ws-only',
              name: 'workspace only',
              url: `postgresql://airflow@127.0.0.1:${workspaceTarget.port}/other`,
            },
          ],
          'xcomLens.references.customRules': [{ name: 'evil', pattern: '^(?<key>.*)$', bucket: 'evil' }],
          'xcomLens.connectTimeoutSeconds': 0,
          'xcomLens.queryTimeoutSeconds': 0,
          'editor.tabSize': 7, // not restricted: shows when VS Code has read the file
        },
        null,
        2,
      ),
    );
    await until(
      () => vscode.workspace.getConfiguration('editor').inspect('tabSize')?.workspaceValue === 7,
      'VS Code to read the workspace settings',
    );
  });

  after(async () => {
    await config().update('connections', [], vscode.ConfigurationTarget.Global);
    await config().update('connectTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    await userTarget?.close();
    await workspaceTarget?.close();
  });

  it('uses only the user connection, with the user timeout, and never contacts the workspace host', async () => {
    const started = Date.now();
    const info = await vscode.commands.executeCommand('xcomLens.testConnection', USER_ID);
    const elapsed = Date.now() - started;
    assert.equal(info, undefined, 'the silent server never answers');
    assert.equal(userTarget.accepted() > 0, true, "the user connection was tried at the user's host");
    assert.ok(elapsed >= 2500, `the user's 3 s connect timeout applies, not the workspace's 0 (took ${elapsed} ms)`);
    await api.tree.getChildren(); // the tree tries every connection it lists
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(
      workspaceTarget.accepted(),
      0,
      'no connection attempt (and so no stored password) reached the workspace host',
    );
  });

  it('writes a new connection to user settings, never to the workspace file', async () => {
    const before = readFileSync(workspaceSettings, 'utf8');
    const id = await vscode.commands.executeCommand<string>('xcomLens.addConnection', {
      name: 'added here',
      url: 'sqlite:////tmp/xcom-lens-untrusted-none.db',
    });
    assert.equal(typeof id, 'string');
    const user = config().inspect<Array<{ id: string }>>('connections')?.globalValue ?? [];
    assert.ok(
      user.some((c) => c.id === id),
      'the new connection is in the user settings',
    );
    assert.equal(readFileSync(workspaceSettings, 'utf8'), before, 'the workspace settings file is unchanged');
  });

  it("reads no airflow.cfg of the workspace for the connection shown on first open; the user's environment counts", async () => {
    const folder = process.env.XCOM_LENS_TEST_WORKSPACE as string;
    writeFileSync(
      join(folder, 'airflow.cfg'),
      `[database]\nsql_alchemy_conn = postgresql://airflow@127.0.0.1:${workspaceTarget.port}/fromcfg\n` +
        `[api]\nbase_url = http://127.0.0.1:${workspaceTarget.port}\n`,
    );
    const envName = 'AIRFLOW__DATABASE__SQL_ALCHEMY_CONN';
    let restoreEnv: (() => void) | undefined;
    try {
      await vscode.commands.executeCommand('xcomLens.refresh');
      const detected = async () =>
        ((await api.tree.getChildren()) ?? [])
          .map((n) => api.tree.getTreeItem(n) as vscode.TreeItem)
          .filter((i) => i.contextValue === 'detectedConnection');
      assert.deepEqual(await detected(), [], "the workspace's airflow.cfg names no connection here");
      restoreEnv = setProcessEnv({ [envName]: 'sqlite:////tmp/xcom-lens-untrusted-env.db' });
      await vscode.commands.executeCommand('xcomLens.refresh');
      assert.equal((await detected()).length, 1, "the user's own environment still names one");
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(workspaceTarget.accepted(), 0, 'nothing reached the host the workspace named');
    } finally {
      restoreEnv?.();
      await vscode.commands.executeCommand('xcomLens.refresh');
    }
  });
});
