// JSON Lines as the preview reads it: told apart from one JSON document by its first bytes (or its name when the
// first record is long), read in batches across chunk boundaries, and stopped at a bad or endless line with the
// rows before it kept.
import * as assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { decompress } from '../../../src/formats/decompress';
import { jsonLayout, parseJsonLines } from '../../../src/formats/jsonLines';
import { sniffFormat } from '../../../src/formats/sniff';
import { ColumnarTable, type ByteTableSource } from '../../../src/formats/table';
import { parseTableSource } from '../../../src/formats/tableParser';
import { chunked, dump } from './helpers';

function source(data: string | Uint8Array, keyName = 'data.json', chunk = 13): ByteTableSource {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return { kind: 'bytes', title: keyName, keyName, sizeBytes: bytes.length, open: () => chunked(bytes, chunk) };
}

async function load(src: ByteTableSource, memoryBudget?: number) {
  const table = new ColumnarTable();
  const summary = await parseTableSource(src, table, {
    signal: new AbortController().signal,
    codecs: { sniffFormat, decompress },
    ...(memoryBudget !== undefined ? { memoryBudget } : {}),
  });
  return { summary, table, ...dump(table) };
}

describe('JSON Lines', () => {
  it('tells JSON Lines from one document by the first value and what follows it', () => {
    assert.equal(jsonLayout('{"a":1}\n{"a":2}\n', true), 'lines');
    assert.equal(jsonLayout('[1,"x"]\r\n[2,"y"]', true), 'lines');
    assert.equal(jsonLayout('{"a": "}\\"{"}\n{"a": 2}', true), 'lines', 'braces and quotes inside text do not count');
    // A pretty-printed document has newlines, but its first value does not close before them.
    assert.equal(jsonLayout('{\n  "a": {\n    "0": 1\n  }\n}\n', true), 'document');
    assert.equal(jsonLayout('[\n{"a":1},\n{"a":2}\n]', true), 'document');
    assert.equal(jsonLayout('{"a":1}', true), 'document');
    assert.equal(jsonLayout('{"a":1}\n', true), 'document');
    assert.equal(jsonLayout('{"a": [1, 2', false), undefined, 'not known before the first value closes');
  });

  it('reads records across chunk boundaries, skipping blank lines and CRLF endings', async () => {
    const text = '{"a":1,"b":"é x"}\r\n\n{"a":2,"b":"ü"}\r\n{"a":3,"b":null}';
    for (const chunk of [1, 2, 5, 1000]) {
      const r = await load(source(text, 'data.json', chunk));
      assert.equal(r.summary.format, 'json lines');
      assert.deepEqual(r.names, ['a', 'b']);
      assert.deepEqual(r.rows, [
        [1, 'é x'],
        [2, 'ü'],
        [3, null],
      ]);
    }
  });

  it('adds a column first seen in a later batch, and an integer column a batch lacks becomes float', async () => {
    const lines = [
      ...Array.from({ length: 300 }, (_, i) => JSON.stringify({ n: i })),
      ...Array.from({ length: 300 }, (_, i) => JSON.stringify({ late: `t${i}` })),
    ];
    const table = new ColumnarTable();
    await parseJsonLines(chunked(lines.join('\n'), 4096), table, {
      signal: new AbortController().signal,
      memoryBudget: 16e6,
      batchRows: 100,
    });
    const r = dump(table);
    assert.equal(table.rowCount, 600);
    assert.deepEqual(r.names, ['n', 'late']);
    assert.deepEqual(r.types, ['float', 'string'], 'read_json(lines=True) gives n float64: it has gaps');
    assert.deepEqual(r.rows[0], [0, null]);
    assert.deepEqual(r.rows[599], [null, 't299']);
  });

  it('tells JSON Lines by the name when the first record is longer than the bytes looked at', async () => {
    const wide = JSON.stringify({ text: 'w'.repeat(1_100_000) });
    const text = `${wide}\n${JSON.stringify({ text: 'short' })}\n`;
    const asLines = await load(source(text, 'frame.ndjson', 64 * 1024));
    assert.equal(asLines.summary.format, 'json lines');
    assert.equal(asLines.table.rowCount, 2);
    await assert.rejects(load(source(text, 'frame.json', 64 * 1024)), /not valid JSON/);
  });

  it('reads gzip-compressed JSON Lines', async () => {
    const text = Array.from({ length: 500 }, (_, i) => JSON.stringify({ i, s: `row ${i}` })).join('\n');
    const r = await load(source(gzipSync(Buffer.from(text)), 'part-0000.jsonl.gz', 100));
    assert.equal(r.summary.format, 'json lines');
    assert.equal(r.summary.compression, 'gzip');
    assert.deepEqual(r.rows[499], [499, 'row 499']);
  });

  it('stops at a line that is not a record, saying which, with the rows before it kept', async () => {
    const good = Array.from({ length: 10_000 }, (_, i) => `{"i":${i}}`).join('\n');
    for (const [bad, said] of [
      ['{"i": oops}', /^Line 10,001 of the JSON Lines object is not JSON: .+\. The 10,000 rows before it are shown\.$/],
      [
        '42',
        /^Line 10,001 of the JSON Lines object holds a number, not a record: each line should be one JSON object\. The 10,000 rows before it are shown\.$/,
      ],
    ] as const) {
      const table = new ColumnarTable();
      await assert.rejects(
        parseTableSource(source(`${good}\n${bad}\n{"i":0}`), table, {
          signal: new AbortController().signal,
          codecs: { sniffFormat, decompress },
        }),
        (e: Error) => said.test(e.message),
      );
      assert.equal(table.rowCount, 10_000);
    }
  });

  it('stops at a line longer than a sixteenth of the budget allows', async () => {
    const text = `{"i":1}\n{"i":2}\n{"t":"${'x'.repeat(300_000)}"}\n{"i":4}\n`;
    await assert.rejects(load(source(text, 'data.jsonl', 4096), 4e6), (e: Error) =>
      /^Reading stopped at line 3 of the JSON Lines object: it runs past 250 KB without ending, longer than the preview reads in one line\. The 2 rows before it are shown\.$/.test(
        e.message,
      ),
    );
  });
});
