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
import { parquetWriteBuffer } from 'hyparquet-writer';
import { cellText } from '../../../src/cellText';
import { dump } from './helpers';

import { MIXED_ROWS, ROW_GROUPS_ROWS, mixedParquet, rowGroupsParquet } from '../../fixtures/parquet/parquetFixtures';

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

  it('reads a large row group in parts, each one batch, fetching its column chunks once for all of them', async () => {
    // One row group of 20,000 rows in pages of 4 KB without an offset index: every part reads the whole column
    // chunks, which the parts of the group share.
    const rows = 20_000;
    const bytes = new Uint8Array(
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
    const file = rangeBuffer(bytes.length, async (s, e) => bytes.slice(s, e + 1));
    const table = new ColumnarTable();
    let layout: ParquetLayout | undefined;
    let batches = 0;
    let waits = 0;
    await parseParquet(file, table, {
      partBytes: 64 * 1024,
      onLayout: (l) => (layout = l),
      onBatch: () => batches++,
      beforePart: async () => {
        waits++;
      },
    });
    const parts = layout!.partStarts.length - 1;
    assert.ok(parts >= 4, `${parts} parts`);
    assert.deepEqual(layout!.partGroups, new Array(parts).fill(0));
    assert.equal(batches, parts + 1, 'a batch after the footer and after each part');
    assert.equal(waits, parts - 1, 'the budget is asked before each part after the first');
    assert.equal(table.rowCount, rows);
    const { rows: read } = dump(table);
    assert.deepEqual(read[0], [0, 'label 0']);
    assert.deepEqual(read[rows - 1], [rows - 1, `label ${rows - 1}`]);
    assert.ok(
      read.every((row, i) => row[0] === i && row[1] === `label ${i}`),
      'every row once, in order, across the parts',
    );
    // The footer's fetch (hyparquet reads the file's last 512 KB: all of this one), then the column chunks once.
    assert.ok(file.bytesRead <= 2 * bytes.length, `fetched ${file.bytesRead} bytes of a ${bytes.length}-byte file`);
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
