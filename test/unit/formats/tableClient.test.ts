import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCancellation } from '../../../src/errors';
import type { ByteTableSource, InlineTableSource } from '../../../src/formats/table';
import { TableClient } from '../../../src/formats/tableClient';
import { emptyQuery, type ViewQuery } from '../../../src/protocol';
import { rowGroupsParquet } from '../../fixtures/parquet/parquetFixtures';
import { chunked } from './helpers';

/** `rows` rows of id, a number that repeats in reverse, a unique text and a category. */
function csvText(rows: number): string {
  let out = 'id,amount,name,kind\n';
  for (let i = 0; i < rows; i++)
    out += `${i},${(rows - i) % 1000},name_${(i * 7919) % rows},${['a', 'b', 'c'][i % 3]}\n`;
  return out;
}

function source(data: string | Uint8Array, extra: Partial<ByteTableSource> = {}): ByteTableSource {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return { kind: 'bytes', title: 't.csv', sizeBytes: bytes.length, open: () => chunked(bytes, 64 * 1024), ...extra };
}

const sorted = (colId: string, sort: 'asc' | 'desc'): ViewQuery => ({ ...emptyQuery(), sortModel: [{ colId, sort }] });

describe('table in a worker thread', function () {
  this.timeout(60_000);
  const clients: TableClient[] = [];
  const client = (): TableClient => {
    const c = new TableClient();
    clients.push(c);
    return c;
  };
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });

  it('loads a streamed CSV and answers windows, statistics, copies and exports there', async () => {
    const table = client();
    const warnings: string[] = [];
    let schemas = 0;
    const summary = await table.load(source(csvText(60_000)), {
      signal: new AbortController().signal,
      onSchema: () => schemas++,
      onWarning: (m) => warnings.push(m),
    });
    assert.equal(summary.format, 'csv');
    assert.equal(table.rowCount, 60_000);
    assert.deepEqual(
      table.columns.map((c) => [c.name, c.type]),
      [
        ['id', 'integer'],
        ['amount', 'integer'],
        ['name', 'string'],
        ['kind', 'string'],
      ],
    );
    assert.ok(schemas > 0 && table.tableBytes > 0);
    assert.deepEqual(warnings, []);

    const top = await table.request({ op: 'rows', query: sorted('c2', 'desc'), start: 0, end: 3 });
    assert.deepEqual(
      top.rows.map((r) => r[2]),
      ['name_9999', 'name_9998', 'name_9997'],
    );
    assert.equal(top.total, 60_000);
    // A window further down comes from the full order, finished in the worker meanwhile.
    const deeper = await table.request({ op: 'rows', query: sorted('c2', 'desc'), start: 59_998, end: 60_000 });
    assert.deepEqual(
      deeper.rows.map((r) => r[2]),
      ['name_1', 'name_0'],
    );

    const filtered = await table.request({
      op: 'rows',
      query: { ...emptyQuery(), quickFilter: 'name_59999' },
      start: 0,
      end: 10,
    });
    assert.equal(filtered.total, 1);

    const stats = await table.request({ op: 'stats', colId: 'c3' });
    assert.equal(stats?.distinct, 3);
    assert.equal(await table.request({ op: 'stats', colId: 'c9' }), undefined);
    assert.equal(await table.request({ op: 'cellText', rowId: 5, colId: 'c2' }), `name_${(5 * 7919) % 60_000}`);
    const copied = await table.request({
      op: 'rowsText',
      rowIds: [0, 1],
      colIds: ['c0', 'c3'],
      format: 'csv',
      escapeFormulas: false,
    });
    assert.deepEqual(copied, { text: 'id,kind\n0,a\n1,b\n', count: 2 });
    const column = await table.request({
      op: 'columnText',
      query: { ...emptyQuery(), filterModel: { c3: { filterType: 'text', type: 'equals', filter: 'c' } } },
      colId: 'c0',
      format: 'tsv',
      escapeFormulas: false,
    });
    assert.equal(column?.count, 20_000);
    assert.ok(column?.text?.startsWith('id\n2\n5\n'));

    const dir = mkdtempSync(join(tmpdir(), 'xcom-lens-export-'));
    try {
      const path = join(dir, 'out.csv');
      const exported = await table.request({ op: 'exportCsv', query: sorted('c1', 'asc'), path, escapeFormulas: true });
      assert.equal(exported.rows, 60_000);
      const lines = readFileSync(path, 'utf8').split('\n');
      assert.equal(lines[0], 'id,amount,name,kind');
      assert.equal(lines.length, 60_002);
      assert.equal(lines[1].split(',')[1], '0');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the column a reference rule names as the index, as the backend reads it back (index_col)', async () => {
    // A header with no empty first name, so only the source's own setting can make the second column the index.
    const text = 'when,key,value\n2024-01-01,a,1\n2024-01-02,b,2\n';
    const forced = client();
    await forced.load(source(text, { indexColumn: 1 }), { signal: new AbortController().signal });
    assert.deepEqual(
      forced.columns.map((c) => [c.name, c.index === true]),
      [
        ['when', false],
        ['key', true],
        ['value', false],
      ],
    );
    const plain = client();
    await plain.load(source(text), { signal: new AbortController().signal });
    assert.deepEqual(
      plain.columns.map((c) => c.index === true),
      [false, false, false],
    );
  });

  it('profiles every column in the worker', async () => {
    const table = client();
    await table.load(source(csvText(30_000)), { signal: new AbortController().signal });
    const { profiles, rows } = await table.request({ op: 'profile' });
    assert.equal(rows, 30_000);
    assert.deepEqual(
      profiles.map((p) => [p.colId, p.kind]),
      [
        ['c0', 'histogram'],
        ['c1', 'histogram'],
        ['c2', 'top'],
        ['c3', 'top'],
      ],
    );
    const kinds = profiles[3];
    assert.ok(kinds.kind === 'top' && kinds.top.every((t) => t.count === 10_000));
  });

  it('sorts and shows prices held as scaled integers exactly as written', async () => {
    const table = client();
    let text = 'id,price\n';
    for (let i = 0; i < 20_000; i++) text += `${i},${((i * 7919) % 20_000) / 100 - 50}\n`;
    await table.load(source(text), { signal: new AbortController().signal });
    const low = await table.request({ op: 'rows', query: sorted('c1', 'asc'), start: 0, end: 3 });
    assert.deepEqual(
      low.rows.map((r) => r[1]),
      [-50, -49.99, -49.98],
    );
    const high = await table.request({ op: 'rows', query: sorted('c1', 'desc'), start: 0, end: 2 });
    assert.deepEqual(
      high.rows.map((r) => r[1]),
      [149.99, 149.98],
    );
    const some = await table.request({ op: 'rows', query: emptyQuery(), start: 1, end: 3 });
    assert.deepEqual(some.rows, [
      [1, Number(((7919 % 20_000) / 100 - 50).toString())],
      [2, Number((((2 * 7919) % 20_000) / 100 - 50).toString())],
    ]);
  });

  it('stacks parts read one after another in the worker, leaving out those it cannot read, with notes', async () => {
    const table = client();
    const notes: string[] = [];
    const stacked: number[] = [];
    const warnings: string[] = [];
    const part = (partValue: number, open: () => Promise<ByteTableSource | InlineTableSource>) => ({
      partValue,
      open,
    });
    let pickleClosed = false;
    // A stream that breaks after 200 KB: its rows must not leak into the next part's.
    const breaking: ByteTableSource = {
      kind: 'bytes',
      title: 'breaking',
      async *open() {
        const bytes = new TextEncoder().encode(`city,n\n${'Broken,0\n'.repeat(50_000)}`);
        for (let at = 0; at < 200_000; at += 50_000) yield bytes.slice(at, at + 50_000);
        throw new Error('connection reset');
      },
    };
    const summary = await table.load(
      {
        kind: 'stacked',
        title: 'all map indexes',
        partColumn: 'map_index',
        firstNotes: ['map_index 9 holds no table and is left out.'],
        parts: [
          part(0, async () => source('city,n\nOslo,1\nLima,2\n')),
          part(1, async () => {
            throw new Error('NoSuchKey');
          }),
          part(2, async () => ({ kind: 'inline', title: 'two', value: [{ city: 'Pune', n: 'three', extra: true }] })),
          part(3, async () => breaking),
          // A pickle is refused after its first bytes, with megabytes still to come: none may reach part 5.
          part(4, async () => ({
            kind: 'bytes',
            title: 'pickle',
            async *open() {
              try {
                yield Uint8Array.from([0x80, 0x04, 0x95, 0x10]);
                for (let k = 0; k < 300; k++) yield new TextEncoder().encode('zz,9\n'.repeat(13_000));
              } finally {
                pickleClosed = true;
              }
            },
          })),
          part(5, async () => source(`city,n\n${'x,1\n'.repeat(20_000)}`)),
          part(6, async () => source(new Uint8Array([0x50, 0x41, 0x52, 0x31, 0, 0, 0x50, 0x41, 0x52, 0x31]))),
        ],
        onNote: (m) => notes.push(m),
        onPartStacked: (v) => stacked.push(v),
      },
      { signal: new AbortController().signal, onWarning: (m) => warnings.push(m) },
    );
    assert.equal(summary.format, 'tables');
    assert.deepEqual(stacked, [0, 2, 5]);
    assert.equal(table.rowCount, 20_003);
    assert.deepEqual(
      table.columns.map((c) => c.name),
      ['map_index', 'city', 'n', 'extra'],
    );
    const rows = await table.request({ op: 'rows', query: emptyQuery(), start: 0, end: 4 });
    assert.deepEqual(rows.rows, [
      [0, 'Oslo', '1', null],
      [0, 'Lima', '2', null],
      [2, 'Pune', 'three', 'True'],
      [5, 'x', '1', null],
    ]);
    const last = await table.request({ op: 'rows', query: emptyQuery(), start: 20_002, end: 20_003 });
    assert.deepEqual(last.rows, [[5, 'x', '1', null]]);
    assert.equal(notes[0], 'map_index 9 holds no table and is left out.');
    const said = notes.join('\n');
    assert.ok(notes.includes('map_index 1 could not be read and is left out: NoSuchKey'), said);
    assert.ok(notes.includes('map_index 3 could not be read and is left out: connection reset'), said);
    assert.ok(
      notes.some((n) => /^map_index 4 could not be read and is left out: .*pickle/.test(n)),
      said,
    );
    assert.ok(
      notes.some((n) => n.startsWith('map_index 6 could not be read and is left out:')),
      said,
    );
    assert.ok(
      notes.some((n) => /^map_index 0 lacks column `extra`/.test(n)),
      said,
    );
    assert.deepEqual(warnings, notes, 'the panel says each note');
    assert.ok(pickleClosed, 'the stream of a part refused early is closed, not left waiting');
  });

  it('cancels a request in the worker and goes on answering the next ones', async () => {
    const table = client();
    await table.load(source(csvText(200_000)), { signal: new AbortController().signal });
    const abort = new AbortController();
    const sort = table.request(
      { op: 'columnText', query: sorted('c2', 'asc'), colId: 'c2', format: 'tsv', escapeFormulas: false },
      abort.signal,
    );
    abort.abort();
    await assert.rejects(sort, (e) => isCancellation(e));
    const early = new AbortController();
    early.abort();
    await assert.rejects(table.request({ op: 'stats', colId: 'c0' }, early.signal), (e) => isCancellation(e));
    const after = await table.request({ op: 'rows', query: emptyQuery(), start: 0, end: 2 });
    assert.deepEqual(after.rowIds, [0, 1]);
  });

  it('gives up the background sort of a query the grid moved away from, and still answers both correctly', async () => {
    const table = client();
    await table.load(source(csvText(200_000)), { signal: new AbortController().signal });
    const byName = await table.request({ op: 'rows', query: sorted('c2', 'asc'), start: 0, end: 2 });
    // The grid asks for another query at once: the full order of the first one is abandoned in the worker.
    const byAmount = await table.request({ op: 'rows', query: sorted('c1', 'desc'), start: 0, end: 1 });
    assert.deepEqual(
      byName.rows.map((r) => r[2]),
      ['name_0', 'name_1'],
    );
    assert.equal(byAmount.rows[0][1], 999);
    const deepName = await table.request({ op: 'rows', query: sorted('c2', 'asc'), start: 199_999, end: 200_000 });
    assert.equal(deepName.rows[0][2], 'name_99999');
    const deepAmount = await table.request({ op: 'rows', query: sorted('c1', 'desc'), start: 199_999, end: 200_000 });
    assert.equal(deepAmount.rows[0][1], 0);
  });

  it('stops loading on Cancel and keeps the rows read so far', async () => {
    const table = client();
    const abort = new AbortController();
    const head = new TextEncoder().encode(csvText(5000));
    let sent = 0;
    const stalled: ByteTableSource = {
      kind: 'bytes',
      title: 'stalled.csv',
      async *open(signal) {
        yield head;
        sent = head.length;
        // The rest never comes (a stalled connection) until the user cancels.
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      },
    };
    const loading = table.load(stalled, {
      signal: abort.signal,
      onProgress: () => {
        if (table.rowCount >= 1000) abort.abort();
      },
    });
    const done = setTimeout(() => abort.abort(), 5000);
    await assert.rejects(loading, (e) => isCancellation(e));
    clearTimeout(done);
    assert.equal(sent, head.length);
    assert.ok(table.rowCount >= 1000, `rows kept: ${table.rowCount}`);
    const rows = await table.request({ op: 'rows', query: emptyQuery(), start: 0, end: 1 });
    assert.deepEqual(rows.rows[0], [0, 5000 % 1000, 'name_0', 'a']);
  });

  it('answers every request once the preview is closed: the worker is gone', async () => {
    const table = new TableClient();
    await table.load(source(csvText(10)), { signal: new AbortController().signal });
    await table.close();
    await assert.rejects(table.request({ op: 'stats', colId: 'c0' }), /The preview was closed/);
  });

  it('says what went wrong when the stream fails', async () => {
    const table = client();
    const failing: ByteTableSource = {
      kind: 'bytes',
      title: 'reset.csv',
      async *open() {
        yield new TextEncoder().encode('a,b\n1,2\n');
        throw new Error('Connection reset by the S3 server.');
      },
    };
    await assert.rejects(
      table.load(failing, { signal: new AbortController().signal }),
      /Connection reset by the S3 server/,
    );
  });

  it('reads Parquet through the host’s ranged reads', async () => {
    const table = client();
    const bytes = rowGroupsParquet();
    const ranges: [number, number][] = [];
    const summary = await table.load(
      source(bytes, {
        open: () => {
          throw new Error('a ranged source is not streamed whole');
        },
        readRange: async (s, e) => {
          ranges.push([s, e]);
          return bytes.slice(s, e + 1);
        },
      }),
      { signal: new AbortController().signal },
    );
    assert.equal(summary.format, 'parquet');
    assert.equal(table.rowCount, 15);
    assert.ok(ranges.length > 1);
    const last = await table.request({ op: 'rows', query: sorted('c0', 'desc'), start: 0, end: 1 });
    assert.deepEqual(last.rows, [[15]]);
  });
});
