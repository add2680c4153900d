// Read-only means nothing is created: a WAL-mode SQLite DB opens without leaving -wal/-shm files beside it, also in
// a folder mounted read-only; and a DB at an alembic head newer than XCom Lens knows still opens, read by its
// columns, with a note for the connection node.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetadataSource } from '../../../src/airflow/sqlMetadataSource';
import { createSqliteFixture } from '../../fixtures/airflow/builder';

const TIMEOUTS = { connectTimeoutMs: 5_000, queryTimeoutMs: 10_000 };
const PAGE = { offset: 0, limit: 50 };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'xcom-lens-ro-'));
}

/** Browses DAGs, runs, task instances and XComs; returns the number of XComs seen. */
async function browse(url: string): Promise<number> {
  const source = await createMetadataSource({ url, ...TIMEOUTS });
  let xcoms = 0;
  try {
    for (const dag of (await source.listDags(undefined, PAGE)).items) {
      for (const run of (await source.listDagRuns(dag.dagId, {}, PAGE)).items) {
        for (const ti of (await source.listTaskInstances(dag.dagId, run.runId, {}, PAGE)).items) {
          xcoms += (await source.listXComs(ti, PAGE)).items.length;
        }
      }
    }
  } finally {
    await source.close();
  }
  return xcoms;
}

describe('SQLite read-only: nothing is created beside the file', function () {
  this.timeout(60_000);

  it('a WAL-mode DB leaves no -wal or -shm file after a browse', async () => {
    const dir = tempDir();
    const path = await createSqliteFixture(join(dir, 'airflow.db'), 3, { wal: true });
    assert.deepEqual(readdirSync(dir), ['airflow.db'], 'the writer checkpointed and removed its -wal on close');
    assert.ok((await browse(`sqlite:///${path}`)) > 0);
    assert.deepEqual(readdirSync(dir), ['airflow.db']);
  });

  it('a WAL-mode DB opens in a folder mounted read-only', async function () {
    const source = tempDir();
    await createSqliteFixture(join(source, 'airflow.db'), 3, { wal: true });
    const mountPoint = join(tempDir(), 'ro');
    mkdirSync(mountPoint);
    copyFileSync(join(source, 'airflow.db'), join(mountPoint, 'airflow.db'));
    // Tests run as root, whom chmod does not stop: a read-only bind mount is a folder nobody can write.
    const bind = spawnSync('mount', ['--bind', mountPoint, mountPoint]);
    if (bind.status !== 0) this.skip();
    try {
      const remount = spawnSync('mount', ['-o', 'remount,ro,bind', mountPoint]);
      if (remount.status !== 0) this.skip();
      assert.notEqual(spawnSync('touch', [join(mountPoint, 'probe')]).status, 0, 'the folder is read-only');
      assert.ok((await browse(`sqlite:///${join(mountPoint, 'airflow.db')}`)) > 0);
      assert.deepEqual(readdirSync(mountPoint), ['airflow.db']);
    } finally {
      spawnSync('umount', [mountPoint]);
    }
  });
});

describe('An alembic head newer than XCom Lens knows', function () {
  this.timeout(60_000);

  it('opens, reads the tables by their columns and says so in a note', async () => {
    const path = await createSqliteFixture(join(tempDir(), 'airflow.db'), 3);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
    const writer = new DatabaseSync(path);
    writer.exec("UPDATE alembic_version SET version_num = 'f0e1d2c3b4a5'");
    writer.close();
    const source = await createMetadataSource({ url: `sqlite:///${path}`, ...TIMEOUTS });
    try {
      const info = await source.describe();
      assert.equal(info.generation, 3);
      assert.equal(info.airflowVersion, '3.x');
      assert.deepEqual(info.origin, { kind: 'sql', dialect: 'sqlite', alembicRevision: 'f0e1d2c3b4a5' });
      assert.match(info.note ?? '', /Alembic revision f0e1d2c3b4a5 is not one XCom Lens knows .*read by their columns/);
      assert.ok((await source.listDags(undefined, PAGE)).items.some((d) => d.dagId === 'etl_orders'));
    } finally {
      await source.close();
    }
  });

  it("Airflow 3.3's head is known: its release, no note", async () => {
    const path = await createSqliteFixture(join(tempDir(), 'airflow.db'), 3);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
    const writer = new DatabaseSync(path);
    writer.exec("UPDATE alembic_version SET version_num = 'd2f4e1b3c5a7'");
    writer.close();
    const source = await createMetadataSource({ url: `sqlite:///${path}`, ...TIMEOUTS });
    try {
      const info = await source.describe();
      assert.equal(info.airflowVersion, '3.3.0');
      assert.equal(info.note, undefined);
    } finally {
      await source.close();
    }
  });

  it('a known head has no note', async () => {
    const path = await createSqliteFixture(join(tempDir(), 'airflow.db'), 3);
    const source = await createMetadataSource({ url: `sqlite:///${path}`, ...TIMEOUTS });
    try {
      assert.equal((await source.describe()).note, undefined);
    } finally {
      await source.close();
    }
  });
});
