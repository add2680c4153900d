// The task finder on real DAG files as users write them: positions are zero-based lines of the definitions.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findDagSourceTasks, findTaskDefinition } from '../../../src/airflow/dagSourceTasks';

const DAGS = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'dags');

function read(name: string): string {
  return readFileSync(join(DAGS, name), 'utf8');
}

describe('dagSourceTasks', () => {
  it('finds TaskFlow tasks, multi-line operators, mapped tasks and task groups in one DAG', () => {
    const outline = findDagSourceTasks(read('etl/orders.py'));
    assert.deepEqual(outline.dags, [{ dagId: 'orders_etl', line: 14 }]);
    const rows = outline.tasks.map((t) => [t.taskId, t.line, t.kind, t.mapped, t.dagId]);
    assert.deepEqual(rows, [
      ['extract', 20, 'operator', false, 'orders_etl'],
      ['transform', 25, 'taskflow', false, 'orders_etl'],
      ['load_orders', 30, 'taskflow', false, 'orders_etl'],
      ['fan_out', 34, 'taskflow', true, 'orders_etl'],
      ['measure', 40, 'operator', true, 'orders_etl'],
      ['quality.check_rows', 45, 'operator', false, 'orders_etl'],
      ['quality.check_nulls', 47, 'taskflow', false, 'orders_etl'],
      ['publish.upload', 53, 'taskflow', false, 'orders_etl'],
      ['publish.notify', 57, 'operator', false, 'orders_etl'],
    ]);
    assert.equal(outline.tasks[0].column, 14);
  });

  it('ignores task_id= inside docstrings, comments, strings and task bodies', () => {
    const ids = findDagSourceTasks(read('etl/orders.py')).tasks.map((t) => t.taskId);
    for (const fake of ['not_a_task', 'commented_out', 'fake', 'inside_a_task_body'])
      assert.ok(!ids.includes(fake), fake);
  });

  it('tells two DAGs of one file apart', () => {
    const outline = findDagSourceTasks(read('two_dags.py'));
    assert.deepEqual(outline.dags, [
      { dagId: 'reports_daily', line: 6 },
      { dagId: 'reports_weekly', line: 11 },
    ]);
    assert.deepEqual(
      outline.tasks.map((t) => [t.dagId, t.taskId, t.line]),
      [
        ['reports_daily', 'start', 8],
        ['reports_weekly', 'summarise', 13],
        ['reports_weekly', 'start', 18],
      ],
    );
    assert.equal(findTaskDefinition(outline, 'reports_weekly', 'start')?.line, 18);
    assert.equal(findTaskDefinition(outline, 'reports_daily', 'start')?.line, 8);
  });

  it('matches a task id without its group prefix when that is unambiguous', () => {
    const outline = findDagSourceTasks(read('etl/orders.py'));
    assert.equal(findTaskDefinition(outline, 'orders_etl', 'qa.check_rows')?.line, 45);
    assert.equal(findTaskDefinition(outline, 'orders_etl', 'gone'), undefined);
  });

  it('refuses sources above the budget instead of scanning them', () => {
    const outline = findDagSourceTasks('x = 1\n'.repeat(100), 50);
    assert.equal(outline.tooLarge, true);
    assert.deepEqual(outline.tasks, []);
  });
});
