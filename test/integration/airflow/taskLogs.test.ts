// Task logs where Airflow's task handlers write them: objects in a real S3-compatible server (s3rver) under the 2.x
// and 3.x default templates and a custom one, a 300 MB log served by a loopback S3 stand-in (only its tail crosses
// the wire), denied access, and real files in a local log folder.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CancellationError } from '../../../src/errors';
import {
  AIRFLOW2_LOG_FILENAME_TEMPLATE,
  AIRFLOW3_LOG_FILENAME_TEMPLATE,
  renderLogFilename,
  type LogTemplateContext,
} from '../../../src/airflow/logs/logFilenameTemplate';
import {
  LogNotFoundError,
  fileLogLocation,
  logLocationText,
  readLocalLog,
  readS3Log,
  s3LogLocation,
} from '../../../src/airflow/logs/storedLog';
import { S3ObjectStore, openS3ObjectStore } from '../../../src/storage/objectStore';
import { createS3Client } from '../../../src/storage/s3ClientFactory';
import type { StorageSettings } from '../../../src/storage/storageSettings';
import { createMetadataSource } from '../../../src/airflow/sqlMetadataSource';
import { createSqliteFixture, sqliteWriter } from '../../fixtures/airflow/builder';
import { s3, serviceRunDir, type S3Server } from '../services';

const BUCKET = 'airflow-logs';
const REMOTE = `s3://${BUCKET}/prod/task-logs`;
const TI: LogTemplateContext = {
  dagId: 'etl_orders',
  runId: 'scheduled__2024-01-02T00:00:00+00:00',
  taskId: 'transform',
  mapIndex: -1,
  tryNumber: 2,
  logicalDate: '2024-01-02T00:00:00.000Z',
};

/** An Airflow 2 text log of a failed try, its traceback naming the DAG file. */
function textLog(tryNumber: number): string {
  return [
    `[2024-01-02T00:00:01.000+0000] {taskinstance.py:2170} INFO - Starting attempt ${tryNumber} of 2`,
    '[2024-01-02T00:00:02.000+0000] {taskinstance.py:2731} ERROR - Task failed with exception',
    'Traceback (most recent call last):',
    '  File "/usr/local/lib/python3.12/site-packages/airflow/models/taskinstance.py", line 465, in _execute_task',
    '    result = _execute_callable(context=context, **execute_callable_kwargs)',
    '  File "/opt/airflow/dags/etl_orders.py", line 21, in transform',
    '    raise ValueError("orders without customer")',
    'ValueError: orders without customer',
    '',
  ].join('\n');
}

/** An Airflow 3 JSON-lines log with its exception as structured frames. */
function jsonLinesLog(): string {
  const lines = [
    { timestamp: '2024-01-02T00:00:01.000000Z', level: 'info', event: 'Starting attempt 2', logger: 'task' },
    {
      timestamp: '2024-01-02T00:00:02.000000Z',
      level: 'error',
      event: 'Task failed with exception',
      logger: 'task',
      error_detail: [
        {
          exc_type: 'ValueError',
          exc_value: 'orders without customer',
          is_cause: false,
          frames: [
            {
              filename: '/opt/airflow/task-sdk/src/airflow/sdk/execution_time/task_runner.py',
              lineno: 825,
              name: 'run',
            },
            { filename: '/opt/airflow/dags/etl_orders.py', lineno: 21, name: 'transform' },
          ],
        },
      ],
    },
  ];
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

describe('task logs in S3 and in a local log folder', function () {
  this.timeout(120_000);
  let server: S3Server;
  let settings: StorageSettings;
  let client: S3Client;
  let store: S3ObjectStore;
  let work: string;

  const put = (key: string, body: string | Buffer) =>
    client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

  before(async () => {
    server = await s3();
    settings = { endpointUrl: server.endpoint, region: server.region, forcePathStyle: true };
    client = createS3Client(settings, { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey });
    store = new S3ObjectStore(client, { settings, credentialsOrigin: 'static access key S3RVER' });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    work = mkdtempSync(join(serviceRunDir(), 'task-logs-'));
  });

  after(() => {
    client?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("reads a try's log from remote_base_log_folder under Airflow 2's default template", async () => {
    const relative = renderLogFilename(AIRFLOW2_LOG_FILENAME_TEMPLATE, TI);
    const loc = s3LogLocation(REMOTE, relative);
    assert.equal(
      logLocationText(loc),
      's3://airflow-logs/prod/task-logs/dag_id=etl_orders/run_id=scheduled__2024-01-02T00:00:00+00:00/' +
        'task_id=transform/attempt=2.log',
    );
    await put((loc as { key: string }).key, textLog(2));
    const log = await readS3Log(store, loc as Extract<typeof loc, { kind: 's3' }>, 2);
    assert.equal(log.text, textLog(2));
    assert.equal(log.note, undefined);
    assert.equal(log.text.split('\n')[log.tracebackLine!], 'Traceback (most recent call last):');
  });

  it("reads Airflow 3's default template and renders its JSON lines with a linkable traceback", async () => {
    const mapped = { ...TI, mapIndex: 4 };
    const loc = s3LogLocation(`${REMOTE}/`, renderLogFilename(AIRFLOW3_LOG_FILENAME_TEMPLATE, mapped));
    assert.match(logLocationText(loc), /\/prod\/task-logs\/dag_id=etl_orders\/.*\/map_index=4\/attempt=2\.log$/);
    await put((loc as { key: string }).key, jsonLinesLog());
    const log = await readS3Log(store, loc as Extract<typeof loc, { kind: 's3' }>, 2);
    assert.equal(
      log.text,
      [
        '2024-01-02T00:00:01.000000Z INFO [task] Starting attempt 2',
        '2024-01-02T00:00:02.000000Z ERROR [task] Task failed with exception',
        'Traceback (most recent call last):',
        '  File "/opt/airflow/task-sdk/src/airflow/sdk/execution_time/task_runner.py", line 825, in run',
        '  File "/opt/airflow/dags/etl_orders.py", line 21, in transform',
        'ValueError: orders without customer',
        '',
      ].join('\n'),
    );
    assert.equal(log.tracebackLine, 2);
  });

  it('reads a custom template (logical date, replace filter), and says where a missing try was looked for', async () => {
    const template = "{{ ti.dag_id }}/{{ ts|replace(':', '_') }}/{{ ti.task_id }}/{{ try_number }}.log";
    const loc = s3LogLocation(REMOTE, renderLogFilename(template, TI)) as { kind: 's3'; bucket: string; key: string };
    assert.equal(loc.key, 'prod/task-logs/etl_orders/2024-01-02T00_00_00+00_00/transform/2.log');
    await put(loc.key, textLog(2));
    assert.match((await readS3Log(store, loc, 2)).text, /Starting attempt 2 of 2/);

    const missing = s3LogLocation(REMOTE, renderLogFilename(template, { ...TI, tryNumber: 3 })) as typeof loc;
    await assert.rejects(readS3Log(store, missing, 3), (e: unknown) => {
      assert.ok(e instanceof LogNotFoundError);
      assert.match(
        e.message,
        /^No log for try 3 at s3:\/\/airflow-logs\/prod\/task-logs\/etl_orders\/2024-01-02T00_00_00\+00_00\/transform\/3\.log: The object .* does not exist/,
      );
      assert.match(e.message, /remote_base_log_folder and log_filename_template/);
      return true;
    });
    const noBucket = { kind: 's3' as const, bucket: 'no-such-log-bucket', key: 'x/attempt=1.log' };
    await assert.rejects(
      readS3Log(store, noBucket, 1),
      /No log for try 1 at s3:\/\/no-such-log-bucket\/x\/attempt=1\.log: .*bucket/i,
    );
  });

  it('keeps only the tail of a 12 MB log from s3rver, with the final traceback and a note of what was skipped', async () => {
    const filler = 'INFO - progress: row batch processed without incident\n';
    const body = Buffer.from(filler.repeat(Math.ceil(12_000_000 / filler.length)) + textLog(2));
    const loc = { kind: 's3' as const, bucket: BUCKET, key: 'big/attempt=1.log' };
    await put(loc.key, body);
    const log = await readS3Log(store, loc, 1, { tailBytes: 1_000_000 });
    assert.ok(log.text.length <= 1_000_000, `${log.text.length} characters kept`);
    assert.ok(log.text.endsWith(textLog(2)), 'the final traceback is kept');
    assert.ok(log.text.startsWith('INFO - progress'), 'the partial first line is dropped');
    assert.match(log.note ?? '', /^The log is 12 MB: its first 11 MB are skipped and the last 1000 KB shown/);
    const aborter = new AbortController();
    aborter.abort();
    await assert.rejects(readS3Log(store, loc, 1, { signal: aborter.signal }), CancellationError);
  });

  describe('a loopback S3 stand-in: a 300 MB log, a denied log', () => {
    const SIZE = 300_000_000;
    const LINE = Buffer.from('[2024-01-02T00:00:01] INFO - still working on the nightly load\n');
    const TRAILER = Buffer.from(textLog(2));
    let http: Server;
    let endpoint: string;
    let served = 0;
    let ranges: string[] = [];

    /** Byte `i` of the generated log: repeated lines, then the trailer with the traceback. */
    const chunkOf = (start: number, end: number): Buffer => {
      const out = Buffer.alloc(end - start + 1);
      for (let i = start; i <= end; i++) {
        const fromTrailer = i - (SIZE - TRAILER.length);
        out[i - start] = fromTrailer >= 0 ? TRAILER[fromTrailer] : LINE[i % LINE.length];
      }
      return out;
    };

    before(async () => {
      http = createServer((req, res) => {
        const key = decodeURIComponent((req.url ?? '').split('?')[0]);
        if (key.endsWith('/denied.log')) {
          res.writeHead(403, { 'content-type': 'application/xml', 'x-amz-request-id': 'stand-in' });
          res.end('<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
          return;
        }
        const common = { etag: '"stand-in"', 'last-modified': new Date(0).toUTCString(), 'accept-ranges': 'bytes' };
        if (req.method === 'HEAD') {
          res.writeHead(200, { ...common, 'content-length': SIZE });
          res.end();
          return;
        }
        const m = /bytes=(\d+)-(\d+)?/.exec(req.headers.range ?? '');
        const start = m ? Number(m[1]) : 0;
        const end = Math.min(m?.[2] ? Number(m[2]) : SIZE - 1, SIZE - 1);
        ranges.push(`${start}-${end}`);
        res.writeHead(m ? 206 : 200, {
          ...common,
          'content-length': end - start + 1,
          ...(m ? { 'content-range': `bytes ${start}-${end}/${SIZE}` } : {}),
        });
        let at = start;
        const pump = (): void => {
          while (at <= end) {
            const last = Math.min(at + 65_535, end);
            const piece = chunkOf(at, last);
            served += piece.length;
            at = last + 1;
            if (!res.write(piece)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      });
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      endpoint = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
    });

    after(() => new Promise<void>((resolve) => http.close(() => resolve())));

    it('reads a 300 MB log by range: only the last 4 MB cross the wire, the traceback is kept', async () => {
      const standIn = openS3ObjectStore(
        { endpointUrl: endpoint, region: 'us-east-1', forcePathStyle: true },
        { credentials: { accessKeyId: 'AKIASTANDIN', secretAccessKey: 'standInSecret' } },
      );
      try {
        served = 0;
        ranges = [];
        const progress: number[] = [];
        const heapBefore = process.memoryUsage().heapUsed;
        const log = await readS3Log(standIn, { kind: 's3', bucket: BUCKET, key: 'huge/attempt=2.log' }, 2, {
          tailBytes: 4_000_000,
          onProgress: (read) => progress.push(read),
        });
        assert.equal(served, 4_000_000, `${served} bytes served in ranges ${ranges.join(', ')}`);
        assert.deepEqual(ranges, [`${SIZE - 4_000_000}-${SIZE - 1}`]);
        assert.ok(log.text.endsWith(TRAILER.toString()), 'the final traceback is kept');
        assert.equal(log.text.split('\n')[log.tracebackLine!], 'Traceback (most recent call last):');
        assert.match(log.note ?? '', /^The log is 300 MB: its first 296 MB are skipped and the last 4\.0 MB shown/);
        assert.equal(progress.at(-1), 4_000_000);
        assert.ok(process.memoryUsage().heapUsed - heapBefore < 100_000_000, 'memory stays bounded by the tail');
      } finally {
        standIn.client.destroy();
      }
    });

    it('a 403 names the bucket, the key and the permission the log needs', async () => {
      const standIn = openS3ObjectStore(
        { endpointUrl: endpoint, region: 'us-east-1', forcePathStyle: true },
        {
          credentials: { accessKeyId: 'AKIASTANDIN', secretAccessKey: 'standInSecret' },
          credentialsOrigin: 'access keys stored for this connection',
        },
      );
      try {
        const loc = { kind: 's3' as const, bucket: 'secure-logs', key: 'dag_id=etl/attempt=1/denied.log' };
        await assert.rejects(readS3Log(standIn, loc, 1), (e: Error) => {
          assert.match(e.message, /s3:\/\/secure-logs\/dag_id=etl\/attempt=1\/denied\.log was denied/);
          assert.match(e.message, /needs s3:GetObject on arn:aws:s3:::secure-logs\/dag_id=etl\/attempt=1\/denied\.log/);
          assert.doesNotMatch(e.message, /standInSecret/);
          return true;
        });
      } finally {
        standIn.client.destroy();
      }
    });
  });

  describe('a local base_log_folder (real files)', () => {
    let folder: string;

    before(() => {
      folder = join(work, 'logs');
      const relative = renderLogFilename(AIRFLOW2_LOG_FILENAME_TEMPLATE, TI);
      const path = logLocationText(fileLogLocation(folder, relative));
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, textLog(2));
      const latin1 = logLocationText(
        fileLogLocation(folder, renderLogFilename(AIRFLOW2_LOG_FILENAME_TEMPLATE, { ...TI, tryNumber: 1 })),
      );
      writeFileSync(latin1, Buffer.from('Kunde M\xfcller: Stra\xdfe fehlt\n', 'latin1'));
    });

    it('reads the first folder that holds the try, and says every place looked at when none does', async () => {
      const relative = renderLogFilename(AIRFLOW2_LOG_FILENAME_TEMPLATE, TI);
      const elsewhere = join(work, 'airflow-home', 'logs');
      const paths = [elsewhere, folder].map((f) => logLocationText(fileLogLocation(f, relative)));
      const log = await readLocalLog(paths, 2);
      assert.equal(log.text, textLog(2));
      assert.equal(log.path, paths[1]);
      assert.equal(log.text.split('\n')[log.tracebackLine!], 'Traceback (most recent call last):');

      const third = renderLogFilename(AIRFLOW2_LOG_FILENAME_TEMPLATE, { ...TI, tryNumber: 3 });
      const missing = [elsewhere, folder].map((f) => logLocationText(fileLogLocation(f, third)));
      await assert.rejects(readLocalLog(missing, 3), (e: unknown) => {
        assert.ok(e instanceof LogNotFoundError);
        assert.equal(
          e.message,
          `No log for try 3: nothing at ${missing[0]}; nothing at ${missing[1]}. Set xcomLens.logs.baseLogFolder to ` +
            'the folder your Airflow writes task logs to ([logging] base_log_folder) if it is elsewhere.',
        );
        return true;
      });
    });

    it('decodes a log that is not UTF-8 with replacement and a note', async () => {
      const relative = renderLogFilename(AIRFLOW2_LOG_FILENAME_TEMPLATE, { ...TI, tryNumber: 1 });
      const log = await readLocalLog([logLocationText(fileLogLocation(folder, relative))], 1);
      assert.equal(log.text, 'Kunde M\uFFFDller: Stra\uFFFDe fehlt\n');
      assert.match(log.note ?? '', /not valid UTF-8: 2 undecodable byte sequences are shown as "\uFFFD"/);
    });

    it('keeps the tail of a 20 MB file, and a Cancel stops the read', async () => {
      const path = join(folder, 'big.log');
      const filler = 'INFO - still working\n';
      writeFileSync(path, filler.repeat(Math.ceil(20_000_000 / filler.length)) + textLog(2));
      const log = await readLocalLog([path], 1, { tailBytes: 500_000 });
      assert.ok(log.text.endsWith(textLog(2)));
      assert.ok(log.text.length <= 500_000);
      assert.match(log.note ?? '', /^The log is 20 MB: its first 20 MB are skipped and the last 500 KB shown/);
      const aborter = new AbortController();
      aborter.abort();
      await assert.rejects(readLocalLog([path], 1, { signal: aborter.signal }), CancellationError);
    });
  });

  it("reads the template a run's logs were written under from the metadata DB's log_template (real SQLite)", async () => {
    const path = join(work, 'airflow.db');
    await createSqliteFixture(path, 2);
    const run = 'scheduled__2024-01-03T00:00:00+00:00';
    const source = await createMetadataSource({
      url: `sqlite:///${path}`,
      connectTimeoutMs: 5000,
      queryTimeoutMs: 10_000,
    });
    try {
      // Before a log_template table exists (as before 2.3): nothing recorded, the configured template applies.
      assert.equal(await source.readLogTemplate?.('etl_orders', run), undefined);
      const writer = sqliteWriter(path);
      const legacy = '{{ ti.dag_id }}/{{ ti.task_id }}/{{ ts }}/{{ try_number }}.log';
      writer.db.exec(
        'CREATE TABLE log_template (id INTEGER PRIMARY KEY, filename VARCHAR(2000) NOT NULL, ' +
          'elasticsearch_id VARCHAR(2000) NOT NULL, created_at TIMESTAMP NOT NULL)',
      );
      writer.db.prepare("INSERT INTO log_template VALUES (1, ?, '', '2022-01-01')").run(legacy);
      writer.db.prepare("INSERT INTO log_template VALUES (2, ?, '', '2024-01-01')").run(AIRFLOW2_LOG_FILENAME_TEMPLATE);
      writer.db.exec(`UPDATE dag_run SET log_template_id = CASE WHEN run_id = '${run}' THEN 1 ELSE 2 END`);
      await writer.close();
      const recorded = await source.readLogTemplate?.('etl_orders', run);
      assert.equal(recorded, legacy);
      assert.equal(
        renderLogFilename(recorded!, { ...TI, runId: run, logicalDate: '2024-01-03T00:00:00.000Z' }),
        'etl_orders/transform/2024-01-03T00:00:00+00:00/2.log',
      );
      assert.equal(
        await source.readLogTemplate?.('etl_orders', 'scheduled__2024-01-02T00:00:00+00:00'),
        AIRFLOW2_LOG_FILENAME_TEMPLATE,
      );
      assert.equal(await source.readLogTemplate?.('etl_orders', 'no such run'), undefined);
    } finally {
      await source.close();
    }
  });
});
