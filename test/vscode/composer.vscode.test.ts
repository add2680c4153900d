// A Cloud Composer-style connection in a real extension host, through the bundled google-auth-library: Google
// Application Default Credentials from a loopback metadata-server stand-in (GCE_METADATA_HOST), the token sent as a
// bearer to the spec-validating Airflow API stand-in (both started here in the extension host process).
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { XComLensApi } from '../../src/extension';
import { startAirflowApi, type AirflowApi } from '../fixtures/servers/airflowApi';
import { startGceMetadata, type GceMetadata } from '../fixtures/servers/gceMetadata';
import { setProcessEnv } from '../fixtures/processEnv';
import { removeAllConnections, TreeWalker } from './treeWalker';

describe('an Airflow API server signed in with Google Application Default Credentials', function () {
  this.timeout(60_000);
  let walk: TreeWalker;
  let airflow: AirflowApi;
  let metadata: GceMetadata;
  let dir: string;
  let restoreEnv: (() => void) | undefined;
  const name = 'Composer prod';

  before(async () => {
    const extension = vscode.extensions.getExtension<XComLensApi>('xcom-lens.xcom-lens');
    assert.ok(extension);
    walk = new TreeWalker(await extension.activate());
    await removeAllConnections();
    airflow = await startAirflowApi({ generation: 3, runs: 3 });
    metadata = await startGceMetadata(airflow);
    dir = mkdtempSync(join(tmpdir(), 'xcom-lens-gcloud-'));
    restoreEnv = setProcessEnv({
      GCE_METADATA_HOST: metadata.host,
      CLOUDSDK_CONFIG: dir,
      GOOGLE_APPLICATION_CREDENTIALS: undefined,
      METADATA_SERVER_DETECTION: undefined,
    });
    await vscode.commands.executeCommand('xcomLens.addConnection', {
      name,
      url: `${airflow.url}/home`,
      restAuth: 'google',
    });
  });

  after(async () => {
    await vscode.workspace.getConfiguration('xcomLens').update('connections', [], vscode.ConfigurationTarget.Global);
    restoreEnv?.();
    await metadata.stop();
    await airflow.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => assert.deepEqual(airflow.violations, [], 'every request matches the official spec'));

  it('connects with a token from the metadata server and walks DAGs → runs → XComs', async () => {
    const roots = await walk.children();
    assert.deepEqual(walk.labels(roots), [name]);
    assert.match(String(walk.item(roots[0]).description), /Airflow 3\.1\.0/);
    assert.match(
      String((walk.item(roots[0]).tooltip as vscode.MarkdownString).value).replace(/&nbsp;/g, ' '),
      /Google Application Default Credentials/,
    );
    const runs = await walk.children(await walk.path(name, 'etl'));
    assert.equal(runs.length, 3, 'three runs of etl');
    const xcoms = await walk.children(await walk.child(runs[runs.length - 1], /extract/));
    assert.deepEqual(walk.labels(xcoms), ['Inputs', 'return_value', 'stats']);
    assert.ok(metadata.issued.length >= 1, 'the token came from the metadata server');
    assert.equal(metadata.refused, 0);
  });

  it("does not send the user's Google token to a server a workspace's settings name", async () => {
    const config = vscode.workspace.getConfiguration('xcomLens');
    const issued = metadata.issued.length;
    const requests = airflow.requests.length;
    await config.update(
      'connections',
      [{ id: 'workspace-google', name: 'Workspace server', url: `${airflow.url}/home`, restAuth: 'google' }],
      vscode.ConfigurationTarget.Workspace,
    );
    try {
      const info = await vscode.commands.executeCommand('xcomLens.testConnection', 'workspace-google');
      assert.equal(info, undefined, 'without Google credentials the server refuses the connection');
      assert.equal(metadata.issued.length, issued, 'no Google token was fetched for it');
      assert.ok(
        airflow.requests.slice(requests).some((r) => r.startsWith('GET /api/v2/dags')),
        'the connection was tried (without credentials)',
      );
    } finally {
      await config.update('connections', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});
