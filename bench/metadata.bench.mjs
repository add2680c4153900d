// Metadata DB benchmark on a real PostgreSQL 15 (test/fixtures/servers/postgres.ts): 1,000 DAGs, 100,000 runs,
// 1,000,000 task instances and 1,000,000 XCom rows, generated inside the server with generate_series. For the first page
// (50 rows) of a DAG's runs, of a run's task instances and of a task instance's XComs it measures the median time
// through the MetadataSource against the same indexed query sent raw through the same `pg` driver.
//   node bench/metadata.bench.mjs             prints the figures (Node 24: npm run bench metadata, or node_modules/node/bin/node)
//   import { run } from './metadata.bench.mjs'  returns rows { figure, value, unit, comparedWith, ratio }
//   METADATA_BENCH_GENERATION=2 uses the Airflow 2.10 schema (bytea values) instead of 3.1 (jsonb values).
//   METADATA_BENCH_SCALE=0.1 shrinks the data set (quick runs; the figures then say so).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bundleModules } from './bundle.mjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const GENERATION = Number(process.env.METADATA_BENCH_GENERATION ?? 3) === 2 ? 2 : 3;
const SCALE = Number(process.env.METADATA_BENCH_SCALE ?? 1);
const DAGS = Math.max(10, Math.round(1000 * SCALE));
const RUNS_PER_DAG = 100;
const TASKS_PER_RUN = 10;
const REPEATS = 31;
const PAGE = { offset: 0, limit: 50 };
const TARGET_MS = 100;
const TARGET_RATIO = 1.5;

/** Bundles the modules under test (and the fixtures) into one CommonJS file. */
async function load() {
  const outfile = await bundleModules('metadata', [
    `export { createMetadataSource } from './src/airflow/sqlMetadataSource';`,
    `export { startPostgres } from './test/fixtures/servers/postgres';`,
    `export { airflowDdl, FIXTURE_HEADS } from './test/fixtures/airflow/schema';`,
  ]);
  return createRequire(import.meta.url)(outfile);
}

const dagId = (expr) => `'dag_' || lpad((${expr})::text, 4, '0')`;

/** INSERT … SELECT statements that fill the schema inside the server. */
function generateSql(generation) {
  const logical = generation === 3 ? 'logical_date' : 'execution_date';
  const runAfter = generation === 3 ? ', run_after' : '';
  const dagCols =
    generation === 3
      ? `dag_id, is_paused, is_stale, bundle_name, fileloc, owners, timetable_summary, max_active_tasks, max_consecutive_failed_dag_runs, has_task_concurrency_limits`
      : `dag_id, is_paused, is_active, fileloc, owners, schedule_interval, max_active_tasks, max_consecutive_failed_dag_runs, has_task_concurrency_limits`;
  const dagVals =
    generation === 3
      ? `${dagId('d')}, false, false, 'dags-folder', '/opt/airflow/dags/dag_' || d || '.py', 'airflow', '@daily', 16, 0, false`
      : `${dagId('d')}, false, true, '/opt/airflow/dags/dag_' || d || '.py', 'airflow', '"@daily"', 16, 0, false`;
  const tiId = generation === 3 ? 'id, ' : '';
  const tiIdVal = generation === 3 ? 'gen_random_uuid(), ' : '';
  // ~150 bytes of JSON: an offloaded-reference string for one task in ten, a small dict for the others.
  const json =
    `CASE WHEN t = 1 THEN to_jsonb('xcom_s3://bench-bucket/data_' || md5(dr.id::text || '-' || t) || '.csv')` +
    ` ELSE jsonb_build_object('rows', dr.id * t, 'task', 'task_' || t, 'checksum', md5(dr.id::text || t), 'ok', true) END`;
  const value = generation === 3 ? json : `convert_to((${json})::text, 'UTF8')`;
  return [
    ...(generation === 3 ? [`INSERT INTO dag_bundle (name, active) VALUES ('dags-folder', true)`] : []),
    `INSERT INTO dag (${dagCols}) SELECT ${dagVals} FROM generate_series(1, ${DAGS}) d`,
    `INSERT INTO dag_tag (name, dag_id) SELECT 'team_' || (d % 20), ${dagId('d')} FROM generate_series(1, ${DAGS}) d`,
    `INSERT INTO dag_run (id, dag_id, run_id, run_type, state, ${logical}${runAfter}, start_date, end_date, data_interval_start, data_interval_end)
     SELECT (d - 1) * ${RUNS_PER_DAG} + r, ${dagId('d')}, 'scheduled__' || to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || '+00:00',
            'scheduled', CASE WHEN r % 10 = 0 THEN 'failed' ELSE 'success' END, ts${generation === 3 ? ', ts' : ''}, ts, ts + interval '5 minutes',
            ts - interval '1 day', ts
     FROM generate_series(1, ${DAGS}) d, generate_series(1, ${RUNS_PER_DAG}) r,
          LATERAL (SELECT timestamptz '2024-01-01 00:00:00+00' + r * interval '1 day' AS ts) x`,
    `INSERT INTO task_instance (${tiId}task_id, dag_id, run_id, map_index, state, try_number, max_tries, pool, pool_slots, operator, start_date, end_date, duration, hostname)
     SELECT ${tiIdVal}'task_' || lpad(t::text, 2, '0'), dr.dag_id, dr.run_id, -1,
            CASE WHEN dr.state = 'failed' AND t = 5 THEN 'failed' WHEN dr.state = 'failed' AND t > 5 THEN 'upstream_failed' ELSE 'success' END,
            1, 0, 'default_pool', 1, 'PythonOperator', dr.start_date, dr.end_date, 30.0, 'worker-1'
     FROM dag_run dr, generate_series(1, ${TASKS_PER_RUN}) t`,
    `INSERT INTO xcom (dag_run_id, task_id, map_index, "key", dag_id, run_id, value, "timestamp")
     SELECT dr.id, 'task_' || lpad(t::text, 2, '0'), -1, 'return_value', dr.dag_id, dr.run_id, ${value}, dr.end_date
     FROM dag_run dr, generate_series(1, ${TASKS_PER_RUN}) t`,
    'ANALYZE',
  ];
}

/** The raw queries: what a hand-written client would send for the same pages. */
function rawQueries(generation) {
  const sort = generation === 3 ? 'run_after' : 'execution_date';
  const logical = generation === 3 ? 'logical_date' : 'execution_date';
  const head = generation === 3 ? 'left(value::text, 4096)' : 'substring(value from 1 for 4096)';
  const size = generation === 3 ? 'length(value::text)' : 'length(value)';
  return {
    runs: `SELECT id, dag_id, run_id, state, run_type, ${logical}, ${sort}, start_date, end_date, data_interval_start, data_interval_end
           FROM dag_run WHERE dag_id = $1 ORDER BY ${sort} DESC, id DESC LIMIT 51 OFFSET 0`,
    tis: `SELECT dag_id, run_id, task_id, map_index, rendered_map_index, state, try_number, max_tries, start_date, end_date, duration,
                 COALESCE(custom_operator_name, operator) AS operator, hostname, COALESCE(task_display_name, task_id) AS display_name
          FROM task_instance WHERE dag_id = $1 AND run_id = $2 ORDER BY task_id, map_index LIMIT 51 OFFSET 0`,
    xcoms: `SELECT dag_id, run_id, task_id, map_index, "key", "timestamp", ${size} AS stored_size, ${head} AS head
            FROM xcom WHERE dag_id = $1 AND task_id = $2 AND run_id = $3 ORDER BY map_index, "key" LIMIT 51 OFFSET 0`,
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function round(value, digits = 2) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

async function time(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Runs the benchmark; rows { figure, value, unit, comparedWith, ratio }. */
export async function run() {
  const m = await load();
  const tmp = mkdtempSync(join(tmpdir(), 'xcom-lens-metadata-bench-'));
  // PostgreSQL runs as the postgres user, who must reach its data folder.
  chmodSync(tmp, 0o755);
  const require = createRequire(import.meta.url);
  const pg = require('pg');
  let server;
  let source;
  let raw;
  try {
    server = await m.startPostgres(tmp);
    const url = await server.createDatabase('bench');
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    const tLoad = performance.now();
    try {
      for (const statement of m.airflowDdl('postgres', GENERATION)) await setup.query(statement);
      await setup.query('INSERT INTO alembic_version (version_num) VALUES ($1)', [m.FIXTURE_HEADS[GENERATION]]);
      for (const statement of generateSql(GENERATION)) {
        const t0 = performance.now();
        await setup.query(statement);
        process.stderr.write(
          `  ${statement.split('\n')[0].slice(0, 60)}… ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
        );
      }
    } finally {
      await setup.end();
    }
    const loadS = (performance.now() - tLoad) / 1000;

    source = await m.createMetadataSource({ url, connectTimeoutMs: 10_000, queryTimeoutMs: 30_000 });
    const info = await source.describe();
    if (info.generation !== GENERATION) throw new Error(`describe() found generation ${info.generation}`);
    const u = new URL(url);
    raw = new pg.Pool({
      host: u.hostname,
      port: Number(u.port),
      database: u.pathname.slice(1),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      max: 4,
    });

    const dag = `dag_${String(Math.ceil(DAGS / 2)).padStart(4, '0')}`;
    const runs = await source.listDagRuns(dag, {}, PAGE);
    const runId = runs.items[Math.floor(runs.items.length / 2)].runId;
    const tis = await source.listTaskInstances(dag, runId, {}, PAGE);
    const taskId = tis.items[4].taskId;
    const sql = rawQueries(GENERATION);
    const cases = [
      {
        name: "first page of a DAG's runs",
        via: () => source.listDagRuns(dag, {}, PAGE),
        raw: () => raw.query(sql.runs, [dag]),
        rows: runs.items.length,
      },
      {
        name: "first page of a run's task instances",
        via: () => source.listTaskInstances(dag, runId, {}, PAGE),
        raw: () => raw.query(sql.tis, [dag, runId]),
        rows: tis.items.length,
      },
      {
        name: "first page of a task instance's XComs",
        via: () => source.listXComs({ dagId: dag, runId, taskId }, PAGE),
        raw: () => raw.query(sql.xcoms, [dag, taskId, runId]),
        rows: 1,
      },
    ];

    // The raw queries must be index scans, or the comparison says nothing about the adapter.
    for (const c of cases) {
      const params = c.name.includes('runs')
        ? [dag]
        : c.name.includes('task instances')
          ? [dag, runId]
          : [dag, taskId, runId];
      const text = c.name.includes('runs') ? sql.runs : c.name.includes('task instances') ? sql.tis : sql.xcoms;
      const plan = (await raw.query(`EXPLAIN ${text}`, params)).rows.map((r) => r['QUERY PLAN']).join('\n');
      if (/Seq Scan/.test(plan)) throw new Error(`the raw query for "${c.name}" scans a whole table:\n${plan}`);
      process.stderr.write(
        `  plan for ${c.name}: ${plan
          .split('\n')
          .filter((l) => /Index|Bitmap/.test(l))
          .map((l) => l.trim().replace(/\s+\(cost.*$/, ''))
          .join('; ')}\n`,
      );
    }

    const rows = [];
    const scale = `${DAGS.toLocaleString('en')} DAGs, ${(DAGS * RUNS_PER_DAG * TASKS_PER_RUN).toLocaleString('en')} TIs and XComs`;
    for (const c of cases) {
      for (let i = 0; i < 5; i++) {
        await c.via();
        await c.raw();
      }
      const via = [];
      const direct = [];
      for (let i = 0; i < REPEATS; i++) {
        via.push(await time(c.via));
        direct.push(await time(c.raw));
      }
      const v = median(via);
      const d = median(direct);
      rows.push({
        figure: `${c.name} via MetadataSource (PostgreSQL 15, Airflow ${GENERATION === 3 ? '3.1' : '2.10'} schema, ${scale}, median of ${REPEATS}; target < ${TARGET_MS} ms and < ${TARGET_RATIO}×)`,
        value: round(v),
        unit: 'ms',
        comparedWith: `same indexed query raw through pg (${round(d)} ms)`,
        ratio: round(v / d),
      });
    }
    rows.push({
      figure: `generating the data set in the server (setup, not a product figure; ${scale})`,
      value: round(loadS, 1),
      unit: 's',
      comparedWith: '',
      ratio: null,
    });
    return rows;
  } finally {
    await source?.close();
    await raw?.end();
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await run();
  console.table(rows);
}
