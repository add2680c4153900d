import * as assert from 'node:assert/strict';
import { jsonToTable } from '../../../src/formats/pandasJson';
import { ColumnarTable } from '../../../src/formats/table';
import { radixSortByKey, radixSortWords } from '../../../src/formats/radixSort';
import { TableViewer, columnStats, computeView } from '../../../src/formats/tableView';
import { formatRows } from '../../../src/formats/textFormats';
import { topRows } from '../../../src/formats/topRows';
import { appendTextRows } from './helpers';
import { IS_EXACTLY, emptyQuery, type ViewQuery } from '../../../src/protocol';

function build(): ColumnarTable {
  const t = new ColumnarTable();
  t.addColumn('n');
  t.addColumn('s');
  appendTextRows(t, [
    ['10', 'b'],
    ['9', 'a'],
    ['', 'c'],
    ['100', ''],
    ['9', 'B'],
  ]);
  return t;
}
const q = (over: Partial<ViewQuery>): ViewQuery => ({ ...emptyQuery(), ...over });
const order = (t: ColumnarTable, query: ViewQuery) => {
  const v = computeView(t, query);
  return Array.from({ length: v.length }, (_, i) => (v.rows ? v.rows[i] : i));
};

describe('table views', () => {
  it('sorts numbers as numbers with missing values last, both directions', () => {
    const t = build();
    assert.deepEqual(order(t, q({ sortModel: [{ colId: 'c0', sort: 'asc' }] })), [1, 4, 0, 3, 2]);
    assert.deepEqual(order(t, q({ sortModel: [{ colId: 'c0', sort: 'desc' }] })), [3, 0, 1, 4, 2]);
  });

  it('sorts text and breaks ties with a second key', () => {
    const t = build();
    assert.deepEqual(order(t, q({ sortModel: [{ colId: 'c1', sort: 'asc' }] })), [4, 1, 0, 2, 3]);
    assert.deepEqual(
      order(
        t,
        q({
          sortModel: [
            { colId: 'c0', sort: 'asc' },
            { colId: 'c1', sort: 'desc' },
          ],
        }),
      ),
      [1, 4, 0, 3, 2],
    );
  });

  it('filters by number, by text and by quick search', () => {
    const t = build();
    assert.deepEqual(
      order(t, q({ filterModel: { c0: { filterType: 'number', type: 'greaterThan', filter: 9 } } })),
      [0, 3],
    );
    assert.deepEqual(order(t, q({ filterModel: { c1: { filterType: 'text', type: 'equals', filter: 'b' } } })), [0, 4]);
    // A top-value bar's filter: the value exactly, case included ('b' but not 'B').
    assert.deepEqual(order(t, q({ filterModel: { c1: { filterType: 'text', type: IS_EXACTLY, filter: 'b' } } })), [0]);
    assert.deepEqual(order(t, q({ filterModel: { c1: { filterType: 'text', type: IS_EXACTLY, filter: 'B' } } })), [4]);
    assert.deepEqual(
      order(
        t,
        q({
          filterModel: {
            c0: {
              filterType: 'number',
              operator: 'OR',
              conditions: [
                { filterType: 'number', type: 'equals', filter: 10 },
                { filterType: 'number', type: 'blank' },
              ],
            },
          },
        }),
      ),
      [0, 2],
    );
    assert.deepEqual(order(t, q({ quickFilter: '10' })), [0, 3]);
  });

  it('finds signs, points and exponents in numbers as the grid shows them, and dates only in their text', () => {
    const t = new ColumnarTable();
    t.addColumn('n');
    t.addColumn('when');
    appendTextRows(t, [
      ['-5', '2024-08-07'],
      ['0.00001', '2024-08-08'],
      ['2024', '2023-12-31'],
      ['1e+22', '2024-05-08'],
    ]);
    assert.equal(t.columns[0].numeric, true);
    assert.deepEqual(order(t, q({ quickFilter: '-5' })), [0], 'a sign first');
    assert.deepEqual(order(t, q({ quickFilter: 'e-05' })), [1], 'a sign after the exponent (Python writes 1e-05)');
    assert.deepEqual(order(t, q({ quickFilter: 'e+22' })), [3]);
    assert.deepEqual(order(t, q({ quickFilter: '2024-08' })), [0, 1], 'a date, not the number 2024');
    assert.deepEqual(order(t, q({ quickFilter: '2024' })), [0, 1, 2, 3]);
    assert.deepEqual(order(t, q({ quickFilter: '5-0' })), [3], 'a sign inside: only text holds it');
  });

  it('filters missing cells apart from empty text, and finds them and float zeros by what the grid shows', () => {
    const t = new ColumnarTable();
    jsonToTable({ amount: [0.0, null, 2.5], note: ['', null, 'x'], created_at: [1795075200000, null, null] }, t);
    const missing = (colId: string, type: 'missing' | 'notMissing', filterType: 'text' | 'number' = 'text') =>
      order(t, q({ filterModel: { [colId]: { filterType, type } } }));
    assert.deepEqual(missing('c0', 'missing', 'number'), [1]);
    assert.deepEqual(missing('c1', 'missing'), [1], 'an empty string is not missing');
    assert.deepEqual(missing('c1', 'notMissing'), [0, 2]);
    assert.deepEqual(missing('c2', 'missing'), [1, 2]);
    assert.deepEqual(order(t, q({ quickFilter: '0.0' })), [0]);
    // NaN (amount), None (note) and NaT (created_at) are all found as the grid shows them.
    assert.deepEqual(order(t, q({ quickFilter: 'nan' })), [1]);
    assert.deepEqual(order(t, q({ quickFilter: 'none' })), [1]);
    assert.deepEqual(order(t, q({ quickFilter: 'nat' })), [1, 2]);
    assert.deepEqual(order(t, q({ sortModel: [{ colId: 'c2', sort: 'desc' }] })), [0, 1, 2]);
  });

  it('serves windows and caches the view', () => {
    const viewer = new TableViewer(build());
    const query = q({ sortModel: [{ colId: 'c0', sort: 'asc' }] });
    assert.deepEqual(viewer.window(query, 1, 3), {
      rows: [
        [9, 'B'],
        [10, 'b'],
      ],
      rowIds: [4, 0],
      total: 5,
      sortPending: true,
    });
    assert.equal(viewer.view(query), viewer.view(query));
    assert.equal(viewer.window(query, 1, 3).sortPending, undefined, 'later windows come from the full sort');
  });

  it('bounds a window of a 10,000-column table in bytes: fewer rows per reply, wide rows with shorter cells', function () {
    this.timeout(60_000);
    const t = new ColumnarTable();
    const width = 10_000;
    for (let c = 0; c < width; c++) t.addColumn(`col${c}`);
    const cell = (r: number, c: number) => `r${r}c${c}-${'v'.repeat(40)}`;
    appendTextRows(
      t,
      Array.from({ length: 30 }, (_, r) => Array.from({ length: width }, (_, c) => cell(r, c))),
    );
    const viewer = new TableViewer(t);
    const first = viewer.window(q({}), 0, 30);
    const bytes = Buffer.byteLength(JSON.stringify(first));
    assert.ok(bytes < 8e6, `first reply is ${bytes} bytes`);
    assert.ok(first.rows.length > 0 && first.rows.length < 30, `rows: ${first.rows.length}`);
    assert.equal(first.total, 30);
    const next = viewer.window(q({}), first.rows.length, 30);
    assert.equal(next.rowIds[0], first.rows.length, 'the next request goes on where the reply stopped');
    assert.equal(next.rows[0][width - 1], cell(first.rows.length, width - 1));

    const huge = new ColumnarTable();
    for (let c = 0; c < width; c++) huge.addColumn(`col${c}`);
    appendTextRows(huge, [Array.from({ length: width }, () => 'h'.repeat(2_000))]);
    const one = new TableViewer(huge).window(q({}), 0, 100);
    assert.equal(one.rows.length, 1);
    assert.ok(Buffer.byteLength(JSON.stringify(one)) < 8e6);
    assert.equal((one.rows[0][0] as string).length, 401, 'cells cut to 400 characters and an ellipsis');
  });

  it('sends huge cells cut, while the table keeps them whole', () => {
    const t = new ColumnarTable();
    t.addColumn('blob');
    const huge = 'y'.repeat(5_000_000);
    appendTextRows(t, [[huge]]);
    const { rows } = new TableViewer(t).window(q({}), 0, 1);
    assert.equal((rows[0][0] as string).length, 10_001);
    assert.equal(t.columns[0].textAt(0), huge);
  });

  it('computes column statistics', () => {
    const s = columnStats(build(), build().columns[0]);
    assert.equal(s.nulls, 1);
    assert.equal(s.distinct, 3);
    assert.equal(s.min, 9);
    assert.equal(s.max, 100);
    assert.equal(s.mean, 32);
    assert.deepEqual(s.top[0], { value: 9, count: 2 });
  });

  it('formats copies as TSV, CSV and Markdown', () => {
    assert.equal(formatRows(['a', 'b'], [['1', 'x\ty']], 'tsv'), 'a\tb\n1\t"x\ty"\n');
    assert.equal(formatRows(['a'], [['x,"y"']], 'csv'), 'a\n"x,""y"""\n');
    assert.equal(formatRows(['a|b'], [['1']], 'markdown'), '| a\\|b |\n| --- |\n| 1 |\n');
  });
});

describe('columnar storage', () => {
  for (const [how, fill] of [
    [
      'parsed batches (CSV)',
      (t: ColumnarTable, cells: string[]) =>
        appendTextRows(
          t,
          cells.map((c) => [c]),
        ),
    ],
    [
      'cell by cell (JSON, Parquet)',
      (t: ColumnarTable, cells: string[]) => cells.forEach((c) => t.pushValueRow([c === '' ? null : c])),
    ],
  ] as const) {
    it(`keeps mostly unique text in UTF-8 and reads it back: ${how}`, function () {
      this.timeout(20_000);
      const t = new ColumnarTable();
      t.addColumn('u');
      const n = 140_000;
      fill(
        t,
        Array.from({ length: n }, (_, i) => (i % 1000 === 0 ? '' : `ü${i}`)),
      );
      assert.equal(t.columns[0].dictionary(), undefined);
      assert.equal(t.row(1)[0], 'ü1');
      assert.equal(t.row(1000)[0], null);
      assert.equal(t.row(n - 1)[0], `ü${n - 1}`);
      const v = computeView(t, q({ sortModel: [{ colId: 'c0', sort: 'desc' }] }));
      assert.equal(t.row(v.rows![0])[0], 'ü99999');
      assert.equal(t.row(v.rows![n - 1])[0], null);
    });
  }
});

describe('radixSortByKey', () => {
  it('sorts like a stable comparator sort, both directions, with negatives, zeros and infinities', () => {
    const values = [3, -1, 0, -0, 2.5, -Infinity, Infinity, 3, -1e-300, 1e300, 7, -7, 0.1];
    const key = Float64Array.from(values);
    for (const dir of [1, -1]) {
      const rows = Uint32Array.from(values.map((_, i) => i));
      radixSortByKey(rows, key, dir);
      const expected = values.map((_, i) => i).sort((a, b) => dir * (key[a] - key[b]) || a - b);
      assert.deepEqual(Array.from(rows), expected, `dir ${dir}`);
    }
  });
});

describe('radixSortWords', () => {
  /** Keys of `n` rows whose varying digits are only those `vary` gives (others the same for every row). */
  function keys(n: number, vary: (i: number) => [number, number]) {
    const rows = Uint32Array.from({ length: n }, (_, i) => i);
    const hi = new Uint32Array(n);
    const lo = new Uint32Array(n);
    for (let i = 0; i < n; i++) [hi[i], lo[i]] = vary(i);
    return { rows, hi, lo };
  }

  for (const [what, digitBits, vary] of [
    // One 16-bit pass runs (an odd number: the result is copied back), three are skipped.
    [
      'only the low 16 bits vary',
      16,
      (i: number): [number, number] => [0x12345678, 0xabcd0000 | ((i * 7919) % 65_536)],
    ],
    // Byte digits: three passes run, five are skipped; equal keys keep their order.
    [
      'three bytes vary, with ties',
      8,
      (i: number): [number, number] => [0x01000000 | (((i * 31) % 7) << 8), (i * 13) % 1000],
    ],
    ['every digit varies', 16, (i: number): [number, number] => [(i * 2_654_435_761) >>> 0, (i * 40_503) >>> 0]],
  ] as const) {
    it(`sorts rows by their keys stably and keeps keys and carried words with their rows: ${what}`, () => {
      const n = 5000;
      const { rows, hi, lo } = keys(n, vary);
      const carried: [Uint32Array, Uint32Array] = [
        Uint32Array.from(rows, (r) => r * 3),
        Uint32Array.from(rows, (r) => r ^ 0x5555),
      ];
      const original = { hi: hi.slice(), lo: lo.slice() };
      radixSortWords(rows, hi, lo, carried, digitBits);
      const expected = Array.from({ length: n }, (_, i) => i).sort(
        (a, b) => original.hi[a] - original.hi[b] || original.lo[a] - original.lo[b] || a - b,
      );
      assert.deepEqual(Array.from(rows), expected);
      for (let i = 0; i < n; i++) {
        const r = rows[i];
        assert.equal(hi[i], original.hi[r], `hi of row ${r}`);
        assert.equal(lo[i], original.lo[r], `lo of row ${r}`);
        assert.equal(carried[0][i], r * 3, `first carried word of row ${r}`);
        assert.equal(carried[1][i], r ^ 0x5555, `second carried word of row ${r}`);
      }
    });
  }
});

describe('text sort', () => {
  it('orders mostly unique text like a comparator sort, both directions, missing last', function () {
    this.timeout(20_000);
    const t = new ColumnarTable();
    t.addColumn('s');
    const values: string[] = [];
    for (let i = 0; i < 70_000; i++)
      values.push(i % 997 === 0 ? '' : `user_${(i * 7919) % 100_003}${i % 3 ? 'x' : ''}`);
    values.push('user_', 'user', 'usera', 'Zed', 'émile', 'user_1');
    appendTextRows(
      t,
      values.map((v) => [v]),
    );
    assert.equal(t.columns[0].dictionary(), undefined, 'exercises the chunked text store');
    for (const dir of ['asc', 'desc'] as const) {
      const v = computeView(t, q({ sortModel: [{ colId: 'c0', sort: dir }] }));
      const got = Array.from(v.rows!, (r) => t.row(r)[0]);
      const present = values.map((s, i) => [s, i] as const).filter(([s]) => s !== '');
      present.sort(([a, i], [b, j]) => (a < b ? -1 : a > b ? 1 : i - j) * (dir === 'asc' ? 1 : -1) || i - j);
      assert.deepEqual(
        got.slice(0, present.length),
        present.map(([s]) => s),
        dir,
      );
      assert.ok(got.slice(present.length).every((x) => x === null));
    }
  });

  /** A one-column table of `values` ('' = missing), held as text, sorts both ways as a stable comparator sort. */
  function assertSortsLikeStableComparator(values: readonly string[]): void {
    const t = new ColumnarTable();
    t.addColumn('text');
    appendTextRows(
      t,
      values.map((v) => [v]),
    );
    assert.equal(t.columns[0].layout, 'text', 'held as text, not as a dictionary');
    for (const dir of ['asc', 'desc'] as const) {
      const sign = dir === 'asc' ? 1 : -1;
      const v = computeView(t, q({ sortModel: [{ colId: 'c0', sort: dir }] }));
      const present = values.flatMap((s, i) => (s === '' ? [] : [i]));
      present.sort((i, j) => {
        const [a, b] = [values[i], values[j]];
        return a < b ? -sign : a > b ? sign : i - j;
      });
      const missing = values.flatMap((s, i) => (s === '' ? [i] : []));
      assert.deepEqual(Array.from(v.rows!), [...present, ...missing], dir);
    }
  }

  it('orders free text that repeats (too varied for a dictionary in each batch) like a stable comparator sort', () => {
    const words = ['alpha', 'beta', 'gamma', 'delta', 'é', '\uffff', '😀', ''];
    assertSortsLikeStableComparator(
      Array.from({ length: 60_000 }, (_, i) =>
        i % 97 === 0 ? '' : `${words[i % 8]} ${words[(i >> 3) % 8]} ${i % 4999}`,
      ),
    );
  });

  it('orders text with long shared prefixes, repeats and the highest units like a stable comparator sort', function () {
    this.timeout(20_000);
    // Three large groups that tie far past the shared prefix (radix rounds within rounds), texts that repeat
    // (table order among them), texts that end inside a round, and U+FFFE / U+FFFF, which a 16-bit key per unit
    // could not tell apart.
    const values: string[] = [];
    for (let i = 0; i < 80_000; i++) {
      const group = ['alpha', 'beta', 'alphabet'][i % 3];
      const tail = i % 101 === 0 ? '' : `/item/${(i * 7919) % 29_989}`;
      const odd = i % 211 === 0 ? (i % 2 ? '\uffff' : '\ufffe') + String(i % 7) : '';
      values.push(i % 499 === 0 ? '' : `https://host/${group}${odd}${tail}`);
    }
    assertSortsLikeStableComparator(values);
  });
  /** Values that repeat (`distinct` of them, every one in each batch of rows: too many for a dictionary), of
   * every kind a radix key has to tell apart: accents, astral and the highest units, long shared prefixes. */
  function repeating(rows: number, distinct: number): string[] {
    const heads = ['', 'ä', 'ÿ', 'ő', 'Straße ', '😀', '\uffff', 'a much longer shared prefix of text/', 'Z'];
    return Array.from({ length: rows }, (_, i) => {
      const k = (i * 7919) % distinct;
      return i % 97 === 0 ? '' : `${heads[k % heads.length]}${k}`;
    });
  }

  it('orders text that repeats across the whole table (sorted by distinct value) like a stable comparator sort', () => {
    assertSortsLikeStableComparator(repeating(80_000, 3001));
  });

  it('tells apart repeating values whose UTF-8 hashes the same', () => {
    // 'label 0112789' and 'label 0349192' have the same 32-bit FNV-1a hash and length.
    assertSortsLikeStableComparator(
      repeating(60_000, 3001).map((v, i) => (i % 5 === 0 ? ['label 0349192', 'label 0112789'][i % 2] : v)),
    );
  });

  it('orders text that repeats at first and then does not like a stable comparator sort', () => {
    // The first half repeats 3,001 values, the second is unique: more distinct values than a sort by distinct
    // value takes, found partway through.
    const values = repeating(40_000, 3001);
    for (let i = 0; i < 40_000; i++) values.push(i % 89 === 0 ? '' : `${i % 2 ? 'é' : ''}${(i * 104_729) % 1_000_003}`);
    assertSortsLikeStableComparator(values);
  });

  it('orders long Latin-1 text that changes script further on like a stable comparator sort', function () {
    this.timeout(20_000);
    // Ties past 16 units (keys of the next round made with this one's), and text outside Latin-1 that first
    // appears in units 8 to 15 after the shared prefix, or only in a later round.
    const values = Array.from({ length: 50_000 }, (_, i) => {
      const path = ['reports/daily', 'reports/dailyΩ', 'reports/weekly/summary', 'reports/daily/ñ', 'reports/ÿ'][i % 5];
      return i % 101 === 0 ? '' : `s3://bucket/${path}/${(i * 7919) % 12_007}${['', 'Ж', 'ā'][i % 3]}`;
    });
    assertSortsLikeStableComparator(values);
  });

  it('orders Latin-1 text beside text just past it like a stable comparator sort', () => {
    // 'aő…' and 'bQ…' would tie if a key of a byte per unit let U+0151 carry into the unit before it.
    assertSortsLikeStableComparator(
      Array.from({ length: 5000 }, (_, i) => `${['aő', 'bQ', 'ÿ', 'þ'][i % 4]}/${(i * 7919) % 4999}`),
    );
  });

  for (const [kind, labels] of [
    [
      'mostly distinct',
      Array.from({ length: 30_000 }, (_, i) =>
        i % 97 === 0 ? '' : `${['x', 'y', 'é', '😀'][i % 4]}${(i * 7919) % 3001}`,
      ),
    ],
    ['repeating: sorted by distinct value', repeating(40_000, 3001).map((v) => v.replace('Z', 'y'))],
  ] as const)
    it(`sorts by plain text (${kind}) and a number together like a stable comparator sort, either key first`, () => {
      const t = new ColumnarTable();
      t.addColumn('label');
      t.addColumn('n');
      const numbers = labels.map((_, i) => (i * 31) % 7);
      appendTextRows(
        t,
        labels.map((label, i) => [label, String(numbers[i])]),
      );
      assert.equal(t.columns[0].layout, 'text', 'held as text, not as a dictionary');
      const byLabel = (i: number, j: number, sign: number): number => {
        const [a, b] = [labels[i], labels[j]];
        // Missing last in both directions; two missing labels tie.
        if (a === '' || b === '') return a === b ? 0 : a === '' ? 1 : -1;
        return a < b ? -sign : a > b ? sign : 0;
      };
      const byNumber = (i: number, j: number, sign: number): number => sign * (numbers[i] - numbers[j]);
      for (const sortModel of [
        [
          { colId: 'c0', sort: 'asc' },
          { colId: 'c1', sort: 'desc' },
        ],
        [
          { colId: 'c1', sort: 'asc' },
          { colId: 'c0', sort: 'desc' },
        ],
      ] as const) {
        // All rows, and the rows a quick search keeps (labels with a 'y'; no number has one).
        for (const quickFilter of ['', 'y']) {
          const v = computeView(t, q({ sortModel: [...sortModel], quickFilter }));
          const sign = (k: 0 | 1) => (sortModel[k].sort === 'asc' ? 1 : -1);
          const compare = sortModel[0].colId === 'c0' ? [byLabel, byNumber] : [byNumber, byLabel];
          const expected = labels
            .flatMap((label, i) => (label.includes(quickFilter) ? [i] : []))
            .sort((i, j) => compare[0](i, j, sign(0)) || compare[1](i, j, sign(1)) || i - j);
          assert.deepEqual(Array.from(v.rows!), expected, `${JSON.stringify(sortModel)} '${quickFilter}'`);
        }
      }
    });

  it('sorts by two text columns and a number, each with ties, like a stable comparator sort (the passes share their working arrays)', function () {
    this.timeout(20_000);
    // Mostly unique ids in runs of 150 that share their first 25 bytes (radix rounds deep into them), codes that
    // each repeat about three times (too many distinct values to sort by distinct value: radix rounds with ties),
    // and a small number: every pass writes the arrays the pass before it used.
    const rows = 60_000;
    const ids = Array.from({ length: rows }, (_, i) =>
      i % 101 === 0 ? '' : `id${i % 400}/a-middle-all-share/${(i * 7919) % 50_021}`,
    );
    const codes = Array.from({ length: rows }, (_, i) =>
      i % 89 === 0 ? '' : `c${(i * 31) % 20_011}é-${((i * 31) % 20_011) % 7}`,
    );
    const numbers = Array.from({ length: rows }, (_, i) => (i * 13) % 5);
    // And labels few enough to sort by distinct value, in the hash table the codes' attempt at it filled.
    const labels = repeating(rows, 3001);
    const t = new ColumnarTable();
    t.addColumn('id');
    t.addColumn('code');
    t.addColumn('n');
    t.addColumn('label');
    appendTextRows(
      t,
      ids.map((id, i) => [id, codes[i], String(numbers[i]), labels[i]]),
    );
    assert.deepEqual(
      t.columns.map((c) => c.layout),
      ['text', 'text', 'number', 'text'],
    );
    const byText =
      (values: string[]) =>
      (i: number, j: number, sign: number): number => {
        const [a, b] = [values[i], values[j]];
        if (a === '' || b === '') return a === b ? 0 : a === '' ? 1 : -1;
        return a < b ? -sign : a > b ? sign : 0;
      };
    const compareBy = [
      byText(ids),
      byText(codes),
      (i: number, j: number, sign: number) => sign * (numbers[i] - numbers[j]),
      byText(labels),
    ];
    for (const sortModel of [
      [
        { colId: 'c1', sort: 'desc' },
        { colId: 'c0', sort: 'asc' },
        { colId: 'c2', sort: 'asc' },
      ],
      [
        { colId: 'c2', sort: 'desc' },
        { colId: 'c1', sort: 'asc' },
        { colId: 'c0', sort: 'desc' },
      ],
      [
        { colId: 'c3', sort: 'asc' },
        { colId: 'c1', sort: 'desc' },
      ],
    ] as const) {
      for (const quickFilter of ['', '7']) {
        const v = computeView(t, q({ sortModel: [...sortModel], quickFilter }));
        const keys = sortModel.map((s) => ({
          compare: compareBy[Number(s.colId.slice(1))],
          sign: s.sort === 'asc' ? 1 : -1,
        }));
        const expected = ids
          .flatMap((id, i) => (`${id}\t${codes[i]}\t${numbers[i]}\t${labels[i]}`.includes(quickFilter) ? [i] : []))
          .sort((i, j) => keys.reduce((d, k) => d || k.compare(i, j, k.sign), 0) || i - j);
        assert.deepEqual(Array.from(v.rows!), expected, `${JSON.stringify(sortModel)} '${quickFilter}'`);
      }
    }
  });

  it('stops a text sort partway once it is no longer wanted', () => {
    const t = new ColumnarTable();
    t.addColumn('url');
    appendTextRows(
      t,
      Array.from({ length: 80_000 }, (_, i) => [`https://host/${['a', 'b'][i % 2]}/item/${(i * 7919) % 79_999}`]),
    );
    let checks = 0;
    const stop = new Error('no longer wanted');
    // The view checks once before it sorts; a sort that never checked again would run to its end.
    assert.throws(
      () =>
        computeView(t, q({ sortModel: [{ colId: 'c0', sort: 'asc' }] }), () => {
          if (++checks > 2) throw stop;
        }),
      (e) => e === stop,
    );
  });
});

describe('ISO dates held as numbers', () => {
  const stamp = (i: number, sep = 'T') =>
    `20${String(10 + ((i * 7) % 30))}-0${1 + (i % 9)}-${String(10 + (i % 19)).padStart(2, '0')}${sep}${String(i % 24).padStart(2, '0')}:${String((i * 13) % 60).padStart(2, '0')}:00`;

  /** A table of a date-time column and a repeating label, appended in a short batch then long ones. */
  function build(values: readonly string[]): ColumnarTable {
    const t = new ColumnarTable();
    t.addColumn('at');
    t.addColumn('label');
    const rows = values.map((v, i) => [v, `l${i % 3}`]);
    appendTextRows(t, rows.slice(0, 700), 700);
    appendTextRows(t, rows.slice(700), 5000);
    return t;
  }

  /** Asserts the same rows in the same order, naming the first row that differs (a whole diff would take long). */
  function assertSameOrder(got: readonly number[], want: readonly number[], what: string): void {
    const at = want.findIndex((r, i) => got[i] !== r);
    assert.ok(at < 0 && got.length === want.length, `${what}: position ${at} has row ${got[at]}, not ${want[at]}`);
  }

  /** Rows in the order a stable comparator sort by the given keys gives (missing '' last, both directions). */
  function expectedOrder(columns: readonly (readonly string[])[], dirs: readonly number[]): number[] {
    const order = columns[0].map((_, i) => i);
    return order.sort((i, j) => {
      for (let k = 0; k < columns.length; k++) {
        const [a, b] = [columns[k][i], columns[k][j]];
        if (a === b) continue;
        if (a === '') return 1;
        if (b === '') return -1;
        return (a < b ? -1 : 1) * dirs[k];
      }
      return i - j;
    });
  }

  for (const [name, values] of [
    ['one shape (held as numbers)', Array.from({ length: 30_000 }, (_, i) => (i % 101 === 0 ? '' : stamp(i)))],
    [
      'two shapes (held as text and numbers: sorted as text)',
      Array.from({ length: 30_000 }, (_, i) => (i % 101 === 0 ? '' : stamp(i, i < 20_000 ? 'T' : ' '))),
    ],
  ] as const)
    it(`sorts a column of ISO date-times of ${name} as their text sorts: alone, with a second key, first window`, () => {
      const t = build(values);
      const held = t.columns[0].isoEpochMs(t.rowCount) !== undefined;
      assert.equal(held, name.startsWith('one'), 'sorted by the numbers the dates are held as, when all are');
      const labels = values.map((_, i) => `l${i % 3}`);
      for (const dir of ['asc', 'desc'] as const) {
        const sign = dir === 'asc' ? 1 : -1;
        const alone = [{ colId: 'c0', sort: dir }];
        assertSameOrder(order(t, q({ sortModel: alone })), expectedOrder([values], [sign]), `${dir} alone`);
        const two = [
          { colId: 'c1', sort: 'asc' as const },
          { colId: 'c0', sort: dir },
        ];
        const full = expectedOrder([labels, values], [1, sign]);
        assertSameOrder(order(t, q({ sortModel: two })), full, `${dir} after a label`);
        assertSameOrder(Array.from(topRows(t, undefined, two, 50).rows), full.slice(0, 50), `${dir} first window`);
      }
      assert.deepEqual(
        Array.from({ length: 1000 }, (_, r) => t.row(r * 30)[0]),
        Array.from({ length: 1000 }, (_, r) => values[r * 30] || null),
        'cells read back as written',
      );
    });
});
