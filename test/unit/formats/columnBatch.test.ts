import * as assert from 'node:assert/strict';
import { type BatchColumn, packBatch } from '../../../src/formats/columnBatch';
import { parseCsvBatch } from '../../../src/formats/csvBatchParser';
import { ColumnarTable } from '../../../src/formats/table';

/** Every typed array a column holds. */
function arraysOf(col: BatchColumn): ArrayBufferView[] {
  if (col.kind === 'number') return [col.values];
  if (col.kind === 'dictionary') return [col.codes];
  if (col.kind === 'iso') return [col.values, ...(col.nulls ? [col.nulls] : [])];
  return [col.bytes, col.ends, ...(col.nulls ? [col.nulls] : [])];
}

describe('packBatch', () => {
  // A few rows of every kind of column: small integers, doubles, scaled decimals, repeats, text with missing
  // cells and text beyond ASCII, ISO dates with missing cells: an array of each type, of odd lengths.
  const cells = Array.from({ length: 37 }, (_, i) => [
    i,
    i * 1e10 + 0.5,
    (i * 1.25).toFixed(2),
    ['red', 'green'][i % 2],
    i % 4 === 0 ? null : `note ${i}${i % 3 === 0 ? ' é' : ''}`,
    i % 5 === 0 ? null : `2024-02-${String((i % 28) + 1).padStart(2, '0')}`,
  ]);
  const lines = cells.map((row) => row.map((v) => v ?? '').join(','));
  const text = lines.join('\n') + '\n';
  const parse = () =>
    parseCsvBatch(new TextEncoder().encode(text), {
      delimiter: ',',
      newline: '\n',
      width: 6,
      layouts: ['number', 'number', 'number', 'dictionary', 'text', 'text'],
    });

  it('puts every array of a batch in one buffer, and the batch reads back the same once handed over', () => {
    const batch = parse();
    assert.deepEqual(
      batch.columns.map((c) => c.kind),
      ['number', 'number', 'number', 'dictionary', 'text', 'iso'],
    );
    const before = structuredClone(batch);
    const packed = packBatch(batch);
    for (const col of batch.columns)
      for (const a of arraysOf(col)) assert.equal(a.buffer, packed, `${col.kind} column's arrays are in the buffer`);
    // Handed to another thread as that one buffer, as the parser threads send a batch of a few rows.
    const moved = structuredClone(batch, { transfer: [packed] });
    assert.equal(packed.byteLength, 0, 'the buffer itself was handed over');
    assert.deepEqual(moved, before);

    const table = new ColumnarTable();
    for (let c = 0; c < 6; c++) table.addColumn(`c${c}`);
    table.appendBatch(moved);
    // Numbers read back as numbers (the decimals as the doubles their text is), text as written, missing as null.
    for (let r = 0; r < cells.length; r++)
      assert.deepEqual(
        table.row(r),
        cells[r].map((v, c) => (c === 2 ? Number(v) : v)),
        `row ${r}`,
      );
  });
});
