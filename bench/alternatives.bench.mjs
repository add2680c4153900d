// XCom Lens against the tools a user would pick instead, side by side in one run, on the 1,000,000 × 10 bench CSV
// (grid.bench.mjs): the full load from a local S3 server (s3rver) into the preview's sortable table, against
// pandas.read_csv and papaparse alone (on one thread and on both cores) on the local file, with DuckDB's read_csv as
// the ceiling; plus the first 100 rows sorted by a text column, and the CPU time each spends (all of its threads).
// Each measurement runs in its own child process (peak RSS and CPU time are that process's alone), and each contender
// is reported by the best of two runs.
// The same load from copies of the file as real files have them (quoted cells, text beyond ASCII), against papaparse
// alone on each.
//   node bench/alternatives.bench.mjs            prints the figures as a table
//   import { run } from './alternatives.bench.mjs'  returns rows { figure, value, unit, comparedWith, ratio }
// DuckDB (@duckdb/node-api, native) is installed on demand under .tmp/bench/duckdb: it is never a dependency.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { benchDir, root } from './bundle.mjs';
import { benchCsv } from './grid.bench.mjs';
import { bundle } from './hostStall.bench.mjs';
import { printWhenRun, round } from './benchRows.mjs';

const BUCKET = 'bench';
const KEY = 'grid/bench.csv';
const DUCKDB_VERSION = '1.5.6-r.1';
const duckdbDir = join(benchDir, 'duckdb');

/** A child's CPU time in ms, every thread of its process (user + system). */
const CPU_MS = 'const cpuMs = (u) => (u.user + u.system) / 1000;';

/** The preview's pipeline: HEAD, ranged GETs through the SDK, the table worker; then a sorted first window. */
const CHILD_OURS = `${CPU_MS}
const [formats, endpoint, bucket, key, file] = process.argv.slice(1);
const { TableClient, openS3ObjectStore, s3Source } = require(formats);
const path = require('node:path');
const fs = require('node:fs');
(async () => {
  const rss0 = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const client = new TableClient(path.join(path.dirname(formats), 'tableWorker.js'));
  let source;
  const t0 = performance.now();
  if (endpoint === 'file') {
    source = { kind: 'bytes', title: 'bench.csv', sizeBytes: fs.statSync(file).size, chunksAreOwned: true, open: () => fs.createReadStream(file, { highWaterMark: 1 << 20 }) };
  } else {
    const store = openS3ObjectStore({ endpointUrl: endpoint, region: 'us-east-1', forcePathStyle: true }, { credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    // The preview's own source (s3TableSource.ts): HEAD, then streamed ranged GETs.
    source = await s3Source(async () => store, { bucket, key }, { title: key }).resolve(new AbortController().signal);
  }
  let first = 0;
  let rssAtFirst = 0;
  await client.load(source, { signal: new AbortController().signal, onProgress: () => { if (!first && client.rowCount > 0) { first = performance.now() - t0; rssAtFirst = process.memoryUsage().rss - rss0; } } });
  const load = performance.now() - t0;
  const cpu = cpuMs(process.cpuUsage(cpu0));
  const t1 = performance.now();
  await client.request({ op: 'rows', query: { sortModel: [{ colId: 'c6', sort: 'asc' }], filterModel: {}, quickFilter: '' }, start: 0, end: 100 });
  const sortedFirst = performance.now() - t1;
  const peak = process.resourceUsage().maxRSS * 1024 - rss0;
  await client.close();
  console.log(JSON.stringify({ rows: client.rowCount, load, cpu, first, rssAtFirst, sortedFirst, peak, tableBytes: client.tableBytes }));
})();`;

const CHILD_PAPA = `${CPU_MS}
const Papa = require(process.argv[2]);
const fs = require('node:fs');
const rss0 = process.memoryUsage().rss;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let rows = 0;
Papa.parse(fs.createReadStream(process.argv[1], { encoding: 'utf8', highWaterMark: 1 << 20 }), {
  header: false, skipEmptyLines: true,
  chunk: (r) => { rows += r.data.length; },
  complete: () => console.log(JSON.stringify({ rows: rows - 1, load: performance.now() - t0, cpu: cpuMs(process.cpuUsage(cpu0)), peak: process.resourceUsage().maxRSS * 1024 - rss0 })),
});`;

/**
 * papaparse alone on both cores: two worker threads, each streaming the rows of one half of the file, rows
 * discarded. No pipeline built on papaparse can parse faster on this machine.
 */
const CHILD_PAPA_TWO_THREADS = `
const [file, papaparse] = process.argv.slice(1);
const { Worker } = require('node:worker_threads');
const fs = require('node:fs');
const size = fs.statSync(file).size;
const probe = Buffer.alloc(1 << 16);
const fd = fs.openSync(file, 'r');
fs.readSync(fd, probe, 0, probe.length, Math.floor(size / 2));
fs.closeSync(fd);
const mid = Math.floor(size / 2) + probe.indexOf(10) + 1;
const half = \`
const { workerData, parentPort } = require('node:worker_threads');
const Papa = require(workerData.papaparse);
let rows = 0;
Papa.parse(require('node:fs').createReadStream(workerData.file, { start: workerData.start, end: workerData.end - 1, encoding: 'utf8', highWaterMark: 1 << 20 }), {
  header: false, skipEmptyLines: true, chunk: (r) => { rows += r.data.length; }, complete: () => parentPort.postMessage(rows),
});\`;
const t0 = performance.now();
Promise.all([[0, mid], [mid, size]].map(([start, end]) => new Promise((resolve, reject) =>
  new Worker(half, { eval: true, workerData: { file, papaparse, start, end } }).once('message', resolve).once('error', reject),
))).then(([a, b]) => console.log(JSON.stringify({ rows: a + b - 1, load: performance.now() - t0 })));`;

const CHILD_DUCKDB = `${CPU_MS}
const { DuckDBInstance } = require(process.argv[2]);
(async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await con.run("CREATE TABLE t AS SELECT * FROM read_csv('" + process.argv[1].replaceAll("'", "''") + "')");
  const load = performance.now() - t0;
  const cpu = cpuMs(process.cpuUsage(cpu0));
  const rows = Number((await con.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0]);
  const t1 = performance.now();
  await con.runAndReadAll('SELECT * FROM t ORDER BY "user" LIMIT 100');
  const sortedFirst = performance.now() - t1;
  const threads = (await con.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0];
  console.log(JSON.stringify({ rows, load, cpu, sortedFirst, threads: Number(threads) }));
})();`;

/** CPU time (user + system) a process has spent, in ms, from /proc; undefined where there is none. */
function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

function child(script, args) {
  const r = spawnSync(process.execPath, ['-e', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function pandas(csv) {
  const code =
    'import sys, time, pandas\nt = time.perf_counter()\nc = time.process_time()\ndf = pandas.read_csv(sys.argv[1])\nprint(time.perf_counter() - t, time.process_time() - c, len(df))';
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['-c', code, csv], { encoding: 'utf8' });
    if (r.status !== 0) continue;
    const [wall, cpu] = r.stdout.trim().split(' ').map(Number);
    return { load: wall * 1000, cpu: cpu * 1000 };
  }
  return undefined;
}

/** @duckdb/node-api, installed under .tmp/bench/duckdb the first time (undefined when that fails, e.g. offline). */
function duckdb() {
  const module = join(duckdbDir, 'node_modules', '@duckdb', 'node-api');
  if (!existsSync(module)) {
    mkdirSync(duckdbDir, { recursive: true });
    writeFileSync(join(duckdbDir, 'package.json'), '{"private":true}');
    try {
      execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', `@duckdb/node-api@${DUCKDB_VERSION}`], {
        cwd: duckdbDir,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    } catch {
      return undefined;
    }
  }
  return createRequire(join(duckdbDir, 'package.json')).resolve('@duckdb/node-api');
}

/**
 * Copies of the bench CSV as real files have them, each row's note (the last cell) rewritten every `every` rows:
 * quoted as pandas' to_csv writes text that holds the delimiter, and text beyond ASCII. Made once, next to the
 * bench CSV, a line at a time.
 */
const VARIANTS = {
  quoted: {
    figure: 'as pandas writes text holding the delimiter (every third note quoted)',
    every: 3,
    note: (text) => `"${text.replace(' ', ', ')}"`,
  },
  'beyond-ascii': {
    figure: 'with text beyond ASCII (every tenth note ends in “café”)',
    every: 10,
    note: (text) => `${text} café`,
  },
};

async function variantCsv(csv, name) {
  const { every, note } = VARIANTS[name];
  const path = csv.replace(/\.csv$/, `-${name}.csv`);
  if (existsSync(path)) return path;
  const out = createWriteStream(`${path}.part`);
  let row = 0;
  for await (const line of createInterface({ input: createReadStream(csv), crlfDelay: Infinity })) {
    const last = line.lastIndexOf(',') + 1;
    const text = row > 0 && row % every === 0 ? `${line.slice(0, last)}${note(line.slice(last))}` : line;
    if (!out.write(`${text}\n`)) await once(out, 'drain');
    row++;
  }
  out.end();
  await once(out, 'finish');
  renameSync(`${path}.part`, path);
  return path;
}

/** Puts the CSV into s3rver's directory layout (object, md5, metadata) instead of a slow upload through it. */
async function placeObject(directory, file) {
  const base = join(directory, BUCKET, ...KEY.split('/'));
  mkdirSync(join(base, '..'), { recursive: true });
  copyFileSync(file, `${base}._S3rver_object`);
  const md5 = createHash('md5');
  for await (const chunk of createReadStream(file)) md5.update(chunk);
  writeFileSync(`${base}._S3rver_object.md5`, md5.digest('hex'));
  writeFileSync(`${base}._S3rver_metadata.json`, JSON.stringify({ 'content-type': 'text/csv' }));
}

/** Runs the benchmark and returns its figures. */
export async function run() {
  const csv = await benchCsv();
  const formats = await bundle();
  const m = createRequire(import.meta.url)(formats);
  const size = statSync(csv).size;
  const mb = size / 1e6;
  const cores = availableParallelism();
  const tmp = mkdtempSync(join(tmpdir(), 'xcom-lens-alternatives-'));
  let server;
  try {
    server = await m.startS3Server(tmp);
    mkdirSync(join(server.directory, BUCKET), { recursive: true });
    await placeObject(server.directory, csv);
    // Every contender's best of two runs (pandas' too: undefined when Python or pandas is missing).
    const best = (f, n = 2) =>
      Array.from({ length: n }, f)
        .filter(Boolean)
        .sort((a, b) => a.load - b.load)[0];
    const fromS3 = best(() => {
      // The server shares the cores with the load: its CPU time while it serves the load is read beside it.
      const before = processCpuMs(server.pid);
      const run = child(CHILD_OURS, [formats, server.endpoint, BUCKET, KEY, '']);
      return { ...run, serverCpu: before === undefined ? undefined : processCpuMs(server.pid) - before };
    });
    const fromFile = best(() => child(CHILD_OURS, [formats, 'file', '', '', csv]));
    const papa = best(() => child(CHILD_PAPA, [csv, join(root, 'node_modules', 'papaparse')]));
    const papaBothCores = best(() => child(CHILD_PAPA_TWO_THREADS, [csv, join(root, 'node_modules', 'papaparse')]));
    // Each variant from the file, and papaparse alone on it.
    const variants = [];
    for (const name of Object.keys(VARIANTS)) {
      const file = await variantCsv(csv, name);
      variants.push({
        name,
        mb: statSync(file).size / 1e6,
        ours: best(() => child(CHILD_OURS, [formats, 'file', '', '', file])),
        papa: best(() => child(CHILD_PAPA, [file, join(root, 'node_modules', 'papaparse')])),
      });
    }
    const pandasRun = best(() => pandas(csv));
    const pandasMs = pandasRun?.load;
    const duck = duckdb();
    const duckdbRun = duck ? best(() => child(CHILD_DUCKDB, [csv, duck])) : undefined;
    for (const [name, r] of [
      ['XCom Lens from S3', fromS3],
      ['XCom Lens from the file', fromFile],
      ['papaparse', papa],
      ['papaparse on two threads', papaBothCores],
      ...variants.flatMap((v) => [
        [`XCom Lens from the ${v.name} file`, v.ours],
        [`papaparse on the ${v.name} file`, v.papa],
      ]),
      ['DuckDB', duckdbRun],
    ])
      if (r && r.rows !== fromFile.rows) throw new Error(`${name} read ${r.rows} rows, XCom Lens ${fromFile.rows}`);
    const mbps = (ms) => mb / (ms / 1000);
    const floorMs = (r) => (r.cpu + r.serverCpu) / cores;
    const vs = (label, ms) => (ms ? `${label} ${round(ms)} ms` : `${label} not available`);
    const rows = [
      {
        figure: `full load from the local S3 server into the sortable table (${fromS3.rows.toLocaleString('en-US')} rows × 10, ${round(mb)} MB; target ≤ 0.5× pandas)`,
        value: round(fromS3.load),
        unit: 'ms',
        comparedWith: vs('pandas.read_csv (local file)', pandasMs),
        ratio: pandasMs ? round(fromS3.load / pandasMs) : null,
      },
      {
        figure: 'full load from the local S3 server, against DuckDB read_csv (the ceiling)',
        value: round(fromS3.load),
        unit: 'ms',
        comparedWith: duckdbRun
          ? `DuckDB read_csv into a table ${round(duckdbRun.load)} ms (${duckdbRun.threads} threads)`
          : 'DuckDB not available',
        ratio: duckdbRun ? round(fromS3.load / duckdbRun.load) : null,
      },
      {
        figure: 'parse throughput from the local file into the table (target ≥ 1.0× papaparse alone)',
        value: round(mbps(fromFile.load)),
        unit: 'MB/s',
        comparedWith: `papaparse alone ${round(mbps(papa.load))} MB/s; pandas ${pandasMs ? round(mbps(pandasMs)) : '–'} MB/s; DuckDB ${duckdbRun ? round(mbps(duckdbRun.load)) : '–'} MB/s`,
        ratio: round(papa.load / fromFile.load),
      },
      ...variants.map((v) => ({
        figure: `the same from a copy of the file ${VARIANTS[v.name].figure}`,
        value: round(v.mb / (v.ours.load / 1000)),
        unit: 'MB/s',
        comparedWith: `papaparse alone on that file (${round(v.mb)} MB) ${round(v.mb / (v.papa.load / 1000))} MB/s; XCom Lens peak RSS delta ${round(v.ours.peak / 1e6)} MB (${round(v.ours.peak / 1e6 / v.mb)}× the file)`,
        ratio: round(v.papa.load / v.ours.load),
      })),
      {
        figure: 'parse from the local file into the table, against papaparse alone on both cores (its ceiling here)',
        value: round(fromFile.load),
        unit: 'ms',
        comparedWith: `papaparse alone on two worker threads, rows discarded: ${round(papaBothCores.load)} ms; on one: ${round(papa.load)} ms`,
        ratio: round(fromFile.load / papaBothCores.load),
      },
      {
        figure: `CPU time of the full load from the local S3 server, every thread of the process (on ${cores} cores the load takes at least 1/${cores} of it)`,
        value: round(fromS3.cpu),
        unit: 'ms',
        comparedWith: `papaparse alone, rows discarded: ${round(papa.cpu)} ms; pandas.read_csv ${pandasRun ? `${round(pandasRun.cpu)} ms` : '–'}; DuckDB ${duckdbRun ? `${round(duckdbRun.cpu)} ms` : '–'}; XCom Lens from the file ${round(fromFile.cpu)} ms`,
        ratio: round(fromS3.cpu / papa.cpu),
      },
      {
        figure: `CPU time of the local S3 server while it serves that load (on the same ${cores} cores)`,
        value: fromS3.serverCpu === undefined ? null : round(fromS3.serverCpu),
        unit: 'ms',
        comparedWith:
          fromS3.serverCpu === undefined
            ? 'not measured here (no /proc)'
            : `the least the load can take on ${cores} cores, (XCom Lens + server CPU) / ${cores}: ${round(floorMs(fromS3))} ms; ratio: that against 0.5× pandas (${pandasMs ? round(pandasMs / 2) : '–'} ms)`,
        ratio: fromS3.serverCpu === undefined || !pandasMs ? null : round(floorMs(fromS3) / (pandasMs / 2)),
      },
      {
        figure: 'host memory: peak RSS delta of the process during the S3 load (target ≤ 1.5× the file)',
        value: round(fromS3.peak / 1e6),
        unit: 'MB',
        comparedWith: `file ${round(mb)} MB; table arrays ${round(fromS3.tableBytes / 1e6)} MB; papaparse alone, rows discarded: ${round(papa.peak / 1e6)} MB (${round(papa.peak / size)}×)`,
        ratio: round(fromS3.peak / size),
      },
      {
        figure: 'host memory once the first rows are in (the threads started, the table nearly empty)',
        value: round(fromS3.rssAtFirst / 1e6),
        unit: 'MB',
        comparedWith: `file ${round(mb)} MB`,
        ratio: round(fromS3.rssAtFirst / size),
      },
      {
        figure: 'time to the first rows from S3',
        value: round(fromS3.first),
        unit: 'ms',
        comparedWith: '',
        ratio: null,
      },
      {
        figure: 'first 100 rows sorted by a text column (top-N in the table worker)',
        value: round(fromS3.sortedFirst),
        unit: 'ms',
        comparedWith: duckdbRun
          ? `DuckDB ORDER BY … LIMIT 100 ${round(duckdbRun.sortedFirst)} ms`
          : 'DuckDB not available',
        ratio: duckdbRun ? round(fromS3.sortedFirst / duckdbRun.sortedFirst) : null,
      },
    ];
    return rows;
  } finally {
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

printWhenRun(import.meta.url, run);
