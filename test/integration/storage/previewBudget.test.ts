// Previews of objects larger than the memory budget, read through the real S3 client from a loopback S3 stand-in
// that generates the bytes on the fly (a 4 GB CSV that never exists on disk, Parquet with many row groups): reading
// stops at the budget, says how much of the object the table holds, reads further on request, and never downloads
// the rest; Cancel works at every stage.
import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { isCancellation } from '../../../src/errors';
import { defaultWorkerCount } from '../../../src/formats/csvWorkerPool';
import type { ByteTableSource } from '../../../src/formats/table';
import type { PartialRead, TableClient } from '../../../src/formats/tableClient';
import { VIEW_BYTES_PER_ROW } from '../../../src/formats/tableView';
import type { S3ObjectStore } from '../../../src/storage/objectStore';
import { emptyQuery } from '../../../src/protocol';
import {
  fixedWidthCsv,
  fixedWidthJsonLines,
  memoryObject,
  startGeneratedObjectServer,
  type GeneratedObjectServer,
  unendingJsonLine,
  unendingRowCsv,
  wideTextCsv,
} from '../../fixtures/servers/generatedObjects';
import { TableClients, previewSourceOf, standInStore } from './standInPreview';

const BUCKET = 'big';
const CSV_KEY = 'huge.csv';
const JSON_LINES_KEY = 'huge.jsonl';
const UNENDING_LINE_KEY = 'unending-line.jsonl';
const PARQUET_KEY = 'groups.parquet';
const GZ_PARQUET_KEY = 'groups.parquet.gz';
const UNCLOSED_QUOTE_KEY = 'unclosed-quote.csv';
const NO_NEWLINE_KEY = 'no-newline.csv';
const WIDE_CSV_KEY = 'wide.csv';
const CSV = fixedWidthCsv(4e9);
const WIDE_CSV = wideTextCsv(4e9, 2000);
const JSON_LINES = fixedWidthJsonLines(4e9);
const GROUP_ROWS = 5000;
const GROUPS = 40;

/** 200,000 rows in 40 row groups: an id, a float and a unique text. */
function manyGroupsParquet(): Uint8Array {
  const n = GROUP_ROWS * GROUPS;
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Int32Array.from({ length: n }, (_, i) => i), type: 'INT32' },
        { name: 'value', data: Float64Array.from({ length: n }, (_, i) => (i * 7919) % 10007), type: 'DOUBLE' },
        {
          name: 'label',
          data: Array.from({ length: n }, (_, i) => `label ${i} ${'x'.repeat(i % 17)}`),
          type: 'STRING',
        },
      ],
      rowGroupSize: GROUP_ROWS,
    }),
  );
}

/** The most threads this process ran while watched (Linux: /proc/self/task), sampled every few milliseconds. */
class ThreadWatch {
  private most = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    this.watch();
  }

  count(): number {
    return readdirSync('/proc/self/task').length;
  }

  watch(): void {
    this.most = this.count();
    this.timer = setInterval(() => (this.most = Math.max(this.most, this.count())), 5);
  }

  /** Stops watching; the most threads seen. */
  stop(): number {
    clearInterval(this.timer);
    return Math.max(this.most, this.count());
  }

  /** Waits up to 5 s for the thread count to satisfy `test`. */
  async until(test: (threads: number) => boolean, what: string): Promise<void> {
    for (const started = Date.now(); !test(this.count()); await new Promise((r) => setTimeout(r, 20)))
      if (Date.now() - started > 5000) assert.fail(`${what}: ${this.count()} threads`);
  }
}

describe('previews past the memory budget (S3 stand-in generating the bytes)', function () {
  this.timeout(180_000);
  const parquet = manyGroupsParquet();
  let server: GeneratedObjectServer;
  let store: S3ObjectStore;
  const clients = new TableClients();

  before(async () => {
    server = await startGeneratedObjectServer({
      [`${BUCKET}/${CSV_KEY}`]: CSV,
      [`${BUCKET}/${JSON_LINES_KEY}`]: JSON_LINES,
      [`${BUCKET}/${WIDE_CSV_KEY}`]: WIDE_CSV,
      [`${BUCKET}/${UNENDING_LINE_KEY}`]: unendingJsonLine(4e9, 1000),
      [`${BUCKET}/${PARQUET_KEY}`]: memoryObject(parquet),
      [`${BUCKET}/${GZ_PARQUET_KEY}`]: memoryObject(gzipSync(parquet)),
      [`${BUCKET}/${UNCLOSED_QUOTE_KEY}`]: unendingRowCsv(4e9, 1000, true),
      [`${BUCKET}/${NO_NEWLINE_KEY}`]: unendingRowCsv(4e9, 0, false),
    });
    store = standInStore(server);
  });
  after(async () => {
    await clients.closeAll();
    await server.close();
  });

  const s3Source = (key: string): Promise<ByteTableSource> => previewSourceOf(store, BUCKET, key);
  const client = (): TableClient => clients.open();

  /** Samples the process's RSS every 5 ms from now; `stop` says how far past its size now it peaked. */
  function rssGrowth(): { stop(): number } {
    const before = process.memoryUsage.rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
    return {
      stop: () => {
        clearInterval(sampler);
        return peak - before;
      },
    };
  }

  /** Starts a load and returns a way to wait for each stop at the budget. */
  function startLoad(table: TableClient, source: ByteTableSource, budgetBytes: number, signal: AbortSignal) {
    const stops: PartialRead[] = [];
    let wake: (() => void) | undefined;
    const loading = table.load(source, {
      signal,
      budgetBytes,
      onPaused: (p) => {
        stops.push(p);
        wake?.();
      },
    });
    loading.catch(() => {});
    const nextStop = async (count: number): Promise<PartialRead> => {
      while (stops.length < count) {
        const ended = await Promise.race([
          new Promise<false>((r) => (wake = () => r(false))),
          loading.then(
            () => true,
            () => true,
          ),
        ]);
        if (ended && stops.length < count)
          assert.fail(`the load ended instead of stopping at the budget (${stops.length} stops)`);
      }
      return stops[count - 1];
    };
    return { loading, nextStop };
  }

  it('stops a 4 GB CSV at the budget, says how much it holds, reads further on request and downloads no more', async () => {
    const table = client();
    const abort = new AbortController();
    const source = await s3Source(CSV_KEY);
    assert.equal(source.sizeBytes, CSV.size);
    const budget = 32e6;
    const threads = new ThreadWatch();
    const { loading, nextStop } = startLoad(table, source, budget, abort.signal);

    const first = await nextStop(1);
    const rowsAtFirst = table.rowCount;
    // While reading waits, the parser threads are stopped: they would hold their memory as long as the panel is open.
    const whileReading = threads.stop();
    await threads.until((n) => n <= whileReading - defaultWorkerCount(), 'the parser threads stop at the budget');
    assert.equal(first.totalBytes, CSV.size);
    // The budget holds the table and the room to sort and filter its rows. Reading stops once they reach it; the
    // table then gives back the spare room of its last chunks, so it may hold a little less when the stop is told.
    const held = table.tableBytes + table.rowCount * VIEW_BYTES_PER_ROW;
    assert.ok(
      held >= 0.75 * budget && held < 2 * budget,
      `table holds ${table.tableBytes} bytes, ${table.rowCount} rows`,
    );
    assert.ok(rowsAtFirst > 100_000, `rows: ${rowsAtFirst}`);
    assert.ok(first.bytesRead < 0.05 * CSV.size, `read ${first.bytesRead} of ${CSV.size}`);
    const top = await table.request({ op: 'rows', query: emptyQuery(), start: 0, end: 2 });
    assert.deepEqual(top.rows[1], ['0000000001', 'online_', '0007919', 'note 0001']);
    // Sorting covers the part read: every row held, none beyond.
    const sorted = await table.request({
      op: 'rows',
      query: { ...emptyQuery(), sortModel: [{ colId: 'c0', sort: 'desc' }] },
      start: 0,
      end: 1,
    });
    assert.equal(sorted.total, rowsAtFirst);
    assert.deepEqual(sorted.rowIds, [rowsAtFirst - 1]);
    // Waiting at the budget downloads nothing more than what the socket buffers hold.
    const sentAtStop = server.sent(`${BUCKET}/${CSV_KEY}`);
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(server.sent(`${BUCKET}/${CSV_KEY}`) - first.bytesRead < 24e6, 'the download waits while reading waits');
    assert.ok(sentAtStop < 0.05 * CSV.size);

    const whileWaiting = threads.count();
    threads.watch();
    table.readFurther();
    const second = await nextStop(2);
    assert.ok(table.rowCount > 1.5 * rowsAtFirst, `rows after Read further: ${table.rowCount}`);
    assert.ok(second.bytesRead > first.bytesRead && second.bytesRead < 0.1 * CSV.size);
    assert.ok(threads.stop() >= whileWaiting + defaultWorkerCount(), 'Read further parses on the parser threads again');
    // The batches on their way when reading stopped were kept: the rows go on where they stopped.
    const next = await table.request({ op: 'rows', query: emptyQuery(), start: rowsAtFirst, end: rowsAtFirst + 1 });
    assert.equal(next.rows[0][0], String(rowsAtFirst).padStart(10, '0'), 'no row lost or read twice at the stop');

    // Cancel while waiting at the budget: the load ends, the rows stay, the download stops.
    abort.abort();
    await assert.rejects(loading, (e) => isCancellation(e));
    const kept = await table.request({ op: 'rows', query: emptyQuery(), start: 0, end: 1 });
    assert.equal(kept.total, table.rowCount);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(
      server.sent(`${BUCKET}/${CSV_KEY}`) < second.bytesRead + 24e6,
      'nothing more was downloaded after Cancel',
    );
  });

  it('stops a 4 GB CSV of 2,000 text columns at the budget, holding about what it says, each row read back', async () => {
    const table = client();
    const abort = new AbortController();
    const budget = 256e6;
    const growth = rssGrowth();
    const started = Date.now();
    const { loading, nextStop } = startLoad(table, await s3Source(WIDE_CSV_KEY), budget, abort.signal);
    const stop = await nextStop(1);
    const seconds = (Date.now() - started) / 1000;
    const grew = growth.stop();
    const rows = table.rowCount;
    console.log(
      `      wide CSV: ${rows} rows, table ${Math.round(table.tableBytes / 1e6)} MB, RSS +${Math.round(grew / 1e6)} MB, ${seconds} s`,
    );
    assert.ok(rows > 1000, `rows: ${rows}`);
    assert.ok(stop.bytesRead < 0.1 * WIDE_CSV.size, `read ${stop.bytesRead}`);
    // What the table says it holds is what the process took for it: not ten times more in lookup maps and arrays.
    assert.ok(grew < 5 * budget, `the process grew by ${grew} bytes for a table of ${table.tableBytes}`);
    for (const i of [0, Math.floor(rows / 2), rows - 1]) {
      const got = await table.request({ op: 'rows', query: emptyQuery(), start: i, end: i + 1 });
      assert.equal(`${got.rows[0].join(',')}\n`, WIDE_CSV.row(i), `row ${i}`);
    }
    abort.abort();
    await assert.rejects(loading, (e) => isCancellation(e));
  });

  it('keeps the whole process within the default budget on 2,000 text columns, whose threads grow with the width', async () => {
    // What the table holds is not all a wide table costs: the threads' heaps and garbage grow with the width, and
    // took the process to 1.65× the budget. Reading stops once the process has grown by the table's share of the
    // budget too, the threads' reserve left for what is on its way.
    const table = client();
    const abort = new AbortController();
    const budget = 512e6;
    const growth = rssGrowth();
    const { loading, nextStop } = startLoad(table, await s3Source(WIDE_CSV_KEY), budget, abort.signal);
    const stop = await nextStop(1);
    const grew = growth.stop();
    const rows = table.rowCount;
    console.log(
      `      wide CSV at the default budget: ${rows} rows, table ${Math.round(table.tableBytes / 1e6)} MB, RSS +${Math.round(grew / 1e6)} MB`,
    );
    assert.ok(grew < 1.1 * budget, `the process grew by ${Math.round(grew / 1e6)} MB for a ${budget / 1e6} MB budget`);
    assert.ok(rows > 1000, `rows: ${rows}`);
    assert.ok(stop.bytesRead < 0.1 * WIDE_CSV.size, `read ${stop.bytesRead}`);
    const last = await table.request({ op: 'rows', query: emptyQuery(), start: rows - 1, end: rows });
    assert.equal(`${last.rows[0].join(',')}\n`, WIDE_CSV.row(rows - 1), 'the last row held reads back');
    abort.abort();
    await assert.rejects(loading, (e) => isCancellation(e));
  });

  it('stops 4 GB of JSON Lines at the budget with pandas dtypes, reads further on request and cancels', async () => {
    const table = client();
    const abort = new AbortController();
    const source = await s3Source(JSON_LINES_KEY);
    const budget = 32e6;
    const { loading, nextStop } = startLoad(table, source, budget, abort.signal);

    const first = await nextStop(1);
    const rowsAtFirst = table.rowCount;
    assert.equal(first.totalBytes, JSON_LINES.size);
    assert.ok(rowsAtFirst > 100_000, `rows: ${rowsAtFirst}`);
    assert.ok(first.bytesRead < 0.05 * JSON_LINES.size, `read ${first.bytesRead} of ${JSON_LINES.size}`);
    const held = table.tableBytes + table.rowCount * VIEW_BYTES_PER_ROW;
    assert.ok(
      held >= 0.75 * budget && held < 2 * budget,
      `table holds ${table.tableBytes} bytes, ${table.rowCount} rows`,
    );
    // read_json(lines=True)'s dtypes: numeric text such as the zero-padded id becomes int64, created_at a datetime.
    assert.deepEqual(
      table.columns.map((c) => `${c.name}: ${c.type}`),
      ['id: integer', 'category: string', 'amount: integer', 'created_at: datetime'],
    );
    const top = await table.request({ op: 'rows', query: emptyQuery(), start: 1, end: 2 });
    assert.deepEqual(top.rows[0].slice(0, 3), [1, 'online_', 1_007_919]);

    table.readFurther();
    const second = await nextStop(2);
    assert.ok(table.rowCount > 1.5 * rowsAtFirst, `rows after Read further: ${table.rowCount}`);
    assert.ok(second.bytesRead < 0.1 * JSON_LINES.size);
    const next = await table.request({ op: 'rows', query: emptyQuery(), start: rowsAtFirst, end: rowsAtFirst + 1 });
    assert.equal(next.rows[0][0], rowsAtFirst, 'no line lost or read twice at the stop');

    abort.abort();
    await assert.rejects(loading, (e) => isCancellation(e));
    await new Promise((r) => setTimeout(r, 300));
    const sent = server.sent(`${BUCKET}/${JSON_LINES_KEY}`);
    assert.ok(sent < second.bytesRead + 24e6, `downloaded ${sent} bytes after Cancel`);
  });

  it('stops JSON Lines at a line that never ends with a clear message, keeping the rows before it', async () => {
    const table = client();
    const budget = 16e6;
    await assert.rejects(
      table.load(await s3Source(UNENDING_LINE_KEY), { signal: new AbortController().signal, budgetBytes: budget }),
      (e: Error) => {
        assert.match(
          e.message,
          /^Reading stopped at line 1,001 of the JSON Lines object: it runs past 1\.0 MB without ending, longer than the preview reads in one line\. The 1,000 rows before it are shown\.$/,
        );
        return true;
      },
    );
    assert.equal(table.rowCount, 1000);
    const read = server.sent(`${BUCKET}/${UNENDING_LINE_KEY}`);
    assert.ok(read < budget + 24e6, `read ${read} bytes of 4 GB`);
  });

  for (const [key, rowsBefore, said] of [
    [
      UNCLOSED_QUOTE_KEY,
      1000,
      /^Reading stopped after 1,000 rows: the next row runs past 4\.0 MB without ending, longer than the preview reads in one row\. A quote opened in it is never closed, so all that follows reads as one cell\. The rows before it are shown\.$/,
    ],
    [
      NO_NEWLINE_KEY,
      0,
      /^Reading stopped: the first row under the header runs past 4\.0 MB without ending, longer than the preview reads in one row\. The object may not be CSV/,
    ],
  ] as const)
    it(`stops a 4 GB CSV at a row that never ends (${key}) with a clear message, not at the end of memory`, async () => {
      const table = client();
      const budget = 16e6;
      const before = server.sent(`${BUCKET}/${key}`);
      await assert.rejects(
        table.load(await s3Source(key), { signal: new AbortController().signal, budgetBytes: budget }),
        (e: Error) => {
          assert.match(e.message, said);
          return true;
        },
      );
      assert.equal(table.rowCount, rowsBefore, 'the rows before it are kept');
      const rows = await table.request({ op: 'rows', query: emptyQuery(), start: 0, end: 1 });
      assert.equal(rows.total, rowsBefore);
      await new Promise((r) => setTimeout(r, 300));
      const read = server.sent(`${BUCKET}/${key}`) - before;
      assert.ok(read < budget + 24e6, `read ${read} bytes of 4 GB`);
    });

  it('fetches Parquet row groups by range only up to the budget, and the rest on Read further', async () => {
    const table = client();
    const source = await s3Source(PARQUET_KEY);
    const key = `${BUCKET}/${PARQUET_KEY}`;
    const before = server.sent(key);
    // About eight row groups' worth of table, and the room to sort them.
    const budget = 8 * GROUP_ROWS * (30 + VIEW_BYTES_PER_ROW);
    const { loading, nextStop } = startLoad(table, source, budget, new AbortController().signal);
    const first = await nextStop(1);
    assert.equal(table.rowCount % GROUP_ROWS, 0, 'whole row groups');
    assert.ok(table.rowCount >= GROUP_ROWS && table.rowCount < (GROUPS * GROUP_ROWS) / 2, `rows: ${table.rowCount}`);
    const fetched = server.sent(key) - before;
    assert.ok(fetched < parquet.length / 2, `fetched ${fetched} of ${parquet.length} bytes`);
    assert.equal(first.totalBytes, parquet.length);
    let stops = 1;
    for (;;) {
      table.readFurther();
      const ended = await Promise.race([loading.then(() => true), nextStop(stops + 1).then(() => false)]);
      if (ended) break;
      stops++;
    }
    assert.equal(table.rowCount, GROUPS * GROUP_ROWS);
    assert.ok(stops > 2, `stops at the budget: ${stops}`);
    const last = await table.request({
      op: 'rows',
      query: emptyQuery(),
      start: GROUPS * GROUP_ROWS - 1,
      end: GROUPS * GROUP_ROWS,
    });
    assert.equal(last.rows[0][0], GROUPS * GROUP_ROWS - 1);
  });

  it('refuses a compressed Parquet object larger than the budget with a message that says what to do', async () => {
    const table = client();
    const source = await s3Source(GZ_PARQUET_KEY);
    await assert.rejects(
      table.load(source, { signal: new AbortController().signal, budgetBytes: 100_000 }),
      /has to be read whole and is larger than the preview's memory budget \(100 KB\): raise xcomLens\.preview\.memoryBudgetMB/,
    );
  });

  it('cancels a Parquet load while its row groups are being fetched', async () => {
    const table = client();
    const abort = new AbortController();
    const source = await s3Source(PARQUET_KEY);
    let ranges = 0;
    const counted: ByteTableSource = {
      ...source,
      readRange: (start, end, signal) => {
        if (++ranges === 4) abort.abort();
        return source.readRange!(start, end, signal);
      },
    };
    await assert.rejects(table.load(counted, { signal: abort.signal }), (e) => isCancellation(e));
    assert.ok(table.rowCount < GROUPS * GROUP_ROWS);
  });
});
