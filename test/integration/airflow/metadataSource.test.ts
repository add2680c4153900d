// The one SQL MetadataSource against real databases: SQLite files (node:sqlite, 2.10 and 3.1 fixtures, WAL, unchanged
// file, missing / corrupt files) and real PostgreSQL 15 and MariaDB servers for both schema generations.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetadataSource } from '../../../src/airflow/metadataSource';
import { createMetadataSource } from '../../../src/airflow/sqlMetadataSource';
import { createDriver } from '../../../src/airflow/sql/driverFactory';
import { isCancellation } from '../../../src/errors';
import type { Dialect, SchemaGeneration } from '../../../src/airflow/types';
import { decodeXComValue } from '../../../src/airflow/xcomValue';
import { upstreamTaskIds } from '../../../src/airflow/dagStructure';
import {
  buildStandardFixture,
  createSqliteFixture,
  mysqlWriter,
  postgresWriter,
  FIXTURE_BUCKET,
  SEEDED_UUID,
  DANGLING_UUIDS,
} from '../../fixtures/airflow/builder';
import { FIXTURE_VERSIONS } from '../../fixtures/airflow/schema';
import type { MariaDbServer } from '../../fixtures/servers/mariadb';
import type { PostgresServer } from '../../fixtures/servers/postgres';
import { mariadb, postgres, serviceRunDir } from '../services';

const PAGE = { offset: 0, limit: 50 };
const TIMEOUTS = { connectTimeoutMs: 5_000, queryTimeoutMs: 10_000 };
const FAILED_RUN = 'scheduled__2024-01-03T00:00:00+00:00';
const ZOO_RUN = 'manual__2024-01-01T00:00:00+00:00';

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'xcom-lens-airflow-'));
}

let dbCounter = 0;

/** Creates a fresh database holding the standard fixture; returns its URL. */
async function fixtureUrl(dialect: Dialect, generation: SchemaGeneration): Promise<string> {
  if (dialect === 'sqlite') return `sqlite:///${await createSqliteFixture(join(tempDir(), 'airflow.db'), generation)}`;
  const name = `fx_${dialect}_${generation}_${++dbCounter}`;
  if (dialect === 'postgres') {
    const server = (await postgres()) as unknown as PostgresServer;
    const url = await server.createDatabase(name);
    const w = await postgresWriter(url);
    try {
      await buildStandardFixture(w, generation);
    } finally {
      await w.close();
    }
    return url;
  }
  const server = (await mariadb()) as unknown as MariaDbServer;
  const url = await server.createDatabase(name);
  const w = await mysqlWriter(url);
  try {
    await buildStandardFixture(w, generation);
  } finally {
    await w.close();
  }
  return url;
}

for (const dialect of ['sqlite', 'postgres', 'mysql'] as const) {
  for (const generation of [2, 3] as const) {
    describe(`MetadataSource on ${dialect}, Airflow ${FIXTURE_VERSIONS[generation]} fixture`, function () {
      this.timeout(120_000);
      let source: MetadataSource;
      let url: string;

      before(async () => {
        url = await fixtureUrl(dialect, generation);
        source = await createMetadataSource({ url, ...TIMEOUTS });
      });
      after(async () => source?.close());

      it('describes the DB: dialect, alembic head, version, generation', async () => {
        const info = await source.describe();
        assert.equal(info.origin.kind === 'sql' && info.origin.dialect, dialect);
        assert.equal(info.generation, generation);
        assert.equal(info.airflowVersion, FIXTURE_VERSIONS[generation]);
        assert.equal(
          info.origin.kind === 'sql' && info.origin.alembicRevision,
          generation === 2 ? '5f2621c13b39' : 'cc92b33c6709',
        );
        assert.match(
          info.serverVersion,
          dialect === 'sqlite' ? /^SQLite 3\./ : dialect === 'postgres' ? /^PostgreSQL 15/ : /^MariaDB /,
        );
      });

      it('lists DAGs by id with tags, paused flag and schedule; filters by id or tag; pages', async () => {
        const dags = await source.listDags(undefined, PAGE);
        assert.deepEqual(
          dags.items.map((d) => d.dagId),
          ['etl_orders', 'fanout_mapped', 'many_runs', 'xcom_zoo'],
        );
        assert.equal(dags.hasMore, false);
        const etl = dags.items[0];
        assert.deepEqual(etl.tags, ['daily', 'orders']);
        assert.equal(etl.isPaused, false);
        assert.equal(etl.schedule, '@daily');
        assert.equal(etl.displayName, 'etl_orders');
        assert.equal(dags.items[3].isPaused, true);
        assert.deepEqual(
          (await source.listDags('ZOO', PAGE)).items.map((d) => d.dagId),
          ['xcom_zoo'],
        );
        assert.deepEqual(
          (await source.listDags('paging', PAGE)).items.map((d) => d.dagId),
          ['many_runs'],
        );
        assert.deepEqual(
          (await source.listDags('_', PAGE)).items.length,
          4,
          '_ is no wildcard… but all ids contain it',
        );
        assert.deepEqual((await source.listDags('%', PAGE)).items, [], '% is escaped');
        const first = await source.listDags(undefined, { offset: 0, limit: 3 });
        assert.equal(first.hasMore, true);
        assert.deepEqual(
          (await source.listDags(undefined, { offset: 3, limit: 3 })).items.map((d) => d.dagId),
          ['xcom_zoo'],
        );
      });

      it('lists runs newest first, filters by state, pages 60 runs at 50', async () => {
        const runs = await source.listDagRuns('etl_orders', {}, PAGE);
        assert.deepEqual(
          runs.items.map((r) => r.state),
          ['failed', 'success', 'success'],
        );
        assert.equal(runs.items[0].runId, FAILED_RUN);
        assert.equal(runs.items[0].logicalDate, '2024-01-03T00:00:00.000Z');
        assert.equal(
          runs.items[0].sortDate,
          generation === 2 ? '2024-01-03T00:00:00.000Z' : '2024-01-04T00:00:00.000Z',
        );
        assert.equal(runs.items[0].startDate, '2024-01-03T00:01:00.000Z');
        assert.equal(runs.items[0].runType, 'scheduled');
        const failed = await source.listDagRuns('etl_orders', { states: ['failed'] }, PAGE);
        assert.deepEqual(
          failed.items.map((r) => r.runId),
          [FAILED_RUN],
        );
        const page1 = await source.listDagRuns('many_runs', {}, PAGE);
        assert.equal(page1.items.length, 50);
        assert.equal(page1.hasMore, true);
        const page2 = await source.listDagRuns('many_runs', {}, { offset: 50, limit: 50 });
        assert.equal(page2.items.length, 10);
        assert.equal(page2.hasMore, false);
        const all = [...page1.items, ...page2.items].map((r) => r.sortDate ?? '');
        assert.deepEqual([...all].sort().reverse(), all);
        assert.equal(new Set(all).size, 60);
      });

      it('lists task instances with state, try number and filters', async () => {
        const tis = await source.listTaskInstances('etl_orders', FAILED_RUN, {}, PAGE);
        assert.deepEqual(
          tis.items.map((t) => [t.taskId, t.state, t.tryNumber]),
          [
            ['extract', 'success', 1],
            ['load', 'upstream_failed', 0],
            ['transform', 'failed', 2],
          ],
        );
        assert.equal(tis.items[2].durationSeconds, 180);
        assert.equal(tis.items[2].operator, 'PythonOperator');
        const failed = await source.listTaskInstances('etl_orders', FAILED_RUN, { states: ['failed'] }, PAGE);
        assert.deepEqual(
          failed.items.map((t) => t.taskId),
          ['transform'],
        );
        const mapped = await source.listTaskInstances('fanout_mapped', ZOO_RUN, {}, PAGE);
        assert.deepEqual(
          mapped.items.map((t) => `${t.taskId}[${t.mapIndex}]`),
          ['make_list[-1]', 'process[0]', 'process[1]', 'process[2]'],
        );
      });

      it('lists XComs with size and head, and reads whole values', async () => {
        const x = await source.listXComs({ dagId: 'etl_orders', runId: FAILED_RUN, taskId: 'extract' }, PAGE);
        assert.equal(x.items.length, 1);
        const ref = `xcom_s3://${FIXTURE_BUCKET}/data_${SEEDED_UUID}.csv`;
        assert.equal(decodeXComValue(x.items[0].head).value, ref);
        assert.equal(x.items[0].headIsComplete, true);
        assert.equal(x.items[0].key, 'return_value');
        const mapped = await source.listXComs({ dagId: 'fanout_mapped', runId: ZOO_RUN, taskId: 'process' }, PAGE);
        assert.deepEqual(
          mapped.items.map((i) => i.mapIndex),
          [0, 1, 2],
        );
        const one = await source.listXComs(
          { dagId: 'fanout_mapped', runId: ZOO_RUN, taskId: 'process', mapIndex: 1 },
          PAGE,
        );
        assert.deepEqual(decodeXComValue(one.items[0].head).value, { item: 2, doubled: 4 });

        const zoo = await source.listXComs(
          { dagId: 'xcom_zoo', runId: ZOO_RUN, taskId: 'push_everything' },
          { offset: 0, limit: 100 },
        );
        const byKey = new Map(zoo.items.map((i) => [i.key, i]));
        const decoded = (k: string) =>
          decodeXComValue(byKey.get(k)!.head, { truncated: !byKey.get(k)!.headIsComplete });
        assert.equal(decoded('json_int').value, 42);
        assert.equal(decoded('json_float').value, 3.5);
        assert.equal(decoded('json_unicode').value, 'café');
        assert.deepEqual(decoded('json_dict').value, { a: 1, b: [1, 2] });
        assert.deepEqual(decoded('serde_tuple').value, [1, 2]);
        assert.equal(decoded('serde_datetime').value, '2024-01-01T00:00:00.000Z');
        assert.equal(decoded('dataframe').kind, 'table');
        assert.equal(decoded('sql_null').kind, 'null');
        assert.equal(byKey.get('sql_null')!.storedSize, null);
        assert.equal(decoded('malformed').value, 'xcom_s3_backup.csv');
        if (generation === 2) {
          assert.ok(Number.isNaN(decoded('json_nan').value));
          assert.equal(decoded('pickle_str').value, 'hello');
        } else {
          assert.equal(decoded('json_nan').value, 'nan');
        }
        const large = byKey.get('large_text')!;
        assert.equal(large.headIsComplete, false);
        assert.equal(large.storedSize, 10_002);
        const head = decodeXComValue(large.head, { truncated: true, storedSize: large.storedSize ?? undefined });
        assert.equal(head.kind, 'text');
        assert.match(head.note ?? '', /cut/);
        const full = await source.readXComValue({
          dagId: 'xcom_zoo',
          runId: ZOO_RUN,
          taskId: 'push_everything',
          mapIndex: -1,
          key: 'large_text',
        });
        assert.ok(full);
        assert.equal(decodeXComValue(full).value, 'x'.repeat(10_000));
        const gone = await source.readXComValue({
          dagId: 'xcom_zoo',
          runId: ZOO_RUN,
          taskId: 'push_everything',
          mapIndex: -1,
          key: 'nope',
        });
        assert.equal(gone, undefined);
        const nul = await source.readXComValue({
          dagId: 'xcom_zoo',
          runId: ZOO_RUN,
          taskId: 'push_everything',
          mapIndex: -1,
          key: 'sql_null',
        });
        assert.deepEqual(nul, { kind: 'null' });
      });

      it('reads at most maxBytes of a value from the DB and says how large it is', async () => {
        const key = { dagId: 'xcom_zoo', runId: ZOO_RUN, taskId: 'push_everything', mapIndex: -1, key: 'large_text' };
        const head = await source.readXComValue(key, undefined, { maxBytes: 100 });
        assert.ok(head && head.kind !== 'null');
        const read = head.kind === 'bytes' ? head.bytes.length : Buffer.byteLength(head.json, 'utf8');
        assert.equal(read, 100, 'only the first 100 bytes cross from the DB');
        assert.equal(head.storedSize, 10_002, 'the whole JSON string "xxx…" is 10,002 long');
        const small = await source.readXComValue({ ...key, key: 'sql_null' }, undefined, { maxBytes: 100 });
        assert.equal(small?.kind, 'null');
      });

      it('reads the serialized DAG (newest version) for upstream tasks', async () => {
        const data = await source.readSerializedDag('etl_orders');
        assert.deepEqual(upstreamTaskIds(data, 'transform'), ['extract']);
        assert.deepEqual(upstreamTaskIds(data, 'load'), ['transform']);
        assert.equal(await source.readSerializedDag('nope'), undefined);
      });

      it('lists recent failures across DAGs, finds the last successful run, searches XComs', async () => {
        const failures = await source.listRecentFailures(PAGE);
        assert.deepEqual(
          failures.items.map((f) => `${f.dagId} › ${f.taskId}`),
          ['etl_orders › transform'],
        );
        assert.equal(failures.items[0].dagRunId, 3);
        const last = await source.findLastSuccessfulRun('etl_orders', FAILED_RUN);
        assert.equal(last?.runId, 'scheduled__2024-01-02T00:00:00+00:00');
        assert.equal(
          await source.findLastSuccessfulRun('etl_orders', 'scheduled__2024-01-01T00:00:00+00:00'),
          undefined,
        );
        const found = await source.searchXComs('SERDE_', PAGE);
        assert.deepEqual(found.items.map((i) => i.key).sort(), [
          'serde_date',
          'serde_datetime',
          'serde_decimal',
          'serde_set',
          'serde_timedelta',
          'serde_tuple',
        ]);
        const returns = await source.searchXComs('return_value', { offset: 0, limit: 2 });
        assert.equal(returns.items.length, 2);
        assert.equal(returns.hasMore, true);
        assert.equal(returns.items[0].runId, FAILED_RUN, 'newest first');
        assert.deepEqual((await source.searchXComs('100%', PAGE)).items, []);
        const dangling = await source.listXComs(
          { dagId: 'etl_orders', runId: 'scheduled__2024-01-02T00:00:00+00:00', taskId: 'extract' },
          PAGE,
        );
        assert.equal(
          decodeXComValue(dangling.items[0].head).value,
          `xcom_s3://${FIXTURE_BUCKET}/data_${DANGLING_UUIDS[1]}.csv`,
        );
      });

      if (dialect !== 'sqlite') {
        it('runs in a read-only session: a write is refused by the server', async () => {
          const { driver } = createDriver({ url, ...TIMEOUTS });
          try {
            await assert.rejects(
              driver.query("INSERT INTO dag_tag (name, dag_id) VALUES ('x', 'etl_orders')", []),
              (e: Error & { kind?: string }) => {
                assert.equal(e.kind, 'readOnly', e.message);
                return true;
              },
            );
            await assert.rejects(driver.query('DELETE FROM xcom', []), /read-only/);
          } finally {
            await driver.close();
          }
        });

        it('cancels a running query on abort, and stops one that runs past the query timeout', async () => {
          const { driver } = createDriver({ url, connectTimeoutMs: 5_000, queryTimeoutMs: 1_000 });
          try {
            const sleep = (s: number) =>
              dialect === 'postgres' ? `SELECT pg_sleep(${s}) AS x` : `SELECT SLEEP(${s}) AS x`;
            const controller = new AbortController();
            const started = Date.now();
            setTimeout(() => controller.abort(), 200);
            await assert.rejects(driver.query(sleep(5), [], controller.signal), (e: Error) => isCancellation(e));
            assert.ok(Date.now() - started < 3_000, `cancelled after ${Date.now() - started} ms`);
            const t2 = Date.now();
            await assert.rejects(driver.query(sleep(5), []), (e: Error & { kind?: string }) => e.kind === 'timeout');
            assert.ok(Date.now() - t2 < 3_000, `timed out after ${Date.now() - t2} ms`);
            assert.equal((await driver.query('SELECT 1 AS one', []))[0].one, 1, 'the pool still works');
          } finally {
            await driver.close();
          }
        });

        it('a missing database and a database without Airflow tables give clear messages', async () => {
          const missing = url.replace(/\/[^/?]+$/, '/no_such_db');
          const s1 = await createMetadataSource({ url: missing, ...TIMEOUTS });
          try {
            await assert.rejects(s1.describe(), (e: Error & { kind?: string }) => {
              assert.equal(e.kind, 'connection', e.message);
              assert.match(
                e.message,
                /(has no such database|may not open this database, or it does not exist).*no_such_db.*Check the database name/,
              );
              assert.ok(!e.message.includes('airflow-pw'));
              return true;
            });
          } finally {
            await s1.close();
          }
          const server = (dialect === 'postgres' ? await postgres() : await mariadb()) as unknown as PostgresServer;
          const otherUrl = await server.createDatabase(`other_${dialect}_${generation}`);
          const w = dialect === 'postgres' ? await postgresWriter(otherUrl) : await mysqlWriter(otherUrl);
          try {
            await w.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY)');
            await w.exec('CREATE TABLE dag (dag_id VARCHAR(250) PRIMARY KEY)');
          } finally {
            await w.close();
          }
          const s2 = await createMetadataSource({ url: otherUrl, ...TIMEOUTS });
          try {
            await assert.rejects(s2.describe(), (e: Error & { kind?: string }) => {
              assert.equal(e.kind, 'notAirflow', e.message);
              assert.match(
                e.message,
                /no alembic_version\/xcom\/dag_run\/task_instance table\): it is not an Airflow metadata DB \(found tables: customers, dag\)/,
              );
              return true;
            });
          } finally {
            await s2.close();
          }
        });

        it('a wrong password gives a fast, clear message without the password', async () => {
          const bad = url.replace('airflow-pw', 'Wrong-S3cret');
          const s = await createMetadataSource({ url: bad, ...TIMEOUTS });
          const started = Date.now();
          try {
            await assert.rejects(s.describe(), (e: Error & { kind?: string }) => {
              assert.equal(e.kind, 'auth', e.message);
              assert.match(e.message, /refused the login/);
              assert.ok(!e.message.includes('Wrong-S3cret'));
              return true;
            });
          } finally {
            await s.close();
          }
          assert.ok(Date.now() - started < 3_000);
        });
      }
    });
  }
}

describe('MetadataSource on SQLite files', function () {
  this.timeout(60_000);

  it('reads rows still in the -wal file and leaves the database file unchanged after a full browse', async () => {
    const dir = tempDir();
    const path = await createSqliteFixture(join(dir, 'airflow.db'), 3, { wal: true });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
    const writer = new DatabaseSync(path);
    writer.exec('PRAGMA wal_autocheckpoint=0');
    writer.exec(`INSERT INTO dag (dag_id, is_paused, is_stale, bundle_name, max_active_tasks, max_consecutive_failed_dag_runs, has_task_concurrency_limits)
      VALUES ('wal_only', 0, 0, 'dags-folder', 16, 0, 0)`);
    try {
      assert.ok(statSync(`${path}-wal`).size > 0, 'the row is in the -wal file');
      const before = sha256(path);
      const source = await createMetadataSource({ url: `sqlite:///${path}`, ...TIMEOUTS });
      try {
        const dags = await source.listDags(undefined, PAGE);
        assert.ok(dags.items.some((d) => d.dagId === 'wal_only'));
        for (const dag of dags.items) {
          await source.readSerializedDag(dag.dagId);
          for (const run of (await source.listDagRuns(dag.dagId, {}, { offset: 0, limit: 100 })).items) {
            for (const ti of (await source.listTaskInstances(dag.dagId, run.runId, {}, PAGE)).items) {
              for (const x of (await source.listXComs(ti, { offset: 0, limit: 100 })).items)
                await source.readXComValue(x);
            }
          }
        }
        await source.listRecentFailures(PAGE);
        await source.searchXComs('a', PAGE);
      } finally {
        await source.close();
      }
      assert.equal(sha256(path), before);
    } finally {
      writer.close();
    }
  });

  it('leaves a rollback-journal database byte-identical', async () => {
    const path = await createSqliteFixture(join(tempDir(), 'airflow.db'), 2);
    const before = sha256(path);
    const source = await createMetadataSource({ url: `sqlite:///${path}`, ...TIMEOUTS });
    await source.listXComs({ dagId: 'xcom_zoo', runId: ZOO_RUN, taskId: 'push_everything' }, { offset: 0, limit: 100 });
    await source.close();
    assert.equal(sha256(path), before);
    assert.ok(!existsSync(`${path}-journal`));
  });

  it('opens the file read-only: a write through the driver is refused', async () => {
    const path = await createSqliteFixture(join(tempDir(), 'airflow.db'), 3);
    const before = sha256(path);
    const { driver } = createDriver({ url: `sqlite:///${path}`, ...TIMEOUTS });
    try {
      await assert.rejects(
        driver.query("INSERT INTO dag_tag (name, dag_id) VALUES ('x', 'etl_orders')", []),
        (e: Error & { kind?: string }) => {
          assert.equal(e.kind, 'readOnly', e.message);
          return true;
        },
      );
    } finally {
      await driver.close();
    }
    assert.equal(sha256(path), before);
  });

  it('a missing file gives a clear message', async () => {
    const path = join(tempDir(), 'nope.db');
    const source = await createMetadataSource({ url: `sqlite:///${path}`, ...TIMEOUTS });
    await assert.rejects(source.describe(), (e: Error) => {
      assert.match(e.message, /SQLite file not found: .*nope\.db/);
      return true;
    });
    assert.ok(!existsSync(path), 'nothing was created');
  });

  it('a file that is not a database gives a clear message', async () => {
    const path = join(tempDir(), 'junk.db');
    writeFileSync(path, 'this is not sqlite '.repeat(100));
    const source = await createMetadataSource({ url: `sqlite:///${path}`, ...TIMEOUTS });
    await assert.rejects(source.describe(), /is not an SQLite database/);
  });

  it('an SQLite database without Airflow tables is reported as not Airflow', async () => {
    const path = join(tempDir(), 'other.db');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
    const db = new DatabaseSync(path);
    db.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY)');
    db.close();
    const source = await createMetadataSource({ url: `sqlite:///${path}`, ...TIMEOUTS });
    await assert.rejects(source.describe(), (e: Error & { kind?: string }) => {
      assert.equal(e.kind, 'notAirflow');
      assert.match(
        e.message,
        /no Airflow metadata tables \(no alembic_version\/xcom\/dag_run\/task_instance\/dag table\): it is not an Airflow metadata DB \(found tables: customers\)/,
      );
      return true;
    });
  });

  it('shows the try a queued task instance is on, in 2.9 (try_number counted starts) and 2.10 (fixed when scheduled)', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
    for (const [version, expected] of [
      ['2.10', 2],
      ['2.9', 3],
    ] as const) {
      const path = await createSqliteFixture(join(tempDir(), 'airflow.db'), 2);
      const db = new DatabaseSync(path);
      db.exec(
        `UPDATE task_instance SET state = 'queued', try_number = 2 WHERE dag_id = 'etl_orders' AND task_id = 'transform' AND run_id = '${FAILED_RUN}'`,
      );
      if (version === '2.9')
        db.exec(`DROP TABLE task_instance_history; UPDATE alembic_version SET version_num = '686269002441'`);
      db.close();
      const source = await createMetadataSource({ url: `sqlite:///${path}`, ...TIMEOUTS });
      try {
        const tis = await source.listTaskInstances('etl_orders', FAILED_RUN, { states: ['queued'] }, PAGE);
        assert.deepEqual(
          tis.items.map((t) => [t.taskId, t.tryNumber]),
          [['transform', expected]],
          version,
        );
      } finally {
        await source.close();
      }
    }
  });

  it('an Airflow 1.10 or 2.2 schema is named and refused', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
    for (const [revision, intervals, expected] of [
      ['cc1e65623dc7', '', /Airflow 1\.10 schema \(revision cc1e65623dc7\) is not supported/],
      ['7b2661a43ba3', ', data_interval_start TIMESTAMP', /Airflow 2\.2\.0 is too old/],
      [
        '0123456789ab',
        ', data_interval_start TIMESTAMP',
        /Airflow 2\.2 schema \(revision 0123456789ab\) is not supported/,
      ],
    ] as const) {
      const path = join(tempDir(), 'old.db');
      const db = new DatabaseSync(path);
      db.exec(`CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);
        INSERT INTO alembic_version VALUES ('${revision}');
        CREATE TABLE dag (dag_id VARCHAR(250) PRIMARY KEY, is_active BOOLEAN);
        CREATE TABLE dag_run (id INTEGER PRIMARY KEY, dag_id VARCHAR(250), execution_date TIMESTAMP, run_id VARCHAR(250)${intervals});
        CREATE TABLE task_instance (task_id VARCHAR(250), dag_id VARCHAR(250), execution_date TIMESTAMP);
        CREATE TABLE xcom ("key" VARCHAR(512), value BLOB, timestamp TIMESTAMP, execution_date TIMESTAMP, task_id VARCHAR(250), dag_id VARCHAR(250));`);
      db.close();
      const source = await createMetadataSource({ url: `sqlite:///${path}`, ...TIMEOUTS });
      await assert.rejects(source.describe(), (e: Error & { kind?: string }) => {
        assert.equal(e.kind, 'unsupportedVersion', e.message);
        assert.match(e.message, expected);
        return true;
      });
      await source.close();
    }
  });

  it('reads zlib-compressed serialized DAGs', async () => {
    const path = await createSqliteFixture(join(tempDir(), 'airflow.db'), 2, { compressSerializedDags: true });
    const source = await createMetadataSource({ url: `sqlite:///${path}`, ...TIMEOUTS });
    assert.deepEqual(upstreamTaskIds(await source.readSerializedDag('etl_orders'), 'transform'), ['extract']);
    await source.close();
  });
});

describe('unreachable servers', function () {
  this.timeout(30_000);

  async function closedPort(): Promise<number> {
    return new Promise((resolve) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const a = srv.address();
        srv.close(() => resolve(typeof a === 'object' && a ? a.port : 1));
      });
    });
  }

  /** A TCP server that accepts connections and never says a word. */
  async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
    const sockets = new Set<import('node:net').Socket>();
    const srv = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const a = srv.address();
    return {
      port: typeof a === 'object' && a ? a.port : 1,
      close: () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          srv.close(() => resolve());
        }),
    };
  }

  for (const scheme of ['postgresql', 'mysql']) {
    it(`${scheme}: a server that never answers gives "no answer after N s", not a hang`, async () => {
      const silent = await silentServer();
      const source = await createMetadataSource({
        url: `${scheme}://airflow:S3cret@127.0.0.1:${silent.port}/airflow`,
        connectTimeoutMs: 1_000,
        queryTimeoutMs: 5_000,
      });
      const started = Date.now();
      try {
        await assert.rejects(source.describe(), (e: Error & { kind?: string }) => {
          assert.match(
            e.message,
            new RegExp(`No answer from (PostgreSQL|MySQL/MariaDB) at 127\\.0\\.0\\.1:${silent.port} after 1 s`),
          );
          assert.ok(!e.message.includes('S3cret'));
          return true;
        });
        assert.ok(Date.now() - started < 4_000, `failed after ${Date.now() - started} ms`);
      } finally {
        await source.close();
        await silent.close();
      }
    });

    it(`${scheme}: an unknown host gives a clear message`, async () => {
      const source = await createMetadataSource({
        url: `${scheme}://airflow:S3cret@no-such-host.invalid:5432/airflow`,
        ...TIMEOUTS,
      });
      try {
        await assert.rejects(source.describe(), (e: Error & { kind?: string }) => {
          assert.equal(e.kind, 'connection', e.message);
          assert.match(e.message, /unknown host.*Check the host name/);
          assert.ok(!e.message.includes('S3cret'));
          return true;
        });
      } finally {
        await source.close();
      }
    });

    it(`${scheme}: a closed port gives a fast, clear message`, async () => {
      serviceRunDir();
      const port = await closedPort();
      const source = await createMetadataSource({
        url: `${scheme}://airflow:pw@127.0.0.1:${port}/airflow`,
        ...TIMEOUTS,
      });
      const started = Date.now();
      await assert.rejects(source.describe(), (e: Error & { kind?: string }) => {
        assert.equal(e.kind, 'connection', e.message);
        assert.match(e.message, /connection refused/);
        assert.ok(!e.message.includes(':pw@'));
        return true;
      });
      assert.ok(Date.now() - started < 2_000);
      await source.close();
    });
  }
});

describe('PostgreSQL tables outside public (sql_alchemy_schema)', function () {
  this.timeout(120_000);

  it('reads through the schema option, and says to check the schema without it', async () => {
    const server = (await postgres()) as unknown as PostgresServer;
    const url = await server.createDatabase(`fx_schema_${++dbCounter}`);
    const setup = await postgresWriter(url);
    await setup.exec('CREATE SCHEMA airflow_meta');
    await setup.close();
    const w = await postgresWriter(`${url}?options=${encodeURIComponent('-c search_path=airflow_meta')}`);
    try {
      await buildStandardFixture(w, 3);
    } finally {
      await w.close();
    }
    const withSchema = await createMetadataSource({ url, schema: 'airflow_meta', ...TIMEOUTS });
    try {
      assert.equal((await withSchema.describe()).airflowVersion, '3.1.0');
      assert.equal((await withSchema.listDags(undefined, PAGE)).items.length, 4);
    } finally {
      await withSchema.close();
    }
    const without = await createMetadataSource({ url, ...TIMEOUTS });
    try {
      await assert.rejects(without.describe(), /no Airflow metadata tables.*sql_alchemy_schema/);
    } finally {
      await without.close();
    }
  });
});
