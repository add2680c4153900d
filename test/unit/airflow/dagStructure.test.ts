import * as assert from 'node:assert/strict';
import { dagStructure, upstreamTaskIds } from '../../../src/airflow/dagStructure';

const tasks = [
  { task_id: 'extract', downstream_task_ids: ['transform'] },
  { task_id: 'lookup', downstream_task_ids: ['transform'] },
  { task_id: 'transform', downstream_task_ids: ['load'] },
  { task_id: 'load' },
];

describe('dag structure from serialized DAGs', () => {
  it('inverts downstream_task_ids in the 2.x plain-dict layout', () => {
    const data = { __version: 1, dag: { _dag_id: 'etl', tasks } };
    assert.deepEqual(upstreamTaskIds(data, 'transform'), ['extract', 'lookup']);
    assert.deepEqual(upstreamTaskIds(data, 'load'), ['transform']);
    assert.deepEqual(upstreamTaskIds(data, 'extract'), []);
  });

  it('reads the 2.10+/3.x operator-wrapped layout', () => {
    const data = { __version: 3, dag: { dag_id: 'etl', tasks: tasks.map((t) => ({ __type: 'operator', __var: t })) } };
    const s = dagStructure(data);
    assert.deepEqual(s.taskIds, ['extract', 'lookup', 'transform', 'load']);
    assert.deepEqual(s.upstream.get('transform'), ['extract', 'lookup']);
    assert.deepEqual(s.downstream.get('transform'), ['load']);
  });

  it('reads the 2.2 underscore key and tolerates junk', () => {
    assert.deepEqual(
      upstreamTaskIds({ dag: { tasks: [{ task_id: 'a', _downstream_task_ids: ['b'] }, { task_id: 'b' }] } }, 'b'),
      ['a'],
    );
    assert.deepEqual(upstreamTaskIds(null, 'x'), []);
    assert.deepEqual(upstreamTaskIds({ dag: { tasks: 'nope' } }, 'x'), []);
  });
});
