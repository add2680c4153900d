import * as assert from 'node:assert/strict';
import { rowGroupsParquet } from '../../fixtures/parquet/parquetFixtures';
import { gzipSync } from 'node:zlib';
import { decompress } from '../../../src/formats/decompress';
import { sniffFormat } from '../../../src/formats/sniff';
import { ColumnarTable, type ByteTableSource } from '../../../src/formats/table';
import { parseTableSource } from '../../../src/formats/tableParser';
import { chunked, dump } from './helpers';

const codecs = { sniffFormat, decompress };

/** A byte source over memory, optionally with ranged reads. */
function source(bytes: Uint8Array | string, extra: Partial<ByteTableSource> = {}): ByteTableSource {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return { kind: 'bytes', title: 't', sizeBytes: data.length, open: () => chunked(data, 1000), ...extra };
}

async function load(src: ByteTableSource) {
  const table = new ColumnarTable();
  const warnings: string[] = [];
  let progress = 0;
  const summary = await parseTableSource(src, table, {
    signal: new AbortController().signal,
    codecs,
    onWarning: (m) => warnings.push(m),
    onProgress: () => progress++,
  });
  return { summary, warnings, progress, ...dump(table) };
}

describe('parseTableSource', () => {
  const csv = 'a,b\n1,x\n2,y\n';

  it('sniffs CSV and JSON', async () => {
    assert.equal((await load(source(csv))).summary.format, 'csv');
    const json = await load(source('{"a": {"0": 1, "1": NaN}}'));
    assert.equal(json.summary.format, 'json');
    assert.deepEqual(json.rows, [[1], [null]]);
  });

  it('decompresses gzip by its magic bytes', async () => {
    const r = await load(source(gzipSync(Buffer.from(csv)), { keyName: 'data_1.csv.gz' }));
    assert.equal(r.summary.compression, 'gzip');
    assert.deepEqual(r.rows, [
      [1, 'x'],
      [2, 'y'],
    ]);
  });

  it('reads Parquet through ranged reads when the source offers them', async () => {
    const bytes = rowGroupsParquet();
    let opened = false;
    const r = await load(
      source(bytes, {
        open: () => {
          opened = true;
          return chunked(bytes);
        },
        readRange: async (s, e) => bytes.slice(s, e + 1),
      }),
    );
    assert.equal(r.summary.format, 'parquet');
    assert.equal(r.rows.length, 15);
    assert.equal(opened, false, 'no full download');
  });

  it('gives clear messages for empty objects, pickles and non-tables', async () => {
    const empty = await load(source(''));
    assert.match(empty.warnings.join(), /empty/);
    await assert.rejects(load(source(Uint8Array.from([0x80, 0x04, 0x4b, 0x2a, 0x2e]))), /pickle/);
    await assert.rejects(load(source('"just a string"', { formatHint: 'json' })), /not a table|not valid JSON/);
  });

  it('decodes a JSON document within a quarter of the memory budget, and refuses a larger one saying why', async () => {
    const records = (n: number) =>
      JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: i, name: `name ${i}`, note: 'x'.repeat(20) })));
    const within = (text: string) =>
      parseTableSource(source(text), new ColumnarTable(), {
        signal: new AbortController().signal,
        codecs,
        memoryBudget: 400_000,
      });
    const fits = records(1500);
    assert.ok(fits.length < 100_000);
    assert.equal((await within(fits)).format, 'json');
    const larger = records(3000);
    assert.ok(larger.length > 100_000 && larger.length < 400_000);
    await assert.rejects(
      within(larger),
      (e: Error) =>
        e.message ===
        "The JSON document has to be read whole, and decoding it takes about 4 times its size: it is larger than the preview's memory budget allows (100 KB for a budget of 400 KB). Raise xcomLens.preview.memoryBudgetMB to preview it.",
    );
  });

  it('trusts magic bytes over a wrong format hint', async () => {
    const bytes = rowGroupsParquet();
    const r = await load(source(bytes, { formatHint: 'csv', sizeBytes: undefined }));
    assert.equal(r.summary.format, 'parquet');
  });
});

describe('text with a byte-order mark', () => {
  const utf16 = (text: string, order: 'le' | 'be'): Uint8Array => {
    const le = Buffer.from(`\ufeff${text}`, 'utf16le');
    if (order === 'le') return le;
    const be = Buffer.from(le);
    be.swap16();
    return be;
  };
  const csv = 'name,amount\nZoë,0.5\n東京 🚀,2.0\n';

  it('sniffs UTF-16 CSV and JSON as text, not binary', () => {
    assert.deepEqual(sniffFormat(utf16(csv, 'le')), { format: 'csv' });
    assert.deepEqual(sniffFormat(utf16(csv, 'be')), { format: 'csv' });
    assert.deepEqual(sniffFormat(utf16('{"a": [1]}', 'be')), { format: 'json' });
    assert.deepEqual(sniffFormat(new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('{"a": [1]}')])), { format: 'json' });
  });

  it('reads UTF-16 LE and BE and UTF-8 with a mark, characters cut between chunks included', async () => {
    for (const data of [utf16(csv, 'le'), utf16(csv, 'be'), Buffer.from(`\ufeff${csv}`)]) {
      const src: ByteTableSource = { kind: 'bytes', title: 't', open: () => chunked(data, 3) };
      const t = await load(src);
      assert.equal(t.summary.format, 'csv');
      assert.deepEqual(t.names, ['name', 'amount']);
      assert.deepEqual(t.rows, [
        ['Zoë', 0.5],
        ['東京 🚀', 2],
      ]);
      assert.deepEqual(t.warnings, []);
    }
    const json = await load({ kind: 'bytes', title: 't', open: () => chunked(utf16('{"a": {"0": "é"}}', 'le'), 5) });
    assert.equal(json.summary.format, 'json');
    assert.deepEqual(json.rows, [['é']]);
  });
});

describe('JSON nested 10,000 levels deep', () => {
  it('is valid JSON: the grid shows it as one bounded cell, not "not valid JSON" nor a stack overflow', async () => {
    const depth = 10_000;
    const text = `{"payload": {"0": ${'['.repeat(depth)}NaN${']'.repeat(depth)}}}`;
    const t = await load(source(text));
    assert.equal(t.summary.format, 'json');
    assert.deepEqual(t.names, ['payload']);
    const cell = t.rows[0][0] as string;
    assert.ok(cell.startsWith('[[[[') && cell.includes('...'), cell.slice(0, 80));
    assert.ok(cell.length < 1_000, `cell of ${cell.length} characters`);
  });
});
