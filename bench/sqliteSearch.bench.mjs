// SQLite search benchmark: a search over 2,000,000 XCom rows of an Airflow 3.1 SQLite file through the
// MetadataSource (the SQLite driver runs statements in a worker thread), and how long the calling thread's event
// loop is held up meanwhile (perf_hooks.monitorEventLoopDelay, max and p99) against the search's own time.
//   node bench/sqliteSearch.bench.mjs            prints the figures as a table
//   import { run } from './sqliteSearch.bench.mjs'  returns rows { figure, value, unit, comparedWith, ratio }
//   SQLITE_SEARCH_BENCH_ROWS=200000 shrinks the data set.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { bundleModules } from './bundle.mjs';
import { printWhenRun, round } from './benchRows.mjs';

const ROWS = Number(process.env.SQLITE_SEARCH_BENCH_ROWS ?? 2_000_000);

/** Bundles the modules under test (and the fixtures) into one CommonJS file. */
async function load() {
  const outfile = await bundleModules('sqliteSearch', [
    `export { createMetadataSource } from './src/airflow/sqlMetadataSource';`,
    `export { createSqliteFixture } from './test/fixtures/airflow/builder';`,
  ]);
  // The driver starts its worker from beside the bundle.
  await bundleModules('sqliteWorker', [`import './src/airflow/dialects/sqliteWorker';`]);
  const { renameSync } = await import('node:fs');
  renameSync(
    outfile.replace('sqliteSearch.cjs', 'sqliteWorker.cjs'),
    outfile.replace('sqliteSearch.cjs', 'sqliteWorker.js'),
  );
  return createRequire(import.meta.url)(outfile);
}

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

async function measured(work) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await pause(10);
  const t = performance.now();
  const result = await work();
  const ms = performance.now() - t;
  await pause(15);
  h.disable();
  return { result, ms, max: h.max / 1e6, p99: h.percentile(99) / 1e6 };
}

/** Runs the benchmark and returns its figures. */
export async function run() {
  const m = await load();
  const tmp = mkdtempSync(join(tmpdir(), 'xcom-lens-sqlite-search-'));
  let source;
  try {
    const path = await m.createSqliteFixture(join(tmp, 'airflow.db'), 3);
    const { DatabaseSync } = createRequire(import.meta.url)('node:sqlite');
    const db = new DatabaseSync(path);
    const t0 = performance.now();
    db.exec(`INSERT INTO xcom (dag_run_id, task_id, map_index, "key", dag_id, run_id, value, "timestamp")
      WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS - 1})
      SELECT 10000000 + i / 20, 'task_' || (i % 20), -1, 'key_' || (i % 7), 'bulk_dag_' || (i % 1000),
        'run_' || (i / 20), '{"v": 1}', '2024-01-01 00:00:00' FROM n`);
    db.close();
    const setupS = (performance.now() - t0) / 1000;
    source = await m.createMetadataSource({
      url: `sqlite:///${path}`,
      connectTimeoutMs: 10_000,
      queryTimeoutMs: 60_000,
    });
    await source.describe();
    const search = await measured(() => source.searchXComs('bulk_dag_42', { offset: 0, limit: 50 }));
    if (search.result.items.length === 0) throw new Error('the search found nothing');
    const idle = await measured(() => pause(search.ms));
    const rows = ROWS.toLocaleString('en-US');
    return [
      {
        figure: `host event-loop delay, max, during an XCom search over ${rows} SQLite rows (target ≤ 50 ms)`,
        value: round(search.max),
        unit: 'ms',
        comparedWith: `p99 ${round(search.p99)} ms; the search itself ${round(search.ms)} ms; idle for as long: max ${round(idle.max)} ms`,
        ratio: round(search.max / 50),
      },
      {
        figure: `writing ${rows} XCom rows into the SQLite file (setup, not a product figure)`,
        value: round(setupS),
        unit: 's',
        comparedWith: '',
        ratio: null,
      },
    ];
  } finally {
    await source?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

printWhenRun(import.meta.url, run);
