import * as assert from 'node:assert/strict';
import { appendPart, schemaDifferences, type StackPart } from '../../../src/formats/stackTables';
import { ColumnarTable } from '../../../src/formats/table';
import { dump } from './helpers';

/** A table of decoded rows under `names`. */
function table(names: string[], rows: unknown[][]): ColumnarTable {
  const t = new ColumnarTable();
  for (const n of names) t.addColumn(n);
  for (const r of rows) t.pushValueRow(r);
  return t;
}

describe('stacked tables', () => {
  it('aligns columns by name, adds new ones as missing before, and names each row by its part', async () => {
    const parts: StackPart[] = [
      { partValue: 0, table: table(['id', 'amount'], [[1, 10]]) },
      { partValue: 1, table: table(['amount', 'discount'], [[20, 0.5]]) },
      { partValue: 3, table: table(['map_index', 'id'], [[9, 3]]) },
    ];
    const into = new ColumnarTable();
    for (const p of parts) await appendPart(into, 'map_index', p);
    assert.deepEqual(dump(into), {
      names: ['map_index', 'id', 'amount', 'discount', 'map_index (data)'],
      // As pandas.concat: integer columns with gaps are float64.
      types: ['integer', 'float', 'float', 'float', 'float'],
      rows: [
        [0, 1, 10, null, null],
        [1, null, 20, 0.5, null],
        [3, 3, null, null, 9],
      ],
    });
  });

  it('reports the columns a part lacks and the types that differ, in map-index ranges', () => {
    const parts = [0, 1, 2, 5].map((i) => ({
      partValue: i,
      columns: (i === 5 ? table(['id'], [['x']]) : table(['id', 'discount'], [[i, null]])).columns,
    }));
    assert.deepEqual(schemaDifferences('map_index', parts), [
      'map_index 5 lacks column `discount`.',
      "1 column's type differs between map_indexes: `id` (integer in map_index 0–2; string in map_index 5).",
    ]);
    assert.deepEqual(schemaDifferences('map_index', parts.slice(0, 2)), []);
  });

  it('copies nothing once the panel is closed', async () => {
    const closed = new AbortController();
    closed.abort();
    const into = new ColumnarTable();
    const part = { partValue: 0, table: table(['n'], [[1], [2]]) };
    await assert.rejects(appendPart(into, 'map_index', part, closed.signal));
    assert.equal(into.rowCount, 0);
  });
});
