import * as assert from 'node:assert/strict';
import {
  CorruptParquetError,
  type ParquetLayout,
  memoryBuffer,
  parseParquet,
  rangeBuffer,
} from '../../../src/formats/parquet';
import { ColumnarTable } from '../../../src/formats/table';
import { parseInline } from '../../../src/formats/tableParser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { cellText } from '../../../src/cellText';
import { dump } from './helpers';

import { MIXED_ROWS, ROW_GROUPS_ROWS, mixedParquet, rowGroupsParquet } from '../../fixtures/parquet/parquetFixtures';

const PARQUET_FIXTURES = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'parquet');

describe('parseParquet', () => {
  it('reads a file with several row groups, row group by row group, over ranged reads', async () => {
    const bytes = rowGroupsParquet();
    const ranges: [number, number][] = [];
    const file = rangeBuffer(bytes.length, async (s, e) => {
      ranges.push([s, e]);
      return bytes.slice(s, e + 1);
    });
    const table = new ColumnarTable();
    let batches = 0;
    await parseParquet(file, table, { onBatch: () => batches++ });
    assert.deepEqual(dump(table).rows, ROW_GROUPS_ROWS);
    assert.equal(dump(table).types[0], 'integer');
    assert.ok(batches > 2, 'one batch per row group');
    assert.ok(
      ranges.length > 0 && ranges.every(([s, e]) => s >= 0 && e < bytes.length),
      'reads through ranges within the file',
    );
  });

  /** One row group of `rows` rows in pages of 4 KB without an offset index (as pyarrow writes by default). */
  function plainRowGroup(rows: number): Uint8Array {
    return new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'id', data: Int32Array.from({ length: rows }, (_, i) => i), type: 'INT32', offsetIndex: false },
          {
            name: 'label',
            data: Array.from({ length: rows }, (_, i) => `label ${i}`),
            type: 'STRING',
            offsetIndex: false,
          },
        ],
        rowGroupSize: rows,
        pageSize: 4096,
      }),
    );
  }

  /** Bytes of the column chunks of the file's one row group. */
  function chunkBytes(bytes: Uint8Array): number {
    const { metadata } = footerOf(bytes);
    return metadata.row_groups[0].columns.reduce((sum, c) => sum + Number(c.meta_data!.total_compressed_size), 0);
  }

  function footerOf(bytes: Uint8Array): { metadata: ReturnType<typeof parquetMetadata> } {
    return {
      metadata: parquetMetadata(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      ),
    };
  }

  /**
   * Reads `bytes` by range in parts of `partBytes`: the table, its layout and parts, every range read, and the
   * bytes fetched by each batch (after the footer and after each part).
   */
  async function readInParts(bytes: Uint8Array, partBytes: number, beforePart?: () => Promise<void>) {
    const ranges: [number, number][] = [];
    const file = rangeBuffer(bytes.length, async (s, e) => {
      ranges.push([s, e]);
      return bytes.slice(s, e + 1);
    });
    const table = new ColumnarTable();
    let layout: ParquetLayout | undefined;
    const fetchedAtBatch: number[] = [];
    await parseParquet(file, table, {
      partBytes,
      onLayout: (l) => (layout = l),
      onBatch: (read) => fetchedAtBatch.push(read),
      ...(beforePart ? { beforePart } : {}),
    });
    return { table, layout: layout!, parts: layout!.partStarts.length - 1, ranges, fetchedAtBatch };
  }

  /** True when no byte is in two of `ranges` (inclusive ends). */
  function noByteTwice(ranges: readonly [number, number][]): boolean {
    const sorted = ranges.toSorted((a, b) => a[0] - b[0]);
    return sorted.every(([s], k) => k === 0 || s > sorted[k - 1][1]);
  }

  it('reads a large row group in parts, each one batch, each part fetching its column chunks only as far as its rows', async () => {
    const rows = 200_000;
    const bytes = plainRowGroup(rows);
    let waits = 0;
    const { table, layout, parts, ranges, fetchedAtBatch } = await readInParts(bytes, 256 * 1024, async () => {
      waits++;
    });
    assert.ok(parts >= 4, `${parts} parts`);
    assert.deepEqual(layout.partGroups, new Array(parts).fill(0));
    assert.equal(fetchedAtBatch.length, parts + 1, 'a batch after the footer and after each part');
    assert.equal(waits, parts - 1, 'the budget is asked before each part after the first');
    assert.equal(table.rowCount, rows);
    const { rows: read } = dump(table);
    assert.ok(
      read.every((row, i) => row[0] === i && row[1] === `label ${i}`),
      'every row once, in order, across the parts',
    );
    const chunks = chunkBytes(bytes);
    const firstPart = fetchedAtBatch[1] - fetchedAtBatch[0];
    assert.ok(
      firstPart < chunks / 2,
      `the first of ${parts} parts fetched ${firstPart} bytes of ${chunks} bytes of column chunks`,
    );
    // After the footer's fetch (hyparquet reads the file's last 512 KB), every byte of the chunks once.
    const afterFooter = ranges.slice(1);
    const total = afterFooter.reduce((sum, [s, e]) => sum + (e - s + 1), 0);
    assert.ok(total <= chunks, `the parts fetched ${total} bytes of ${chunks} bytes of column chunks`);
    // A window or two per column and part (the estimate of where a part's rows end can fall short once).
    assert.ok(afterFooter.length <= parts * 2 * 2, `${afterFooter.length} reads for ${parts} parts of 2 columns`);
    assert.ok(noByteTwice(afterFooter), 'no byte is fetched twice');
  });

  it("reads pyarrow's default pages (DATA_PAGE v1, no page index) in parts, each fetched only as far as its rows", async () => {
    // test/fixtures/parquet/writePyarrowPages.py: 10,000 rows with gaps, a dictionary column and a list column.
    const bytes = new Uint8Array(readFileSync(join(PARQUET_FIXTURES, 'pyarrow-v1-pages.parquet')));
    const whole = new ColumnarTable();
    await parseParquet(memoryBuffer(bytes), whole);
    const expected = dump(whole);
    assert.equal(whole.rowCount, 10_000);
    assert.deepEqual(expected.rows[1].slice(0, 4), [1, 'label 1', 0.25, 'b']);
    assert.deepEqual(expected.rows[9999].slice(0, 4), [9999, 'label 9999', 9999 / 4, 'a']);
    const { table: parted, parts, ranges, fetchedAtBatch } = await readInParts(bytes, 32 * 1024);
    assert.ok(parts >= 8, `${parts} parts`);
    assert.deepEqual(dump(parted), expected, 'the same rows as the file read whole');
    const chunks = chunkBytes(bytes);
    const firstPart = fetchedAtBatch[1] - fetchedAtBatch[0];
    assert.ok(firstPart < chunks / 2, `the first of ${parts} parts fetched ${firstPart} of ${chunks} bytes of chunks`);
    // The list column's pages cannot say their rows (v1 counts values): its chunk is read whole, once.
    assert.ok(noByteTwice(ranges.slice(1)), 'no byte is fetched twice');
  });

  it('names a large row group whose page headers are garbled as corrupt, reading it in parts', async () => {
    const bytes = plainRowGroup(50_000);
    const { metadata } = footerOf(bytes);
    const id = metadata.row_groups[0].columns[0].meta_data!;
    // Garble the middle of the id column's chunk: a page header there no longer reads.
    const middle = Number(id.data_page_offset) + Math.floor(Number(id.total_compressed_size) / 2);
    bytes.fill(0xff, middle, middle + 4096);
    const file = rangeBuffer(bytes.length, async (s, e) => bytes.slice(s, e + 1));
    await assert.rejects(
      parseParquet(file, new ColumnarTable(), { partBytes: 64 * 1024 }),
      (e: unknown) => e instanceof CorruptParquetError,
    );
  });

  it('reads snappy pages and mixed types', async () => {
    const table = new ColumnarTable();
    await parseParquet(memoryBuffer(mixedParquet()), table);
    const t = dump(table);
    assert.deepEqual(t.types, ['string', 'integer', 'integer', 'boolean', 'string']);
    assert.deepEqual(
      t.rows.map((r) => r.slice(0, 4)),
      MIXED_ROWS.map((r) => r.slice(0, 3).concat([String(r[3])])),
    );
    assert.equal(t.rows[0][4], '[1,2,3]');
  });

  it("decodes Airflow serde's DataFrame wrapper (hex Parquet)", async () => {
    const hex = Buffer.from(rowGroupsParquet()).toString('hex');
    const table = new ColumnarTable();
    const summary = await parseInline(
      { __classname__: 'pandas.core.frame.DataFrame', __version__: 1, __data__: hex },
      table,
      { signal: new AbortController().signal },
    );
    assert.equal(summary.format, 'parquet');
    assert.equal(table.rowCount, 15);
  });

  it('says garbled or cut Parquet is corrupt instead of letting a RangeError through', async () => {
    const good = rowGroupsParquet();
    const footerLength = new DataView(good.buffer, good.byteOffset).getUint32(good.length - 8, true);
    const garbled = Uint8Array.from(good);
    // Scramble the data pages, keep the footer: the reader follows offsets into noise.
    for (let i = 4; i < good.length - footerLength - 8; i++) garbled[i] = (i * 151) & 0xff;
    const cut = Uint8Array.from([...good.subarray(0, 40), ...good.subarray(good.length - footerLength - 8)]);
    for (const [name, bytes] of [
      ['garbled pages', garbled],
      ['cut data', cut],
    ] as const) {
      const error = await parseParquet(memoryBuffer(bytes), new ColumnarTable()).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof CorruptParquetError, `${name}: ${String(error)}`);
      assert.match(error.message, /^The Parquet data is corrupt: /, name);
      assert.doesNotMatch(error.message, /RangeError|DataView|undefined/, name);
    }
  });

  it('lets the errors of the reads themselves through unchanged (they are not corrupt data)', async () => {
    const bytes = rowGroupsParquet();
    const failure = new Error('S3 connection reset');
    let reads = 0;
    const file = rangeBuffer(bytes.length, async (s, e) => {
      if (++reads > 1) throw failure;
      return bytes.slice(s, e + 1);
    });
    await assert.rejects(parseParquet(file, new ColumnarTable()), (e) => e === failure);
  });

  it('reads the serde wrapper of Airflow 3.3 (`pandas.DataFrame`) and names corrupt bytes as such', async () => {
    const hex = Buffer.from(rowGroupsParquet()).toString('hex');
    const signal = new AbortController().signal;
    const table = new ColumnarTable();
    await parseInline({ __classname__: 'pandas.DataFrame', __version__: 1, __data__: hex }, table, { signal });
    assert.equal(table.rowCount, 15);
    const half = hex.slice(0, 200) + hex.slice(-400);
    for (const data of [half, 'zz', '50415231deadbeef50415231']) {
      await assert.rejects(
        parseInline({ __classname__: 'pandas.DataFrame', __version__: 1, __data__: data }, new ColumnarTable(), {
          signal,
        }),
        /^Error: The XCom holds a pandas DataFrame serialised as Parquet, but its bytes are corrupt: (?!.*(RangeError|DataView|undefined))/,
      );
    }
  });

  it('shows dates, times and gaps as pandas prints what pyarrow hands it', async () => {
    const bytes = parquetWriteBuffer({
      columnData: [
        { name: 'created', data: [new Date('2026-11-19T08:00:00.123Z'), null], type: 'TIMESTAMP' },
        { name: 'note', data: ['x', null], type: 'STRING' },
        { name: 'paid', data: [true, null], type: 'BOOLEAN' },
        { name: 'amount', data: [1.5, null], type: 'DOUBLE' },
      ],
    });
    const table = new ColumnarTable();
    await parseParquet(memoryBuffer(new Uint8Array(bytes)), table);
    const shown = table.columns.map((c) => [0, 1].map((r) => cellText(c.get(r), c.info())));
    const created = shown[0][0];
    assert.match(created, /^2026-11-19 08:00:00\.123000(\+00:00)?$/);
    assert.deepEqual(shown, [
      [created, 'NaT'],
      ['x', 'None'],
      ['True', 'None'],
      ['1.5', 'NaN'],
    ]);
    assert.deepEqual(
      table.columns.map((c) => c.type),
      ['datetime', 'string', 'boolean', 'float'],
    );
  });
});
