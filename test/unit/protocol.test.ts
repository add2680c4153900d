import * as assert from 'node:assert/strict';
import { MAX_SHOWN_CELL_CHARS, RequestTracker, isFromWebview, isToWebview, shownCell } from '../../src/protocol';

const query = {
  sortModel: [{ colId: 'c1', sort: 'desc' }],
  filterModel: { c0: { filterType: 'number', type: 'inRange', filter: 1, filterTo: 5 } },
  quickFilter: 'x',
};

describe('protocol', () => {
  it('accepts every well-formed webview message', () => {
    const ok = [
      { type: 'ready' },
      { type: 'cancel' },
      { type: 'getRows', id: 1, startRow: 0, endRow: 100, ...query },
      { type: 'getStats', id: 2, colId: 'c0' },
      { type: 'copyCell', id: 3, rowId: 4, colId: 'c1' },
      { type: 'copyRows', id: 3, rowIds: [4, 0, 2], colIds: ['c0', 'c2'], format: 'csv' },
      { type: 'copyColumn', id: 4, colId: 'c0', format: 'markdown', ...query },
      { type: 'export', id: 5, ...query },
      { type: 'openReference', id: 6, value: 'xcom_s3://b/k.csv' },
      {
        type: 'getRows',
        id: 7,
        startRow: 0,
        endRow: 1,
        sortModel: [],
        filterModel: {
          c0: {
            filterType: 'text',
            operator: 'AND',
            conditions: [{ filterType: 'text', type: 'contains', filter: 'a' }],
          },
        },
        quickFilter: '',
      },
    ];
    for (const m of ok) assert.ok(isFromWebview(m), JSON.stringify(m));
  });

  it('rejects malformed or unknown messages', () => {
    const bad: unknown[] = [
      null,
      'ready',
      {},
      { type: 'runCommand', command: 'workbench.action.quit' },
      { type: 'getRows', id: 1, startRow: 10, endRow: 5, ...query },
      { type: 'getRows', id: 1, startRow: 0, endRow: 1e9, ...query },
      { type: 'getRows', id: -1, startRow: 0, endRow: 5, ...query },
      { type: 'getRows', id: 1, startRow: 0, endRow: 5, ...query, sortModel: [{ colId: 'c0', sort: 'sideways' }] },
      {
        type: 'getRows',
        id: 1,
        startRow: 0,
        endRow: 5,
        ...query,
        filterModel: { c0: { filterType: 'text', type: 'regex', filter: '.*' } },
      },
      { type: 'getRows', id: 1, startRow: 0, endRow: 5, sortModel: [], filterModel: {} },
      { type: 'copyText', id: 1, text: 'a' },
      { type: 'copyCell', id: 1, rowId: -1, colId: 'c0' },
      { type: 'copyCell', id: 1, rowId: 0 },
      { type: 'copyRows', id: 1, rowIds: [-1], colIds: ['c0'], format: 'csv' },
      { type: 'copyRows', id: 1, rowIds: [0], colIds: [''], format: 'csv' },
      { type: 'copyRows', id: 1, rowIds: [0], colIds: ['c0'], format: 'html' },
      { type: 'copyRows', id: 1, rowIds: new Array(200_000).fill(0), colIds: ['c0'], format: 'csv' },
      { type: 'copyColumn', id: 1, colId: 'c0', format: 'html', ...query },
      { type: 'openReference', id: 1, value: '' },
      { type: 'getStats', id: 1, colId: '' },
    ];
    for (const m of bad) assert.equal(isFromWebview(m), false, JSON.stringify(m));
  });

  it('recognises host messages', () => {
    assert.ok(
      isToWebview({ type: 'rows', inReplyTo: 1, startRow: 0, rows: [], rowIds: [], totalRows: 0, tableRows: 0 }),
    );
    assert.equal(isToWebview({ type: 'eval' }), false);
  });

  it('cuts huge cells for display', () => {
    const huge = 'x'.repeat(MAX_SHOWN_CELL_CHARS * 3);
    const shown = shownCell(huge) as string;
    assert.equal(shown.length, MAX_SHOWN_CELL_CHARS + 1);
    assert.ok(shown.endsWith('…'));
    assert.equal(shownCell('short'), 'short');
    assert.equal(shownCell(12.5), 12.5);
    assert.equal(shownCell(null), null);
  });

  it('pairs replies with requests by id', async () => {
    const tracker = new RequestTracker<{ inReplyTo: number; value: string }>();
    const sent: number[] = [];
    const a = tracker.request((id) => sent.push(id));
    const b = tracker.request((id) => sent.push(id));
    assert.equal(tracker.settle({ inReplyTo: sent[1], value: 'b' }), true);
    assert.equal(tracker.settle({ inReplyTo: sent[0], value: 'a' }), true);
    assert.equal(tracker.settle({ inReplyTo: 99, value: 'stale' }), false);
    assert.deepEqual([(await a).value, (await b).value], ['a', 'b']);
  });
});
