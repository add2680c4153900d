import * as assert from 'node:assert/strict';
import { readAirflowLoggingConfig } from '../../../../src/airflow/discovery';

const CFG = [
  '[logging]',
  'base_log_folder = {AIRFLOW_HOME}/task-logs',
  'remote_logging = True',
  'remote_base_log_folder = s3://corp-airflow/logs',
  'remote_log_conn_id = aws_logs',
  'log_filename_template = {{ ti.dag_id }}/{%% if ti.map_index >= 0 %%}{{ ti.map_index }}/{%% endif %%}{{ try_number }}.log',
].join('\n');

describe("Airflow's [logging] settings", () => {
  it('reads airflow.cfg in AIRFLOW_HOME, unescaping %% and {AIRFLOW_HOME}', () => {
    const config = readAirflowLoggingConfig({
      env: { AIRFLOW_HOME: '/srv/airflow' },
      homeDir: '/home/me',
      workspaceFolders: [],
      readFileSync: (path) => (path === '/srv/airflow/airflow.cfg' ? CFG : undefined),
    });
    assert.deepEqual(config, {
      remoteLogging: true,
      remoteBaseLogFolder: 's3://corp-airflow/logs',
      remoteLogConnId: 'aws_logs',
      baseLogFolder: '/srv/airflow/task-logs',
      logFilenameTemplate:
        '{{ ti.dag_id }}/{% if ti.map_index >= 0 %}{{ ti.map_index }}/{% endif %}{{ try_number }}.log',
      origins: ['/srv/airflow/airflow.cfg'],
    });
  });

  it('lets AIRFLOW__LOGGING__* win over the file, and defaults base_log_folder to $AIRFLOW_HOME/logs', () => {
    const config = readAirflowLoggingConfig({
      env: { AIRFLOW__LOGGING__REMOTE_LOGGING: 'false', AIRFLOW__LOGGING__REMOTE_BASE_LOG_FOLDER: 's3://other/x' },
      homeDir: '/home/me',
      workspaceFolders: [],
      readFileSync: () => '[core]\ndags_folder = /dags\n',
    });
    assert.equal(config.remoteLogging, false);
    assert.equal(config.remoteBaseLogFolder, 's3://other/x');
    assert.equal(config.baseLogFolder, '/home/me/airflow/logs');
    assert.deepEqual(config.origins, [
      'env AIRFLOW__LOGGING__REMOTE_LOGGING',
      'env AIRFLOW__LOGGING__REMOTE_BASE_LOG_FOLDER',
    ]);
  });
});
