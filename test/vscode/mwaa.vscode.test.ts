// An Amazon MWAA connection in a real extension host: added as mwaa://<environment>?region=&profile=&endpoint=,
// reached through the MWAA API stand-in (SigV4 checked, InvokeRestApi relayed to the spec-validating Airflow API
// stand-in, both started here in the extension host process) with keys from a shared credentials file and profile.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { XComLensApi } from '../../src/extension';
import { startAirflowApi, type AirflowApi } from '../fixtures/servers/airflowApi';
import { MWAA_KEYS, startMwaaApi, type MwaaApiStandIn } from '../fixtures/servers/mwaaApi';
import { setProcessEnv } from '../fixtures/processEnv';
import { removeAllConnections, TreeWalker } from './treeWalker';

describe('an Amazon MWAA environment in the Airflow tree', function () {
  this.timeout(60_000);
  let walk: TreeWalker;
  let airflow: AirflowApi;
  let mwaa: MwaaApiStandIn;
  let dir: string;
  let restoreEnv: (() => void) | undefined;
  const name = 'MWAA prod';

  before(async () => {
    const extension = vscode.extensions.getExtension<XComLensApi>('xcom-lens.xcom-lens');
    assert.ok(extension);
    walk = new TreeWalker(await extension.activate());
    await removeAllConnections();
    airflow = await startAirflowApi({ generation: 3, runs: 3 });
    mwaa = await startMwaaApi({
      airflow,
      generation: 3,
      name: 'MyAirflowEnvironment',
      region: 'eu-west-1',
      airflowVersion: '3.0.6',
    });
    dir = mkdtempSync(join(tmpdir(), 'xcom-lens-aws-'));
    writeFileSync(
      join(dir, 'credentials'),
      `[mwaa-viewer]\naws_access_key_id = ${MWAA_KEYS.accessKeyId}\naws_secret_access_key = ${MWAA_KEYS.secretAccessKey}\n`,
    );
    writeFileSync(join(dir, 'config'), '');
    restoreEnv = setProcessEnv({
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_CONFIG_FILE: join(dir, 'config'),
    });
    await vscode.commands.executeCommand('xcomLens.addConnection', {
      name,
      url: `mwaa://MyAirflowEnvironment?region=eu-west-1&profile=mwaa-viewer&endpoint=${encodeURIComponent(mwaa.url)}`,
    });
  });

  after(async () => {
    await vscode.workspace.getConfiguration('xcomLens').update('connections', [], vscode.ConfigurationTarget.Global);
    restoreEnv?.();
    await mwaa.stop();
    await airflow.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => assert.deepEqual(airflow.violations, [], 'every relayed request matches the official spec'));

  it('shows the environment with the version its API reports and how it is reached', async () => {
    const roots = await walk.children();
    assert.deepEqual(walk.labels(roots), [name]);
    assert.match(String(walk.item(roots[0]).description), /Airflow 3\.1\.0/);
    assert.match(
      String((walk.item(roots[0]).tooltip as vscode.MarkdownString).value).replace(/&nbsp;/g, ' '),
      /MWAA InvokeRestApi · AWS profile "mwaa-viewer"/,
    );
  });

  it('walks DAGs → runs → task instances → XComs through InvokeRestApi', async () => {
    const runs = await walk.children(await walk.path(name, 'etl'));
    assert.equal(runs.length, 3, 'three runs of etl');
    const xcoms = await walk.children(await walk.child(runs[runs.length - 1], /extract/));
    assert.deepEqual(walk.labels(xcoms), ['Inputs', 'return_value', 'stats']);
    assert.ok(mwaa.calls.includes('InvokeRestApi GET /dags'), mwaa.calls.join('\n'));
    assert.deepEqual(mwaa.refused, [], 'every request carried a valid SigV4 signature');
  });

  it("turns an MWAA web server address into advice on the environment's URL", async () => {
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('xcomLens.addConnection', {
          url: 'https://0a1b2c3d-4e5f-6789-abcd-ef0123456789.c2.eu-west-1.airflow.amazonaws.com/home',
        }),
      ),
      /is the web server of an Amazon MWAA environment: add it as mwaa:\/\/<environment-name>\?region=eu-west-1/,
    );
    assert.deepEqual(walk.labels(await walk.children()), [name], 'nothing was saved');
  });
});
