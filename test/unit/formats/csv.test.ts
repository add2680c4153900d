import * as assert from 'node:assert/strict';
import { parseCsv } from '../../../src/formats/csv';
import { ColumnarTable } from '../../../src/formats/table';
import { chunked, dump } from './helpers';

async function read(text: string | Uint8Array, chunk = 7, indexColumn?: number) {
  const table = new ColumnarTable();
  const warnings: string[] = [];
  const result = await parseCsv(chunked(text, chunk), table, {
    ...(indexColumn !== undefined ? { indexColumn } : {}),
    onWarning: (m) => warnings.push(m),
    firstBatchBytes: 5,
    batchBytes: 11,
  });
  return { ...dump(table), warnings, result, table };
}

describe('parseCsv', () => {
  it('reads a header and typed rows across tiny chunks', async () => {
    const t = await read('id,name,score,ok,when\n1,ann,1.5,True,2024-01-01\n2,bob,,False,2024-01-02T10:00:00\n');
    assert.deepEqual(t.names, ['id', 'name', 'score', 'ok', 'when']);
    assert.deepEqual(t.types, ['integer', 'string', 'float', 'boolean', 'datetime']);
    assert.deepEqual(t.rows, [
      [1, 'ann', 1.5, 'True', '2024-01-01'],
      [2, 'bob', null, 'False', '2024-01-02T10:00:00'],
    ]);
    assert.deepEqual(t.warnings, []);
  });

  it('recognises the pandas unnamed index column and pins it', async () => {
    const t = await read(',a,b\n0,x,1\n1,y,2\n');
    assert.equal(t.table.columns[0].index, true);
    assert.equal(t.result.indexColumn, true);
    assert.deepEqual(t.rows, [
      [0, 'x', 1],
      [1, 'y', 2],
    ]);
  });

  it("takes the column a backend's read_csv(index_col=N) names as the index, whatever its header", async () => {
    const named = await read('order_id,a\n7,x\n8,y\n', 7, 0);
    assert.deepEqual(
      named.table.columns.map((c) => [c.name, c.index]),
      [
        ['order_id', true],
        ['a', false],
      ],
    );
    const second = await read(',a,b\n0,x,1\n', 7, 1);
    assert.deepEqual(
      second.table.columns.map((c) => [c.name, c.index]),
      [
        ['Unnamed: 0', false],
        ['a', true],
        ['b', false],
      ],
    );
    assert.equal((await read('a,b\n1,2\n', 7, 5)).result.indexColumn, false);
  });

  it('keeps quoted newlines, delimiters and quotes', async () => {
    const t = await read('a,b\n"line1\nline2","x,""y"""\n3,4\n', 3);
    assert.deepEqual(t.rows, [
      ['line1\nline2', 'x,"y"'],
      ['3', '4'],
    ]);
  });

  it('strips a UTF-8 BOM', async () => {
    const t = await read('\ufeffa,b\n1,2\n');
    assert.deepEqual(t.names, ['a', 'b']);
  });

  it('sniffs semicolons and tabs', async () => {
    assert.deepEqual((await read('a;b\n1;2\n3;4\n')).rows, [
      [1, 2],
      [3, 4],
    ]);
    const tab = await read('a\tb\nx\ty\n', 100);
    assert.equal(tab.result.delimiter, '\t');
    assert.deepEqual(tab.rows, [['x', 'y']]);
  });

  it('pads short rows and adds columns for long rows, with a warning', async () => {
    const t = await read('a,b\n1\n2,3,4\n');
    assert.deepEqual(t.names, ['a', 'b', 'Unnamed: 2']);
    assert.deepEqual(t.rows, [
      [1, null, null],
      [2, 3, 4],
    ]);
    assert.match(t.warnings.join(), /2 row\(s\) had a different number of fields/);
  });

  it('reads an unclosed quote best-effort and warns', async () => {
    const t = await read('a,b\n1,"oops\n2,3\n');
    assert.equal(t.rows.length, 1);
    assert.match(t.warnings.join(), /Unclosed quote/);
  });

  it('reads a row up to the longest it holds, and stops with a clear message at one that runs past it', async () => {
    const long = (n: number) => 'x'.repeat(n);
    const load = async (text: string) => {
      const table = new ColumnarTable();
      const reading = parseCsv(chunked(text, 64 * 1024), table, { memoryBudget: 4e6, workers: 0 });
      return { table, reading };
    };
    // Just under the limit: read whole, with the rows after it.
    const fits = await load(`id,note\n1,"${long(900_000)}"\n2,b\n`);
    await fits.reading;
    assert.equal(fits.table.rowCount, 2);
    assert.equal((fits.table.row(0)[1] as string).length, 900_000);
    // Past it, whatever the path that looks for the row's end: the header, the first rows, the batches after them.
    for (const [text, said, kept] of [
      [
        `id,${long(3e6)}`,
        /^Reading stopped: the first row runs past 1\.0 MB without ending.*The object may not be CSV/,
        0,
      ],
      [
        `id,note\n1,"${long(3e6)}`,
        /^Reading stopped: the first row under the header runs past 1\.0 MB.*A quote opened in it is never closed/,
        0,
      ],
      [
        `id,note\n${Array.from({ length: 50_000 }, (_, i) => `${i},n\n`).join('')}7,${long(3e6)}`,
        /^Reading stopped after 50,000 rows: the next row runs past 1\.0 MB.*The rows before it are shown\.$/,
        50_000,
      ],
    ] as const) {
      const { table, reading } = await load(text);
      await assert.rejects(reading, (e: Error) => said.test(e.message) || assert.fail(e.message));
      assert.equal(table.rowCount, kept);
    }
  });

  it('falls back to Windows-1252 for non-UTF-8 bytes', async () => {
    const bytes = Uint8Array.from([0x61, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x0a]);
    const t = await read(bytes, 3);
    assert.deepEqual(t.rows, [['café']]);
    assert.equal(t.result.fallbackEncoding, true);
    assert.match(t.warnings.join(), /not valid UTF-8/);
  });

  it('reports an empty object and a header-only file', async () => {
    const empty = await read('');
    assert.equal(empty.table.columns.length, 0);
    assert.match(empty.warnings.join(), /no rows/);
    const headerOnly = await read('a,b\n');
    assert.deepEqual(headerOnly.names, ['a', 'b']);
    assert.deepEqual(headerOnly.types, ['empty', 'empty']);
    assert.equal(headerOnly.rows.length, 0);
  });

  it('keeps leading zeros and huge integers as text', async () => {
    const t = await read('zip,big\n00123,12345678901234567890\n');
    assert.deepEqual(t.rows, [['00123', '12345678901234567890']]);
    assert.deepEqual(t.types, ['string', 'string']);
  });

  it('switches a numeric column to text when a word appears late', async () => {
    const t = await read('v\n1\n2.5\nabc\n\n4\n');
    assert.deepEqual(
      t.rows.map((r) => r[0]),
      ['1', '2.5', 'abc', '4'],
    );
    assert.equal(t.types[0], 'string');
  });

  it('stops between chunks when aborted and keeps the rows read so far', async () => {
    const ac = new AbortController();
    const table = new ColumnarTable();
    let batches = 0;
    await parseCsv(chunked('a\n' + '1\n'.repeat(100_000), 500), table, {
      signal: ac.signal,
      firstBatchBytes: 10,
      batchBytes: 10,
      onBatch: () => {
        if (++batches === 3) ac.abort();
      },
    });
    assert.ok(table.rowCount > 0 && table.rowCount < 100_000, `rows: ${table.rowCount}`);
  });
});
