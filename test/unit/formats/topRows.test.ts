import * as assert from 'node:assert/strict';
import { ColumnarTable } from '../../../src/formats/table';
import { TableViewer, computeView } from '../../../src/formats/tableView';
import { topRows } from '../../../src/formats/topRows';
import { emptyQuery, type SortItem, type ViewQuery } from '../../../src/protocol';
import { appendTextRows } from './helpers';

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Columns of every storage: numbers with gaps and ties, a repeating dictionary, unique text with gaps, numeric text. */
function build(n: number): ColumnarTable {
  const rnd = prng(7);
  const t = new ColumnarTable();
  for (const name of ['num', 'cat', 'text', 'mixed']) t.addColumn(name);
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    rows.push([
      rnd() < 0.1 ? '' : String(Math.floor(rnd() * 50) - 10),
      rnd() < 0.05 ? '' : ['red', 'green', 'blue', 'Blue', 'é'][Math.floor(rnd() * 5)],
      rnd() < 0.1 ? '' : `w${Math.floor(rnd() * 1e6).toString(36)}${i % 3 === 0 ? '' : 'x'}`,
      rnd() < 0.5 ? String(Math.floor(rnd() * 100)) : 'n/a',
    ]);
  }
  appendTextRows(t, rows, 500);
  return t;
}

const fullOrder = (t: ColumnarTable, query: ViewQuery, k: number): number[] => {
  const v = computeView(t, query);
  return Array.from({ length: Math.min(k, v.length) }, (_, i) => (v.rows ? v.rows[i] : i));
};

describe('top-N selection of a sort', () => {
  const t = build(3000);
  const sorts: SortItem[][] = [
    [{ colId: 'c0', sort: 'asc' }],
    [{ colId: 'c0', sort: 'desc' }],
    [{ colId: 'c1', sort: 'asc' }],
    [{ colId: 'c2', sort: 'desc' }],
    [{ colId: 'c2', sort: 'asc' }],
    [{ colId: 'c3', sort: 'asc' }],
    [
      { colId: 'c1', sort: 'desc' },
      { colId: 'c0', sort: 'asc' },
    ],
    [
      { colId: 'c0', sort: 'asc' },
      { colId: 'c2', sort: 'desc' },
    ],
    // Rows missing the plain-text first key are ordered by the second.
    [
      { colId: 'c2', sort: 'asc' },
      { colId: 'c0', sort: 'desc' },
    ],
  ];

  for (const sortModel of sorts) {
    const label = sortModel.map((s) => `${s.colId} ${s.sort}`).join(', ');
    it(`gives the same first rows as the full sort (${label})`, () => {
      const query = { ...emptyQuery(), sortModel };
      for (const k of [1, 100, 2800, 2999, 5000]) {
        const top = topRows(t, undefined, sortModel, k);
        assert.equal(top.total, 3000);
        assert.deepEqual(Array.from(top.rows), fullOrder(t, query, k), `first ${k}`);
      }
    });
  }

  // Text read as its UTF-8 bytes must sort as the strings do: characters from U+E000 up (where UTF-8 and UTF-16
  // orders part), characters past U+FFFF, prefixes of one another, missing cells; in batches and cell by cell.
  const tricky = ['\uE000', '\uFFFD', '😀', '\u{10FFFF}', 'a', 'ab', 'é', '中文', 'Z', ''];
  const unicode = (rnd: () => number, i: number): string => {
    const pick = () => tricky[Math.floor(rnd() * tricky.length)];
    const s = pick() + pick() + (rnd() < 0.97 ? String(i) : '');
    return s === '' || rnd() < 0.05 ? '' : s;
  };
  for (const filled of ['in batches', 'cell by cell']) {
    it(`gives the same first rows as the full sort on text beyond ASCII (${filled})`, () => {
      const rnd = prng(11);
      const table = new ColumnarTable();
      table.addColumn('uni');
      // Past 65,536 distinct values, so the column is held as text, not a dictionary.
      const cells = Array.from({ length: 80_000 }, (_, i) => unicode(rnd, i));
      if (filled === 'in batches')
        appendTextRows(
          table,
          cells.map((c) => [c]),
          7000,
        );
      else for (const c of cells) table.pushValueRow([c === '' ? null : c]);
      assert.equal(table.column('c0')!.layout, 'text');
      for (const sort of ['asc', 'desc'] as const) {
        const sortModel: SortItem[] = [{ colId: 'c0', sort }];
        for (const k of [1, 50, 3000]) {
          const top = topRows(table, undefined, sortModel, k);
          assert.deepEqual(
            Array.from(top.rows, (r) => table.row(r)[0]),
            fullOrder(table, { ...emptyQuery(), sortModel }, k).map((r) => table.row(r)[0]),
            `${sort}, first ${k}`,
          );
          assert.deepEqual(Array.from(top.rows), fullOrder(table, { ...emptyQuery(), sortModel }, k));
        }
      }
    });
  }

  it('orders rows missing a plain-text first key by the next key, as the full sort does', () => {
    const table = new ColumnarTable();
    table.addColumn('name');
    table.addColumn('n');
    appendTextRows(
      table,
      Array.from({ length: 20_000 }, (_, i) => [i % 5 < 2 ? '' : `t${(i * 7919) % 20_011}`, String((i * 31) % 13)]),
      7000,
    );
    assert.equal(table.column('c0')!.layout, 'text');
    const sortModel: SortItem[] = [
      { colId: 'c0', sort: 'asc' },
      { colId: 'c1', sort: 'desc' },
    ];
    const query = { ...emptyQuery(), sortModel };
    const full = fullOrder(table, query, 20_000);
    const missing = full.slice(12_000);
    assert.ok(
      missing.every(
        (r, i) => table.row(r)[0] === null && (i === 0 || table.row(missing[i - 1])[1]! >= table.row(r)[1]!),
      ),
      'the full sort puts rows missing the name last, by n descending',
    );
    for (const k of [12_050, 15_000])
      assert.deepEqual(Array.from(topRows(table, undefined, sortModel, k).rows), full.slice(0, k));
  });

  it('answers the first window from the full sort when the rows come in the reverse of the order asked for', function () {
    this.timeout(20_000);
    // Ids ascending (held as text: zero-padded), sorted descending: every row would go through the heap.
    const table = new ColumnarTable();
    table.addColumn('id');
    appendTextRows(
      table,
      Array.from({ length: 100_000 }, (_, i) => [String(i).padStart(8, '0')]),
    );
    assert.equal(table.columns[0].layout, 'text');
    const sortModel: SortItem[] = [{ colId: 'c0', sort: 'desc' }];
    const query = { ...emptyQuery(), sortModel };
    assert.equal(topRows(table, undefined, sortModel, 100, true), undefined, 'the selection gives up');
    const viewer = new TableViewer(table);
    const first = viewer.window(query, 0, 100);
    assert.equal(first.sortPending, undefined, 'the full order is made for it');
    assert.deepEqual(first.rowIds, fullOrder(table, query, 100));
    assert.equal(first.rowIds[0], 99_999);
    // Asked for without giving up, the selection still gives the same rows.
    assert.deepEqual(Array.from(topRows(table, undefined, sortModel, 100).rows), first.rowIds);
  });

  it('selects among the rows the filters keep, and the viewer answers the first window from it', () => {
    const query: ViewQuery = { ...emptyQuery(), sortModel: [{ colId: 'c2', sort: 'asc' }], quickFilter: 'green' };
    const viewer = new TableViewer(t);
    const first = viewer.window(query, 0, 100);
    assert.equal(first.sortPending, true, 'the full sort is still to come');
    assert.deepEqual(first.rowIds, fullOrder(t, query, 100));
    assert.equal(first.total, computeView(t, query).length);
    viewer.view(query);
    const again = viewer.window(query, 0, 100);
    assert.equal(again.sortPending, undefined);
    assert.deepEqual(again.rowIds, first.rowIds);
  });
});
