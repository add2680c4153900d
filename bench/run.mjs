#!/usr/bin/env node
// Runs every bench/*.bench.mjs and prints one Markdown table (npm run bench). Usage: node bench/run.mjs [name-filter]
//
// Contract of a bench file (bench/<topic>.bench.mjs):
//   export async function run(): Promise<Array<{
//     figure: string,            // what was measured, e.g. "parse 100 MB CSV (first 1,000 rows)"
//     value: number,             // the measurement
//     unit: string,              // e.g. "ms", "MB", "rows/s"
//     comparedWith: string,      // the baseline it is compared with, e.g. "pandas.read_csv" ('' when none)
//     ratio: number | null,      // value / baseline value (null when there is no baseline)
//   }>>
// A bench builds its own inputs (under a temp folder it removes) and needs nothing but the repository's
// devDependencies and the servers in test/fixtures/servers; it prints nothing on stdout (use stderr for progress).
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(here)
  .filter((name) => name.endsWith('.bench.mjs') && name.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no bench/*.bench.mjs${filter ? ` matching "${filter}"` : ''}`);
  process.exit(1);
}

const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');
const number = (value) =>
  typeof value !== 'number' || !Number.isFinite(value)
    ? ''
    : Math.abs(value) >= 100
      ? value.toFixed(0)
      : value.toPrecision(3);

const rows = [];
let failed = 0;
for (const file of files) {
  const started = Date.now();
  process.stderr.write(`bench ${file}...\n`);
  try {
    const module = await import(pathToFileURL(join(here, file)).href);
    if (typeof module.run !== 'function') throw new Error('exports no run()');
    for (const result of await module.run()) rows.push(result);
    process.stderr.write(`bench ${file} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (error) {
    failed++;
    process.stderr.write(`bench ${file} failed: ${error?.stack ?? error}\n`);
  }
}

console.log('| figure | value | unit | compared with | ratio |');
console.log('|---|---:|---|---|---:|');
for (const r of rows) {
  const ratio = typeof r.ratio === 'number' ? `${number(r.ratio)}×` : '';
  console.log(
    `| ${cell(r.figure)} | ${number(r.value)} | ${cell(r.unit)} | ${cell(r.comparedWith ?? '')} | ${ratio} |`,
  );
}
process.exitCode = failed ? 1 : 0;
