import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore, objectUrl } from '../../../src/storage/objectStore';
import { StorageError } from '../../../src/storage/storageErrors';

/** A fake client serving one object; ranged GETs can fail mid-body a given number of times. */
function fakeClient(data: Buffer, options: { failMidBody?: number; failStatus?: number } = {}) {
  const ranges: string[] = [];
  let midBodyFailures = options.failMidBody ?? 0;
  let statusFailures = options.failStatus ?? 0;
  const client = {
    async send(command: { constructor: { name: string }; input: { Range?: string } }) {
      const name = command.constructor.name;
      if (name === 'HeadObjectCommand') return { ContentLength: data.length, ETag: '"e"', LastModified: new Date(0), ContentType: 'text/csv' };
      if (name !== 'GetObjectCommand') throw new Error(`unexpected ${name}`);
      const range = command.input.Range ?? '';
      ranges.push(range);
      if (statusFailures > 0) {
        statusFailures--;
        throw Object.assign(new Error('internal'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } });
      }
      const m = /^bytes=(\d+)-(\d+)$/.exec(range);
      assert.ok(m, `explicit range expected, got ${range}`);
      const slice = data.subarray(Number(m[1]), Number(m[2]) + 1);
      if (midBodyFailures > 0 && slice.length > 4) {
        midBodyFailures--;
        const half = slice.subarray(0, Math.floor(slice.length / 2));
        return {
          Body: Readable.from((async function* () {
            yield half;
            throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
          })()),
        };
      }
      return { Body: Readable.from([slice]) };
    },
  };
  return { client: client as unknown as S3Client, ranges };
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

const DATA = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz'.repeat(10));
const loc = { bucket: 'b', key: 'k' };

describe('S3ObjectStore (fake client)', () => {
  it('splits reads into explicit ranges from the HEAD size (never suffix ranges)', async () => {
    const { client, ranges } = fakeClient(DATA);
    const store = new S3ObjectStore(client);
    assert.deepEqual(await collect(store.read(loc, { chunkSize: 100 })), DATA);
    assert.deepEqual(ranges, ['bytes=0-99', 'bytes=100-199', 'bytes=200-299', 'bytes=300-359']);
    const head = await store.head(loc);
    assert.deepEqual(head, { size: 360, etag: '"e"', lastModified: new Date(0), contentType: 'text/csv' });
  });

  it('resumes a range from the first missing byte after a mid-body reset', async () => {
    const { client, ranges } = fakeClient(DATA, { failMidBody: 2 });
    const store = new S3ObjectStore(client);
    assert.deepEqual(await collect(store.read(loc, { chunkSize: 200, size: DATA.length })), DATA);
    assert.deepEqual(ranges, ['bytes=0-199', 'bytes=100-199', 'bytes=150-199', 'bytes=200-359']);
  });

  it('retries a 5xx, then gives up after rangeRetries', async () => {
    const ok = fakeClient(DATA, { failStatus: 1 });
    assert.deepEqual(await collect(new S3ObjectStore(ok.client).read(loc, { size: DATA.length })), DATA);
    const bad = fakeClient(DATA, { failStatus: 10 });
    await assert.rejects(collect(new S3ObjectStore(bad.client, { rangeRetries: 1 }).read(loc, { size: DATA.length })), (e: StorageError) => e instanceof StorageError && e.kind === 'unknown');
    assert.equal(bad.ranges.length, 2);
  });

  it('an empty object reads as nothing; start/end select bytes inclusively', async () => {
    const empty = fakeClient(Buffer.alloc(0));
    assert.equal((await collect(new S3ObjectStore(empty.client).read(loc))).length, 0);
    assert.deepEqual(empty.ranges, []);
    const { client } = fakeClient(DATA);
    assert.deepEqual(await collect(new S3ObjectStore(client).read(loc, { start: 3, end: 7 })), DATA.subarray(3, 8));
  });

  it('objectUrl: virtual-hosted, path-style, dotted buckets, custom endpoints', () => {
    assert.equal(objectUrl({ bucket: 'b', key: 'k/x y.csv' }, { region: 'eu-west-1' }), 'https://b.s3.eu-west-1.amazonaws.com/k/x%20y.csv');
    assert.equal(objectUrl({ bucket: 'b.c', key: 'k' }, { region: 'eu-west-1' }), 'https://s3.eu-west-1.amazonaws.com/b.c/k');
    assert.equal(objectUrl({ bucket: 'b', key: 'k' }, { forcePathStyle: true }), 'https://s3.us-east-1.amazonaws.com/b/k');
    assert.equal(objectUrl({ bucket: 'b', key: 'k' }, { endpointUrl: 'http://localhost:9000/' }), 'http://localhost:9000/b/k');
    assert.equal(objectUrl({ bucket: 'b', key: 'k' }, { endpointUrl: 'https://minio.example', forcePathStyle: false }), 'https://b.minio.example/k');
  });
});
