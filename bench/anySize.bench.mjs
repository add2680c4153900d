// Any-size benchmark: a 5 GB CSV that exists nowhere (an S3-compatible loopback stand-in generates its bytes,
// test/fixtures/servers/generatedObjects.ts) previewed through the real S3 client and the table worker with the
// default memory budget (512 MB): time to the first rows, time until reading stops at the budget, what the table
// then holds, and the process's peak memory; then the peak memory of each operation on the rows held (sort, filter,
// quick search, the header charts, Copy Column, Export CSV; a sort as the grid asks for it, its first window and then
// the full order), on that table and on the narrowest one (`seq 1 N`, one column of integers). Each runs in a child process of its own, so peak RSS is the preview's alone.
// A wide table too: a 5 GB CSV of 2,000 text columns, read until the stop at the budget.
//   node bench/anySize.bench.mjs            prints the figures as a table
//   import { run } from './anySize.bench.mjs'  returns rows { figure, value, unit, comparedWith, ratio }
//   ANY_SIZE_BENCH_BUDGET_MB=128 uses a smaller budget (quicker).
//   ANY_SIZE_BENCH_ONLY='sort by' measures only the operations whose name contains it.
import * as esbuild from 'esbuild';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { benchDir, root } from './bundle.mjs';
import { bundle } from './hostStall.bench.mjs';
import { printWhenRun, round } from './benchRows.mjs';

const SIZE = 5e9;
const WIDE_COLUMNS = 2000;
const BUDGET_MB = Number(process.env.ANY_SIZE_BENCH_BUDGET_MB ?? 512);
const ONLY = process.env.ANY_SIZE_BENCH_ONLY ?? '';

function query(over) {
  return { sortModel: [], filterModel: {}, quickFilter: '', ...over };
}
/** A window of rows past the first thousand (so a sort is finished whole, not answered by a top-N selection). */
function rows(over) {
  return { op: 'rows', query: query(over), start: 5000, end: 5100 };
}
/**
 * A sort as the grid asks for it: the first window (a top-N selection, the full order then made in the background),
 * then a window past the first thousand, which waits for that order.
 */
function sorted(sortModel) {
  return [{ ...rows({ sortModel }), start: 0, end: 100 }, rows({ sortModel })];
}
const COMMON = {
  'quick search': rows({ quickFilter: '4242' }),
  'header charts': { op: 'profile' },
  'Copy Column': { op: 'columnText', query: query({}), colId: 'c0', format: 'tsv', escapeFormulas: false },
  'Export CSV': { op: 'exportCsv', query: query({}), path: '', escapeFormulas: false },
};

/** The generated objects, and the operations run on the rows each holds at the budget (the grid's requests). */
const OBJECTS = {
  'huge.csv': {
    what: '5 GB CSV of 4 columns (zero-padded ids as text, repeating labels)',
    operations: {
      'sort by text': sorted([{ colId: 'c0', sort: 'desc' }]),
      'sort by a repeating label': sorted([{ colId: 'c1', sort: 'asc' }]),
      'sort by two text columns': sorted([
        { colId: 'c0', sort: 'desc' },
        { colId: 'c2', sort: 'asc' },
      ]),
      filter: rows({ filterModel: { c0: { filterType: 'text', type: 'contains', filter: '42' } } }),
      ...COMMON,
    },
  },
  'seq.csv': {
    what: '5 GB CSV of one integer column (seq)',
    operations: {
      'sort by a number': sorted([{ colId: 'c0', sort: 'desc' }]),
      filter: rows({ filterModel: { c0: { filterType: 'number', type: 'greaterThan', filter: 1000 } } }),
      ...COMMON,
    },
  },
};

const CHILD = `
const [formats, endpoint, budgetMb, key, request] = process.argv.slice(1);
const { TableClient, openS3ObjectStore, s3Source } = require(formats);
const path = require('node:path');
const os = require('node:os');
const fs = require('node:fs');
(async () => {
  const rss0 = process.memoryUsage().rss;
  const store = openS3ObjectStore({ endpointUrl: endpoint, region: 'us-east-1', forcePathStyle: true }, { credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const loc = { bucket: 'big', key };
  const client = new TableClient(path.join(path.dirname(formats), 'tableWorker.js'));
  const abort = new AbortController();
  const t0 = performance.now();
  // The preview's own source (s3TableSource.ts): HEAD, then streamed ranged GETs.
  const source = await s3Source(async () => store, loc, { title: 'huge.csv' }).resolve(abort.signal);
  let first = 0;
  const paused = new Promise((resolve) => {
    client.load(source, { signal: abort.signal, budgetBytes: Number(budgetMb) * 1e6, onProgress: () => { if (!first && client.rowCount > 0) first = performance.now() - t0; }, onPaused: resolve }).catch(() => {});
  });
  const partial = await paused;
  const stopped = performance.now() - t0;
  const peak = process.resourceUsage().maxRSS * 1024 - rss0;
  // Waiting at the budget, as a user reading the rows does (Linux: the threads of the process).
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const threads = () => { try { return fs.readdirSync('/proc/self/task').length; } catch { return 0; } };
  const waiting = { rss: process.memoryUsage().rss - rss0, threads: threads() };
  abort.abort();
  let op;
  if (request) {
    // One request, or several in turn (a sort as the grid asks for it).
    const steps = [JSON.parse(request)].flat();
    const dir = steps[0].op === 'exportCsv' ? fs.mkdtempSync(path.join(os.tmpdir(), 'xcom-lens-any-size-')) : undefined;
    if (dir) steps[0].path = path.join(dir, 'export.csv');
    const t1 = performance.now();
    let reply;
    for (const asked of steps) reply = await client.request(asked);
    op = { ms: performance.now() - t1, peak: process.resourceUsage().maxRSS * 1024 - rss0, refused: reply?.text === undefined && steps[0].op === 'columnText' };
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
  await client.close();
  waiting.threadsAfterClose = threads();
  console.log(JSON.stringify({ first, stopped, rows: client.rowCount, tableBytes: client.tableBytes, bytesRead: partial.bytesRead, totalBytes: partial.totalBytes, peak, waiting, op }));
})();`;

/** Runs the benchmark and returns its figures. */
export async function run() {
  const formats = await bundle();
  const fixtures = join(benchDir, 'stall', 'generatedObjects.js');
  await esbuild.build({
    entryPoints: [join(root, 'test/fixtures/servers/generatedObjects.ts')],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    outfile: fixtures,
    logLevel: 'warning',
  });
  // The stand-in runs here, so the child's memory is the preview's alone.
  const { fixedWidthCsv, sequenceCsv, startGeneratedObjectServer, wideTextCsv } = createRequire(import.meta.url)(
    fixtures,
  );
  const server = await startGeneratedObjectServer({
    'big/huge.csv': fixedWidthCsv(SIZE),
    'big/seq.csv': sequenceCsv(SIZE),
    'big/wide.csv': wideTextCsv(SIZE, WIDE_COLUMNS),
  });
  const preview = async (key, request) => {
    const args = [
      '-e',
      CHILD,
      formats,
      server.endpoint,
      String(BUDGET_MB),
      key,
      request ? JSON.stringify(request) : '',
    ];
    const child = spawn(process.execPath, args);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const [code] = await once(child, 'close');
    if (code !== 0) throw new Error(`bench child failed: ${err}`);
    return JSON.parse(out.trim().split('\n').pop());
  };
  let m;
  let wide;
  const operations = [];
  try {
    const before = server.sent('big/huge.csv');
    m = { ...(await preview('huge.csv')), sent: server.sent('big/huge.csv') - before };
    if (!ONLY) wide = await preview('wide.csv');
    for (const [key, object] of Object.entries(OBJECTS))
      for (const [name, request] of Object.entries(object.operations))
        if (name.includes(ONLY)) operations.push({ object, name, ...(await preview(key, request)) });
  } finally {
    await server.close();
  }
  const gb = (b) => (b / 1e9).toFixed(1);
  const operationRows = operations.map((o) => ({
    figure: `${o.object.what}, ${o.rows.toLocaleString('en-US')} rows held: ${o.name}, peak RSS delta of the process (load and operation)`,
    value: round(o.op.peak / 1e6),
    unit: 'MB',
    comparedWith: `budget ${BUDGET_MB} MB; table ${round(o.tableBytes / 1e6)} MB; the operation took ${round(o.op.ms)} ms${o.op.refused ? ' (refused: more than the clipboard takes)' : ''}`,
    ratio: round(o.op.peak / 1e6 / BUDGET_MB),
  }));
  return [
    {
      figure: `5 GB CSV through S3 (generated on the fly): time to the first rows (target < 1 s)`,
      value: round(m.first),
      unit: 'ms',
      comparedWith: 'target 1000 ms',
      ratio: round(m.first / 1000),
    },
    {
      figure: `5 GB CSV: reading stops at the ${BUDGET_MB} MB budget holding the first ${m.rows.toLocaleString('en-US')} rows · ${gb(m.bytesRead)} of ${gb(m.totalBytes)} GB read`,
      value: round(m.stopped / 1000),
      unit: 's',
      comparedWith: `table ${round(m.tableBytes / 1e6)} MB; downloaded ${round(m.sent / 1e6)} MB of ${round(m.totalBytes / 1e6)} MB`,
      ratio: round(m.sent / m.totalBytes),
    },
    {
      figure: '5 GB CSV: peak RSS delta of the process until the stop at the budget',
      value: round(m.peak / 1e6),
      unit: 'MB',
      comparedWith: `budget ${BUDGET_MB} MB`,
      ratio: round(m.peak / 1e6 / BUDGET_MB),
    },
    {
      figure: '5 GB CSV: RSS delta of the process while the preview waits at the budget (1 s after the stop)',
      value: round(m.waiting.rss / 1e6),
      unit: 'MB',
      comparedWith: `table ${round(m.tableBytes / 1e6)} MB; threads of the process: ${m.waiting.threads} waiting, ${m.waiting.threadsAfterClose} once the preview is closed`,
      ratio: round(m.waiting.rss / 1e6 / BUDGET_MB),
    },
    ...(wide
      ? [
          {
            figure: `5 GB CSV of ${WIDE_COLUMNS.toLocaleString('en-US')} text columns: reading stops at the budget holding the first ${wide.rows.toLocaleString('en-US')} rows · ${gb(wide.bytesRead)} of ${gb(wide.totalBytes)} GB read`,
            value: round(wide.stopped / 1000),
            unit: 's',
            comparedWith: `table ${round(wide.tableBytes / 1e6)} MB; first rows in ${round(wide.first)} ms`,
            ratio: null,
          },
          {
            figure: `5 GB CSV of ${WIDE_COLUMNS.toLocaleString('en-US')} text columns: peak RSS delta of the process until the stop at the budget`,
            value: round(wide.peak / 1e6),
            unit: 'MB',
            comparedWith: `budget ${BUDGET_MB} MB; table ${round(wide.tableBytes / 1e6)} MB`,
            ratio: round(wide.peak / 1e6 / BUDGET_MB),
          },
        ]
      : []),
    ...operationRows,
  ];
}

printWhenRun(import.meta.url, run);
