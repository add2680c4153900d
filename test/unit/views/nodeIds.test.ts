import * as assert from 'node:assert/strict';
import {
  connectionNodeId,
  dagNodeId,
  inputsNodeId,
  runNodeId,
  taskInstanceNodeId,
  xcomNodeId,
  xcomPath,
} from '../../../src/views/treeNodes/nodeIds';

const unmapped = { dagId: 'etl', runId: 'manual__2024-01-01', taskId: 'extract', mapIndex: -1, key: 'return_value' };
const mapped = { ...unmapped, taskId: 'process', mapIndex: 1 };

describe('tree node ids from keys', () => {
  it('keeps the spellings VS Code remembers expansion state by', () => {
    assert.equal(connectionNodeId('c1'), 'c1/');
    assert.equal(dagNodeId('c1', unmapped), 'c1/dag/etl');
    assert.equal(runNodeId('c1', unmapped), 'c1/dag/etl/run/manual__2024-01-01');
    assert.equal(taskInstanceNodeId('c1', unmapped), 'c1/dag/etl/run/manual__2024-01-01/ti/extract/-1');
    assert.equal(inputsNodeId('c1', unmapped), 'c1/dag/etl/run/manual__2024-01-01/ti/extract/-1/inputs');
    assert.equal(xcomNodeId('c1', mapped), 'c1/dag/etl/run/manual__2024-01-01/ti/process/1/xcom/return_value');
  });

  it('nests every node under its connection, so forgetting a connection forgets its pages', () => {
    for (const id of xcomPath('c1', mapped)) assert.ok(id.startsWith(connectionNodeId('c1')), id);
    assert.ok(!dagNodeId('c10', unmapped).startsWith(connectionNodeId('c1')));
  });

  it('finds a mapped task instance under its task group, an unmapped one straight under the run', () => {
    const run = 'c1/dag/etl/run/manual__2024-01-01';
    assert.deepEqual(xcomPath('c1', unmapped), [
      'c1/',
      'c1/dag/etl',
      run,
      `${run}/ti/extract/-1`,
      `${run}/ti/extract/-1/xcom/return_value`,
    ]);
    assert.deepEqual(xcomPath('c1', mapped), [
      'c1/',
      'c1/dag/etl',
      run,
      `${run}/mapped/process`,
      `${run}/ti/process/1`,
      `${run}/ti/process/1/xcom/return_value`,
    ]);
  });
});
