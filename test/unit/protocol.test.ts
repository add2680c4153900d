import * as assert from 'node:assert/strict';
import {
  MAX_SHOWN_CELL_CHARS,
  RequestTracker,
  datetimeEpochMs,
  inDateRange,
  isFromWebview,
  isToWebview,
  shownCell,
} from '../../src/protocol';

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
      { type: 'readFurther' },
      { type: 'reopen' },
      { type: 'getRows', id: 1, startRow: 0, endRow: 100, ...query },
      { type: 'getStats', id: 2, colId: 'c0' },
      { type: 'copyCell', id: 3, rowId: 4, colId: 'c1' },
      { type: 'copyRows', id: 3, rowIds: [4, 0, 2], colIds: ['c0', 'c2'], format: 'csv' },
      { type: 'copyColumn', id: 4, colId: 'c0', format: 'markdown', ...query },
      { type: 'export', id: 5, ...query },
      { type: 'openReference', id: 6, value: 'xcom_s3://b/k.csv' },
      { type: 'getProfile', id: 8 },
      {
        type: 'getRows',
        id: 9,
        startRow: 0,
        endRow: 1,
        sortModel: [],
        filterModel: { c1: { filterType: 'text', type: 'inDateRange', filter: '2024-01-01', filterTo: '2024-01-02' } },
        quickFilter: '',
      },
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
      {
        type: 'getRows',
        id: 1,
        startRow: 0,
        endRow: 5,
        ...query,
        filterModel: { c0: { filterType: 'text', type: 'inDateRange', filter: 'a', filterTo: 'x'.repeat(10_001) } },
      },
      { type: 'getProfile', id: -1 },
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
    assert.ok(isToWebview({ type: 'sourceChanged' }), 'the panel hears that the object changed');
    assert.equal(isToWebview({ type: 'eval' }), false);
  });

  it('reads dates the way pandas writes them, a time without a zone as UTC', () => {
    const jan1 = Date.UTC(2024, 0, 1);
    assert.equal(datetimeEpochMs('2024-01-01'), jan1);
    assert.equal(datetimeEpochMs('2024-01-01 10:30:00'), jan1 + 37_800_000);
    assert.equal(datetimeEpochMs('2024-01-01T10:30'), jan1 + 37_800_000);
    assert.equal(datetimeEpochMs('2024-01-01T10:30:00.123456789Z'), jan1 + 37_800_123);
    assert.equal(datetimeEpochMs('2024-01-01T10:30:00+0100'), jan1 + 34_200_000);
    assert.equal(datetimeEpochMs('2024-01-01t10:30:00-01:00'), jan1 + 41_400_000);
    assert.ok(Number.isNaN(datetimeEpochMs('2024-13-45')));
    assert.ok(Number.isNaN(datetimeEpochMs('yesterday')));
    assert.equal(inDateRange('2024-01-01 23:59:59', '2024-01-01', '2024-01-02'), true);
    assert.equal(inDateRange('2024-01-02', '2024-01-01', '2024-01-02'), false);
    assert.equal(inDateRange(null, '2024-01-01', '2024-01-02'), false);
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
