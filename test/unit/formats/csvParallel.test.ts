import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DICTIONARY_ENTRY_BYTES } from '../../../src/formats/columnStores';
import { parseCsv } from '../../../src/formats/csv';
import { CsvBatchQueue } from '../../../src/formats/csvBatchQueue';
import { CsvParserThreads } from '../../../src/formats/csvParserThreads';
import { defaultCsvWorkerScript } from '../../../src/formats/csvWorkerPool';
import { ColumnarTable } from '../../../src/formats/table';
import { chunked, dump, ownedChunks } from './helpers';

/** A CSV whose columns change character between batches: numbers that turn to words, repeats that stop repeating. */
function shiftingCsv(rows: number): string {
  const lines = ['id,late_text,category,unique,quoted,when'];
  for (let i = 0; i < rows; i++) {
    const late = i < rows * 0.8 ? String(i * 1.5) : `w${i}`;
    const category = i < rows / 2 ? ['red', 'green', 'blue'][i % 3] : `c${i}`;
    const quoted = i % 7 === 0 ? `"line ${i}\nnext, ""q"""` : `plain ${i}`;
    lines.push(`${i},${late},${category},u${i}é,${quoted},2024-01-${String((i % 28) + 1).padStart(2, '0')}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * `text` in owned chunks, with a pause once batches are on their way (past the 64 KB the delimiter is guessed
 * from): the workers are ready by the time the rest comes, so they parse it.
 */
async function* waitingForTheWorkers(text: string): AsyncIterable<Uint8Array> {
  let sent = 0;
  for await (const c of ownedChunks(text, 1500)) {
    if (sent === 90_000) await new Promise((r) => setTimeout(r, 300));
    sent += c.byteLength;
    yield c;
  }
}

/** Worker scripts that misbehave, in a folder of their own removed once the tests are done. */
const scriptsDir = mkdtempSync(join(tmpdir(), 'xcom-lens-worker-'));
after(() => rmSync(scriptsDir, { recursive: true, force: true }));

/** Writes a worker script `source` named `name` and returns its path. */
function workerScript(name: string, source: string): string {
  const path = join(scriptsDir, name);
  writeFileSync(path, source);
  return path;
}

async function load(text: string, options: Parameters<typeof parseCsv>[2]) {
  const table = new ColumnarTable();
  const warnings: string[] = [];
  await parseCsv(chunked(text, 997), table, { ...options, onWarning: (m) => warnings.push(m) });
  return { ...dump(table), warnings };
}

describe('parseCsv on worker threads', () => {
  const text = shiftingCsv(3000);

  it('gives the same table as parsing on this thread, with batches of a few rows', async () => {
    assert.ok(
      existsSync(defaultCsvWorkerScript),
      `the worker script is built next to the parser (${defaultCsvWorkerScript})`,
    );
    const here = await load(text, { workers: 0, firstBatchBytes: 100, batchBytes: 2000 });
    const workers = await load(text, { workers: 2, inThreadBytes: 0, firstBatchBytes: 100, batchBytes: 2000 });
    assert.equal(workers.rows.length, 3000);
    assert.deepEqual(workers.names, here.names);
    assert.deepEqual(workers.types, here.types);
    assert.deepEqual(workers.rows, here.rows);
    assert.deepEqual(workers.types, ['integer', 'string', 'string', 'string', 'string', 'datetime']);
    assert.equal(workers.rows[7][4], 'line 7\nnext, "q"');
    assert.equal(workers.rows[2999][1], 'w2999');
    assert.equal(workers.rows[0][1], '0', 'numbers read before the column turned to text keep their text');
    assert.equal(workers.rows[1][3], 'u1é');
    assert.deepEqual(workers.warnings, []);
  });

  it('starts the workers with the first rows when the object is known to be big, not after its first megabyte', async () => {
    // Under a megabyte arrives, with a pause once batches are on their way: only workers started at once are ready.
    const options = { firstBatchBytes: 100, batchBytes: 2000, chunksAreOwned: true };
    const unknown = await parseCsv(waitingForTheWorkers(text), new ColumnarTable(), options);
    assert.equal(unknown.workerThreads, 0, 'an object of unknown size under a megabyte is parsed here');
    const big = new ColumnarTable();
    const known = await parseCsv(waitingForTheWorkers(text), big, { ...options, expectedBytes: 50_000_000 });
    assert.ok(known.workerThreads > 0, 'a 50 MB object starts its workers with its first rows');
    assert.deepEqual(dump(big).rows, (await load(text, { workers: 0 })).rows);
  });

  it('parses a table of 500 columns or more on this thread, however big: its threads would add memory, not speed', async () => {
    const csvOf = (width: number) => {
      const lines = [Array.from({ length: width }, (_, c) => `c${c}`).join(',')];
      for (let r = 0; r < 400; r++)
        lines.push(Array.from({ length: width }, (_, c) => `v${(r * 31 + c) % 977}`).join(','));
      return lines.join('\n') + '\n';
    };
    const options = { firstBatchBytes: 100, batchBytes: 64 * 1024, chunksAreOwned: true, expectedBytes: 50_000_000 };
    const wide = csvOf(500);
    const table = new ColumnarTable();
    const result = await parseCsv(waitingForTheWorkers(wide), table, options);
    assert.equal(result.workerThreads, 0, 'no batch went to a worker thread');
    assert.equal(table.rowCount, 400);
    assert.deepEqual(dump(table).rows, (await load(wide, { workers: 0 })).rows);
    // A column fewer, and as big an object: worker threads parse it.
    const threaded = await parseCsv(waitingForTheWorkers(csvOf(499)), new ColumnarTable(), options);
    assert.ok(threaded.workerThreads > 0, 'a table of 499 columns is parsed on worker threads');
  });

  it('has each batch parsed here while the threads start reach the table before the next is cut', async () => {
    // Threads that start and never get ready: every batch is parsed on this thread, as it is added.
    const starting = workerScript('starting.js', 'setInterval(() => {}, 1000);\n');
    const queue = new CsvBatchQueue({ threads: new CsvParserThreads(starting, 2), inThreadBytes: 0 });
    try {
      queue.startWorkers();
      const config = { delimiter: ',', newline: '\n', width: 2, layouts: [] };
      queue.add([Buffer.from('1,2024-01-01T00:00:01\n2,2024-01-01T00:00:02\n')], config);
      assert.equal(queue.full, true, 'the reader waits for the batch parsed here before cutting the next');
      await queue.next();
      const [batch] = queue.takeParsed();
      assert.equal(batch.rows, 2);
      assert.equal(queue.full, false, 'once the batch is taken, the next can be cut (in the layouts it left)');
    } finally {
      await queue.close();
    }
  });

  it('parses a batch itself when a worker stops', async () => {
    const crashing = workerScript('crash.js', 'process.exit(3);\n');
    const t = await load(text, {
      workers: 2,
      workerScript: crashing,
      inThreadBytes: 0,
      firstBatchBytes: 100,
      batchBytes: 2000,
    });
    assert.equal(t.rows.length, 3000);
    assert.equal(t.rows[2999][0], 2999);
  });

  it('gives the same table when the chunks are handed to the workers as they are', async () => {
    const table = new ColumnarTable();
    await parseCsv(waitingForTheWorkers(text), table, {
      workers: 2,
      inThreadBytes: 0,
      firstBatchBytes: 100,
      batchBytes: 2000,
      chunksAreOwned: true,
    });
    const here = await load(text, { workers: 0 });
    assert.deepEqual(dump(table).rows, here.rows);
    assert.deepEqual(dump(table).types, here.types);
  });

  it('ends the load with a clear message, rows before it kept, when a worker stops holding handed-over rows', async () => {
    // Ready, then gone at the first batch: its bytes went with it.
    const stopping = workerScript(
      'stop.js',
      "const { parentPort } = require('node:worker_threads');\nparentPort.on('message', () => process.exit(3));\nparentPort.postMessage({ ready: true });\n",
    );
    const table = new ColumnarTable();
    await assert.rejects(
      parseCsv(waitingForTheWorkers(text), table, {
        workers: 1,
        workerScript: stopping,
        inThreadBytes: 0,
        firstBatchBytes: 100,
        batchBytes: 2000,
        chunksAreOwned: true,
      }),
      (e: Error) => {
        assert.match(
          e.message,
          /^Reading stopped: a CSV parse worker stopped \(exit code 3\)\. The rows before this point are shown/,
        );
        return true;
      },
    );
    assert.ok(table.rowCount > 0 && table.rowCount < 3000, `rows kept: ${table.rowCount}`);
    assert.equal(table.row(0)[0], 0);
  });

  it('stops when aborted and keeps whole batches only', async () => {
    const ac = new AbortController();
    const table = new ColumnarTable();
    let batches = 0;
    await parseCsv(chunked(text, 500), table, {
      signal: ac.signal,
      workers: 2,
      inThreadBytes: 0,
      firstBatchBytes: 100,
      batchBytes: 2000,
      onBatch: () => {
        if (++batches === 5) ac.abort();
      },
    });
    assert.ok(table.rowCount > 0 && table.rowCount < 3000, `rows: ${table.rowCount}`);
    for (const col of table.columns) assert.equal(col.length, table.rowCount);
  });

  it('stores small integers and repeated text in narrow arrays, and reads every value back', async () => {
    const lines = ['small,big,negzero,code300'];
    for (let i = 0; i < 5000; i++) lines.push(`${i - 2500},${3_000_000_000 + i},${i === 7 ? '-0' : i},k${i % 300}`);
    const text = lines.join('\n') + '\n';
    const t = await load(text, { workers: 2, inThreadBytes: 0, firstBatchBytes: 100, batchBytes: 8000 });
    assert.equal(t.rows.length, 5000);
    assert.deepEqual(t.rows[0], [-2500, 3_000_000_000, 0, 'k0']);
    assert.deepEqual(t.rows[4999], [2499, 3_000_004_999, 4999, 'k199']);
    assert.ok(Object.is(t.rows[7][2], -0), 'negative zero survives');
    assert.deepEqual([t.types[0], t.types[1], t.types[3]], ['integer', 'integer', 'string']);
    const table = new ColumnarTable();
    await parseCsv(chunked(text, 997), table, { workers: 0, firstBatchBytes: 100, batchBytes: 8000 });
    // As a load does once its rows are in: the segments being filled give back their spare room.
    table.compact();
    const [small, big, , code] = table.columns;
    assert.ok(
      small.byteSize < big.byteSize * 0.6,
      `int32 column ${small.byteSize} B vs double column ${big.byteSize} B`,
    );
    assert.ok(
      code.byteSize < 5000 * 2 + 300 * (DICTIONARY_ENTRY_BYTES + 8),
      `codes of 300 values take 2 bytes, beside their text and entries: ${code.byteSize} B`,
    );
  });
});
