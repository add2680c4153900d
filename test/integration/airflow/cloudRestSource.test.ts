// Managed Airflow through the REST source, opened the way the extension opens a connection (sourceFactory):
// Amazon MWAA through a loopback stand-in of the MWAA API (SigV4 checked by hand, InvokeRestApi relayed to the
// spec-validating Airflow API stand-in) with credentials from a real shared-credentials file and profile, and
// Google Cloud Composer through Application Default Credentials from a loopback metadata-server stand-in.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionConfig, Settings } from '../../../src/config';
import { openMetadataSource } from '../../../src/connections/sourceFactory';
import type { MetadataSource } from '../../../src/airflow/metadataSource';
import { silentLogger, type Logger } from '../../../src/logger';
import { startAirflowApi, type AirflowApi } from '../../fixtures/servers/airflowApi';
import { EXPIRED_SESSION_TOKEN, MWAA_KEYS, startMwaaApi, type MwaaApiStandIn } from '../../fixtures/servers/mwaaApi';
import { startGceMetadata, type GceMetadata } from '../../fixtures/servers/gceMetadata';
import { startFaultProxy } from '../../fixtures/servers/faultProxy';
import { startMwaaWebServer, type MwaaWebServer } from '../../fixtures/servers/mwaaWebServer';
import { setProcessEnv } from '../../fixtures/processEnv';

const PAGE = { offset: 0, limit: 50 };
const SETTINGS = { queryTimeoutSeconds: 10 } as Settings;
const REGION = 'eu-west-1';
const ENV = 'MyAirflowEnvironment';

function recordingLogger(lines: string[]): Logger {
  const push = (m: string): void => void lines.push(m);
  return { debug: push, info: push, warn: push, error: push };
}

/** The first pages of the tree: DAGs, the runs of etl, the task instances of a run and the XComs of extract. */
async function firstPages(
  source: MetadataSource,
): Promise<{ dags: string[]; runs: number; tis: string[]; xcoms: string[] }> {
  const dags = await source.listDags(undefined, PAGE);
  const runs = await source.listDagRuns('etl', {}, PAGE);
  const run = runs.items[runs.items.length - 1];
  const tis = await source.listTaskInstances('etl', run.runId, {}, PAGE);
  const xcoms = await source.listXComs({ dagId: 'etl', runId: run.runId, taskId: 'extract' }, PAGE);
  return {
    dags: dags.items.map((d) => d.dagId),
    runs: runs.items.length,
    tis: tis.items.map((t) => t.taskId),
    xcoms: xcoms.items.map((x) => x.key),
  };
}

for (const generation of [2, 3] as const) {
  describe(`Amazon MWAA (Airflow ${generation}) through InvokeRestApi`, function () {
    this.timeout(30_000);
    let airflow: AirflowApi;
    let mwaa: MwaaApiStandIn;
    let dir: string;
    let restoreEnv: () => void;
    const connection = (query: string, name = ENV): ConnectionConfig => ({
      id: 'mwaa',
      name: 'MWAA',
      url: `mwaa://${name}?region=${REGION}&endpoint=${encodeURIComponent(mwaa.url)}${query}`,
    });

    beforeEach(async () => {
      airflow = await startAirflowApi({ generation, runs: 3 });
      mwaa = await startMwaaApi({
        airflow,
        generation,
        name: ENV,
        region: REGION,
        airflowVersion: generation === 2 ? '2.10.3' : '3.0.6',
      });
      // A real shared credentials file, read by the same AWS credential chain S3 uses.
      dir = mkdtempSync(join(tmpdir(), 'xcom-lens-aws-'));
      writeFileSync(
        join(dir, 'credentials'),
        [
          '[xcom-lens-test]',
          `aws_access_key_id = ${MWAA_KEYS.accessKeyId}`,
          `aws_secret_access_key = ${MWAA_KEYS.secretAccessKey}`,
          '[expired]',
          `aws_access_key_id = ${MWAA_KEYS.accessKeyId}`,
          `aws_secret_access_key = ${MWAA_KEYS.secretAccessKey}`,
          `aws_session_token = ${EXPIRED_SESSION_TOKEN}`,
          '[wrong-secret]',
          `aws_access_key_id = ${MWAA_KEYS.accessKeyId}`,
          'aws_secret_access_key = not-the-secret-0123456789',
          '',
        ].join('\n'),
      );
      writeFileSync(join(dir, 'config'), '');
      restoreEnv = setProcessEnv({
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
        AWS_CONFIG_FILE: join(dir, 'config'),
        AWS_PROFILE: undefined,
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SESSION_TOKEN: undefined,
        AWS_EC2_METADATA_DISABLED: 'true',
      });
    });
    afterEach(async () => {
      restoreEnv();
      assert.deepEqual(airflow.violations, [], 'every relayed request and response matches the OpenAPI spec');
      await mwaa.stop();
      await airflow.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('describes the environment from GetEnvironment and walks the first pages of the tree', async () => {
      const lines: string[] = [];
      const source = await openMetadataSource(
        connection('&profile=xcom-lens-test'),
        undefined,
        SETTINGS,
        recordingLogger(lines),
      );
      const info = await source.describe();
      assert.equal(info.generation, generation);
      assert.equal(info.airflowVersion, generation === 2 ? '2.10.3' : '3.1.0', 'the version the API itself reports');
      assert.equal(info.serverVersion, 'REST API · MWAA InvokeRestApi · AWS profile "xcom-lens-test"');
      assert.deepEqual(await firstPages(source), {
        dags: ['etl'],
        runs: 3,
        tis: ['extract', 'load'],
        xcoms: ['return_value', 'stats'],
      });
      const missing = await source.readXComValue({
        dagId: 'etl',
        runId: 'nope',
        taskId: 'extract',
        mapIndex: -1,
        key: 'x',
      });
      assert.equal(missing, undefined, "Airflow's 404, relayed as RestApiClientException, means no such XCom");
      assert.equal(mwaa.calls[0], `GetEnvironment ${ENV}`);
      assert.ok(mwaa.calls.includes('InvokeRestApi GET /dags'), mwaa.calls.join('\n'));
      assert.deepEqual(mwaa.refused, [], 'every request was signed for airflow with the profile keys');
      const log = lines.join('\n');
      assert.ok(!log.includes(MWAA_KEYS.secretAccessKey), 'no secret in the log');
      await source.close();
    });

    it('reads the version through InvokeRestApi when GetEnvironment is not allowed', async () => {
      mwaa.failNext('AccessDeniedException', 'GetEnvironment');
      const source = await openMetadataSource(connection('&profile=xcom-lens-test'), undefined, SETTINGS, silentLogger);
      const info = await source.describe();
      assert.equal(info.generation, generation);
      assert.ok(mwaa.calls.includes('InvokeRestApi GET /version'), mwaa.calls.join('\n'));
      assert.deepEqual(
        (await source.listDags(undefined, PAGE)).items.map((d) => d.dagId),
        ['etl'],
      );
      await source.close();
    });

    it('says which IAM permission is missing when InvokeRestApi is denied', async () => {
      mwaa.failNext('AccessDeniedException', 'InvokeRestApi', 10);
      const source = await openMetadataSource(connection('&profile=xcom-lens-test'), undefined, SETTINGS, silentLogger);
      await assert.rejects(source.describe(), (error: Error) => {
        assert.match(
          error.message,
          /AWS denied airflow:InvokeRestApi on the MWAA environment "MyAirflowEnvironment" to AWS profile "xcom-lens-test": grant airflow:InvokeRestApi/,
        );
        assert.ok(!error.message.includes(MWAA_KEYS.secretAccessKey));
        return true;
      });
      await source.close();
    });

    it('says the session expired, and that a wrong secret is refused, with no secret in the message', async () => {
      const expired = await openMetadataSource(connection('&profile=expired'), undefined, SETTINGS, silentLogger);
      await assert.rejects(expired.describe(), (error: Error) => {
        assert.match(
          error.message,
          /AWS credentials for MWAA \(AWS profile "expired"\) have expired: run "aws sso login"/,
        );
        assert.ok(!error.message.includes(EXPIRED_SESSION_TOKEN), 'no session token in the message');
        return true;
      });
      await expired.close();
      const wrong = await openMetadataSource(connection('&profile=wrong-secret'), undefined, SETTINGS, silentLogger);
      await assert.rejects(wrong.describe(), (error: Error) => {
        assert.match(
          error.message,
          /AWS refused the credentials for MWAA \(AWS profile "wrong-secret", InvalidSignatureException\)/,
        );
        assert.ok(!error.message.includes('not-the-secret'), 'no secret in the message');
        return true;
      });
      assert.ok(
        mwaa.refused.some((r) => r === 'SignatureDoesNotMatch'),
        'the stand-in checked the signature',
      );
      await wrong.close();
    });

    it('retries a dropped connection, and says when the MWAA API does not answer in time', async () => {
      const proxy = await startFaultProxy(Number(new URL(mwaa.url).port));
      const through = (): ConnectionConfig => ({
        ...connection('&profile=xcom-lens-test'),
        url: `mwaa://${ENV}?region=${REGION}&profile=xcom-lens-test&endpoint=${encodeURIComponent(`http://127.0.0.1:${proxy.port}`)}`,
      });
      try {
        proxy.setFault({ kind: 'reset', times: 1 });
        const source = await openMetadataSource(through(), undefined, SETTINGS, silentLogger);
        assert.equal((await source.describe()).generation, generation, 'one reset is retried');
        await source.close();
        proxy.setFault({ kind: 'stall' });
        const stalled = await openMetadataSource(
          through(),
          undefined,
          { queryTimeoutSeconds: 1 } as Settings,
          silentLogger,
        );
        const started = Date.now();
        await assert.rejects(stalled.describe(), /127\.0\.0\.1:\d+ did not answer within 1 s/);
        assert.ok(Date.now() - started < 3000, 'no hang past the timeout');
        await stalled.close();
      } finally {
        await proxy.stop();
      }
    });

    it('retries throttling, then says the API is throttling when it goes on', async () => {
      const source = await openMetadataSource(connection('&profile=xcom-lens-test'), undefined, SETTINGS, silentLogger);
      await source.describe();
      mwaa.failNext('ThrottlingException', 'InvokeRestApi', 2);
      assert.deepEqual(
        (await source.listDags(undefined, PAGE)).items.map((d) => d.dagId),
        ['etl'],
        'two throttles are retried',
      );
      mwaa.failNext('ThrottlingException', 'InvokeRestApi', 10);
      await assert.rejects(
        source.listDags(undefined, PAGE),
        /The MWAA API is throttling requests \(ThrottlingException\) for "MyAirflowEnvironment": wait a moment and refresh/,
      );
      await source.close();
    });

    it("names the Airflow role when Airflow itself answers 403, and a missing environment's name and region", async () => {
      const source = await openMetadataSource(connection('&profile=xcom-lens-test'), undefined, SETTINGS, silentLogger);
      await source.describe();
      const [run] = (await source.listDagRuns('etl', {}, PAGE)).items;
      airflow.failNext(/\/taskInstances$/, 403);
      await assert.rejects(
        source.listTaskInstances('etl', run.runId, {}, PAGE),
        /Forbidden \(403\) for GET \/dags\/etl\/dagRuns\/[^/]+\/taskInstances: the Airflow role MWAA maps to your IAM principal lacks this permission/,
      );
      await source.close();
      const missing = await openMetadataSource(
        connection('&profile=xcom-lens-test', 'NoSuchEnv'),
        undefined,
        SETTINGS,
        silentLogger,
      );
      await assert.rejects(
        missing.describe(),
        /No MWAA environment named "NoSuchEnv" in eu-west-1: check the name and the region/,
      );
      await missing.close();
    });
  });
}

describe('Amazon MWAA (Airflow 2) through a web login token', function () {
  this.timeout(30_000);
  let airflow: AirflowApi;
  let mwaa: MwaaApiStandIn;
  let web: MwaaWebServer;
  let dir: string;
  let restoreEnv: () => void;
  const connection = (): ConnectionConfig => ({
    id: 'mwaa-web',
    name: 'MWAA web',
    url: `mwaa://${ENV}?region=${REGION}&profile=xcom-lens-test&login=web&endpoint=${encodeURIComponent(mwaa.url)}`,
    tls: { caFile: web.caFile },
  });

  beforeEach(async () => {
    airflow = await startAirflowApi({ generation: 2, runs: 3 });
    mwaa = await startMwaaApi({ airflow, generation: 2, name: ENV, region: REGION, airflowVersion: '2.10.3' });
    web = await startMwaaWebServer(mwaa, airflow);
    dir = mkdtempSync(join(tmpdir(), 'xcom-lens-aws-'));
    writeFileSync(
      join(dir, 'credentials'),
      `[xcom-lens-test]\naws_access_key_id = ${MWAA_KEYS.accessKeyId}\naws_secret_access_key = ${MWAA_KEYS.secretAccessKey}\n`,
    );
    writeFileSync(join(dir, 'config'), '');
    restoreEnv = setProcessEnv({
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_PROFILE: undefined,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
  });
  afterEach(async () => {
    restoreEnv();
    assert.deepEqual(airflow.violations, [], 'every relayed request and response matches the OpenAPI spec');
    await web.stop();
    await mwaa.stop();
    await airflow.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in with CreateWebLoginToken and a session cookie, walks the tree, and signs in again when it expires', async () => {
    const lines: string[] = [];
    const source = await openMetadataSource(connection(), undefined, SETTINGS, recordingLogger(lines));
    const info = await source.describe();
    assert.equal(info.airflowVersion, '2.10.3');
    assert.equal(info.serverVersion, 'REST API · MWAA web login · AWS profile "xcom-lens-test"');
    assert.deepEqual(await firstPages(source), {
      dags: ['etl'],
      runs: 3,
      tis: ['extract', 'load'],
      xcoms: ['return_value', 'stats'],
    });
    assert.equal(web.logins, 1, 'one session for all of it');
    assert.ok(!mwaa.calls.some((c) => c.startsWith('InvokeRestApi')), 'no InvokeRestApi call');
    web.expireSessions();
    assert.deepEqual(
      (await source.listDags(undefined, PAGE)).items.map((d) => d.dagId),
      ['etl'],
    );
    assert.equal(web.logins, 2, 'a refused session is replaced by a new web login');
    assert.equal(web.refusedLogins, 0, 'each web login token was used once, within its minute');
    assert.deepEqual(mwaa.refused, []);
    const log = lines.join('\n');
    assert.ok(!/session=|webtoken-/.test(log), 'neither cookie nor token in the log');
    await source.close();
  });

  it('says which permission is missing when CreateWebLoginToken is denied', async () => {
    mwaa.failNext('AccessDeniedException', 'CreateWebLoginToken');
    const source = await openMetadataSource(connection(), undefined, SETTINGS, silentLogger);
    await assert.rejects(
      source.describe(),
      /AWS denied airflow:CreateWebLoginToken on the MWAA environment "MyAirflowEnvironment" to AWS profile "xcom-lens-test"/,
    );
    await source.close();
  });
});

describe('Google Cloud Composer through Application Default Credentials', function () {
  this.timeout(30_000);
  let airflow: AirflowApi;
  let metadata: GceMetadata;
  let dir: string;
  let restoreEnv: () => void;
  const connection = (): ConnectionConfig => ({
    id: 'composer',
    name: 'Composer',
    url: `${airflow.url}/home`,
    restAuth: 'google',
  });

  beforeEach(async () => {
    airflow = await startAirflowApi({ generation: 3, runs: 3 });
    metadata = await startGceMetadata(airflow);
    dir = mkdtempSync(join(tmpdir(), 'xcom-lens-gcloud-'));
    restoreEnv = setProcessEnv({
      GOOGLE_APPLICATION_CREDENTIALS: undefined,
      CLOUDSDK_CONFIG: dir, // no gcloud application-default credentials here
      GCE_METADATA_HOST: metadata.host,
      METADATA_SERVER_DETECTION: undefined,
    });
  });
  afterEach(async () => {
    restoreEnv();
    assert.deepEqual(airflow.violations, [], 'every request and response matches the OpenAPI spec');
    await metadata.stop();
    await airflow.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says how to sign in when there are no credentials at all', async () => {
    process.env.METADATA_SERVER_DETECTION = 'none';
    const source = await openMetadataSource(connection(), undefined, SETTINGS, silentLogger);
    await assert.rejects(
      source.describe(),
      /No Google Application Default Credentials found: run "gcloud auth application-default login", or set GOOGLE_APPLICATION_CREDENTIALS/,
    );
    await source.close();
  });

  it('walks the first pages with a token from the metadata server, renewed when the server refuses it', async () => {
    const lines: string[] = [];
    const source = await openMetadataSource(connection(), undefined, SETTINGS, recordingLogger(lines));
    const info = await source.describe();
    assert.equal(info.serverVersion, 'REST API · Google Application Default Credentials');
    assert.deepEqual(await firstPages(source), {
      dags: ['etl'],
      runs: 3,
      tis: ['extract', 'load'],
      xcoms: ['return_value', 'stats'],
    });
    assert.equal(metadata.issued.length, 1, 'one token, cached by the library');
    assert.equal(metadata.refused, 0, 'every metadata request carried Metadata-Flavor: Google');
    metadata.revokeIssued();
    assert.deepEqual(
      (await source.listDags(undefined, PAGE)).items.map((d) => d.dagId),
      ['etl'],
    );
    assert.equal(metadata.issued.length, 2, 'a refused token is replaced by a new one');
    const log = lines.join('\n');
    for (const token of metadata.issued) assert.ok(!log.includes(token), 'no token in the log');
    await source.close();
  });

  it('says what to check when Composer refuses the Google account', async () => {
    const source = await openMetadataSource(connection(), undefined, SETTINGS, silentLogger);
    await source.describe();
    airflow.failNext(/^\/dags$/, 403);
    await assert.rejects(source.listDags(undefined, PAGE), (error: Error) => {
      assert.match(
        error.message,
        /Forbidden \(403\) for GET \/api\/v2\/dags: the Composer web server refused the Google credentials: check that the account has the Composer User role/,
      );
      for (const token of metadata.issued) assert.ok(!error.message.includes(token), 'no token in the message');
      return true;
    });
    await source.close();
  });
});
