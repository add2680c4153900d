import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { objectUrl } from '../../../src/storage/objectUrl';
import { awsCliCommand, identifiersText, pandasSnippet, xcomPullSnippet } from '../../../src/copy/snippets';
import { toS3Uri } from '../../../src/references';
import { pythonString, shellWord } from '../../../src/copy/quoting';
import { downloadTarget, safeFileName } from '../../../src/copy/downloadPath';

const awkwardKeys = [
  'data_1.csv',
  'my folder/with space.csv',
  `it's "quoted".csv`,
  'a+b:c.csv',
  'back\\slash\nnewline.csv',
  'ünïcødé €.csv',
  '$(touch /tmp/pwned)`id`.csv',
];

/** Evaluates Python literals with the real Python interpreter (ast.literal_eval runs no code). */
function pythonReads(literals: string[]): string[] {
  const script = 'import ast,json,sys\nprint(json.dumps([ast.literal_eval(l) for l in json.load(sys.stdin)]))';
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(literals) }).toString());
}

describe('copy snippets', () => {
  it('Python string literals read back exactly in Python', () => {
    assert.deepEqual(pythonReads(awkwardKeys.map(pythonString)), awkwardKeys);
  });

  it('shell words read back exactly in a POSIX shell, and run nothing', () => {
    for (const key of awkwardKeys) {
      const out = execFileSync('sh', ['-c', `printf %s ${shellWord(key)}`]).toString();
      assert.equal(out, key);
    }
  });

  it('s3 URI keeps the key as stored', () => {
    assert.equal(toS3Uri({ bucket: 'b', key: 'my folder/a+b:c.csv' }), 's3://b/my folder/a+b:c.csv');
  });

  it('HTTPS URLs: virtual-hosted on AWS, path-style on a custom endpoint or dotted bucket, keys percent-encoded', () => {
    assert.equal(
      objectUrl({ bucket: 'my-bucket', key: 'dir/a b+c:d.csv' }, { region: 'eu-west-1' }),
      'https://my-bucket.s3.eu-west-1.amazonaws.com/dir/a%20b%2Bc%3Ad.csv',
    );
    assert.equal(
      objectUrl({ bucket: 'my-bucket', key: 'k.csv' }, {}),
      'https://my-bucket.s3.us-east-1.amazonaws.com/k.csv',
    );
    assert.equal(
      objectUrl({ bucket: 'my.dotted.bucket', key: 'k.csv' }, { region: 'us-west-2' }),
      'https://s3.us-west-2.amazonaws.com/my.dotted.bucket/k.csv',
    );
    assert.equal(
      objectUrl({ bucket: 'b', key: 'k' }, { forcePathStyle: true }),
      'https://s3.us-east-1.amazonaws.com/b/k',
    );
    assert.equal(
      objectUrl({ bucket: 'b', key: "it's (1).csv" }, { endpointUrl: 'http://127.0.0.1:9000/' }),
      'http://127.0.0.1:9000/b/it%27s%20%281%29.csv',
    );
    assert.equal(
      objectUrl({ bucket: 'b', key: 'k' }, { endpointUrl: 'https://minio.example.com', forcePathStyle: false }),
      'https://b.minio.example.com/k',
    );
  });

  it('pandas snippet picks the reader and passes a custom endpoint and profile', () => {
    assert.equal(
      pandasSnippet({ bucket: 'b', key: 'data_1.csv', format: 'csv' }, {}),
      'import pandas as pd\n\ndf = pd.read_csv("s3://b/data_1.csv")\n',
    );
    assert.equal(
      pandasSnippet(
        { bucket: 'b', key: 's3_xcom_1', format: 'json', compression: 'gzip' },
        { endpointUrl: 'http://localhost:9000', profile: 'dev' },
      ),
      'import pandas as pd\n\ndf = pd.read_json(\n    "s3://b/s3_xcom_1",\n    compression="gzip",\n    storage_options={"profile": "dev", "client_kwargs": {"endpoint_url": "http://localhost:9000"}},\n)\n',
    );
    assert.equal(
      pandasSnippet({ bucket: 'b', key: 'run/part-0.jsonl.gz', format: 'json', compression: 'gzip' }, {}),
      'import pandas as pd\n\ndf = pd.read_json(\n    "s3://b/run/part-0.jsonl.gz",\n    lines=True,\n)\n',
    );
    assert.match(
      pandasSnippet({ bucket: 'b', key: 'x.parquet', format: 'parquet' }, {}),
      /pd\.read_parquet\("s3:\/\/b\/x\.parquet"\)/,
    );
  });

  it('pandas snippets are valid Python for awkward keys', () => {
    for (const key of awkwardKeys) {
      const code = pandasSnippet({ bucket: 'b', key, format: 'csv' }, { endpointUrl: 'http://h:1' });
      execFileSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: code });
    }
  });

  it('aws s3 cp command quotes keys and adds endpoint and profile', () => {
    assert.equal(awsCliCommand({ bucket: 'b', key: 'data_1.csv' }, {}), 'aws s3 cp s3://b/data_1.csv ./data_1.csv');
    assert.equal(
      awsCliCommand(
        { bucket: 'b', key: "dir/it's here.csv" },
        { endpointUrl: 'http://localhost:9000', profile: 'dev' },
      ),
      `aws s3 cp 's3://b/dir/it'\\''s here.csv' './it'\\''s here.csv' --endpoint-url http://localhost:9000 --profile dev`,
    );
  });

  it('xcom_pull snippet names dag, task, key and map index', () => {
    assert.equal(
      xcomPullSnippet({ dagId: 'etl', runId: 'manual__2024', taskId: 'extract', mapIndex: 2, key: 'return_value' }),
      '# run_id: manual__2024\nvalue = ti.xcom_pull(dag_id="etl", task_ids="extract", key="return_value", map_indexes=2)\n',
    );
    assert.doesNotMatch(
      xcomPullSnippet({ dagId: 'etl', runId: 'r', taskId: 't', mapIndex: -1, key: 'k' }),
      /map_indexes/,
    );
  });

  it('identifiers list each id on its own line', () => {
    assert.equal(
      identifiersText({ dagId: 'd', runId: 'r', taskId: 't', mapIndex: -1, key: 'k' }),
      'dag_id=d\nrun_id=r\ntask_id=t\nmap_index=-1\nkey=k',
    );
  });

  it('download file names cannot escape the chosen folder', () => {
    assert.equal(safeFileName('../../etc/passwd'), 'passwd');
    assert.equal(safeFileName('..'), 'object');
    assert.equal(safeFileName('dir/.hidden'), 'hidden');
    assert.equal(safeFileName('a:b*c?.csv'), 'a_b_c_.csv');
    assert.equal(downloadTarget('/tmp/dl', '../../x'), '/tmp/dl/x');
    assert.equal(downloadTarget('/tmp/dl', 'a/b/../../../y.csv'), '/tmp/dl/y.csv');
  });

  it('download file names carry no bidi controls that could disguise the extension', () => {
    assert.equal(safeFileName('data/report_\u202Evsc.exe'), 'report__vsc.exe');
    assert.equal(safeFileName('a\u200Bb\u2066c.csv'), 'a_b_c.csv');
  });
});
