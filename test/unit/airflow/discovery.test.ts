import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  configParserProblem,
  configParserToIni,
  discoverAirflowConnections,
  readAirflowBackendConfig,
} from '../../../src/airflow/discovery';

function temp(): string {
  return mkdtempSync(join(tmpdir(), 'xcom-lens-discovery-'));
}

describe('Airflow connection discovery', () => {
  it('follows Airflow lookup order: env, _cmd/_secret flagged, airflow.cfg [database] then [core], workspace, default DB', async () => {
    const home = temp();
    const airflowHome = join(home, 'airflow');
    mkdirSync(airflowHome);
    writeFileSync(
      join(airflowHome, 'airflow.cfg'),
      '[core]\nsql_alchemy_conn = postgresql://old@h/db\n[database]\nsql_alchemy_conn = sqlite:///{AIRFLOW_HOME}/other.db\nsql_alchemy_conn_cmd = cat /secret\n',
    );
    writeFileSync(join(airflowHome, 'airflow.db'), '');
    const ws = temp();
    writeFileSync(join(ws, 'airflow.cfg'), '[database]\nsql_alchemy_conn = mysql://u:p%%40ss@h/airflow\n');
    const { candidates } = await discoverAirflowConnections({
      env: {
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: 'postgresql://env@h/db',
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_SECRET: 'x',
      },
      homeDir: home,
      workspaceFolders: [ws],
    });
    assert.deepEqual(candidates, [
      { url: 'postgresql://env@h/db', origin: 'env AIRFLOW__DATABASE__SQL_ALCHEMY_CONN' },
      { origin: 'env AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_SECRET', needsCommand: true },
      {
        url: `sqlite:///${airflowHome}/other.db`,
        origin: `${join(airflowHome, 'airflow.cfg')} [database] sql_alchemy_conn`,
      },
      { origin: `${join(airflowHome, 'airflow.cfg')} [database] sql_alchemy_conn_cmd`, needsCommand: true },
      { url: 'postgresql://old@h/db', origin: `${join(airflowHome, 'airflow.cfg')} [core] sql_alchemy_conn` },
      { url: 'mysql://u:p%40ss@h/airflow', origin: `${join(ws, 'airflow.cfg')} [database] sql_alchemy_conn` },
      { url: `sqlite:///${join(airflowHome, 'airflow.db')}`, origin: `default ${join(airflowHome, 'airflow.db')}` },
    ]);
  });

  it('reads airflow.cfg as Python configparser does: no inline comments, `key: value`, %% escapes', async () => {
    const files: Record<string, string> = {
      '/h/airflow/airflow.cfg':
        '# generated\n[database]\nsql_alchemy_conn: postgresql://u:pa;ss#1@db/airflow ; kept\n[core]\n; a comment\nsql_alchemy_conn = mysql://u:100%%@db/a\n',
    };
    const { candidates } = await discoverAirflowConnections({
      env: {},
      homeDir: '/h',
      workspaceFolders: [],
      readFile: async (path) => {
        if (path in files) return files[path];
        throw new Error('ENOENT');
      },
    });
    assert.deepEqual(
      candidates.map((c) => c.url),
      ['postgresql://u:pa;ss#1@db/airflow ; kept', 'mysql://u:100%@db/a'],
    );
    assert.equal(configParserToIni('a: b\\c'), 'a = b\\\\c');
  });

  it('honours AIRFLOW_HOME and AIRFLOW_CONFIG, and offers the default DB only when it exists', async () => {
    const home = temp();
    const af = temp();
    const cfg = join(temp(), 'custom.cfg');
    writeFileSync(cfg, '[database]\nsql_alchemy_conn = sqlite:///{AIRFLOW_HOME}/x.db\n');
    const found = await discoverAirflowConnections({
      env: { AIRFLOW_HOME: af, AIRFLOW_CONFIG: cfg },
      homeDir: home,
      workspaceFolders: [],
    });
    assert.deepEqual(
      found.candidates.map((c) => c.url),
      [`sqlite:///${af}/x.db`],
    );
    const none = await discoverAirflowConnections({ env: {}, homeDir: temp(), workspaceFolders: [] });
    assert.deepEqual(none.candidates, []);
  });

  it('reports a broken airflow.cfg with its path and line instead of using it', async () => {
    const af = temp();
    const cfg = join(af, 'airflow.cfg');
    writeFileSync(cfg, '[core]\ndags_folder = /dags\n[database\nsql_alchemy_conn = postgresql://u@h/db\n');
    const found = await discoverAirflowConnections({
      env: { AIRFLOW_HOME: af },
      homeDir: temp(),
      workspaceFolders: [],
    });
    assert.deepEqual(found.candidates, [
      { origin: cfg, problem: 'line 3: neither a [section] header nor a "key = value" line' },
    ]);
  });

  it('finds the first line Python configparser (strict, as Airflow uses it) refuses', () => {
    assert.equal(
      configParserProblem('# airflow\n[core]\nkey = a\n  continued\n; c\n[database]\nk: v\nempty =\n'),
      undefined,
    );
    assert.equal(
      configParserProblem('sql_alchemy_conn = sqlite:////x.db\n'),
      'line 1: a setting before any [section] header',
    );
    assert.equal(configParserProblem('[core]\n[core]\n'), 'line 2: section [core] appears twice');
    assert.equal(configParserProblem('[core]\nKey = 1\nkey = 2\n'), 'line 3: "key" appears twice in its section');
    assert.equal(configParserProblem('[core]\n= 1\n'), 'line 2: neither a [section] header nor a "key = value" line');
  });

  it('uses the injected readFile', async () => {
    const files: Record<string, string> = {
      '/h/airflow/airflow.cfg': '[database]\nsql_alchemy_conn = postgresql://a@b/c\n',
    };
    const found = await discoverAirflowConnections({
      env: {},
      homeDir: '/h',
      workspaceFolders: [],
      readFile: async (p) => {
        if (p in files) return files[p];
        throw new Error('ENOENT');
      },
    });
    assert.deepEqual(
      found.candidates.map((c) => c.url),
      ['postgresql://a@b/c'],
    );
  });

  it("offers Airflow's API server: env, then [api] base_url (3.x) before [webserver] base_url (2.x)", async () => {
    const af = temp();
    writeFileSync(
      join(af, 'airflow.cfg'),
      '[database]\nsql_alchemy_conn = sqlite:///{AIRFLOW_HOME}/airflow.db\n' +
        '[api]\nbase_url = http://localhost:9091/team\n[webserver]\nbase_url = http://localhost:8080\n',
    );
    const ws = temp();
    writeFileSync(
      join(ws, 'airflow.cfg'),
      '[webserver]\nbase_url = /relative\n[api]\nbase_url = http://localhost:8080\n',
    );
    const found = await discoverAirflowConnections({
      env: {
        AIRFLOW_HOME: af,
        AIRFLOW__API__BASE_URL: 'https://airflow.example.com',
        AIRFLOW__WEBSERVER__BASE_URL: ' ',
      },
      homeDir: temp(),
      workspaceFolders: [ws],
    });
    assert.deepEqual(found.apiServers, [
      { url: 'https://airflow.example.com', origin: 'env AIRFLOW__API__BASE_URL' },
      { url: 'http://localhost:9091/team', origin: `${join(af, 'airflow.cfg')} [api] base_url` },
      { url: 'http://localhost:8080', origin: `${join(af, 'airflow.cfg')} [webserver] base_url` },
    ]);
    assert.deepEqual(
      found.candidates.map((c) => c.url),
      [`sqlite:///${af}/airflow.db`],
      'the API servers are not offered as metadata DBs',
    );
    const none = await discoverAirflowConnections({ env: {}, homeDir: temp(), workspaceFolders: [] });
    assert.deepEqual(none.apiServers, []);
  });

  it('reads the XCom backend configuration from env and airflow.cfg', () => {
    const home = temp();
    mkdirSync(join(home, 'airflow'));
    writeFileSync(
      join(home, 'airflow', 'airflow.cfg'),
      '[core]\nxcom_backend = airflow.providers.common.io.xcom.backend.XComObjectStorageBackend\n[common.io]\nxcom_objectstorage_path = s3://conn@bucket/xcom\n',
    );
    assert.deepEqual(readAirflowBackendConfig({ env: {}, homeDir: home, workspaceFolders: [] }), {
      xcomBackend: 'airflow.providers.common.io.xcom.backend.XComObjectStorageBackend',
      objectStoragePath: 's3://conn@bucket/xcom',
    });
    assert.deepEqual(
      readAirflowBackendConfig({
        env: { AIRFLOW__CORE__XCOM_BACKEND: 'include.s3_xcom_backend.S3XComBackend', S3_XCOM_BUCKET_NAME: 'my-bucket' },
        homeDir: temp(),
        workspaceFolders: [],
      }),
      { xcomBackend: 'include.s3_xcom_backend.S3XComBackend', astronomerBucket: 'my-bucket' },
    );
    assert.deepEqual(
      readAirflowBackendConfig({
        env: { XCOM_BACKEND_BUCKET_NAME: 'b2', XCOM_BACKEND_PREFIX: 'team_', AIRFLOW_VAR_S3_XCOM_BUCKET_NAME: 'var-b' },
        homeDir: temp(),
        workspaceFolders: [],
      }),
      { providersBucket: 'b2', providersPrefix: 'team_', astronomerBucket: 'var-b' },
    );
  });
});
