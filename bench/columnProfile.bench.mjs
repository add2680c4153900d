// Header charts benchmark: the distribution of every column of a deterministic 1,000,000-row table (a float, an
// integer, a repeating text and a datetime column) as the preview computes it on the extension host: total time, and
// the longest stretch the thread is held (the work runs in slices that yield). numpy.histogram on the two numeric
// columns is the baseline (python3 with numpy).
//   node bench/columnProfile.bench.mjs   prints the figures as a table
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { bundleModules } from './bundle.mjs';

const ROWS = Number(process.env.PROFILE_BENCH_ROWS ?? 1_000_000);

/** Deterministic PRNG (mulberry32). */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Times numpy.histogram over the same float and integer columns (seconds → ms), data built in numpy. */
function numpyMs() {
  const script = `
import time, numpy as np
rng = np.random.default_rng(1)
a = rng.normal(100, 15, ${ROWS}); b = rng.integers(0, 1000, ${ROWS}).astype(np.float64)
t = time.perf_counter(); np.histogram(a, bins=20); np.histogram(b, bins=20); print((time.perf_counter() - t) * 1000)`;
  return Number(execFileSync('python3', ['-c', script], { encoding: 'utf8' }).trim());
}

export async function run() {
  const file = await bundleModules('columnProfile', [
    "export { ColumnarTable } from './src/formats/table';",
    "export { TableViewer } from './src/formats/tableView';",
    "export { rowsToBatch } from './src/formats/columnBatch';",
  ]);
  const { ColumnarTable, TableViewer, rowsToBatch } = createRequire(import.meta.url)(file);
  const rnd = prng(7);
  const table = new ColumnarTable();
  for (const name of ['amount', 'qty', 'city', 'day']) table.addColumn(name);
  const cities = ['Oslo', 'Lima', 'Pune', 'Kyiv', 'Baku', 'Rome', 'Nuuk', 'Bern'];
  const BATCH = 50_000;
  for (let start = 0; start < ROWS; start += BATCH) {
    const rows = [];
    for (let i = start; i < Math.min(ROWS, start + BATCH); i++) {
      const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 365) * 86_400_000).toISOString().slice(0, 10);
      rows.push([(100 + 30 * (rnd() - 0.5)).toFixed(2), String(Math.floor(rnd() * 1000)), cities[i % 8], day]);
    }
    table.appendBatch(
      rowsToBatch(
        rows,
        0,
        4,
        table.columns.map((c) => c.layout),
      ),
    );
  }
  // Garbage of building the table is collected first when allowed (node --expose-gc), so it does not count here.
  globalThis.gc?.();
  // The longest gap between two timer callbacks while profiling is how long the thread was held at a stretch.
  let longest = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  await new TableViewer(table).profileColumns();
  const total = performance.now() - started;
  clearInterval(timer);
  const numpy = numpyMs();
  return [
    {
      figure: `profile ${ROWS.toLocaleString('en-US')} rows × 4 columns (float, integer, text, date)`,
      value: total,
      unit: 'ms',
      comparedWith: 'numpy.histogram of the two numeric columns',
      ratio: total / numpy,
    },
    {
      figure: 'longest stretch the thread was held while profiling',
      value: longest,
      unit: 'ms',
      comparedWith: '',
      ratio: null,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run())
    console.log(
      `${r.figure}: ${r.value.toFixed(1)} ${r.unit}${r.ratio ? ` (× ${r.ratio.toFixed(1)} ${r.comparedWith})` : ''}`,
    );
}
