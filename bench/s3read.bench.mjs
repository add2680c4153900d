// S3 read benchmark on a local s3rver (real HTTP, real SDK): HEAD + the first 1 MB of a 1 GB object, and the
// time to the first parsed CSV rows of a 1 GB object against a 1 MB one (streaming must not depend on size).
//   node bench/s3read.bench.mjs            prints the figures as a table (Node 24: npm run, or node_modules/node/bin/node)
//   import { run } from './s3read.bench.mjs'  returns rows { figure, value, unit, comparedWith, ratio }
//   S3READ_BENCH_BYTES=1073741824 sets the large object's size (default 1 GiB).
// The large object is written straight into s3rver's directory layout (`<bucket>/<key>._S3rver_object` plus its
// `.md5`), which takes seconds where an upload through s3rver takes minutes; the small one is uploaded.
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { bundleModules } from './bundle.mjs';
import { pathToFileURL } from 'node:url';

const LARGE_BYTES = Number(process.env.S3READ_BENCH_BYTES ?? 1024 ** 3);
const SMALL_BYTES = 1024 * 1024;
const FIRST_BYTES = 1024 * 1024;
const REPEATS = 5;
const BUCKET = 'bench';

/** Bundles the modules under test (and the fixtures) into one CommonJS file. */
async function load() {
  // __dirname inside the bundle is .tmp/bench; the server starter finds the repo from it.
  const outfile = await bundleModules('s3read', [
    `export { S3ObjectStore } from './src/storage/objectStore';`,
    `export { createS3Client } from './src/storage/s3ClientFactory';`,
    `export { startS3Server } from './test/fixtures/servers/s3';`,
    `export { largeCsvChunksOfSize } from './test/fixtures/s3/ordersData';`,
    `export { ensureBucket } from './test/fixtures/s3/seedOffloadedObjects';`,
    `export { PutObjectCommand } from '@aws-sdk/client-s3';`,
  ]);
  return createRequire(import.meta.url)(outfile);
}

/** Writes the large CSV as an s3rver object file (+ md5) and returns its size. */
async function writeObjectFile(directory, key, bytes, m) {
  const base = join(directory, BUCKET, ...key.split('/'));
  mkdirSync(dirname(base), { recursive: true });
  const file = `${base}._S3rver_object`;
  const out = createWriteStream(file);
  const md5 = createHash('md5');
  let size = 0;
  for (const chunk of m.largeCsvChunksOfSize(bytes, 20_000)) {
    md5.update(chunk);
    size += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`${file}.md5`, md5.digest('hex'));
  writeFileSync(`${base}._S3rver_metadata.json`, JSON.stringify({ 'content-type': 'text/csv' }));
  return size;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** HEAD, then stream from byte 0 until the first complete lines after the header are split. */
async function timeToFirstRows(store, loc) {
  const t0 = performance.now();
  const head = await store.head(loc);
  const aborter = new AbortController();
  let rows = 0;
  let text = '';
  const decoder = new TextDecoder();
  try {
    for await (const piece of store.read(loc, { signal: aborter.signal, size: head.size })) {
      text += decoder.decode(piece, { stream: true });
      const lines = text.slice(0, text.lastIndexOf('\n')).split('\n');
      rows = lines.length - 1;
      if (rows >= 1) break;
    }
  } finally {
    aborter.abort();
  }
  if (rows < 1) throw new Error('no rows read');
  return performance.now() - t0;
}

/** Runs the benchmark; rows { figure, value, unit, comparedWith, ratio }. */
export async function run() {
  const m = await load();
  const tmp = mkdtempSync(join(tmpdir(), 'xcom-lens-s3read-'));
  let server;
  let client;
  try {
    server = await m.startS3Server(tmp);
    const settings = { endpointUrl: server.endpoint, region: server.region, forcePathStyle: true };
    client = m.createS3Client(settings, { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey });
    const store = new m.S3ObjectStore(client, { settings });
    await m.ensureBucket(client, BUCKET);
    const large = { bucket: BUCKET, key: 'big/orders-large.csv' };
    const small = { bucket: BUCKET, key: 'small/orders-1mb.csv' };
    const tWrite = performance.now();
    const largeSize = await writeObjectFile(server.directory, large.key, LARGE_BYTES, m);
    const writeMs = performance.now() - tWrite;
    const smallBody = Buffer.concat([...m.largeCsvChunksOfSize(SMALL_BYTES, 1000)]);
    await client.send(new m.PutObjectCommand({ Bucket: BUCKET, Key: small.key, Body: smallBody }));
    const head = await store.head(large);
    if (head.size !== largeSize) throw new Error(`HEAD says ${head.size} bytes, wrote ${largeSize}`);

    // Warm up the connection pool and s3rver's code paths once.
    await timeToFirstRows(store, small);

    const firstMb = [];
    for (let i = 0; i < REPEATS; i++) {
      const t0 = performance.now();
      const h = await store.head(large);
      let got = 0;
      for await (const piece of store.read(large, { size: h.size, start: 0, end: FIRST_BYTES - 1 }))
        got += piece.byteLength;
      if (got !== FIRST_BYTES) throw new Error(`read ${got} bytes`);
      firstMb.push(performance.now() - t0);
    }
    const firstRowsLarge = [];
    const firstRowsSmall = [];
    for (let i = 0; i < REPEATS; i++) {
      firstRowsLarge.push(await timeToFirstRows(store, large));
      firstRowsSmall.push(await timeToFirstRows(store, small));
    }
    const headMb = median(firstMb);
    const rowsLarge = median(firstRowsLarge);
    const rowsSmall = median(firstRowsSmall);
    const gb = (largeSize / 1024 ** 3).toFixed(2);
    return [
      {
        figure: `HEAD + first 1 MB of a ${gb} GiB object (s3rver, median of ${REPEATS})`,
        value: round(headMb),
        unit: 'ms',
        comparedWith: 'target 300 ms',
        ratio: round(headMb / 300, 3),
      },
      {
        figure: `time to first parsed CSV rows, ${gb} GiB object (HEAD + first ranged GET, median of ${REPEATS})`,
        value: round(rowsLarge),
        unit: 'ms',
        comparedWith: 'same for a 1 MiB object (target ratio ≤ 1.5)',
        ratio: round(rowsLarge / rowsSmall, 3),
      },
      {
        figure: 'time to first parsed CSV rows, 1 MiB object',
        value: round(rowsSmall),
        unit: 'ms',
        comparedWith: '',
        ratio: null,
      },
      {
        figure: `writing the ${gb} GiB fixture into s3rver's directory (setup, not a product figure)`,
        value: round(writeMs / 1000, 1),
        unit: 's',
        comparedWith: '',
        ratio: null,
      },
    ];
  } finally {
    client?.destroy();
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

function round(value, digits = 1) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await run();
  console.table(rows);
}
