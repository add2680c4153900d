// Extension-host stall benchmark: how long the host's event loop cannot run anything else while the preview
// loads the 1,000,000 × 10 bench CSV (grid.bench.mjs) and then sorts, filters, searches, computes statistics,
// copies a column and exports it. Measured with perf_hooks.monitorEventLoopDelay (max and p99) around each step,
// for the table living in its worker thread (the product) and for the same operations run on the host's own
// thread (how the preview worked before the table moved to a worker). "Busy" is the host loop's active time
// (performance.eventLoopUtilization); on a loaded machine the delay also counts waiting for a core.
//   node bench/hostStall.bench.mjs            prints the figures as a table
//   import { run } from './hostStall.bench.mjs'  returns rows { figure, value, unit, comparedWith, ratio }
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, root } from './bundle.mjs';
import { benchCsv } from './grid.bench.mjs';
import { printWhenRun, round } from './benchRows.mjs';

const out = join(benchDir, 'stall');

/** Bundles the workers (as dist/ names them, so each finds the other next to it) and the modules under test. */
export async function bundle() {
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    entryPoints: {
      tableWorker: join(root, 'src/formats/tableWorker.ts'),
      csvWorker: join(root, 'src/formats/csvWorker.ts'),
    },
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    outdir: out,
    logLevel: 'warning',
  });
  await esbuild.build({
    stdin: {
      contents: [
        `export { TableClient } from './src/formats/tableClient';`,
        `export { TableService } from './src/formats/tableService';`,
        `export { ColumnarTable } from './src/formats/table';`,
        `export { parseCsv } from './src/formats/csv';`,
        `export { openS3ObjectStore } from './src/storage/objectStore';`,
        `export { s3Source } from './src/panels/s3TableSource';`,
        `export { appendPart } from './src/formats/stackTables';`,
        `export { startS3Server } from './test/fixtures/servers/s3';`,
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    outfile: join(out, 'formats.js'),
    logLevel: 'warning',
  });
  return join(out, 'formats.js');
}

// One child process per mode: `worker` (the product) or `host` (everything on the measured thread).
const CHILD = `
const [formats, csv, mode, dir] = process.argv.slice(1);
const { TableClient, TableService, ColumnarTable, parseCsv, appendPart } = require(formats);
const { monitorEventLoopDelay } = require('node:perf_hooks');
const fs = require('node:fs');
const path = require('node:path');
const steps = {};
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
async function step(name, work) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  // The histogram's timer needs a first tick before it can see a blocked stretch.
  await pause(10);
  const elu = performance.eventLoopUtilization();
  const t = performance.now();
  await work();
  const ms = performance.now() - t;
  const busy = performance.eventLoopUtilization(elu).active;
  // Let the histogram take the sample that ends a blocking stretch before it stops.
  await pause(15);
  h.disable();
  steps[name] = { ms, busy, max: h.max / 1e6, p99: h.percentile(99) / 1e6 };
}
const q = (over) => ({ sortModel: [], filterModel: {}, quickFilter: '', ...over });
const sorted = (colId) => q({ sortModel: [{ colId, sort: 'asc' }] });
(async () => {
  const file = path.join(dir, 'export-' + mode + '.csv');
  let ask;
  if (mode === 'worker') {
    const client = new TableClient(path.join(path.dirname(formats), 'tableWorker.js'));
    const source = { kind: 'bytes', title: 'bench.csv', sizeBytes: fs.statSync(csv).size, chunksAreOwned: true, open: () => fs.createReadStream(csv, { highWaterMark: 1 << 20 }) };
    await step('load', () => client.load(source, { signal: new AbortController().signal }));
    ask = (request) => client.request(request);
    steps.rows = client.rowCount;
    var close = () => client.close();
  } else {
    const table = new ColumnarTable();
    await step('load', () => parseCsv(fs.createReadStream(csv, { highWaterMark: 1 << 20 }), table, { workerScript: path.join(path.dirname(formats), 'csvWorker.js') }));
    const service = new TableService(table);
    ask = (request) => service.answer(request);
    steps.rows = table.rowCount;
    var close = () => {};
  }
  const n = steps.rows;
  await step('idle', () => pause(1000));
  await step('sortNumberFirst', () => ask({ op: 'rows', query: sorted('c3'), start: 0, end: 100 }));
  await step('sortNumberFull', () => ask({ op: 'rows', query: sorted('c3'), start: n / 2, end: n / 2 + 100 }));
  await step('sortTextFirst', () => ask({ op: 'rows', query: sorted('c6'), start: 0, end: 100 }));
  await step('sortTextFull', () => ask({ op: 'rows', query: sorted('c6'), start: n / 2, end: n / 2 + 100 }));
  await step('filter', () => ask({ op: 'rows', query: q({ filterModel: { c2: { filterType: 'text', type: 'equals', filter: 'retail' } } }), start: 0, end: 100 }));
  await step('search', () => ask({ op: 'rows', query: q({ quickFilter: 'omega' }), start: 0, end: 100 }));
  await step('stats', () => ask({ op: 'stats', colId: 'c6' }));
  await step('copyColumn', () => ask({ op: 'columnText', query: q({}), colId: 'c9', format: 'tsv', escapeFormulas: false }));
  await step('export', () => ask({ op: 'exportCsv', query: q({}), path: file, escapeFormulas: true }));
  fs.rmSync(file, { force: true });
  // Preview All Map Indexes: 30 map indexes' CSV objects of 10,000 rows, read and stacked in the table worker.
  const partTexts = Array.from({ length: 30 }, (_, k) => {
    let text = 'id,amount,user,category,qty,note,n,score,city,flag\\n';
    for (let r = 0; r < 10_000; r++) text += r + ',' + r * 0.25 + ',user_' + r + ',retail,' + (r % 7) + ',note ' + k + ',' + r + ',0.5,city_' + (r % 40) + ',x\\n';
    return Buffer.from(text);
  });
  const bytesOf = (buffer) => ({ kind: 'bytes', title: 'part', sizeBytes: buffer.length, open: async function* () { for (let at = 0; at < buffer.length; at += 65536) yield buffer.subarray(at, at + 65536); } });
  if (mode === 'worker') {
    const stacked = new TableClient(path.join(path.dirname(formats), 'tableWorker.js'));
    const source = { kind: 'stacked', title: 'stacked', partColumn: 'map_index', parts: partTexts.map((b, k) => ({ partValue: k, open: async () => bytesOf(b) })) };
    await step('stacked', () => stacked.load(source, { signal: new AbortController().signal }));
    await stacked.close();
  } else {
    // What the host did before: each part parsed here, stacked here, then every row in one message to the worker.
    const { port1 } = new (require('node:worker_threads').MessageChannel)();
    await step('stacked', async () => {
      const t = new ColumnarTable();
      for (let k = 0; k < partTexts.length; k++) {
        const part = new ColumnarTable();
        await parseCsv(bytesOf(partTexts[k]).open(), part, { workerScript: path.join(path.dirname(formats), 'csvWorker.js') });
        await appendPart(t, 'map_index', { partValue: k, table: part });
      }
      port1.postMessage({ rows: Array.from({ length: t.rowCount }, (_, r) => t.row(r)) });
    });
    port1.close();
  }
  await close();
  console.log(JSON.stringify(steps));
})();`;

function child(formats, csv, mode) {
  const r = spawnSync(process.execPath, ['-e', CHILD, formats, csv, mode, out], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`bench child (${mode}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const STEPS = [
  ['idle', 'nothing (1 s idle: the noise floor of a busy machine)'],
  ['load', 'load (parse into the table)'],
  ['sortNumberFirst', 'sort by a float column: first window'],
  ['sortNumberFull', 'sort by a float column: a window in the middle (full order)'],
  ['sortTextFirst', 'sort by a text column: first window'],
  ['sortTextFull', 'sort by a text column: a window in the middle (full order)'],
  ['filter', 'text filter (category equals)'],
  ['search', 'quick search over all cells'],
  ['stats', 'column statistics (1M distinct-ish texts)'],
  ['copyColumn', 'copy a whole text column (1M values)'],
  ['export', 'export the whole table as CSV'],
  [
    'stacked',
    'Preview All Map Indexes (30 × 10,000 rows stacked here, held by the table worker; host: all rows in one message)',
  ],
];

/** Runs the benchmark and returns its figures. */
export async function run() {
  const csv = await benchCsv();
  const formats = await bundle();
  const host = child(formats, csv, 'host');
  const worker = child(formats, csv, 'worker');
  if (host.rows !== worker.rows) throw new Error(`row counts differ: ${host.rows} vs ${worker.rows}`);
  const rows = [];
  for (const [key, label] of STEPS) {
    const w = worker[key];
    const h = host[key];
    rows.push({
      figure: `host event-loop delay, max, during ${label} (${worker.rows.toLocaleString('en-US')} rows; target ≤ 50 ms)`,
      value: round(w.max),
      unit: 'ms',
      comparedWith: `p99 ${round(w.p99)} ms, host busy ${round(w.busy)} of ${round(w.ms)} ms; all on the host thread: max ${round(h.max)} ms, p99 ${round(h.p99)} ms, busy ${round(h.busy)} of ${round(h.ms)} ms`,
      ratio: round(w.max / h.max),
    });
  }
  return rows;
}

printWhenRun(import.meta.url, run);
