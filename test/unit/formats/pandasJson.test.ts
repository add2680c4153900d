import * as assert from 'node:assert/strict';
import { detectOrient, jsonToTable, parseLenientJson } from '../../../src/formats/pandasJson';
import { ColumnarTable } from '../../../src/formats/table';
import { dump } from './helpers';

function read(value: unknown) {
  const table = new ColumnarTable();
  const orient = jsonToTable(value, table);
  return { orient, ...dump(table), index: table.columns.map((c) => c.index) };
}

// The same frame, pd.DataFrame({'a': [1, 2], 'b': ['x', None]}), in every orient pandas writes.
const rows = [
  [1, 'x'],
  [2, null],
];

describe('JSON DataFrames', () => {
  it('reads orient=columns (to_json default) without a trivial index', () => {
    const t = read({ a: { '0': 1, '1': 2 }, b: { '0': 'x', '1': null } });
    assert.equal(t.orient, 'columns');
    assert.deepEqual(t.names, ['a', 'b']);
    assert.deepEqual(t.rows, rows);
  });

  it('keeps a non-range index as a pinned index column', () => {
    const t = read({ a: { r1: 1, r2: 2 } });
    assert.deepEqual(t.names, ['', 'a']);
    assert.deepEqual(t.index, [true, false]);
    assert.deepEqual(t.rows, [
      ['r1', 1],
      ['r2', 2],
    ]);
  });

  it('reads records, split, index, values, table and dict of lists', () => {
    assert.deepEqual(
      read([
        { a: 1, b: 'x' },
        { a: 2, b: null },
      ]).rows,
      rows,
    );
    const split = read({
      columns: ['a', 'b'],
      index: [0, 1],
      data: [
        [1, 'x'],
        [2, null],
      ],
    });
    assert.equal(split.orient, 'split');
    assert.deepEqual(split.rows, rows);
    const index = read({ '0': { a: 1, b: 'x' }, '1': { a: 2, b: null } });
    assert.equal(index.orient, 'index');
    assert.deepEqual(index.rows, rows);
    const values = read([
      [1, 'x'],
      [2, null],
    ]);
    assert.equal(values.orient, 'values');
    assert.deepEqual(values.names, ['0', '1']);
    const table = read({
      schema: { fields: [{ name: 'index' }, { name: 'a' }, { name: 'b' }], primaryKey: ['index'] },
      data: [
        { index: 0, a: 1, b: 'x' },
        { index: 1, a: 2, b: null },
      ],
    });
    assert.equal(table.orient, 'table');
    // pandas names a primaryKey called "index" None: the default 0, 1, … index is left out as in every orient.
    assert.deepEqual(table.index, [false, false]);
    assert.deepEqual(table.rows, rows);
    const keyed = read({
      schema: {
        fields: [
          { name: 'id', type: 'string' },
          { name: 'a', type: 'integer' },
        ],
        primaryKey: ['id'],
      },
      data: [{ id: 'k1', a: 1 }],
    });
    assert.deepEqual(keyed.index, [true, false]);
    assert.deepEqual(keyed.names, ['id', 'a']);
    assert.deepEqual(read({ a: [1, 2], b: ['x', null] }).rows, rows);
  });

  it('infers types from JSON values', () => {
    const t = read([
      { i: 1, f: 1.5, b: true, d: '2024-01-01T00:00:00.000Z', created_at: '2024-01-01T00:00:00.000Z', s: 'x', n: null },
    ]);
    // As read_json: ISO text becomes a Timestamp only under a date-like name; under another name it stays the text
    // written (typed datetime so that it sorts and charts as dates). An all-null column is float64 NaN.
    assert.deepEqual(t.types, ['integer', 'float', 'boolean', 'datetime', 'datetime', 'string', 'float']);
    assert.deepEqual(t.rows, [[1, 1.5, 'True', '2024-01-01T00:00:00.000Z', '2024-01-01 00:00:00+00:00', 'x', null]]);
  });

  it('accepts the NaN and Infinity tokens Python writes', () => {
    assert.deepEqual(parseLenientJson('{"a": [NaN, Infinity, -Infinity, "NaN"]}'), {
      a: [NaN, Infinity, -Infinity, 'NaN'],
    });
    // NaN is a missing cell in the grid, as null was before the tree and the grid shared one parser.
    assert.deepEqual(read(parseLenientJson('{"a": [NaN, 1]}')).rows, [[null], [1]]);
  });

  it('rejects values that are not tables with a clear message', () => {
    assert.throws(() => detectOrient(42), /not a table/);
    assert.throws(() => detectOrient([1, 2]), /neither objects/);
  });
});
