import * as assert from 'node:assert/strict';
import { diffReport, diffTables } from '../../../src/compare/tableDiff';

const baseline = {
  columns: [
    { name: 'order_id', type: 'integer' },
    { name: 'amount', type: 'float' },
    { name: 'status', type: 'string' },
  ],
  rowCount: 100,
};

describe('table diff', () => {
  it('reports added, removed and retyped columns and the row delta', () => {
    const current = {
      columns: [
        { name: 'order_id', type: 'string' },
        { name: 'amount', type: 'float' },
        { name: 'discount', type: 'float' },
      ],
      rowCount: 97,
    };
    const diff = diffTables(baseline, current);
    assert.deepEqual(diff.added, ['discount']);
    assert.deepEqual(diff.removed, ['status']);
    assert.deepEqual(diff.retyped, [{ name: 'order_id', from: 'integer', to: 'string' }]);
    assert.equal(diff.rowDelta, -3);
    assert.equal(diff.same, false);
    const report = diffReport(diff, { baseline: 'last success', current: 'this run' }, { baseline, current });
    assert.match(report, /\| rows \| 100 \| 97 \(-3\) \|/);
    assert.match(report, /\*\*Added columns:\*\* `discount`/);
    assert.match(report, /`order_id` integer → string/);
  });

  it('identical shapes are the same; an all-empty column is not a type change', () => {
    assert.equal(diffTables(baseline, baseline).same, true);
    const emptied = {
      columns: [
        { name: 'order_id', type: 'integer' },
        { name: 'amount', type: 'float' },
        { name: 'status', type: 'empty' },
      ],
      rowCount: 100,
    };
    assert.equal(diffTables(baseline, emptied).same, true);
  });

  it('notices reordered columns', () => {
    const current = { columns: [baseline.columns[1], baseline.columns[0], baseline.columns[2]], rowCount: 100 };
    assert.equal(diffTables(baseline, current).reordered, true);
  });
});
