// What the benches share: figures rounded to two decimals, and printing a bench's rows when it is run on its own
// (`node bench/<name>.bench.mjs`) rather than imported by bench/run.mjs.
import { fileURLToPath } from 'node:url';

/** A figure rounded to two decimals. */
export function round(x) {
  return Math.round(x * 100) / 100;
}

/** Runs `run` and prints its rows as a table when the module at `moduleUrl` is the script node was started with. */
export function printWhenRun(moduleUrl, run) {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  run().then(
    (rows) => console.table(rows),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
