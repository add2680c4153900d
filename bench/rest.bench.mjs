// REST source benchmark on a loopback Airflow 3.1 API stand-in (test/fixtures/servers/airflowApi.ts, which also checks
// every exchange against the OpenAPI spec, so both sides pay the same server cost). For the first page of a DAG's runs,
// of a run's task instances and of a task instance's XComs it measures the median time through the REST MetadataSource
// against the same list request sent raw with Node's fetch. The XCom list is one request (the API lists no values);
// the values row reads each listed XCom's head (readXComHead, as the tree does when it draws the items) against the
// same single-entry requests sent raw. Both sides run interleaved, so drift on a busy machine hits them alike.
//   node bench/rest.bench.mjs    prints the figures;   import { run } from './rest.bench.mjs' returns the rows
import { createRequire } from 'node:module';
import { bundleModules } from './bundle.mjs';

const REPEATS = 201;
const PAGE = { offset: 0, limit: 50 };
const TARGET_RATIO = 1.5;

async function load() {
  const outfile = await bundleModules('rest', [
    `export { createRestMetadataSource } from './src/airflow/rest/restMetadataSource';`,
    `export { startAirflowApi, API_USER } from './test/fixtures/servers/airflowApi';`,
    `export { silentLogger } from './src/logger';`,
    `export { readXComHead } from './src/airflow/xcomHead';`,
  ]);
  return createRequire(import.meta.url)(outfile);
}

/** Medians of `ours` and `baseline`, run one after the other REPEATS times. */
async function medians(ours, baseline) {
  const times = [[], []];
  for (let k = 0; k < REPEATS; k++) {
    for (const [side, fn] of [ours, baseline].entries()) {
      const t = performance.now();
      await fn();
      times[side].push(performance.now() - t);
    }
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]);
}

/** Runs the bench; returns the table rows. */
export async function run() {
  const m = await load();
  const api = await m.startAirflowApi({ generation: 3, runs: 50 });
  const source = m.createRestMetadataSource({
    baseUrl: api.url,
    credentials: { kind: 'login', ...m.API_USER },
    timeoutMs: 10_000,
    logger: m.silentLogger,
  });
  try {
    await source.describe();
    const token = (
      await (
        await fetch(`${api.url}/auth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(m.API_USER),
        })
      ).json()
    ).access_token;
    const raw = async (path) =>
      (
        await fetch(`${api.url}/api/v2${path}`, {
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        })
      ).json();
    const run0 = (await source.listDagRuns('etl', {}, PAGE)).items[0].runId;
    const runPath = `/dags/etl/dagRuns/${encodeURIComponent(run0)}`;
    const listed = (await source.listXComs({ dagId: 'etl', runId: run0, taskId: 'extract' }, PAGE)).items;
    const cases = [
      [
        'first page of runs',
        () => source.listDagRuns('etl', {}, PAGE),
        () => raw(`/dags/etl/dagRuns?limit=50&offset=0&order_by=-run_after`),
      ],
      [
        'first page of task instances',
        () => source.listTaskInstances('etl', run0, {}, PAGE),
        () => raw(`${runPath}/taskInstances?limit=50&offset=0&order_by=task_id`),
      ],
      [
        "first page of a task instance's XComs (one request)",
        () => source.listXComs({ dagId: 'etl', runId: run0, taskId: 'extract' }, PAGE),
        () => raw(`${runPath}/taskInstances/extract/xcomEntries?limit=50&offset=0`),
      ],
      [
        "heads of a task instance's listed XCom values",
        () => Promise.all(listed.map((x) => m.readXComHead(source, x))),
        async () => {
          await Promise.all(
            listed.map((e) =>
              raw(
                `${runPath}/taskInstances/extract/xcomEntries/${e.key}?map_index=-1&deserialize=false&stringify=false`,
              ),
            ),
          );
        },
      ],
    ];
    const rows = [];
    // Warm both paths (JIT, sockets) so the first figure does not carry start-up cost.
    for (const [, ours, baseline] of cases) for (let k = 0; k < 10; k++) await Promise.all([ours(), baseline()]);
    for (const [figure, ours, baseline] of cases) {
      const [a, b] = await medians(ours, baseline);
      rows.push({
        figure: `REST ${figure} (loopback 3.1 stand-in; target ≤ ${TARGET_RATIO}×)`,
        value: a,
        unit: 'ms',
        comparedWith: 'raw fetch of the same requests',
        ratio: a / b,
      });
    }
    return rows;
  } finally {
    await source.close();
    await api.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await run()) console.log(JSON.stringify(row));
}
