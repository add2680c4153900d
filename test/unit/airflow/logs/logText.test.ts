import * as assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { taskLogFromBytes } from '../../../../src/airflow/logs/logText';

describe('task log text', () => {
  it("renders Airflow 3's JSON lines readably, exceptions as Python tracebacks", async () => {
    const lines = [
      { timestamp: '2024-01-02T00:00:01Z', level: 'info', event: 'Starting', logger: 'task' },
      'a line that is not JSON',
      {
        timestamp: '2024-01-02T00:00:02Z',
        level: 'error',
        event: 'Task failed with exception',
        error_detail: [
          {
            exc_type: 'ValueError',
            exc_value: 'boom',
            is_cause: false,
            frames: [
              { filename: '/opt/airflow/dags/etl_orders.py', lineno: 21, name: 'load' },
              { filename: '/opt/airflow/dags/lib/util.py', lineno: 7, name: 'check' },
            ],
          },
        ],
      },
    ];
    const bytes = Buffer.from(lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
    const log = await taskLogFromBytes(bytes, 0);
    assert.equal(
      log.text,
      [
        '2024-01-02T00:00:01Z INFO [task] Starting',
        'a line that is not JSON',
        '2024-01-02T00:00:02Z ERROR Task failed with exception',
        'Traceback (most recent call last):',
        '  File "/opt/airflow/dags/etl_orders.py", line 21, in load',
        '  File "/opt/airflow/dags/lib/util.py", line 7, in check',
        'ValueError: boom',
        '',
      ].join('\n'),
    );
    assert.equal(log.tracebackLine, 3);
    assert.equal(log.note, undefined);
  });

  it('drops the partial first line of a tail and says how much was skipped; replaces bad UTF-8 and says so', async () => {
    const log = await taskLogFromBytes(Buffer.from('tial line\nkept \xff line\n', 'latin1'), 5_000_000);
    assert.equal(log.text, 'kept \uFFFD line\n');
    assert.match(log.note ?? '', /^The log is 5\.0 MB: its first 5\.0 MB are skipped and the last 12 B shown/);
    assert.match(log.note ?? '', /not valid UTF-8: 1 undecodable byte sequence is shown as "\uFFFD"/);
  });

  it('renders an 8 MB JSON-lines tail without holding the host thread (max event-loop delay < 100 ms)', async () => {
    const line = JSON.stringify({
      timestamp: '2024-01-02T00:00:01.000000Z',
      level: 'info',
      event: 'Processing batch of orders for one customer segment',
      logger: 'airflow.task',
    });
    const bytes = Buffer.from(`${line}\n`.repeat(Math.floor(8_000_000 / (line.length + 1))));
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const ticking = setInterval(() => undefined, 5);
    await new Promise((resolve) => setTimeout(resolve, 20)); // the histogram records from its second turn on
    const log = await taskLogFromBytes(bytes, 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    clearInterval(ticking);
    delay.disable();
    assert.match(log.text, /^2024-01-02T00:00:01\.000000Z INFO \[airflow\.task\] Processing batch/);
    assert.ok(delay.max / 1e6 < 100, `the host thread was held for ${(delay.max / 1e6).toFixed(1)} ms`);
  });
});
