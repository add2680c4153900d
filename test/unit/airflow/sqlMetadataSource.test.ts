// The shared SQL layer without a database: bound parameters and per-dialect placeholders, limit+1 paging, LIKE
// escaping, timestamp and value normalisation, and user-facing error messages that never carry the password.
import * as assert from 'node:assert/strict';
import type { SqlDriver, SqlParam, SqlRow } from '../../../src/airflow/dialects/driver';
import { mysqlError } from '../../../src/airflow/dialects/mysql';
import { pgError } from '../../../src/airflow/dialects/postgres';
import { createDriver } from '../../../src/airflow/sql/driverFactory';
import { toIso, toStoredValue } from '../../../src/airflow/sql/rowMapping';
import { notAirflowMessage } from '../../../src/airflow/sql/schemaInspection';
import { likeContains } from '../../../src/airflow/sql/statement';
import { SqlMetadataSource } from '../../../src/airflow/sqlMetadataSource';
import type { Dialect } from '../../../src/airflow/types';
import { silentLogger } from '../../../src/logger';

const GEN3_COLUMNS: Record<string, string[]> = {
  alembic_version: ['version_num'],
  xcom: ['dag_run_id', 'task_id', 'map_index', 'key', 'dag_id', 'run_id', 'value', 'timestamp'],
  dag_run: ['id', 'dag_id', 'run_id', 'logical_date', 'run_after', 'state'],
  task_instance: ['id', 'dag_id', 'task_id', 'run_id', 'map_index', 'state', 'try_number'],
  dag: ['dag_id', 'is_stale', 'dag_display_name', 'timetable_summary'],
  serialized_dag: ['id', 'dag_id', 'data', 'data_compressed', 'created_at'],
  task_instance_history: ['task_instance_id'],
};

/** A driver that records statements and answers with canned rows. */
function fakeDriver(
  dialect: Dialect,
  answer: (sql: string) => SqlRow[],
): SqlDriver & { log: Array<{ sql: string; params: readonly SqlParam[] }> } {
  const log: Array<{ sql: string; params: readonly SqlParam[] }> = [];
  return {
    log,
    dialect,
    quote: (id) => (dialect === 'mysql' ? `\`${id}\`` : `"${id}"`),
    placeholder: (i) => (dialect === 'postgres' ? `$${i}` : '?'),
    async query(sql, params) {
      log.push({ sql, params });
      if (sql.includes('alembic_version')) return [{ version_num: 'cc92b33c6709' }];
      return answer(sql);
    },
    async serverVersion() {
      return 'fake 1.0';
    },
    async tableNames() {
      return Object.keys(GEN3_COLUMNS);
    },
    async tableColumns(table) {
      return new Set(GEN3_COLUMNS[table] ?? []);
    },
    valueHead: (c) => `head(${c})`,
    valueSize: (c) => `size(${c})`,
    valueFull: (c) => c,
    jsonText: (c) => c,
    notAirflowHint: '',
    async close() {},
  };
}

function placeholders(sql: string, dialect: Dialect): number {
  return dialect === 'postgres' ? new Set(sql.match(/\$\d+/g) ?? []).size : (sql.match(/\?/g) ?? []).length;
}

describe('SQL metadata source (no database)', () => {
  for (const dialect of ['postgres', 'mysql', 'sqlite'] as const) {
    it(`${dialect}: binds every value, numbers placeholders per dialect and pages with limit+1`, async () => {
      const runRow = {
        id: 1,
        dag_id: 'd',
        run_id: 'r',
        state: 'failed',
        run_type: 'manual',
        logical_date: null,
        sort_date: '2024-01-01 00:00:00',
      };
      const driver = fakeDriver(dialect, (sql) => (sql.includes('FROM dag_run') ? [runRow, runRow, runRow] : []));
      const source = new SqlMetadataSource(driver, silentLogger, ['secret']);
      const evil = "x' OR 1=1 --";
      const page = await source.listDagRuns(evil, { states: ['failed', 'success'] }, { offset: 10, limit: 2 });
      assert.equal(page.items.length, 2);
      assert.equal(page.hasMore, true);
      const { sql, params } = driver.log.at(-1)!;
      assert.ok(!sql.includes(evil) && !sql.includes('failed'), sql);
      assert.deepEqual(params, [evil, 'failed', 'success', 3, 10]);
      assert.equal(placeholders(sql, dialect), params.length);
      if (dialect === 'postgres') assert.match(sql, /dag_id = \$1 AND state IN \(\$2, \$3\).*LIMIT \$4 OFFSET \$5/);
      assert.match(sql, /ORDER BY run_after DESC, id DESC/);

      await source.searchXComs('50%_off!', { offset: 0, limit: 5 });
      const search = driver.log.at(-1)!;
      assert.deepEqual(search.params.slice(0, 4), Array(4).fill('%50!%!_off!!%'));
      assert.match(search.sql, /ESCAPE '!'/);
      assert.equal(placeholders(search.sql, dialect), search.params.length);
      assert.ok(search.sql.includes(dialect === 'mysql' ? '`key`' : '"key"'), 'key is quoted');

      await source.readXComValue({ dagId: 'd', runId: 'r', taskId: 't', mapIndex: -1, key: 'return_value' });
      const read = driver.log.at(-1)!;
      assert.deepEqual(read.params, ['d', 't', 'r', -1, 'return_value']);
      assert.equal(placeholders(read.sql, dialect), 5);
    });
  }

  it('clamps page requests', async () => {
    const driver = fakeDriver('postgres', () => []);
    const source = new SqlMetadataSource(driver, silentLogger, []);
    await source.listDags(undefined, { offset: -5, limit: 1e9 });
    assert.deepEqual(driver.log.at(-1)!.params, [1001, 0]);
  });

  it('escapes LIKE wildcards and lower-cases the pattern', () => {
    assert.equal(likeContains('A_b%c!'), '%a!_b!%c!!%');
    assert.equal(likeContains(''), '%%');
  });

  it('normalises timestamps of every driver to ISO-8601 UTC', () => {
    assert.equal(toIso('2024-01-01 00:00:00.000000'), '2024-01-01T00:00:00.000Z');
    assert.equal(toIso('2024-01-01 02:00:00+02'), '2024-01-01T00:00:00.000Z');
    assert.equal(toIso('2024-01-01T00:00:00.123456+0000'), '2024-01-01T00:00:00.123Z');
    assert.equal(toIso(new Date(Date.UTC(2024, 0, 1))), '2024-01-01T00:00:00.000Z');
    assert.equal(toIso('2024-01-01 00:00:00+00'), '2024-01-01T00:00:00.000Z');
    assert.equal(toIso('2023-12-31 23:59:59.5-00:00'), '2023-12-31T23:59:59.500Z');
    assert.equal(toIso(null), null);
    assert.equal(toIso(''), null);
  });

  it('turns driver values into StoredValue per generation', () => {
    assert.deepEqual(toStoredValue(null, 2), { kind: 'null' });
    assert.deepEqual(toStoredValue(Buffer.from('42'), 2), { kind: 'bytes', bytes: Buffer.from('42') });
    assert.deepEqual(toStoredValue(42, 3), { kind: 'json', json: '42' });
    assert.deepEqual(toStoredValue(1.5, 3), { kind: 'json', json: '1.5' });
    assert.deepEqual(toStoredValue('"hello"', 3), { kind: 'json', json: '"hello"' });
    assert.deepEqual(toStoredValue({ a: 1 }, 3), { kind: 'json', json: '{"a":1}' });
  });

  it('names what it found in a DB that is not Airflow', async () => {
    const urls = {
      mysql: 'mysql://u@127.0.0.1:1/db',
      sqlite: 'sqlite:////x.db',
      postgres: 'postgresql://u@127.0.0.1:1/db',
    };
    const drivers = Object.fromEntries(
      Object.entries(urls).map(([d, url]) => [
        d,
        createDriver({ url, connectTimeoutMs: 1_000, queryTimeoutMs: 1_000 }).driver,
      ]),
    );
    const notAirflowMessageOf = (d: keyof typeof urls, missing: string[], found: string[]) =>
      notAirflowMessage(drivers[d], missing, found);
    assert.equal(
      notAirflowMessageOf('mysql', ['alembic_version', 'xcom'], ['customers']),
      'This database has no Airflow metadata tables (no alembic_version/xcom table): it is not an Airflow metadata DB (found tables: customers). Check the database name in the URL.',
    );
    assert.match(notAirflowMessageOf('sqlite', ['xcom'], []), /found tables: none\)/);
    assert.match(
      notAirflowMessageOf(
        'postgres',
        ['xcom'],
        Array.from({ length: 20 }, (_, i) => `t${i}`),
      ),
      /t11, … \(20 in all\)\). .*sql_alchemy_schema/,
    );
    for (const driver of Object.values(drivers)) await driver.close();
  });

  it('maps driver errors to messages that say what to do and never show the password', () => {
    const pw = 'p@ss:w0rd';
    const auth = pgError(
      { code: '28P01', message: `password authentication failed for user "airflow" (${pw})` },
      'db:5432/airflow',
      pw,
    );
    assert.equal((auth as Error & { kind: string }).kind, 'auth');
    assert.match(auth.message, /refused the login.*Check the user name and password/);
    assert.ok(!auth.message.includes(pw));
    assert.match(
      pgError({ code: '3D000', message: 'database "nope" does not exist' }, 'db:5432/nope', pw).message,
      /^PostgreSQL at db:5432 has no such database/,
    );
    assert.match(
      pgError({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND db' }, 'db:5432/a', pw).message,
      /unknown host/,
    );
    assert.equal(
      pgError(new Error('timeout exceeded when trying to connect'), 'db:5432/a', pw, 10_000).message,
      'No answer from PostgreSQL at db:5432 after 10 s: check the host and port, and that a firewall or VPN lets the connection through.',
    );
    assert.match(
      mysqlError({ code: 'ER_ACCESS_DENIED_ERROR', message: `Access denied for user 'airflow'` }, 'db:3306/a', pw)
        .message,
      /refused the login/,
    );
    assert.match(
      mysqlError({ code: 'ETIMEDOUT', message: 'connect ETIMEDOUT' }, 'db:3306/a', pw, 5_000).message,
      /^No answer from MySQL\/MariaDB at db:3306 after 5 s/,
    );
    assert.match(
      mysqlError({ code: 'ER_BAD_DB_ERROR', message: `Unknown database 'x'` }, 'db:3306/x', pw).message,
      /has no such database/,
    );
  });
});
