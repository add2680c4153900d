// npm run demo: builds XCom Lens, creates a demo Airflow metadata DB (SQLite) and a local S3-compatible server
// holding offloaded DataFrames in every known backend's format plus a 1,000,000-row table, then opens VS Code with
// the demo connection ready: desktop VS Code when `code` is on PATH, else code-server in the browser (URL printed).
// Everything lives in .demo/ (wiped on start); the user's own VS Code settings are never touched. Ctrl-C stops all.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const demo = join(root, '.demo');
const require = createRequire(import.meta.url);
const BUCKET = 'xcom-lens-demo';
const LARGE_ROWS = Number(process.env.XCOM_LENS_DEMO_ROWS ?? 1_000_000);

function step(text) {
  console.log(`\u001b[36m▸\u001b[0m ${text}`);
}

async function main() {
  if (Number(process.versions.node.split('.')[0]) < 24)
    throw new Error(
      `Run through npm (npm run demo): it uses the project's Node 24; this is Node ${process.versions.node}.`,
    );
  step('Building the extension and the fixtures');
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: root, stdio: 'inherit' });

  rmSync(demo, { recursive: true, force: true });
  mkdirSync(demo, { recursive: true });
  const { startS3Server } = require(join(root, 'out/test/fixtures/servers/s3.js'));
  const { seedOffloadedObjects, uploadLargeCsv } = require(join(root, 'out/test/fixtures/s3/seedOffloadedObjects.js'));
  const { createDemoDatabase } = require(join(root, 'out/test/fixtures/airflow/demo.js'));
  const { S3Client } = require('@aws-sdk/client-s3');

  step('Starting a local S3-compatible server');
  const s3 = await startS3Server(join(demo, 's3'));
  const stops = [() => s3.stop()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  process.on('SIGINT', () => void stopAll().then(() => process.exit(0)));
  process.on('SIGTERM', () => void stopAll().then(() => process.exit(0)));

  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  const seeded = await seedOffloadedObjects(client, BUCKET);
  step(`Uploading a ${LARGE_ROWS.toLocaleString('en-US')}-row table (once per demo start)`);
  const largeKey = 'data_1f0e2d3c-4b5a-4697-8877-665544332211.csv';
  await uploadLargeCsv(client, BUCKET, largeKey, LARGE_ROWS);

  step('Creating the demo Airflow metadata DB');
  const dbPath = join(demo, 'airflow', 'airflow.db');
  mkdirSync(dirname(dbPath), { recursive: true });
  await createDemoDatabase(dbPath, { bucket: BUCKET, seeded, largeReference: `xcom_s3://${BUCKET}/${largeKey}` });

  const workspace = join(demo, 'workspace');
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  const settings = {
    'xcomLens.connections': [
      {
        id: 'demo',
        name: 'Demo Airflow',
        url: `sqlite:///${dbPath}`,
        storage: { endpointUrl: s3.endpoint, region: s3.region, forcePathStyle: true, bucket: BUCKET },
      },
    ],
    'xcomLens.references.preset': 'auto',
    // One deployment uses one backend; the demo shows several, so the other formats get rules of their own.
    'xcomLens.references.objectStoragePath': `s3://aws_default@${BUCKET}/xcom`,
    'xcomLens.references.customRules': [
      { name: 'astronomer-providers', prefix: 's3_xcom_', keyPrefix: 's3_xcom_', bucket: BUCKET, format: 'json' },
    ],
  };
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
  writeFileSync(
    join(workspace, 'README.md'),
    '# XCom Lens demo\n\nOpen the XCom Lens view in the activity bar. Try Recent failures → etl_orders › transform → Inputs.\n',
  );
  // The demo server's keys reach the extension through the standard AWS environment variables.
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: s3.region,
  };

  const code = process.env.XCOM_LENS_DEMO_BROWSER
    ? undefined
    : spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0
      ? 'code'
      : undefined;
  if (code) {
    step('Opening desktop VS Code (its own profile under .demo/)');
    const child = spawn(
      code,
      [
        '--new-window',
        '--user-data-dir',
        join(demo, 'vscode-user'),
        '--extensions-dir',
        join(demo, 'vscode-extensions'),
        `--extensionDevelopmentPath=${root}`,
        workspace,
        '--wait',
      ],
      { env, stdio: 'inherit' },
    );
    stops.push(async () => {
      child.kill();
    });
    console.log('\nXCom Lens demo is running in VS Code. Press Ctrl-C here to stop the S3 server.');
    return;
  }
  step('Starting VS Code in the browser (code-server)');
  execFileSync('bash', [join(root, 'scripts/install-code-server.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { startCodeServer, workbenchUrl } = require(join(root, 'out/test/harness/codeServer.js'));
  const server = await startCodeServer({ tempDir: join(demo, 'code-server'), env });
  stops.push(() => server.stop());
  const url = workbenchUrl(server.baseUrl, workspace, root);
  console.log(`\nXCom Lens demo: open\n\n  ${url}\n\nin a browser. Press Ctrl-C to stop.`);
  writeFileSync(join(demo, 'url.txt'), `${url}\n`);
}

main().catch((error) => {
  console.error(`demo failed: ${error?.message ?? error}`);
  process.exit(1);
});
