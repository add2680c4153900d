// An object replaced while it is read (a task re-run uploads over the same key): through the real S3 client and the
// loopback S3 stand-in, which honours If-Match as S3 does, every GET after the first asks for the version the HEAD
// saw, so a read stops with a message that says the object changed instead of stitching two versions together,
// whether it streams the object or fetches Parquet row groups on demand; an endpoint that refuses its own ETags
// is still read.
import * as assert from 'node:assert/strict';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { PartialRead } from '../../../src/formats/tableClient';
import { emptyQuery } from '../../../src/protocol';
import { StorageError } from '../../../src/storage/storageErrors';
import {
  fixedWidthCsv,
  memoryObject,
  startGeneratedObjectServer,
  type GeneratedObjectServer,
} from '../../fixtures/servers/generatedObjects';
import { TableClients, previewSourceOf, standInStore } from './standInPreview';

const BUCKET = 'replaced';
const CSV = fixedWidthCsv(5e6);
const OTHER_CSV = fixedWidthCsv(6e6);
const ROWS = 200_000;

/** 200,000 rows in 40 row groups, `offset` added to each id (so two versions differ in every row). */
function groupsParquet(offset: number): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Int32Array.from({ length: ROWS }, (_, i) => i + offset), type: 'INT32' },
        { name: 'label', data: Array.from({ length: ROWS }, (_, i) => `label ${i}`), type: 'STRING' },
      ],
      rowGroupSize: 5000,
    }),
  );
}

describe('an object replaced while it is read (S3 stand-in honouring If-Match)', function () {
  this.timeout(60_000);
  let server: GeneratedObjectServer;
  let refusing: GeneratedObjectServer;
  const clients = new TableClients();

  before(async () => {
    server = await startGeneratedObjectServer({
      [`${BUCKET}/data.csv`]: CSV,
      [`${BUCKET}/groups.parquet`]: memoryObject(groupsParquet(0)),
    });
    refusing = await startGeneratedObjectServer({ [`${BUCKET}/data.csv`]: CSV }, { refusesOwnEtag: true });
  });
  after(async () => {
    await clients.closeAll();
    await server.close();
    await refusing.close();
  });

  it('stops a streamed read with a clear message once the object is replaced, keeping no byte of the new one', async () => {
    const store = standInStore(server);
    const loc = { bucket: BUCKET, key: 'data.csv' };
    const received: Buffer[] = [];
    let replaced = false;
    await assert.rejects(
      (async () => {
        for await (const piece of store.read(loc, { chunkSize: 1_000_000 })) {
          received.push(Buffer.from(piece));
          if (!replaced && Buffer.concat(received).length >= 1_500_000) {
            server.replace(`${BUCKET}/data.csv`, OTHER_CSV);
            replaced = true;
          }
        }
      })(),
      (e: Error) => {
        assert.ok(e instanceof StorageError && e.kind === 'changed', `a StorageError: ${e.message}`);
        assert.equal(
          e.message,
          's3://replaced/data.csv changed while it was being read: it was replaced after reading began, so the parts read would not belong together. Reopen it to read the new version.',
        );
        return true;
      },
    );
    const bytes = Buffer.concat(received);
    assert.ok(bytes.length >= 1_500_000 && bytes.length <= 3_000_000, `read ${bytes.length} bytes`);
    assert.ok(bytes.equals(Buffer.from(CSV.bytes(0, bytes.length))), 'every byte delivered is of the first version');
  });

  it('refuses a Parquet row group fetched on demand after the object was replaced, saying why, and says once that reading further cannot succeed', async () => {
    const key = 'groups.parquet';
    const table = clients.open();
    let changes = 0;
    table.onSourceChanged(() => changes++);
    const source = await previewSourceOf(standInStore(server), BUCKET, key);
    const stopped = new Promise<PartialRead>((resolve, reject) => {
      table
        .load(source, { signal: new AbortController().signal, budgetBytes: 100_000, onPaused: resolve })
        .catch(reject);
    });
    await stopped;
    const first = await table.request({ op: 'rows', query: emptyQuery(), start: 0, end: 1 });
    assert.equal(first.rows[0][0], 0);
    server.replace(`${BUCKET}/${key}`, memoryObject(groupsParquet(1_000_000)));
    await assert.rejects(
      table.request({ op: 'rows', query: emptyQuery(), start: ROWS - 5, end: ROWS }),
      /s3:\/\/replaced\/groups\.parquet changed while it was being read: .* Reopen it to read the new version\./,
    );
    assert.equal(table.sourceChanged, true);
    // Another row group refused the same way: the change is told once.
    await assert.rejects(table.request({ op: 'rows', query: emptyQuery(), start: ROWS / 2, end: ROWS / 2 + 5 }));
    assert.equal(changes, 1, 'the change is told once');
  });

  it('reads an endpoint that refuses If-Match even with the object’s own ETag, without the condition', async () => {
    const store = standInStore(refusing);
    const parts: Buffer[] = [];
    for await (const piece of store.read({ bucket: BUCKET, key: 'data.csv' }, { chunkSize: 1_000_000 }))
      parts.push(Buffer.from(piece));
    assert.ok(Buffer.concat(parts).equals(Buffer.from(CSV.bytes(0, CSV.size))));
  });
});
