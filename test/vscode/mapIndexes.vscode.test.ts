// Preview All Map Indexes in a real extension host, on a real SQLite metadata DB and a real S3-compatible server:
// the mapped task's map indexes each offloaded a CSV under the XCom `table`; the preview stacks them with a
// map_index column, aligns columns by name, reports what differs, and leaves out (and names) an object it cannot read.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MapIndexesResult } from '../../src/panels/mapIndexPreview';
import { connectFixture, removeAllConnections } from './treeWalker';

const BUCKET = 'xcom-lens-test';

describe('preview all map indexes', function () {
  this.timeout(60_000);

  after(removeAllConnections);

  it('stacks the map indexes with a map_index column and reports schemas that differ', async () => {
    const keys = ['data_map0-0000-4000-8000-000000000000.csv', 'data_map1-0000-4000-8000-000000000000.csv'];
    const walk = await connectFixture(
      'mapped',
      {
        [keys[0]]: 'id,amount,discount\n1,10,0.5\n2,20,0\n3,30,0.25\n',
        [keys[1]]: 'id,amount\n4,unknown\n5,50\n',
      },
      {},
      {
        mappedTables: [
          `xcom_s3://${BUCKET}/${keys[0]}`,
          `xcom_s3://${BUCKET}/${keys[1]}`,
          `xcom_s3://${BUCKET}/data_map2-never-written.csv`,
        ],
      },
    );
    const run = (await walk.children(await walk.path('mapped', 'fanout_mapped')))[0];
    const mapped = (await walk.children(run)).find((n) => walk.item(n).contextValue === 'mappedTask');
    assert.ok(mapped, 'no mapped task group');
    const [first] = await walk.children(mapped);
    const xcom = await walk.child(first, 'table');
    assert.match(walk.item(xcom).contextValue ?? '', /\bmappedTable\b/, 'the menu offers the command');
    const result = await vscode.commands.executeCommand<MapIndexesResult | undefined>(
      'xcomLens.previewAllMapIndexes',
      xcom,
    );
    assert.ok(result, 'no preview');
    assert.deepEqual(result.stacked, [0, 1]);
    assert.equal(result.summary.rowCount, 5);
    assert.deepEqual(result.summary.columns, ['map_index', 'id', 'amount', 'discount']);
    assert.deepEqual(result.summary.types, ['integer', 'integer', 'string', 'float']);
    assert.ok(result.summary.warnings.includes('map_index 1 lacks column `discount`.'), result.notes.join('\n'));
    assert.ok(
      result.notes.includes(
        "1 column's type differs between map_indexes: `amount` (integer in map_index 0; string in map_index 1).",
      ),
      result.notes.join('\n'),
    );
    assert.ok(
      result.notes.some((n) => n.startsWith('map_index 2 could not be read and is left out:')),
      result.notes.join('\n'),
    );
    assert.equal(result.summary.error, undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('asks for an XCom of a mapped task instance when given anything else', async () => {
    assert.equal(await vscode.commands.executeCommand('xcomLens.previewAllMapIndexes', undefined), undefined);
  });
});
