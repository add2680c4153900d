// Task log benchmark: the time to read a try's log (its last 8 MB, with the final traceback) from a local log folder
// and from S3 (a local s3rver), for a 1 GB log against an 8 MB one: reading only the tail, the time must not grow
// with the log's size.
//   node bench/taskLogs.bench.mjs            prints the figures as a table (Node 24)
//   import { run } from './taskLogs.bench.mjs'  returns rows { figure, value, unit, comparedWith, ratio }
// Both logs are sparse files ending in a traceback (no GB written to disk); for s3rver it is placed straight into
// s3rver's directory layout (`<bucket>/<key>._S3rver_object` plus `.md5`) instead of uploaded.
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { bundleModules } from './bundle.mjs';

const LARGE_BYTES = 1_000_000_000;
const SMALL_BYTES = 8_000_000;
const REPEATS = 9;
const BUCKET = 'bench-logs';
const TRAILER = Buffer.from(
  [
    '[2024-01-03T00:12:00] ERROR - Task failed with exception',
    'Traceback (most recent call last):',
    '  File "/opt/airflow/dags/etl_orders.py", line 21, in <lambda>',
    'ValueError: orders without customer',
    '',
  ].join('\n'),
);

async function load() {
  const outfile = await bundleModules('taskLogs', [
    `export { readLocalLog, readS3Log } from './src/airflow/logs/storedLog';`,
    `export { S3ObjectStore } from './src/storage/objectStore';`,
    `export { createS3Client } from './src/storage/s3ClientFactory';`,
    `export { startS3Server } from './test/fixtures/servers/s3';`,
    `export { ensureBucket } from './test/fixtures/s3/seedOffloadedObjects';`,
  ]);
  return createRequire(import.meta.url)(outfile);
}

/** A sparse log of `size` bytes ending in the traceback: both sizes have the same last 8 MB, so only size differs. */
function writeLog(file, size) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '');
  truncateSync(file, size - TRAILER.length);
  const fd = openSync(file, 'r+');
  writeSync(fd, TRAILER, 0, TRAILER.length, size - TRAILER.length);
  closeSync(fd);
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median times of `small` and `large`, read in turn (the machine's load weighs on both alike). */
async function timedPair(small, large) {
  const times = [[], []];
  for (let i = 0; i < REPEATS; i++) {
    for (const [k, read] of [small, large].entries()) {
      const t0 = performance.now();
      const log = await read();
      times[k].push(performance.now() - t0);
      if (log.tracebackLine === undefined) throw new Error('the final traceback was not kept');
    }
  }
  return times.map(median);
}

const round = (n, digits = 1) => Number(n.toFixed(digits));

/** Runs the benchmark; rows { figure, value, unit, comparedWith, ratio }. */
export async function run() {
  const m = await load();
  const tmp = mkdtempSync(join(tmpdir(), 'xcom-lens-tasklogs-'));
  let server;
  let client;
  try {
    const small = join(tmp, 'logs', 'small', 'attempt=1.log');
    const large = join(tmp, 'logs', 'large', 'attempt=1.log');
    writeLog(small, SMALL_BYTES);
    writeLog(large, LARGE_BYTES);
    await m.readLocalLog([small], 1);
    const [localSmall, localLarge] = await timedPair(
      () => m.readLocalLog([small], 1),
      () => m.readLocalLog([large], 1),
    );

    server = await m.startS3Server(join(tmp, 's3'));
    const settings = { endpointUrl: server.endpoint, region: server.region, forcePathStyle: true };
    client = m.createS3Client(settings, { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey });
    const store = new m.S3ObjectStore(client, { settings });
    await m.ensureBucket(client, BUCKET);
    for (const [key, size] of [
      ['small/attempt=1.log', SMALL_BYTES],
      ['large/attempt=1.log', LARGE_BYTES],
    ]) {
      const base = join(server.directory, BUCKET, ...key.split('/'));
      writeLog(`${base}._S3rver_object`, size);
      writeFileSync(`${base}._S3rver_object.md5`, '0'.repeat(32));
      writeFileSync(`${base}._S3rver_metadata.json`, JSON.stringify({ 'content-type': 'text/plain' }));
    }
    const loc = (key) => ({ kind: 's3', bucket: BUCKET, key });
    await m.readS3Log(store, loc('small/attempt=1.log'), 1);
    const [s3Small, s3Large] = await timedPair(
      () => m.readS3Log(store, loc('small/attempt=1.log'), 1),
      () => m.readS3Log(store, loc('large/attempt=1.log'), 1),
    );
    return [
      {
        figure: `open the tail (8 MB) of a 1 GB task log in a local log folder (median of ${REPEATS})`,
        value: round(localLarge),
        unit: 'ms',
        comparedWith: 'reading a whole 8 MB log',
        ratio: round(localLarge / localSmall, 2),
      },
      {
        figure: `open the tail (8 MB) of a 1 GB task log in S3 (s3rver, HEAD + one ranged GET, median of ${REPEATS})`,
        value: round(s3Large),
        unit: 'ms',
        comparedWith: 'reading a whole 8 MB log',
        ratio: round(s3Large / s3Small, 2),
      },
    ];
  } finally {
    client?.destroy();
    await server?.stop?.();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await run());
}
