// Parquet on demand: a 10 GB Parquet object that exists nowhere (test/fixtures/virtualParquet.ts: one row group
// written with hyparquet-writer, repeated, and a footer listing every copy), served by the loopback S3 stand-in
// (test/fixtures/servers/generatedObjects.ts). The preview reads it through the
// real S3 client and the table worker with the default memory budget (512 MB): time to the first rows, bytes
// fetched for them, time to the rows at the very end and in the middle, and the bytes each jump fetched. (Every
// row group holds the same rows: the figures are about reading, not the values.)
// The same again with row groups of 3,000,000 rows (more than PART_BYTES each: read a part at a time), with the
// process's peak RSS (sampled every 5 ms: ru_maxrss would count the parent's pages the child was forked with).
//   node bench/parquetOnDemand.bench.mjs      prints the figures as a table
//   import { run } from './parquetOnDemand.bench.mjs'  returns rows { figure, value, unit, comparedWith, ratio }
import * as esbuild from 'esbuild';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { benchDir, root } from './bundle.mjs';
import { bundle } from './hostStall.bench.mjs';
import { printWhenRun, round } from './benchRows.mjs';

const SIZE = 10e9;
const BUDGET_MB = 512;
const KEY = 'big/ten.parquet';

const CHILD = `
const [formats, endpoint, budgetMb] = process.argv.slice(1);
const { TableClient, openS3ObjectStore } = require(formats);
const path = require('node:path');
const query = { sortModel: [], filterModel: {}, quickFilter: '' };
const send = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
process.stdin.setEncoding('utf8');
let lines = '';
const next = () => new Promise((resolve) => {
  const take = () => { const i = lines.indexOf('\\n'); if (i < 0) return false; const line = lines.slice(0, i); lines = lines.slice(i + 1); resolve(line); return true; };
  if (take()) return;
  const onData = (d) => { lines += d; if (take()) process.stdin.off('data', onData); };
  process.stdin.on('data', onData);
});
let peakRss = 0;
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5).unref();
(async () => {
  const store = openS3ObjectStore({ endpointUrl: endpoint, region: 'us-east-1', forcePathStyle: true }, { credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const loc = { bucket: 'big', key: 'ten.parquet' };
  const client = new TableClient(path.join(path.dirname(formats), 'tableWorker.js'));
  const t0 = performance.now();
  const { size } = await store.head(loc);
  const source = { kind: 'bytes', title: 'ten.parquet', sizeBytes: size, keyName: 'ten.parquet', chunksAreOwned: true, open: (signal) => store.read(loc, { signal, size }), readRange: (s, e, signal) => store.readRange(loc, s, e, signal) };
  const abort = new AbortController();
  const partial = await new Promise((resolve, reject) => client.load(source, { signal: abort.signal, budgetBytes: Number(budgetMb) * 1e6, onPaused: resolve }).then(() => reject(new Error('read whole')), reject));
  const first = await client.request({ op: 'rows', query, start: 0, end: 100 });
  const firstMs = performance.now() - t0;
  send({ step: 'first', ms: firstMs, rows: first.rows.length, total: first.total, groups: partial.rowGroups, peakRss });
  await next();
  const rows = first.total;
  let t = performance.now();
  const last = await client.request({ op: 'rows', query, start: rows - 100, end: rows });
  send({ step: 'last', ms: performance.now() - t, rows: last.rows.length, lastId: last.rowIds[last.rowIds.length - 1], held: last.rowGroups, peakRss });
  await next();
  t = performance.now();
  const mid = await client.request({ op: 'rows', query, start: Math.floor(rows / 2), end: Math.floor(rows / 2) + 100 });
  send({ step: 'middle', ms: performance.now() - t, rows: mid.rows.length, held: mid.rowGroups, peakRss });
  await next();
  abort.abort();
  await client.close();
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });`;

/** Runs the benchmark and returns its figures. */
export async function run() {
  const formats = await bundle();
  const fixtures = join(benchDir, 'stall', 'virtualParquet.js');
  await esbuild.build({
    stdin: {
      contents: [
        `export { startGeneratedObjectServer } from './test/fixtures/servers/generatedObjects';`,
        `export { virtualParquet } from './test/fixtures/virtualParquet';`,
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    outfile: fixtures,
    logLevel: 'warning',
  });
  const { startGeneratedObjectServer, virtualParquet } = createRequire(import.meta.url)(fixtures);
  const mb = (b) => round(b / 1e6);
  const rows = [];
  for (const groupRows of [100_000, 3_000_000]) {
    const file = virtualParquet(SIZE, groupRows);
    const { steps, sent } = await measure(formats, file, startGeneratedObjectServer);
    const { first, last, middle } = steps;
    if (first.total !== file.rows || last.rows !== 100 || last.lastId !== file.rows - 1 || middle.rows !== 100)
      throw new Error(`unexpected windows: ${JSON.stringify(steps)}`);
    const fileText = `${(file.size / 1e9).toFixed(1)} GB Parquet (${file.rows.toLocaleString('en-US')} rows, ${file.groups.toLocaleString('en-US')} row groups of ${groupRows.toLocaleString('en-US')} rows, ${mb(file.groupBytes)} MB each, footer ${mb(file.footerBytes)} MB)`;
    const held = (step) =>
      `${step.held.held} of ${step.held.groups} row groups held (${mb(step.held.heldBytes)} MB); peak RSS ${mb(step.peakRss)} MB`;
    rows.push(
      {
        figure: `${fileText} through S3 (virtual, on loopback): time to the first 100 rows (target < 1 s)`,
        value: round(first.ms),
        unit: 'ms',
        comparedWith: `target 1000 ms; fetched ${mb(sent.first)} MB (footer + first part); peak RSS ${mb(first.peakRss)} MB, budget ${BUDGET_MB} MB`,
        ratio: round(first.ms / 1000),
      },
      {
        figure: `${groupRows.toLocaleString('en-US')}-row groups: jump to the last 100 rows (their part fetched by range and decoded)`,
        value: round(last.ms),
        unit: 'ms',
        comparedWith: `fetched ${mb(sent.last - sent.first)} MB for it; ${held(last)}`,
        ratio: null,
      },
      {
        figure: `${groupRows.toLocaleString('en-US')}-row groups: jump to 100 rows in the middle`,
        value: round(middle.ms),
        unit: 'ms',
        comparedWith: `fetched ${mb(sent.middle - sent.last)} MB for it; ${held(middle)}`,
        ratio: null,
      },
      {
        figure: `${groupRows.toLocaleString('en-US')}-row groups: bytes downloaded in all (first rows and both jumps)`,
        value: mb(sent.middle),
        unit: 'MB',
        comparedWith: `object ${mb(file.size)} MB`,
        ratio: Number((sent.middle / file.size).toPrecision(3)),
      },
    );
  }
  return rows;
}

/** Serves `file` and runs the child's steps (first rows, the last rows, the middle) against it. */
async function measure(formats, file, startGeneratedObjectServer) {
  const server = await startGeneratedObjectServer({ [KEY]: file });
  const steps = {};
  const sent = {};
  try {
    const child = spawn(process.execPath, ['-e', CHILD, formats, server.endpoint, String(BUDGET_MB)]);
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    let buffered = '';
    child.stdout.on('data', (d) => {
      buffered += d;
      for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
        const m = JSON.parse(buffered.slice(0, i));
        buffered = buffered.slice(i + 1);
        steps[m.step] = m;
        // Bytes the server sent up to this step, read before the child goes on.
        sent[m.step] = server.sent(KEY);
        child.stdin.write('go\n');
      }
    });
    const [code] = await once(child, 'close');
    if (code !== 0) throw new Error(`bench child failed: ${err}`);
  } finally {
    await server.close();
  }
  return { steps, sent };
}

printWhenRun(import.meta.url, run);
