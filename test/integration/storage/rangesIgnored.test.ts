// An S3 endpoint (or a proxy in front of one) that ignores the Range header and answers every GET with the whole
// object, HTTP 200: through the real S3 client, reads deliver exactly the bytes asked for, never the object from
// its start in their place; a stream reads on from the one body it is sent; a range out of reach says so clearly
// instead of downloading gigabytes into memory; and previews work (CSV past the budget, small Parquet) or say why not.
import * as assert from 'node:assert/strict';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ByteTableSource } from '../../../src/formats/table';
import type { PartialRead, TableClient } from '../../../src/formats/tableClient';
import { emptyQuery } from '../../../src/protocol';
import type { S3ObjectStore } from '../../../src/storage/objectStore';
import { StorageError } from '../../../src/storage/storageErrors';
import {
  fixedWidthCsv,
  memoryObject,
  parquetFarIn,
  startGeneratedObjectServer,
  type GeneratedObjectServer,
} from '../../fixtures/servers/generatedObjects';
import { TableClients, previewSourceOf, standInStore } from './standInPreview';

const BUCKET = 'plain';
const SMALL_KEY = 'small.csv';
const HUGE_KEY = 'huge.csv';
const PARQUET_KEY = 'small.parquet';
const HUGE_PARQUET_KEY = 'huge.parquet';
const SMALL = fixedWidthCsv(5e6);
const HUGE = fixedWidthCsv(4e9);

function smallParquet(): Uint8Array {
  const n = 20_000;
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Int32Array.from({ length: n }, (_, i) => i), type: 'INT32' },
        { name: 'label', data: Array.from({ length: n }, (_, i) => `label ${i}`), type: 'STRING' },
      ],
      rowGroupSize: 5000,
    }),
  );
}

describe('an S3 endpoint that ignores byte ranges (whole object for every GET)', function () {
  this.timeout(120_000);
  const parquet = smallParquet();
  let server: GeneratedObjectServer;
  let store: S3ObjectStore;
  const clients = new TableClients();
  const loc = (key: string) => ({ bucket: BUCKET, key });

  before(async () => {
    server = await startGeneratedObjectServer(
      {
        [`${BUCKET}/${SMALL_KEY}`]: SMALL,
        [`${BUCKET}/${HUGE_KEY}`]: HUGE,
        [`${BUCKET}/${PARQUET_KEY}`]: memoryObject(parquet),
        [`${BUCKET}/${HUGE_PARQUET_KEY}`]: parquetFarIn(parquet, 4e9),
      },
      { ignoresRanges: true },
    );
    store = standInStore(server);
  });
  after(async () => {
    await clients.closeAll();
    await server.close();
  });

  const source = (key: string): Promise<ByteTableSource> => previewSourceOf(store, BUCKET, key);
  const client = (): TableClient => clients.open();

  it('reads a range in the middle as exactly its bytes, not the object from its start', async () => {
    const bytes = await store.readRange(loc(SMALL_KEY), 3_000_000, 3_000_099);
    assert.deepEqual(Buffer.from(bytes).toString(), Buffer.from(SMALL.bytes(3_000_000, 3_000_100)).toString());
    const head = await store.readRange(loc(SMALL_KEY), 0, 9);
    assert.equal(Buffer.from(head).toString(), SMALL.header.slice(0, 10));
  });

  it('streams an object in ranges from the one body sent, with no second download', async () => {
    const key = `${BUCKET}/${SMALL_KEY}`;
    const before = server.ranges(key).length;
    const parts: Buffer[] = [];
    for await (const piece of store.read(loc(SMALL_KEY), { size: SMALL.size, chunkSize: 1_000_000 }))
      parts.push(Buffer.from(piece));
    const all = Buffer.concat(parts);
    assert.equal(all.length, SMALL.size);
    assert.ok(all.equals(Buffer.from(SMALL.bytes(0, SMALL.size))), 'the bytes are the object, in order');
    assert.equal(server.ranges(key).length - before, 1, 'one GET: the whole object it sent is read on');
  });

  it('refuses a range 4 GB into the object with a clear message, downloading little, not 4 GB into memory', async () => {
    const key = `${BUCKET}/${HUGE_KEY}`;
    const sentBefore = server.sent(key);
    await assert.rejects(store.readRange(loc(HUGE_KEY), HUGE.size - 100, HUGE.size - 1), (e: Error) => {
      assert.ok(e instanceof StorageError && e.kind === 'rangesNotServed', `a StorageError: ${e.message}`);
      assert.match(
        e.message,
        /^The S3 endpoint sent the whole of s3:\/\/plain\/huge\.csv \(4\.0 GB\) when asked for its bytes from 3,999,99[\d,]+ on: it, or a proxy in front of it, does not serve byte ranges\. Reaching those bytes means downloading 4\.0 GB first, more than the preview downloads to skip \(16 MB\)\. Use an endpoint that serves byte ranges/,
      );
      return true;
    });
    await new Promise((r) => setTimeout(r, 200));
    const sent = server.sent(key) - sentBefore;
    assert.ok(sent < 24e6, `downloaded ${sent} bytes`);
  });

  it('previews a 4 GB CSV up to the budget and reads further from the same body', async () => {
    const getsBefore = server.ranges(`${BUCKET}/${HUGE_KEY}`).length;
    const sentBefore = server.sent(`${BUCKET}/${HUGE_KEY}`);
    const table = client();
    const stops: PartialRead[] = [];
    let wake: (() => void) | undefined;
    const abort = new AbortController();
    const loading = table.load(await source(HUGE_KEY), {
      signal: abort.signal,
      budgetBytes: 16e6,
      onPaused: (p) => {
        stops.push(p);
        wake?.();
      },
    });
    let ended: unknown;
    loading
      .then(
        () => (ended = 'the load ended'),
        (e: Error) => (ended = e.message),
      )
      .finally(() => wake?.());
    const stop = async (n: number): Promise<PartialRead> => {
      while (stops.length < n) {
        if (ended) assert.fail(`${String(ended)} instead of stopping at the budget`);
        await new Promise<void>((r) => (wake = r));
      }
      return stops[n - 1];
    };
    const first = await stop(1);
    const rowsAtFirst = table.rowCount;
    assert.ok(rowsAtFirst > 50_000 && first.bytesRead < 0.05 * HUGE.size, `rows ${rowsAtFirst}`);
    table.readFurther();
    await stop(2);
    const next = await table.request({ op: 'rows', query: emptyQuery(), start: rowsAtFirst - 1, end: rowsAtFirst + 1 });
    assert.deepEqual(
      next.rows.map((r) => r[0]),
      [HUGE.row(rowsAtFirst - 1).split(',')[0], HUGE.row(rowsAtFirst).split(',')[0]],
      'no row lost or read twice across Read further',
    );
    const key = `${BUCKET}/${HUGE_KEY}`;
    assert.equal(
      server.ranges(key).length - getsBefore,
      2,
      'a GET for the Parquet check, refused, then one for both reads',
    );
    const sent = server.sent(key) - sentBefore;
    assert.ok(sent < stops[1].bytesRead + 24e6, `downloaded ${sent} bytes for ${stops[1].bytesRead} read`);
    abort.abort();
    await assert.rejects(loading);
  });

  it('previews a small Parquet object, and says why a 4 GB one cannot be read there', async () => {
    const small = client();
    await small.load(await source(PARQUET_KEY), { signal: new AbortController().signal });
    assert.equal(small.rowCount, 20_000);
    const last = await small.request({ op: 'rows', query: emptyQuery(), start: 19_999, end: 20_000 });
    assert.deepEqual(last.rows[0], [19_999, 'label 19999']);

    const huge = client();
    await assert.rejects(
      huge.load(await source(HUGE_PARQUET_KEY), { signal: new AbortController().signal, budgetBytes: 64e6 }),
      (e: Error) => {
        assert.match(
          e.message,
          /does not serve byte ranges\. .* A Parquet object is read by range, or whole, and this one \(4\.0 GB\) is larger than the preview's memory budget \(64 MB\)\.$/,
        );
        return true;
      },
    );
    assert.ok(server.sent(`${BUCKET}/${HUGE_PARQUET_KEY}`) < 48e6, 'the 4 GB object was not downloaded');
  });
});
