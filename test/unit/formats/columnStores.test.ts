// The table's column stores as batches arrive: what they report holding (the memory budget reads it after every
// batch) is what their arrays take, and every cell reads back, whichever way a batch's codes or text came in.
import * as assert from 'node:assert/strict';
import type { DictionaryBatchColumn } from '../../../src/formats/columnBatch';
import { DICTIONARY_ENTRY_BYTES, NumberStore, TextStore } from '../../../src/formats/columnStores';
import { ColumnarTable } from '../../../src/formats/table';
import { appendTextRows, dump } from './helpers';

/**
 * Bytes of every typed array reachable from the table's columns, each buffer counted once, plus the text held in
 * arrays (a dictionary's values) at a byte a character and what each such value takes besides its text.
 */
function arrayBytes(table: ColumnarTable): number {
  const seen = new Set<ArrayBufferLike>();
  let bytes = 0;
  const visit = (value: unknown, depth: number): void => {
    if (depth > 8 || value === null || typeof value !== 'object') return;
    if (ArrayBuffer.isView(value)) {
      if (!seen.has(value.buffer)) {
        seen.add(value.buffer);
        bytes += value.byteLength;
      }
      return;
    }
    if (value instanceof Map || value instanceof Set) return;
    if (Array.isArray(value))
      for (const v of value) if (typeof v === 'string') bytes += v.length + DICTIONARY_ENTRY_BYTES;
    for (const v of Array.isArray(value) ? value : Object.values(value)) visit(v, depth + 1);
  };
  for (const c of table.columns) visit(c, 0);
  return bytes;
}

function dictionaryBatch(values: string[], codes: number[]): DictionaryBatchColumn {
  const counts = [codes.filter((k) => k === 0).length, 0, 0, 0, 0, codes.filter((k) => k !== 0).length];
  return { kind: 'dictionary', codes: Uint8Array.from(codes), values: [null, ...values], counts };
}

describe('column stores', () => {
  it('report the bytes their arrays take after every batch, through numbers, text chunks and compaction', () => {
    const table = new ColumnarTable();
    for (const name of ['id', 'price', 'note']) table.addColumn(name);
    const rows = Array.from({ length: 70_000 }, (_, i) => [String(i), (i / 4).toFixed(2), `note ${i}`]);
    for (let i = 0; i < rows.length; i += 7000) {
      appendTextRows(table, rows.slice(i, i + 7000), 3000);
      assert.equal(table.byteSize, arrayBytes(table), `after ${i + 7000} rows`);
    }
    // Cells pushed one by one fill chunks that grow; compaction gives back their spare room.
    for (let i = 0; i < 1000; i++) table.pushValueRow([i, i / 2, { note: i }]);
    table.commitRows(1000);
    table.compact();
    assert.equal(table.byteSize, arrayBytes(table), 'after compaction');
    assert.equal(table.row(70_500)[2], '{"note":500}');
    assert.equal(table.row(69_999)[2], 'note 69999');
  });

  it('read back dictionary batches whose codes are the store’s own, remapped, or wider than the batch’s', () => {
    const table = new ColumnarTable();
    const column = table.addColumn('city');
    const expected: (string | null)[] = [];
    const append = (values: string[], codes: number[]) => {
      table.appendBatch({ rows: codes.length, columns: [dictionaryBatch(values, codes)], ragged: 0 });
      for (const k of codes) expected.push(k === 0 ? null : values[k - 1]);
      assert.equal(table.byteSize, arrayBytes(table));
    };
    append(['Oslo', 'Lima'], [1, 2, 0, 1]);
    // The same values in the same order: the codes are the store's already.
    append(['Oslo', 'Lima'], [2, 2, 1, 0]);
    // Another order, and a value not seen before.
    append(['Pune', 'Lima', 'Oslo'], [1, 2, 3, 3]);
    // Past 256 distinct values the store's codes need 16 bits, though this batch's own fit in 8.
    const many = Array.from({ length: 255 }, (_, k) => `town ${k}`);
    append(many, [255, 1, 0, 128]);
    append(['Oslo', 'Lima'], [1, 2]);
    assert.equal(column.layout, 'dictionary');
    assert.deepEqual(
      dump(table).rows.map((r) => r[0]),
      expected,
    );
  });

  it('keep one store’s values in one array at a time, so sorting column after column holds one widened copy', () => {
    const stores = [1, 2, 3].map((k) => {
      const store = new NumberStore();
      store.adopt(Int16Array.from({ length: 5000 }, (_, i) => i * k));
      return store;
    });
    const [a, b, c] = stores;
    const first = a.all();
    assert.equal(a.all(), first, 'kept while no other store is asked');
    assert.equal(b.all()[4999], 9998);
    assert.equal(c.all()[4999], 14_997);
    const again = a.all();
    assert.notEqual(again, first, 'let go once another store was asked');
    assert.deepEqual(again, first);
  });

  it('read back every value, whatever mix of cells, short and long batches of each width and scale came in', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const store = new NumberStore();
    const expected: number[] = [];
    for (let step = 0; step < 400; step++) {
      const kind = random(5);
      if (kind === 0) {
        // Cells one by one.
        for (let k = random(3000); k > 0; k--) {
          const v = random(1000) / 8;
          store.push(v);
          expected.push(v);
        }
        continue;
      }
      // A batch: short (copied onto the open segment) or long (kept as it is), in 16 or 32 bits, or doubles.
      const n = random(2) === 0 ? 1 + random(200) : 1024 + random(3000);
      const scale = kind === 3 ? 100 : 1;
      const values =
        kind === 1 ? new Int16Array(n) : kind === 2 || kind === 3 ? new Int32Array(n) : new Float64Array(n);
      for (let j = 0; j < n; j++) {
        values[j] = kind === 4 ? random(1_000_000) / 7 : random(30_000) - 15_000;
        expected.push(values[j] / scale);
      }
      store.adopt(values, scale);
      if (random(50) === 0) store.compact();
    }
    assert.equal(store.length, expected.length);
    for (let i = 0; i < expected.length; i += 1 + random(40)) assert.equal(store.get(i), expected[i], `value ${i}`);
    assert.deepEqual(Array.from(store.all()), expected);
    store.compact();
    assert.deepEqual(Array.from(store.all()), expected);
  });

  it('read back every text cell, whatever mix of cells, dictionary and text batches, missing ones among them', () => {
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const word = () =>
      random(8) === 0 ? null : `v${random(random(2) === 0 ? 50 : 1_000_000)}é`.slice(0, 2 + random(6));
    const store = new TextStore();
    const expected: (string | null)[] = [];
    const encoder = new TextEncoder();
    for (let step = 0; step < 300; step++) {
      const kind = random(3);
      const n = random(2) === 0 ? 1 + random(100) : 1024 + random(2000);
      const cells = Array.from({ length: n }, word);
      expected.push(...cells);
      if (kind === 0) {
        for (const c of cells) store.push(c);
      } else if (kind === 1) {
        const values = [null, ...new Set(cells.filter((c) => c !== null))];
        store.appendCodes(
          Uint32Array.from(cells, (c) => (c === null ? 0 : values.indexOf(c))),
          values,
        );
      } else {
        const parts = cells.map((c) => encoder.encode(c ?? ''));
        const ends = new Uint32Array(n);
        let at = 0;
        parts.forEach((p, r) => (ends[r] = at += p.length));
        const bytes = new Uint8Array(at);
        parts.forEach((p, r) => bytes.set(p, r > 0 ? ends[r - 1] : 0));
        const nulls = Uint8Array.from(cells, (c) => (c === null ? 1 : 0));
        store.appendText({ bytes, ends, nulls, ascii: false });
      }
      if (random(40) === 0) store.compact();
    }
    assert.equal(store.length, expected.length);
    for (let i = 0; i < expected.length; i++) assert.equal(store.get(i), expected[i], `cell ${i}`);
  });

  it('set aside room for at most about a quarter more cells than they hold, whatever short batches come', () => {
    // Short batches (as a wide table parses) are copied onto each column's open segment. A segment that doubled
    // by copying took twice the room right after it grew (and left the room it grew from behind as garbage).
    const table = new ColumnarTable();
    for (const name of ['id', 'price', 'note', 'day']) table.addColumn(name);
    // Every row takes the same bytes: integers in 16 bits, decimals in 32, distinct notes of one length and dates.
    const row = (i: number) => [
      String(i % 30_000),
      ((i % 4000) / 4).toFixed(2),
      `note ${String((i * 7919) % 1_000_003).padStart(7, '0')}`,
      new Date(Date.UTC(1900, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
    ];
    const rows = Array.from({ length: 60_000 }, (_, i) => row(i));
    const steps: [number, number][] = [];
    for (let i = 0; i < rows.length; i += 300) {
      appendTextRows(table, rows.slice(i, i + 300), 300);
      steps.push([table.rowCount, table.byteSize]);
    }
    assert.deepEqual(
      table.columns.map((c) => c.type),
      ['integer', 'float', 'string', 'datetime'],
    );
    table.compact();
    const perRow = table.byteSize / table.rowCount;
    for (const [n, bytes] of steps)
      if (n >= 8192)
        assert.ok(bytes <= perRow * n * 1.3, `${bytes} B held for ${n} rows: ${(bytes / (perRow * n)).toFixed(2)}×`);
    for (let i = 0; i < rows.length; i += 7)
      assert.deepEqual(
        table.row(i).map((v) => String(v)),
        [rows[i][0], String(Number(rows[i][1])), rows[i][2], rows[i][3]],
        `row ${i}`,
      );
  });

  it('hold a wide table of short batches of distinct text as its cells: few arrays, no dictionary of every value', () => {
    const table = new ColumnarTable();
    const width = 2000;
    for (let c = 0; c < width; c++) table.addColumn(`c${c}`);
    const cell = (r: number, c: number) => `w${String((r * 7919 + c * 104_729) % 100_000).padStart(5, '0')}`;
    const rows = 800;
    // Batches of 20 rows, as a CSV of such rows parses: each column's cells as a dictionary of the batch's values.
    for (let r = 0; r < rows; r += 20) {
      const columns = Array.from({ length: width }, (_, c) =>
        dictionaryBatch(
          Array.from({ length: 20 }, (_, k) => cell(r + k, c)),
          Array.from({ length: 20 }, (_, k) => k + 1),
        ),
      );
      table.appendBatch({ rows: 20, columns, ragged: 0 });
    }
    // Six characters a cell and where it ends, with room to grow, and the few dictionaries the table keeps: a
    // dictionary of every value would take over 60 bytes a cell.
    const cells = rows * width;
    assert.ok(table.byteSize < cells * 30, `${table.byteSize} B for ${cells} cells`);
    // Each array once (the chunk being filled is reached both as the last segment and as the one filled).
    const arrays = new Set<ArrayBufferView>();
    const count = (value: unknown, depth: number): void => {
      if (depth > 6 || value === null || typeof value !== 'object') return;
      if (ArrayBuffer.isView(value)) arrays.add(value);
      else for (const v of Array.isArray(value) ? value : Object.values(value)) count(v, depth + 1);
    };
    for (const c of table.columns) count(c, 0);
    assert.ok(arrays.size < width * 4, `${arrays.size} arrays for ${width} columns of ${rows / 20} batches`);
    // Every column left its dictionary once the table's dictionaries had held their cap between them, not only
    // the first ones past it: the others would each have filled a dictionary of 1,024 values first.
    const dictionaries = table.columns.filter((c) => c.layout === 'dictionary').length;
    assert.equal(dictionaries, 0, `${dictionaries} of ${width} columns still keep a dictionary`);
    assert.equal(table.row(0)[0], cell(0, 0));
    assert.equal(table.row(rows - 1)[width - 1], cell(rows - 1, width - 1));
    assert.equal(table.row(217)[1234], cell(217, 1234));
  });

  it('count the text of a dictionary’s values, which the memory budget would not see in the codes alone', () => {
    const table = new ColumnarTable();
    table.addColumn('payload');
    // 500 distinct values of 20,000 characters each, every one repeated: a dictionary of 10 MB of text.
    const values = Array.from({ length: 500 }, (_, k) => `${k} `.padEnd(20_000, 'x'));
    const codes = Array.from({ length: 2000 }, (_, r) => (r % 500) + 1);
    table.appendBatch({
      rows: codes.length,
      columns: [{ ...dictionaryBatch(values, []), codes: Uint16Array.from(codes), counts: [0, 0, 0, 0, 0, 2000] }],
      ragged: 0,
    });
    assert.equal(table.columns[0].layout, 'dictionary');
    assert.ok(table.byteSize >= 10_000_000, `reports ${table.byteSize} B`);
    assert.equal(table.byteSize, arrayBytes(table));
  });
});
