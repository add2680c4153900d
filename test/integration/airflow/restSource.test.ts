// The REST MetadataSource against loopback stand-ins of Airflow 2.10 (/api/v1), 3.1 and 3.3 (/api/v2) that check every
// request and response against Airflow's official OpenAPI spec of that version.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createRestMetadataSource } from '../../../src/airflow/rest/restMetadataSource';
import { readTaskLog } from '../../../src/airflow/rest/taskLog';
import type { RestCredentials } from '../../../src/airflow/rest/restHttp';
import { decodeXComValue } from '../../../src/airflow/xcomValue';
import { HEAD_BYTES, readXComHead } from '../../../src/airflow/xcomHead';
import { API_USER, startAirflowApi, type AirflowApi } from '../../fixtures/servers/airflowApi';
import { startFaultProxy } from '../../fixtures/servers/faultProxy';
import { silentLogger, type Logger } from '../../../src/logger';

const LOGIN: RestCredentials = { kind: 'login', ...API_USER };
const PAGE = { offset: 0, limit: 50 };
/** An XCom of about 600 KB (a table pushed inline). */
const BIG = {
  taskId: 'extract',
  key: 'big',
  mapIndex: -1,
  value: { rows: Array.from({ length: 20_000 }, (_, i) => ({ i, name: `row ${i}` })) },
};

function recordingLogger(lines: string[]): Logger {
  const push = (m: string): void => void lines.push(m);
  return { debug: push, info: push, warn: push, error: push };
}

for (const [generation, version] of [
  [2, '2.10.3'],
  [3, '3.1.0'],
  [3, '3.3.0'],
] as const) {
  describe(`REST source on an Airflow ${version} API stand-in`, function () {
    this.timeout(20_000);
    let api: AirflowApi;
    beforeEach(async () => {
      api = await startAirflowApi({ generation, version, runs: 3, extraXComs: [BIG] });
    });
    afterEach(async () => {
      assert.deepEqual(api.violations, [], 'every request and response matches the OpenAPI spec');
      await api.stop();
    });

    it('describes the server from its version endpoint, with the base URL as copied from the browser', async () => {
      const lines: string[] = [];
      const source = createRestMetadataSource({
        baseUrl: `${api.url}/home`,
        credentials: LOGIN,
        timeoutMs: 5000,
        logger: recordingLogger(lines),
      });
      const info = await source.describe();
      assert.equal(info.airflowVersion, version);
      assert.equal(info.generation, generation);
      assert.equal(info.serverVersion, generation === 2 ? 'REST API · basic auth' : 'REST API · JWT (password login)');
      assert.ok(!lines.join('\n').includes(API_USER.password), 'no password in the log');
      await source.close();
    });

    it('lists DAGs, runs (paged with total_entries, state filter), task instances, XComs and values', async () => {
      const source = createRestMetadataSource({
        baseUrl: api.url,
        credentials: LOGIN,
        timeoutMs: 5000,
        logger: silentLogger,
      });
      const dags = await source.listDags(undefined, PAGE);
      assert.deepEqual(
        dags.items.map((d) => [d.dagId, d.tags, d.schedule]),
        [['etl', ['prod'], generation === 2 ? 'At 00:00' : '@daily']],
      );
      assert.equal((await source.listDags('nomatch', PAGE)).items.length, 0);
      const first = await source.listDagRuns('etl', {}, { offset: 0, limit: 2 });
      assert.equal(first.items.length, 2);
      assert.equal(first.hasMore, true);
      const second = await source.listDagRuns('etl', {}, { offset: 2, limit: 2 });
      assert.equal(second.items.length, 1);
      assert.equal(second.hasMore, false);
      const failed = await source.listDagRuns('etl', { states: ['failed'] }, PAGE);
      assert.deepEqual(
        failed.items.map((r) => r.state),
        ['failed'],
      );
      const run = failed.items[0];
      const tis = await source.listTaskInstances('etl', run.runId, {}, PAGE);
      assert.deepEqual(
        tis.items.map((t) => [t.taskId, t.state, t.hostname]),
        [
          ['extract', 'success', 'worker-1'],
          ['load', 'failed', 'worker-1'],
        ],
      );
      const sent = api.requests.length;
      const xcoms = await source.listXComs({ dagId: 'etl', runId: run.runId, taskId: 'extract' }, PAGE);
      assert.equal(api.requests.length - sent, 1, "a task instance's XCom list is one request");
      assert.deepEqual(
        xcoms.items.map((x) => [x.key, x.valuePending]),
        [
          ['big', true],
          ['return_value', true],
          ['stats', true],
        ],
      );
      const heads = await Promise.all(xcoms.items.map((x) => readXComHead(source, x)));
      assert.equal(api.requests.length - sent, 4, 'then one request per value');
      const reference = decodeXComValue(heads[1].head);
      assert.equal(
        reference.value,
        'xcom_s3://xcom-lens-test/data_6f1c2b9e-4d3a-4f6e-9b8a-1c2d3e4f5a6b.csv',
        'the reference string arrives as stored',
      );
      const stats = await source.readXComValue({
        dagId: 'etl',
        runId: run.runId,
        taskId: 'extract',
        mapIndex: -1,
        key: 'stats',
      });
      assert.deepEqual(decodeXComValue(stats!).value, { rows: 3, cols: ['a', 'b'] });
      assert.equal(
        await source.readXComValue({ dagId: 'etl', runId: run.runId, taskId: 'extract', mapIndex: -1, key: 'gone' }),
        undefined,
      );
      const valueRequest = api.requests.find((r) => r.includes('/xcomEntries/stats'))!;
      assert.match(valueRequest, /deserialize=false/);
      assert.match(valueRequest, /stringify=false/);
      const failures = await source.listRecentFailures(PAGE);
      assert.deepEqual(
        failures.items.map((t) => [t.taskId, t.state]),
        [['load', 'failed']],
      );
      const structure = (await source.readSerializedDag('etl')) as { dag: { tasks: Array<{ task_id: string }> } };
      assert.deepEqual(
        structure.dag.tasks.map((t) => t.task_id),
        ['extract', 'load'],
      );
      const last = await source.findLastSuccessfulRun('etl', run.runId);
      assert.equal(last?.state, 'success');
      assert.notEqual(last?.runId, run.runId);
      await source.close();
    });

    it('reads only the head of a large value, and at most the budget asked for', async () => {
      const source = createRestMetadataSource({
        baseUrl: api.url,
        credentials: LOGIN,
        timeoutMs: 5000,
        logger: silentLogger,
      });
      const run = (await source.listDagRuns('etl', {}, PAGE)).items[0];
      const key = { dagId: 'etl', runId: run.runId, taskId: 'extract', mapIndex: -1, key: 'big' };
      const full = JSON.stringify(BIG.value);
      const listed = (await source.listXComs(key, PAGE)).items.find((x) => x.key === 'big')!;
      const head = await readXComHead(source, listed);
      assert.equal(head.valuePending, undefined);
      assert.equal(head.headIsComplete, false);
      assert.ok(head.head.kind === 'json' && full.startsWith(head.head.json), 'the head is the start of the value');
      assert.ok(head.head.kind === 'json' && Buffer.byteLength(head.head.json) <= HEAD_BYTES);
      assert.ok(Math.abs(head.storedSize! - full.length) < 64, `stored size ${head.storedSize} ≈ ${full.length}`);
      const small = await source.readXComValue({ ...key, key: 'stats' }, undefined, { maxBytes: 1000 });
      assert.deepEqual(small, { kind: 'json', json: '{"rows":3,"cols":["a","b"]}', storedSize: 27 });
      const whole = await source.readXComValue(key);
      assert.ok(whole?.kind === 'json' && whole.json === full, 'without a budget the whole value is read');
      await source.close();
    });

    it("reads a try's log across continuation tokens, finds the last traceback, and cuts past the budget", async () => {
      const source = createRestMetadataSource({
        baseUrl: api.url,
        credentials: LOGIN,
        timeoutMs: 5000,
        logger: silentLogger,
      });
      const run = (await source.listDagRuns('etl', { states: ['failed'] }, PAGE)).items[0];
      const ti = { dagId: 'etl', runId: run.runId, taskId: 'load', mapIndex: -1 };
      const log = await readTaskLog(source, ti, 1);
      assert.match(log.text, /Starting attempt 1[\s\S]*Running load[\s\S]*ValueError: boom/);
      assert.equal(log.text.split('\n')[log.tracebackLine!].includes('Traceback'), true);
      assert.equal(log.note, undefined);
      const cut = await readTaskLog(source, ti, 1, { maxChars: 40 });
      assert.ok(cut.text.length <= 40);
      assert.match(cut.note ?? '', /only its start is shown/);
      const aborter = new AbortController();
      aborter.abort();
      await assert.rejects(readTaskLog(source, ti, 1, { signal: aborter.signal }), { name: 'AbortError' });
      await source.close();
    });

    it('says what to fix on a wrong password, without the password in the message', async () => {
      const source = createRestMetadataSource({
        baseUrl: api.url,
        credentials: { kind: 'login', username: 'admin', password: 'wrong-secret' },
        timeoutMs: 5000,
        logger: silentLogger,
      });
      await assert.rejects(
        source.describe(),
        (e: Error) => /user name or password|auth/i.test(e.message) && !e.message.includes('wrong-secret'),
      );
    });

    it('waits for Retry-After on 429 and explains a 403 on XCom values', async () => {
      const source = createRestMetadataSource({
        baseUrl: api.url,
        credentials: LOGIN,
        timeoutMs: 5000,
        logger: silentLogger,
      });
      await source.describe();
      api.failNext(/\/dagRuns$/, 429, 1, 1);
      const started = Date.now();
      assert.equal((await source.listDagRuns('etl', {}, PAGE)).items.length, 3);
      assert.ok(Date.now() - started >= 900, 'waited for Retry-After');
      api.failNext(/xcomEntries\//, 403);
      const run = (await source.listDagRuns('etl', {}, PAGE)).items[0];
      await assert.rejects(
        source.readXComValue({ dagId: 'etl', runId: run.runId, taskId: 'load', mapIndex: -1, key: 'return_value' }),
        /Forbidden \(403\).*permission/,
      );
      await source.close();
    });

    if (generation === 3) {
      it('renews an expired JWT on 401 without asking again', async () => {
        const source = createRestMetadataSource({
          baseUrl: api.url,
          credentials: LOGIN,
          timeoutMs: 5000,
          logger: silentLogger,
        });
        await source.describe();
        api.expireTokens();
        assert.equal((await source.listDags(undefined, PAGE)).items.length, 1);
        assert.equal(api.requests.filter((r) => r.startsWith('POST /auth/token')).length, 2);
        await source.close();
      });

      it('uses /api/v2 when /api/v1 is pasted onto a 3.x server', async () => {
        const source = createRestMetadataSource({
          baseUrl: `${api.url}/api/v1`,
          credentials: LOGIN,
          timeoutMs: 5000,
          logger: silentLogger,
        });
        assert.equal((await source.describe()).airflowVersion, version);
        await source.close();
      });

      it('rejects an invalid bearer token with a message that does not contain it', async () => {
        const token = 'not-a-valid-token-123';
        const source = createRestMetadataSource({
          baseUrl: api.url,
          credentials: { kind: 'bearer', token },
          timeoutMs: 5000,
          logger: silentLogger,
        });
        await assert.rejects(
          source.describe(),
          (e: Error) => /token is expired or invalid/.test(e.message) && !e.message.includes(token),
        );
      });
    }
  });
}

describe('REST source on Airflow 3.3 and on a 3.x newer than XCom Lens knows', function () {
  this.timeout(20_000);
  for (const [version, note] of [
    ['3.3.0', undefined],
    ['3.4.0', /Airflow 3\.4\.0 is newer than XCom Lens knows \(2\.3 to 3\.3\)/],
  ] as const) {
    it(`opens ${version}${note ? ' with a note beside the connection' : ' as a known release'}`, async () => {
      // The stand-in serves 3.3's shapes (XCom run_after, DAG run partition_key, …) and checks every exchange against
      // Airflow 3.3's spec, for 3.4 too (the newest spec at hand).
      const api = await startAirflowApi({ generation: 3, version });
      const source = createRestMetadataSource({
        baseUrl: api.url,
        credentials: LOGIN,
        timeoutMs: 5000,
        logger: silentLogger,
      });
      try {
        const info = await source.describe();
        assert.equal(info.airflowVersion, version);
        if (note) assert.match(info.note ?? '', note);
        else assert.equal(info.note, undefined);
        const run = (await source.listDagRuns('etl', {}, PAGE)).items[0];
        const xcoms = await source.listXComs({ dagId: 'etl', runId: run.runId, taskId: 'extract' }, PAGE);
        assert.deepEqual(
          xcoms.items.map((x) => x.key),
          ['return_value', 'stats'],
        );
        assert.deepEqual(api.violations, []);
      } finally {
        await source.close();
        await api.stop();
      }
    });
  }
});

describe('REST source: bad input', function () {
  this.timeout(20_000);
  let html: Server;
  before(async () => {
    html = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html>Sign in</html>'),
    );
    await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
  });
  after(() => new Promise<void>((resolve) => html.close(() => resolve())));

  it('names an HTML login page (SSO proxy) for what it is', async () => {
    const { port } = html.address() as AddressInfo;
    const source = createRestMetadataSource({
      baseUrl: `http://127.0.0.1:${port}`,
      credentials: LOGIN,
      timeoutMs: 5000,
      logger: silentLogger,
    });
    await assert.rejects(source.describe(), /HTML page instead of JSON.*SSO proxy/);
  });

  it('names a redirect to a sign-in page (SSO proxy) and what to use instead', async () => {
    const sso = createServer((_req, res) =>
      res.writeHead(302, { location: 'https://sso.example.com/login?next=%2Fhome' }).end(),
    );
    await new Promise<void>((resolve) => sso.listen(0, '127.0.0.1', resolve));
    try {
      const source = createRestMetadataSource({
        baseUrl: `http://127.0.0.1:${(sso.address() as AddressInfo).port}/home`,
        credentials: LOGIN,
        timeoutMs: 5000,
        logger: silentLogger,
      });
      await assert.rejects(
        source.describe(),
        (e: Error) =>
          /redirected \(302\).*login page \(an SSO proxy\).*API token/.test(e.message) &&
          !e.message.includes(API_USER.password),
      );
      await source.close();
    } finally {
      sso.close();
    }
  });

  it('names an answer of the wrong shape, with the field it lacks', async () => {
    const lines: string[] = [];
    const odd = createServer((req, res) => {
      const json = (body: unknown): void =>
        void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.url === '/api/v2/version') return json({ version: '3.1.0', git_version: null });
      if (req.url === '/auth/token') return json({ access_token: 'secret-jwt-xyz' });
      return json({ results: [{ id: 'etl' }], count: 1 });
    });
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    try {
      const source = createRestMetadataSource({
        baseUrl: `http://127.0.0.1:${(odd.address() as AddressInfo).port}`,
        credentials: LOGIN,
        timeoutMs: 5000,
        logger: recordingLogger(lines),
      });
      await source.describe();
      await assert.rejects(source.listDags(undefined, PAGE), /wrong shape \(no "dags" list\).*supported version/);
      const log = lines.join('\n');
      assert.ok(!log.includes('secret-jwt-xyz') && !log.includes(API_USER.password), 'no token or password logged');
      await source.close();
    } finally {
      odd.close();
    }
  });

  it('names a self-signed certificate and what to do, and connects with skip verification', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xcom-lens-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const server = createHttpsServer(
      { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) },
      (_req, res) => {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"version":"3.1.0","git_version":null,"dags":[],"total_entries":0}');
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const strict = createRestMetadataSource({
        baseUrl: url,
        credentials: { kind: 'none' },
        timeoutMs: 3000,
        logger: silentLogger,
      });
      await assert.rejects(strict.describe(), /self-signed certificate.*CA file.*skip certificate verification/);
      const lax = createRestMetadataSource({
        baseUrl: url,
        credentials: { kind: 'none' },
        timeoutMs: 3000,
        tls: { skipVerify: true },
        logger: silentLogger,
      });
      assert.equal((await lax.describe()).airflowVersion, '3.1.0');
      await strict.close();
      await lax.close();
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives up on a server that accepts and never answers within the timeout', async () => {
    const api = await startAirflowApi({ generation: 3 });
    const proxy = await startFaultProxy(Number(new URL(api.url).port));
    try {
      proxy.setFault({ kind: 'stall' });
      const source = createRestMetadataSource({
        baseUrl: `http://127.0.0.1:${proxy.port}`,
        credentials: LOGIN,
        timeoutMs: 1000,
        logger: silentLogger,
      });
      const started = Date.now();
      await assert.rejects(source.describe(), /did not answer within 1 s/);
      assert.ok(Date.now() - started < 3000, 'no hang past the timeout');
      await source.close();
    } finally {
      await proxy.stop();
      await api.stop();
    }
  });
});
