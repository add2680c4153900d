// JSON DataFrame benchmark: pandas' own to_json() of a 200,000 × 5 frame (integers, text with gaps, floats with
// NaN, epoch-millisecond datetimes, booleans) read into the grid's table with read_json's conventions, against
// pandas.read_json on the same text (Debian's python3-pandas).
//   node bench/pandasJson.bench.mjs      prints the figures as a table
//   import { run } from './pandasJson.bench.mjs'  returns rows { figure, value, unit, comparedWith, ratio }
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDir, bundleModules } from './bundle.mjs';

const ROWS = Number(process.env.PANDAS_JSON_BENCH_ROWS ?? 200_000);
const PYTHON = '/usr/bin/python3';

const WRITE = `
import numpy as np, pandas as pd, sys, time
n = int(sys.argv[1])
rng = np.random.default_rng(7)
amount = rng.random(n) * 100
amount[::7] = np.nan
df = pd.DataFrame({
    "order_id": np.arange(n),
    "customer": pd.Series(["c%d" % (i % 977) for i in range(n)], dtype=object).where(np.arange(n) % 11 != 0, None),
    "amount": amount,
    "created_at": pd.Timestamp("2026-01-01") + pd.to_timedelta(np.arange(n) * 61, unit="s"),
    "paid": np.arange(n) % 3 == 0,
})
for orient in ("columns", "records"):
    with open(sys.argv[2] + "/frame-" + orient + ".json", "w") as f:
        f.write(df.to_json(orient=orient))
`;
const READ = `
import pandas as pd, sys, time, io
text = open(sys.argv[1]).read()
best = None
for _ in range(3):
    t = time.perf_counter(); pd.read_json(io.StringIO(text), orient=sys.argv[2]); ms = (time.perf_counter() - t) * 1000
    best = ms if best is None else min(best, ms)
print(best)
`;

function best(fn, times = 3) {
  let min = Infinity;
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

/** The figures. */
export async function run() {
  const dir = join(benchDir, 'pandasJson');
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync(PYTHON, ['-c', WRITE, String(ROWS), dir]);
    const file = await bundleModules('pandasJson', [
      "export { jsonToTable, parseLenientJson } from './src/formats/pandasJson';",
      "export { ColumnarTable } from './src/formats/table';",
    ]);
    const { jsonToTable, parseLenientJson, ColumnarTable } = createRequire(import.meta.url)(file);
    const rows = [];
    for (const orient of ['columns', 'records']) {
      const path = join(dir, `frame-${orient}.json`);
      const text = readFileSync(path, 'utf8');
      const parse = best(() => parseLenientJson(text));
      const value = parseLenientJson(text);
      const table = best(() => jsonToTable(value, new ColumnarTable()));
      const pandas = Number(execFileSync(PYTHON, ['-c', READ, path, orient]).toString());
      const total = parse + table;
      const label = `${ROWS.toLocaleString('en-US')} × 5 to_json(orient='${orient}')`;
      rows.push(
        { figure: `${label}: JSON.parse`, value: parse, unit: 'ms', comparedWith: '', ratio: null },
        {
          figure: `${label}: read_json conventions into the table`,
          value: table,
          unit: 'ms',
          comparedWith: '',
          ratio: null,
        },
        {
          figure: `${label}: total`,
          value: total,
          unit: 'ms',
          comparedWith: 'pandas.read_json',
          ratio: total / pandas,
        },
      );
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run())
    console.log(
      `${r.figure}: ${r.value.toFixed(0)} ${r.unit}${r.ratio === null ? '' : ` (${r.ratio.toFixed(2)}× ${r.comparedWith})`}`,
    );
}
