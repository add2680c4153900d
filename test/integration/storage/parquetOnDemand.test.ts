// A Parquet object larger than the memory budget, read through the real S3 client from the loopback S3 stand-in:
// its rows are known from the footer at once, and each window the grid asks for fetches only the row groups it
// falls in, by range. Jumping to the last rows downloads the footer and that row group and nothing else; the
// groups held stay within the budget; Cancel stops a fetch; sort, filter and search cover the rows read in order.
import * as assert from 'node:assert/strict';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { isCancellation } from '../../../src/errors';
import { PART_BYTES } from '../../../src/formats/parquet';
import type { ByteTableSource } from '../../../src/formats/table';
import { type PartialRead, TableClient } from '../../../src/formats/tableClient';
import type { S3ObjectStore } from '../../../src/storage/objectStore';
import { emptyQuery } from '../../../src/protocol';
import {
  memoryObject,
  startGeneratedObjectServer,
  type GeneratedObjectServer,
} from '../../fixtures/servers/generatedObjects';
import { standInStore } from './standInPreview';

const BUCKET = 'big';
const KEY = 'rowgroups.parquet';
const GROUP_ROWS = 1000;
const GROUPS = 200;
const ROWS = GROUP_ROWS * GROUPS;
/** About six row groups of table: the file (about 6 MB) is larger, so it is read on demand. */
const BUDGET = 250_000;

const label = (i: number): string => `label ${i} ${'x'.repeat(i % 17)}`;

/** 200,000 rows in 200 row groups: an id, a float and a unique text. */
function manyGroupsParquet(): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Int32Array.from({ length: ROWS }, (_, i) => i), type: 'INT32' },
        { name: 'value', data: Float64Array.from({ length: ROWS }, (_, i) => (i * 7919) % 10007), type: 'DOUBLE' },
        { name: 'label', data: Array.from({ length: ROWS }, (_, i) => label(i)), type: 'STRING' },
      ],
      rowGroupSize: GROUP_ROWS,
    }),
  );
}

const BIG_KEY = 'bigrowgroup.parquet';
/** The same rows written without an offset index, as pyarrow writes by default. */
const BIG_PLAIN_KEY = 'bigrowgroup-noindex.parquet';
const BIG_ROWS = 600_000;

/**
 * 600,000 rows in one row group of more than PART_BYTES (as the writer counts it, uncompressed), in pages of
 * 64 KB, with an offset index (pyarrow writes one when asked, hyparquet-writer by default) or without.
 */
function bigRowGroupParquet(offsetIndex: boolean): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Int32Array.from({ length: BIG_ROWS }, (_, i) => i), type: 'INT32' as const },
        { name: 'value', data: Float64Array.from({ length: BIG_ROWS }, (_, i) => i / 4), type: 'DOUBLE' as const },
        { name: 'label', data: Array.from({ length: BIG_ROWS }, (_, i) => label(i)), type: 'STRING' as const },
      ].map((c) => ({ ...c, offsetIndex })),
      rowGroupSize: BIG_ROWS,
      pageSize: 64 * 1024,
    }),
  );
}

/** Two row groups of BIG_ROWS rows each, without an offset index. */
const TWO_BIG_KEY = 'twobiggroups.parquet';
function twoBigGroupsParquet(): Uint8Array {
  const rows = 2 * BIG_ROWS;
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Int32Array.from({ length: rows }, (_, i) => i), type: 'INT32' as const },
        { name: 'label', data: Array.from({ length: rows }, (_, i) => label(i)), type: 'STRING' as const },
      ].map((c) => ({ ...c, offsetIndex: false })),
      rowGroupSize: BIG_ROWS,
      pageSize: 64 * 1024,
    }),
  );
}

/** The byte span [start, end) of each row group's column chunks, from the footer. */
function groupSpans(file: Uint8Array): [number, number][] {
  const metadata = parquetMetadata(
    file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer,
  );
  return metadata.row_groups.map((g) => {
    let start = Infinity;
    let end = 0;
    for (const c of g.columns) {
      const m = c.meta_data!;
      const from = Number(m.dictionary_page_offset ?? m.data_page_offset);
      start = Math.min(start, from);
      end = Math.max(end, from + Number(m.total_compressed_size));
    }
    return [start, end];
  });
}

describe('Parquet row groups read on demand (S3 stand-in)', function () {
  this.timeout(120_000);
  const parquet = manyGroupsParquet();
  const spans = groupSpans(parquet);
  const footerStart = spans[GROUPS - 1][1];
  const bigFiles = { [BIG_KEY]: bigRowGroupParquet(true), [BIG_PLAIN_KEY]: bigRowGroupParquet(false) };
  const twoBig = twoBigGroupsParquet();
  let server: GeneratedObjectServer;
  let store: S3ObjectStore;
  const clients: TableClient[] = [];

  before(async () => {
    server = await startGeneratedObjectServer({
      [`${BUCKET}/${KEY}`]: memoryObject(parquet),
      [`${BUCKET}/${BIG_KEY}`]: memoryObject(bigFiles[BIG_KEY]),
      [`${BUCKET}/${BIG_PLAIN_KEY}`]: memoryObject(bigFiles[BIG_PLAIN_KEY]),
      [`${BUCKET}/${TWO_BIG_KEY}`]: memoryObject(twoBig),
    });
    store = standInStore(server);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  });

  async function s3Source(key = KEY): Promise<ByteTableSource> {
    const loc = { bucket: BUCKET, key };
    const { size } = await store.head(loc);
    return {
      kind: 'bytes',
      title: key,
      sizeBytes: size,
      keyName: key,
      open: (signal, onProgress) => store.read(loc, { signal, size, onProgress: (read) => onProgress?.(read, size) }),
      readRange: (start, end, signal) => store.readRange(loc, start, end, signal),
    };
  }

  /** Loads `source` until it stops after its first row group; returns the client and what the stop said. */
  async function openOnDemand(
    source: ByteTableSource,
  ): Promise<{ table: TableClient; stop: PartialRead; stops: PartialRead[] }> {
    const table = new TableClient();
    clients.push(table);
    const stops: PartialRead[] = [];
    const stop = await new Promise<PartialRead>((resolve, reject) => {
      const onPaused = (p: PartialRead): void => {
        stops.push(p);
        resolve(p);
      };
      table
        .load(source, { signal: new AbortController().signal, budgetBytes: BUDGET, onPaused })
        .then(() => reject(new Error('the load ended instead of stopping after the first row group')), reject);
    });
    return { table, stop, stops };
  }

  /** Read further, and wait until the read stops again (a second stop among `stops`). */
  async function readFurther(table: TableClient, stops: readonly PartialRead[]): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (stops.length > 1) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    table.readFurther();
    await stopped;
  }

  /** The rows [start, end) in file order. */
  const window = (table: TableClient, start: number, end: number, signal?: AbortSignal) =>
    table.request({ op: 'rows', query: emptyQuery(), start, end }, signal);

  it('knows every row from the footer and fetches only the footer and the row groups shown', async () => {
    const key = `${BUCKET}/${KEY}`;
    const asked = server.ranges(key).length;
    const { table, stop } = await openOnDemand(await s3Source());
    assert.deepEqual(
      { ...stop.rowGroups!, heldBytes: undefined },
      { rows: ROWS, groups: GROUPS, held: 1, heldBytes: undefined },
    );
    assert.equal(table.rowCount, GROUP_ROWS, 'the first row group is read at once');
    const opening = server.ranges(key).slice(asked);
    for (const [start, end] of opening)
      assert.ok(
        // The footer is read with the file's last 512 KB (hyparquet's first fetch), then the first row group.
        (start >= Math.min(footerStart, parquet.length - 524_288) && end === parquet.length) ||
          (start >= spans[0][0] && end <= spans[0][1]),
        `opening read ${start}-${end} is the footer or the first row group`,
      );

    // Jump to the last rows: one row group's bytes, nothing else.
    const beforeJump = server.ranges(key).length;
    const last = await window(table, ROWS - 5, ROWS);
    assert.equal(last.total, ROWS, 'the scroll range is the whole file');
    assert.deepEqual(
      last.rows.map((r) => r.slice(0, 3)),
      [0, 1, 2, 3, 4].map((k) => [ROWS - 5 + k, ((ROWS - 5 + k) * 7919) % 10007, label(ROWS - 5 + k)]),
    );
    assert.deepEqual(
      last.rowIds,
      [0, 1, 2, 3, 4].map((k) => ROWS - 5 + k),
    );
    const jump = server.ranges(key).slice(beforeJump);
    assert.ok(jump.length > 0);
    const [lastStart, lastEnd] = spans[GROUPS - 1];
    for (const [start, end] of jump)
      assert.ok(start >= lastStart && end <= lastEnd, `read ${start}-${end} lies in the last row group`);
    const fetched = jump.reduce((sum, [s, e]) => sum + (e - s), 0);
    assert.ok(fetched <= lastEnd - lastStart, `${fetched} bytes for a row group of ${lastEnd - lastStart}`);
    assert.equal(last.rowGroups?.held, 2);

    // The same window again is served from memory.
    const again = server.ranges(key).length;
    await window(table, ROWS - 2, ROWS);
    assert.equal(server.ranges(key).length, again, 'a held row group is not fetched again');
    // The whole text of a cell of a row group read on demand.
    const cell = await table.request({ op: 'cellText', rowId: ROWS - 3, colId: 'c2' });
    assert.equal(cell, label(ROWS - 3));
    const copied = await table.request({
      op: 'rowsText',
      rowIds: [ROWS - 2, ROWS - 1],
      colIds: ['c0', 'c2'],
      format: 'tsv',
      escapeFormulas: false,
    });
    assert.deepEqual(copied, {
      text: `id\tlabel\n${ROWS - 2}\t${label(ROWS - 2)}\n${ROWS - 1}\t${label(ROWS - 1)}\n`,
      count: 2,
    });
    const groupBytes = spans[1][1] - spans[1][0];
    assert.ok(
      server.sent(key) <= 524_288 + 2 * groupBytes + 1024,
      `downloaded ${server.sent(key)} of ${parquet.length} bytes: the footer's fetch and two row groups`,
    );
  });

  it('keeps the row groups it holds within the memory budget, and fetches an evicted one again', async () => {
    const { table } = await openOnDemand(await s3Source());
    let most = 0;
    for (let g = 10; g < GROUPS - 1; g += 7) {
      const start = g * GROUP_ROWS + 500;
      const r = await window(table, start, start + 600);
      // A window across two row groups gets both.
      assert.deepEqual(r.rowIds[0], start);
      assert.equal(r.rows.length, 600, `window at ${start}: ${r.rowIds[0]}…${r.rowIds[r.rowIds.length - 1]}`);
      assert.equal(r.rows[599][0], start + 599);
      assert.equal(r.rows[599][2], label(start + 599));
      assert.ok(r.rowGroups!.heldBytes <= BUDGET, `held ${r.rowGroups!.heldBytes} bytes, budget ${BUDGET}`);
      most = Math.max(most, r.rowGroups!.held);
    }
    assert.ok(most >= 3 && most < GROUPS / 4, `held at most ${most} row groups`);
    const first = await window(table, 10 * GROUP_ROWS, 10 * GROUP_ROWS + 1);
    assert.equal(first.rows[0][2], label(10 * GROUP_ROWS), 'an evicted row group read again');
  });

  it('stops a row group fetch on Cancel and reads it when asked again', async () => {
    const source = await s3Source();
    let stall = false;
    let started: (() => void) | undefined;
    let aborted = 0;
    const stalled: ByteTableSource = {
      ...source,
      readRange: (start, end, signal) => {
        if (!stall) return source.readRange!(start, end, signal);
        started?.();
        return new Promise<Uint8Array>((_resolve, reject) => {
          signal?.addEventListener('abort', () => {
            aborted++;
            reject(new Error('aborted'));
          });
        });
      },
    };
    const { table } = await openOnDemand(stalled);
    stall = true;
    const fetching = new Promise<void>((r) => (started = r));
    const abort = new AbortController();
    const asked = window(table, 150 * GROUP_ROWS, 150 * GROUP_ROWS + 10, abort.signal);
    await fetching;
    const t0 = Date.now();
    abort.abort();
    await assert.rejects(asked, (e) => isCancellation(e));
    assert.ok(Date.now() - t0 < 1000, 'Cancel answered at once');
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(aborted >= 1, 'the ranged download was stopped');
    stall = false;
    const r = await window(table, 150 * GROUP_ROWS, 150 * GROUP_ROWS + 10);
    assert.equal(r.rows[9][0], 150 * GROUP_ROWS + 9);
  });

  it('sorts, filters and searches the rows read in order, and Read further reads more of them', async () => {
    const { table, stops } = await openOnDemand(await s3Source());
    const sorted = await table.request({
      op: 'rows',
      query: { ...emptyQuery(), sortModel: [{ colId: 'c0', sort: 'desc' }] },
      start: 0,
      end: 3,
    });
    assert.equal(sorted.total, GROUP_ROWS, 'the sort covers the first row group read');
    assert.deepEqual(
      sorted.rows.map((r) => r[0]),
      [GROUP_ROWS - 1, GROUP_ROWS - 2, GROUP_ROWS - 3],
    );
    await readFurther(table, stops);
    assert.ok(stops[1].rowGroups!.heldBytes <= BUDGET * 1.2, `held ${stops[1].rowGroups!.heldBytes}`);
    const wider = await table.request({
      op: 'rows',
      query: { ...emptyQuery(), sortModel: [{ colId: 'c0', sort: 'desc' }] },
      start: 0,
      end: 1,
    });
    assert.equal(wider.total, table.rowCount);
    assert.ok(table.rowCount < ROWS / 4, `read in order up to the budget: ${table.rowCount} rows`);
  });

  for (const [bigKey, written] of [
    [BIG_KEY, 'with an offset index'],
    [BIG_PLAIN_KEY, "without an offset index (pyarrow's default)"],
  ] as const)
    it(`reads a row group larger than PART_BYTES a part at a time, ${written}: the first rows, and a jump, fetch only their part`, async () => {
      const big = bigFiles[bigKey];
      const key = `${BUCKET}/${bigKey}`;
      const [group] = parquetMetadata(
        big.buffer.slice(big.byteOffset, big.byteOffset + big.byteLength) as ArrayBuffer,
      ).row_groups;
      const parts = Math.ceil(Number(group.total_byte_size) / PART_BYTES);
      assert.ok(parts >= 2, `the row group (${group.total_byte_size} bytes) is read in ${parts} parts`);
      const [[groupStart, groupEnd]] = groupSpans(big);
      const { table, stop } = await openOnDemand(await s3Source(bigKey));
      assert.deepEqual(
        { ...stop.rowGroups!, heldBytes: undefined },
        { rows: BIG_ROWS, groups: 1, held: 1, heldBytes: undefined },
      );
      assert.equal(
        table.rowCount,
        Math.round(BIG_ROWS / parts),
        'the first part of the row group is read, not all of it',
      );
      const opened = server.sent(key);
      assert.ok(
        opened < 524_288 + (groupEnd - groupStart) * 0.75,
        `opening downloaded ${opened} of ${big.length} bytes`,
      );

      // The last rows: their part's pages only.
      const asked = server.ranges(key).length;
      const last = await window(table, BIG_ROWS - 3, BIG_ROWS);
      assert.deepEqual(
        last.rows.map((r) => r.slice(0, 3)),
        [3, 2, 1].map((k) => [BIG_ROWS - k, (BIG_ROWS - k) / 4, label(BIG_ROWS - k)]),
      );
      const fetched = server
        .ranges(key)
        .slice(asked)
        .reduce((sum, [s, e]) => sum + (e - s), 0);
      assert.ok(
        fetched > 0 && fetched < (groupEnd - groupStart) * 0.75,
        `the jump fetched ${fetched} bytes of a row group of ${groupEnd - groupStart}`,
      );
      // Rows on both sides of a part boundary, in one window.
      const boundary = Math.round(BIG_ROWS / parts);
      const across = await window(table, boundary - 2, boundary + 2);
      assert.deepEqual(across.rowIds, [boundary - 2, boundary - 1, boundary, boundary + 1]);
      assert.deepEqual(
        across.rows.map((r) => r[2]),
        across.rowIds.map((r) => label(r)),
      );
    });

  it('reads further in the first large row group after a jump to the last one without fetching its first part again', async () => {
    const key = `${BUCKET}/${TWO_BIG_KEY}`;
    const [first] = groupSpans(twoBig);
    const { table, stops } = await openOnDemand(await s3Source(TWO_BIG_KEY));
    const firstPartRows = table.rowCount;
    assert.ok(firstPartRows < BIG_ROWS, `the first part of the first group: ${firstPartRows} rows`);
    const last = await window(table, 2 * BIG_ROWS - 2, 2 * BIG_ROWS);
    assert.deepEqual(
      last.rows.map((r) => r[1]),
      [label(2 * BIG_ROWS - 2), label(2 * BIG_ROWS - 1)],
    );
    const beforeFurther = server.sent(key);
    await readFurther(table, stops);
    assert.ok(table.rowCount > firstPartRows, `Read further read on: ${table.rowCount} rows`);
    const further = server.sent(key) - beforeFurther;
    // The first group's bytes fetched for its first part are still there: only the next part's are fetched.
    assert.ok(
      further < (first[1] - first[0]) * 0.75,
      `Read further fetched ${further} bytes of a row group of ${first[1] - first[0]}`,
    );
    const after = await window(table, firstPartRows - 1, firstPartRows + 1);
    assert.deepEqual(
      after.rows.map((r) => r[1]),
      [label(firstPartRows - 1), label(firstPartRows)],
    );
  });
});
