import * as assert from 'node:assert/strict';
import { memoryBuffer, parseParquet, rangeBuffer } from '../../../src/formats/parquet';
import { ColumnarTable } from '../../../src/formats/table';
import { parseInline } from '../../../src/formats/tableParser';
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
});
