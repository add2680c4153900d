// DAG-source task finder benchmark: the median time to outline the orders fixture DAG file repeated up to the
// parse budget (MAX_DAG_SOURCE_CHARS), which runs on the extension host's thread when CodeLenses are asked for.
//   node bench/dagSource.bench.mjs    prints the figures;   import { run } from './dagSource.bench.mjs' returns the rows
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bundleModules, root } from './bundle.mjs';

const REPEATS = 15;

/** Runs the bench; returns the table rows. */
export async function run() {
  const outfile = await bundleModules('dagSource', [
    `export { findDagSourceTasks, MAX_DAG_SOURCE_CHARS } from './src/airflow/dagSourceTasks';`,
  ]);
  const m = createRequire(import.meta.url)(outfile);
  const one = readFileSync(join(root, 'test', 'fixtures', 'dags', 'etl', 'orders.py'), 'utf8');
  const rows = [];
  for (const target of [one.length, 20_000, m.MAX_DAG_SOURCE_CHARS]) {
    let text = one;
    while (text.length + one.length + 1 <= target) text += `\n${one}`;
    const times = [];
    let tasks = 0;
    for (let k = 0; k < REPEATS; k++) {
      const t = performance.now();
      tasks = m.findDagSourceTasks(text).tasks.length;
      times.push(performance.now() - t);
    }
    rows.push({
      chars: text.length,
      tasks,
      medianMs: Number(times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)].toFixed(2)),
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
