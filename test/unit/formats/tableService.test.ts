// Copies of a whole column: as the clipboard gets them, and refused with the count when they would be too long
// for it, found out before the text is built whole.
import * as assert from 'node:assert/strict';
import { ColumnarTable } from '../../../src/formats/table';
import { TableService } from '../../../src/formats/tableService';
import { MAX_COLUMN_COPY_CHARS, type ViewQuery, emptyQuery } from '../../../src/protocol';
import { appendTextRows } from './helpers';

function serviceOf(rows: string[][], header: string[]): TableService {
  const table = new ColumnarTable();
  for (const name of header) table.addColumn(name);
  appendTextRows(table, rows);
  return new TableService(table);
}

describe('Copy Column', () => {
  it('copies a filtered, sorted column in each format, a line a value', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => [String(i), i % 2 ? 'odd' : 'even', `n|${i}`]);
    const service = serviceOf(rows, ['id', 'kind', 'note']);
    const query: ViewQuery = {
      ...emptyQuery(),
      sortModel: [{ colId: 'c0', sort: 'desc' }],
      filterModel: { c1: { filterType: 'text', type: 'equals', filter: 'odd' } },
    };
    const tsv = await service.answer({ op: 'columnText', query, colId: 'c0', format: 'tsv', escapeFormulas: false });
    assert.equal(tsv?.count, 5000);
    assert.equal(tsv?.text, ['id', ...Array.from({ length: 5000 }, (_, k) => String(9999 - 2 * k))].join('\n') + '\n');
    const md = await service.answer({
      op: 'columnText',
      query,
      colId: 'c2',
      format: 'markdown',
      escapeFormulas: false,
    });
    assert.ok(md?.text?.startsWith('| note |\n| --- |\n| n\\|9999 |\n| n\\|9997 |\n'), md?.text?.slice(0, 60));
  });

  it('refuses a column whose copy is longer than the clipboard takes, saying how many values it has', async () => {
    const cell = 'x'.repeat(999);
    const count = Math.ceil(MAX_COLUMN_COPY_CHARS / 1000) + 10;
    const service = serviceOf(
      Array.from({ length: count }, (_, i) => [String(i), cell]),
      ['id', 'payload'],
    );
    const copied = await service.answer({
      op: 'columnText',
      query: emptyQuery(),
      colId: 'c1',
      format: 'csv',
      escapeFormulas: false,
    });
    assert.deepEqual(copied, { text: undefined, count, name: 'payload' });
    // A filter that keeps a few of the rows makes the copy fit.
    const some = await service.answer({
      op: 'columnText',
      query: { ...emptyQuery(), filterModel: { c0: { filterType: 'number', type: 'lessThan', filter: 3 } } },
      colId: 'c1',
      format: 'csv',
      escapeFormulas: false,
    });
    assert.equal(some?.text, `payload\n${cell}\n${cell}\n${cell}\n`);
  });
});
