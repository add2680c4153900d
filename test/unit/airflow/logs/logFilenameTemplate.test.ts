import * as assert from 'node:assert/strict';
import {
  AIRFLOW2_LOG_FILENAME_TEMPLATE,
  AIRFLOW3_LOG_FILENAME_TEMPLATE,
  LogTemplateError,
  renderLogFilename,
} from '../../../../src/airflow/logs/logFilenameTemplate';

const ti = { dagId: 'etl', runId: 'scheduled__2024-01-02T00:00:00+00:00', taskId: 'load', mapIndex: -1, tryNumber: 2 };

describe('log_filename_template rendering', () => {
  it("renders Airflow 2's and 3's defaults, with and without a map index", () => {
    for (const template of [AIRFLOW2_LOG_FILENAME_TEMPLATE, AIRFLOW3_LOG_FILENAME_TEMPLATE]) {
      assert.equal(
        renderLogFilename(template, ti),
        'dag_id=etl/run_id=scheduled__2024-01-02T00:00:00+00:00/task_id=load/attempt=2.log',
      );
      assert.equal(
        renderLogFilename(template, { ...ti, mapIndex: 3 }),
        'dag_id=etl/run_id=scheduled__2024-01-02T00:00:00+00:00/task_id=load/map_index=3/attempt=2.log',
      );
    }
  });

  it('renders custom templates: filters, else branches, dates and the older str.format style', () => {
    assert.equal(
      renderLogFilename(
        "{{ ti.dag_id }}/{{ ti.run_id|replace(':', '-') }}/{{ ti.task_id|upper }}.{{ try_number }}",
        ti,
      ),
      'etl/scheduled__2024-01-02T00-00-00+00-00/LOAD.2',
    );
    assert.equal(
      renderLogFilename(
        '{% if ti.map_index < 0 %}single{% else %}m{{ ti.map_index }}{% endif %}/{{ nope|default("x") }}',
        ti,
      ),
      'single/x',
    );
    assert.equal(
      renderLogFilename('{{ ti.dag_id }}/{{ ti.task_id }}/{{ ts }}/{{ try_number }}.log', {
        ...ti,
        logicalDate: '2024-01-02T00:00:00.000Z',
      }),
      'etl/load/2024-01-02T00:00:00+00:00/2.log',
    );
    assert.equal(
      renderLogFilename('{dag_id}/{task_id}/{execution_date}/{try_number}.log', {
        ...ti,
        logicalDate: '2024-01-02T00:00:00.000Z',
      }),
      'etl/load/2024-01-02T00:00:00+00:00/2.log',
    );
    assert.equal(
      renderLogFilename('{{ ds }}/{{ ds_nodash }}', { ...ti, logicalDate: '2024-01-02T05:00:00Z' }),
      '2024-01-02/20240102',
    );
  });

  it('names the part it cannot render, and never runs code', () => {
    const cases: Array<[string, RegExp]> = [
      ['{% for x in y %}{{ x }}{% endfor %}', /"\{% for x in y %\}" uses \{% for %\}/],
      ['{{ ti.get_dagrun() }}', /calls "ti\.get_dagrun\(…\)"/],
      ['{{ ti.dag_id|tojson }}', /filter "tojson"/],
      ['{{ ti.nothing }}', /"ti\.nothing", which XCom Lens does not know/],
      ['{{ ts }}/x.log', /"ts", which needs the run's logical date/],
      ['{% if ti.map_index >= 0 %}x', /has no \{% endif %\}/],
      ['{{ ti.dag_id + 1 }}', /uses "\+"/],
    ];
    for (const [template, message] of cases) {
      assert.throws(
        () => renderLogFilename(template, ti),
        (e: unknown) => e instanceof LogTemplateError && message.test(e.message),
        template,
      );
    }
  });
});
