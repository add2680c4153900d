// S3ObjectStore against a real S3-compatible server (s3rver over HTTP): every backend's fixture object,
// ranged and decompressed reads, cancellation, and every error provoked for real.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { buildRules, matchReference } from '../../../src/references';
import { decompress } from '../../../src/formats/decompress';
import { sniffFormat } from '../../../src/formats/sniff';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { CancellationError } from '../../../src/errors';
import { S3ObjectStore, openS3ObjectStore } from '../../../src/storage/objectStore';
import { startFaultProxy, type FaultProxy } from '../../fixtures/servers/faultProxy';
import { createS3Client } from '../../../src/storage/s3ClientFactory';
import { StorageError } from '../../../src/storage/storageErrors';
import type { StorageSettings } from '../../../src/storage/storageSettings';
import { startS3Server } from '../../fixtures/servers/s3';
import { s3, serviceRunDir, type S3Server } from '../services';
import { seedOffloadedObjects, uploadLargeCsv, type SeededObject } from '../../fixtures/s3/seedOffloadedObjects';
import { largeCsvChunks, largeCsvChunksOfSize } from '../../fixtures/s3/ordersData';

const BUCKET = 'xcom-lens-fixtures';

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

/** Expects a user's Cancel: a CancellationError whose message names the object. */
async function rejectsCancelled(promise: Promise<unknown>): Promise<CancellationError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CancellationError, `expected a CancellationError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a CancellationError');
}

async function rejectsWith(promise: Promise<unknown>, kind: string): Promise<StorageError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof StorageError, `expected a StorageError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    return error;
  }
  assert.fail(`expected a ${kind} StorageError`);
}

/** A TCP proxy in front of the server that can cut one response mid-body (after `cutAfter` bytes). */
async function flakyProxy(
  target: string,
): Promise<{ endpoint: string; cutNext(bytes: number): void; cuts(): number; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  let cutAfter = -1;
  let cuts = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    let forwarded = 0;
    client.pipe(upstream);
    upstream.on('data', (data: Buffer) => {
      forwarded += data.length;
      if (cutAfter >= 0 && forwarded > cutAfter) {
        cutAfter = -1;
        cuts++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(data);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    cutNext(bytes) {
      cutAfter = bytes;
    },
    cuts: () => cuts,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('S3ObjectStore on s3rver', function () {
  this.timeout(60_000);
  let work: string;
  let server: S3Server;
  let settings: StorageSettings;
  let client: S3Client;
  let store: S3ObjectStore;
  let objects: SeededObject[];
  const bigKey = 'big/large-orders.csv';
  let bigSize = 0;

  before(async () => {
    work = mkdtempSync(join(serviceRunDir(), 'storage-'));
    server = await s3();
    settings = { endpointUrl: server.endpoint, region: server.region, forcePathStyle: true };
    client = createS3Client(settings, { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey });
    store = new S3ObjectStore(client, {
      settings,
      credentialsOrigin: 'static access key S3RVER',
      secrets: [server.secretAccessKey],
    });
    objects = await seedOffloadedObjects(client, BUCKET);
    const big = Buffer.concat([...largeCsvChunksOfSize(24 * 1024 * 1024)]);
    bigSize = big.length;
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: bigKey, Body: big }));
  });

  after(async () => {
    // The shared server is stopped by the run's global teardown (services.ts).
    client?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('resolves every fixture reference to its object, and HEADs it', async () => {
    assert.equal(objects.length, 6);
    for (const o of objects) {
      const match = matchReference(o.reference, buildRules(o.config));
      assert.equal(match.kind, 'reference', `${o.backend}: ${JSON.stringify(match)}`);
      if (match.kind !== 'reference') continue;
      assert.equal(match.reference.bucket, o.bucket, o.backend);
      assert.equal(match.reference.key, o.key, o.backend);
      const head = await store.head(match.reference);
      assert.equal(head.size, o.body.length, o.backend);
      assert.ok(head.lastModified instanceof Date);
      assert.match(head.etag ?? '', /^"[0-9a-f]{32}"$/);
    }
  });

  it('reads each object whole (several ranges) and by explicit ranges', async () => {
    for (const o of objects) {
      let progress = 0;
      const whole = await collect(
        store.read(o, {
          chunkSize: 100,
          onProgress: (read, total) => {
            progress = read;
            assert.equal(total, o.body.length);
          },
        }),
      );
      assert.deepEqual(whole, o.body, o.backend);
      assert.equal(progress, o.body.length);
      const part = await collect(store.read(o, { start: 10, end: 49, chunkSize: 16 }));
      assert.deepEqual(part, o.body.subarray(10, 50), o.backend);
      const tail = await store.readRange(o, o.body.length - 8, o.body.length - 1);
      assert.deepEqual(Buffer.from(tail), o.body.subarray(o.body.length - 8), o.backend);
    }
  });

  it("sniffs and decompresses each object to the backend's payload", async () => {
    for (const o of objects) {
      const head = await store.readRange(o, 0, Math.min(4095, o.body.length - 1));
      const sniffed = sniffFormat(head, o.key);
      assert.equal(sniffed.compression, o.compression, o.backend);
      const content = await collect(decompress(store.read(o, { chunkSize: 64 }), sniffed.compression));
      assert.deepEqual(content, o.content, o.backend);
      assert.equal(
        sniffFormat(content.subarray(0, 4096), o.key.replace(/\.(gz|zst)$/, '')).format,
        o.format,
        o.backend,
      );
    }
  });

  it('reads a 24 MB object in 8 MiB ranges', async () => {
    let pieces = 0;
    let bytes = 0;
    for await (const piece of store.read({ bucket: BUCKET, key: bigKey })) {
      pieces++;
      bytes += piece.byteLength;
    }
    assert.equal(bytes, bigSize);
    assert.ok(pieces >= 3);
  });

  it('the large CSV uploaded in parts reads back byte for byte', async () => {
    const key = 'grid/orders-150k.csv';
    const size = await uploadLargeCsv(client, BUCKET, key, 150_000);
    const expected = Buffer.concat([...largeCsvChunks(150_000)]);
    assert.equal(size, expected.length);
    assert.ok(size > 10 * 1024 * 1024, `${size} bytes: several parts`);
    assert.equal((await store.head({ bucket: BUCKET, key })).size, size);
    assert.ok((await collect(store.read({ bucket: BUCKET, key }))).equals(expected));
  });

  it('cancels mid-stream: iteration stops quickly with a CancellationError', async () => {
    const aborter = new AbortController();
    let received = 0;
    let abortedAt = 0;
    const error = await rejectsCancelled(
      (async () => {
        for await (const piece of store.read(
          { bucket: BUCKET, key: bigKey },
          { signal: aborter.signal, chunkSize: 4 * 1024 * 1024 },
        )) {
          received += piece.byteLength;
          if (!abortedAt) {
            abortedAt = Date.now();
            setTimeout(() => aborter.abort(), 0);
          }
        }
      })(),
    );
    assert.ok(Date.now() - abortedAt < 1000, 'stopped within a second');
    assert.ok(received < bigSize, 'did not read everything');
    assert.match(error.message, /cancelled/);
  });

  it('cancels a HEAD and a read that has not started', async () => {
    const aborter = new AbortController();
    aborter.abort();
    await rejectsCancelled(store.head({ bucket: BUCKET, key: bigKey }, aborter.signal));
    await rejectsCancelled(
      collect(store.read({ bucket: BUCKET, key: bigKey }, { signal: aborter.signal, size: bigSize })),
    );
  });

  it('missing key: HEAD NotFound and GET NoSuchKey both read as notFound', async () => {
    const loc = { bucket: BUCKET, key: 'data_deleted.csv' };
    const e1 = await rejectsWith(store.head(loc), 'notFound');
    assert.equal(
      e1.message,
      'The object s3://xcom-lens-fixtures/data_deleted.csv does not exist (deleted or expired?).',
    );
    await rejectsWith(collect(store.read(loc)), 'notFound');
    const e3 = await rejectsWith(store.readRange(loc, 0, 10), 'notFound');
    assert.equal(e3.code, 'NoSuchKey');
  });

  it('missing bucket: noSuchBucket from HEAD and GET', async () => {
    const loc = { bucket: 'no-such-bucket', key: 'k.csv' };
    const e = await rejectsWith(store.head(loc), 'noSuchBucket');
    assert.match(e.message, /"no-such-bucket" does not exist/);
    await rejectsWith(store.readRange(loc, 0, 10), 'noSuchBucket');
  });

  it('wrong access key: badCredentials naming the credentials, never the secret', async () => {
    const secret = 'wrongSecretValue/abc+def';
    const bad = createS3Client(
      settings,
      { accessKeyId: 'AKIAWRONGKEY0001', secretAccessKey: secret },
      { maxAttempts: 1 },
    );
    const badStore = new S3ObjectStore(bad, {
      settings,
      credentialsOrigin: 'static access key AKIA…0001',
      secrets: [secret],
    });
    const e = await rejectsWith(badStore.readRange({ bucket: BUCKET, key: objects[0].key }, 0, 10), 'badCredentials');
    assert.equal(e.code, 'InvalidAccessKeyId');
    assert.match(e.message, /static access key AKIA…0001/);
    assert.ok(!e.message.includes(secret));
    bad.destroy();
  });

  // s3rver does not check SigV4 signatures, so a wrong secret is not provoked here (see storageErrors.test.ts).

  it('range past the end: InvalidRange from the server, and from read() before any request', async () => {
    const o = objects[0];
    const e = await rejectsWith(store.readRange(o, o.body.length + 10, o.body.length + 20), 'invalidRange');
    assert.equal(e.status, 416);
    await rejectsWith(collect(store.read(o, { start: o.body.length + 10 })), 'invalidRange');
    // An end past the size is clamped, as S3 does.
    assert.deepEqual(await collect(store.read(o, { start: 5, end: o.body.length + 100 })), o.body.subarray(5));
  });

  it('server stopped: unreachable, naming the endpoint', async () => {
    const other = await startS3Server(work);
    const s = { endpointUrl: other.endpoint, region: 'us-east-1', forcePathStyle: true };
    const c = createS3Client(s, { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, { maxAttempts: 1 });
    await other.stop();
    const downStore = new S3ObjectStore(c, { settings: s });
    const e = await rejectsWith(downStore.head({ bucket: BUCKET, key: 'x' }), 'unreachable');
    assert.equal(e.code, 'ECONNREFUSED');
    assert.ok(e.message.includes(other.endpoint), e.message);
    c.destroy();
  });

  it('a response cut mid-body is resumed from the first missing byte (real SDK stream)', async () => {
    const proxy = await flakyProxy(server.endpoint);
    const s = { endpointUrl: proxy.endpoint, region: 'us-east-1', forcePathStyle: true };
    const c = createS3Client(s, { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey });
    try {
      const flaky = new S3ObjectStore(c, { settings: s });
      const head = await flaky.head({ bucket: BUCKET, key: bigKey });
      proxy.cutNext(3 * 1024 * 1024);
      const data = await collect(
        flaky.read({ bucket: BUCKET, key: bigKey }, { size: head.size, end: 16 * 1024 * 1024 - 1 }),
      );
      assert.equal(proxy.cuts(), 1, 'the proxy cut one response');
      assert.equal(data.length, 16 * 1024 * 1024);
      const direct = await store.readRange({ bucket: BUCKET, key: bigKey }, 0, 16 * 1024 * 1024 - 1);
      assert.ok(Buffer.from(direct).equals(data), 'same bytes as an uncut read');
    } finally {
      c.destroy();
      await proxy.close();
    }
  });

  it('a server that accepts but never answers: timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
    const s = { endpointUrl: endpoint, region: 'us-east-1', forcePathStyle: true };
    const c = createS3Client(
      s,
      { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      { maxAttempts: 1, requestTimeoutMs: 300 },
    );
    try {
      const e = await rejectsWith(
        new S3ObjectStore(c, { settings: s }).readRange({ bucket: BUCKET, key: 'k' }, 0, 1),
        'timeout',
      );
      assert.ok(e.message.includes(endpoint), e.message);
    } finally {
      c.destroy();
      silent.close();
    }
  });

  it('a host name that does not resolve: unreachable', async () => {
    const s = { endpointUrl: 'http://xcom-lens-no-such-host.invalid:9000', region: 'us-east-1', forcePathStyle: true };
    const c = createS3Client(s, { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, { maxAttempts: 1 });
    try {
      const e = await rejectsWith(
        new S3ObjectStore(c, { settings: s }).head({ bucket: BUCKET, key: 'k' }),
        'unreachable',
      );
      assert.match(e.message, /xcom-lens-no-such-host\.invalid/);
    } finally {
      c.destroy();
    }
  });

  it('presigned URLs download the object; object URLs are path-style for this endpoint', async () => {
    const o = objects[0];
    const url = await store.presignGet(o, 60);
    assert.match(url, /X-Amz-Expires=60/);
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), o.body);
    assert.equal(store.objectUrl(o), `${server.endpoint}/${BUCKET}/${o.key}`);
  });

  describe('through the fault proxy (bounded waits, Cancel at every stage)', () => {
    let proxy: FaultProxy;
    let faulty: S3ObjectStore;
    const WAIT_MS = 1500;

    before(async () => {
      proxy = await startFaultProxy(Number(new URL(server.endpoint).port));
      const s = { endpointUrl: proxy.endpoint, region: server.region, forcePathStyle: true };
      const credentials = { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
      faulty = openS3ObjectStore(s, { credentials, waitTimeoutMs: WAIT_MS });
    });

    afterEach(() => proxy.clear());

    after(async () => {
      faulty?.client.destroy();
      await proxy?.stop();
    });

    /** Runs `work`, expects a timeout StorageError naming `what`, within the bound (plus slack). */
    async function timesOut(work: Promise<unknown>, what: RegExp): Promise<void> {
      const started = Date.now();
      const e = await rejectsWith(work, 'timeout');
      const elapsed = Date.now() - started;
      assert.match(e.message, what);
      assert.match(e.message, /xcomLens\.s3\.requestTimeoutSeconds/);
      assert.ok(e.message.includes(proxy.endpoint), e.message);
      assert.ok(elapsed < WAIT_MS + 1500, `gave up after ${elapsed} ms, bound ${WAIT_MS} ms`);
      assert.ok(elapsed >= WAIT_MS - 100, `waited ${elapsed} ms, less than the bound`);
    }

    it('blackhole at connect: the HEAD gives up within the bound with a timeout naming the request', async () => {
      proxy.setFault({ kind: 'blackhole' });
      await timesOut(
        faulty.head({ bucket: BUCKET, key: bigKey }),
        /HEAD s3:\/\/xcom-lens-fixtures\/big\/large-orders\.csv/,
      );
    });

    it("stall mid-body: a read gives up within the bound, not after the SDK's retries", async () => {
      const head = await faulty.head({ bucket: BUCKET, key: bigKey });
      proxy.setFault({ kind: 'stall', afterBytes: 256 * 1024 });
      let received = 0;
      await timesOut(
        (async () => {
          for await (const piece of faulty.read({ bucket: BUCKET, key: bigKey }, { size: head.size }))
            received += piece.byteLength;
        })(),
        /GET s3:\/\/xcom-lens-fixtures\/big\/large-orders\.csv bytes/,
      );
      assert.ok(received > 0 && received < head.size, `${received} bytes before the stall`);
    });

    it('a cut and a reset mid-body are retried and the bytes come out whole', async () => {
      const end = 12 * 1024 * 1024 - 1;
      const direct = Buffer.from(await store.readRange({ bucket: BUCKET, key: bigKey }, 0, end));
      for (const kind of ['cut', 'reset'] as const) {
        const before = proxy.connections;
        // The fault strikes one connection only: the retry's connection passes.
        proxy.setFault({ kind, afterBytes: 1024 * 1024, times: 1 });
        const data = await collect(faulty.read({ bucket: BUCKET, key: bigKey }, { size: bigSize, end }));
        assert.ok(data.equals(direct), `${kind}: same bytes as a direct read`);
        assert.ok(proxy.connections > before, `${kind}: reconnected`);
      }
    });

    it('a reader that pauses longer than the wait bound (the memory budget) reads on, bytes whole', async () => {
      const end = 3 * 1024 * 1024 - 1;
      const direct = Buffer.from(await store.readRange({ bucket: BUCKET, key: bigKey }, 0, end));
      const parts: Buffer[] = [];
      for await (const piece of faulty.read(
        { bucket: BUCKET, key: bigKey },
        { size: bigSize, end, chunkSize: 1024 * 1024 },
      )) {
        parts.push(Buffer.from(piece));
        // The grid stops reading at its memory budget until the user reads further.
        if (parts.length === 1) await new Promise((r) => setTimeout(r, WAIT_MS + 700));
      }
      assert.ok(Buffer.concat(parts).equals(direct), 'same bytes as a direct read, no timeout');
    });

    it('Cancel during a stalled HEAD, a stalled first range and a stalled later range ends at once', async () => {
      const head = await faulty.head({ bucket: BUCKET, key: bigKey });
      const stages: Array<[string, (signal: AbortSignal) => Promise<unknown>, () => void]> = [
        [
          'HEAD',
          (signal) => faulty.head({ bucket: BUCKET, key: bigKey }, signal),
          () => proxy.setFault({ kind: 'blackhole' }),
        ],
        [
          'first range',
          (signal) => faulty.readRange({ bucket: BUCKET, key: bigKey }, 0, 1024 * 1024, signal),
          () => proxy.setFault({ kind: 'stall' }),
        ],
        [
          'later range',
          (signal) =>
            collect(
              faulty.read(
                { bucket: BUCKET, key: bigKey },
                {
                  size: head.size,
                  chunkSize: 1024 * 1024,
                  signal,
                  onProgress: (read) => {
                    if (read >= 2 * 1024 * 1024) proxy.setFault({ kind: 'stall' });
                  },
                },
              ),
            ),
          () => undefined,
        ],
      ];
      for (const [stage, work, fault] of stages) {
        fault();
        const aborter = new AbortController();
        setTimeout(() => aborter.abort(), 400);
        const started = Date.now();
        const e = await rejectsCancelled(work(aborter.signal));
        assert.ok(Date.now() - started < 1000, `${stage}: cancelled in ${Date.now() - started} ms`);
        assert.match(e.message, /cancelled/i, stage);
        proxy.clear();
      }
    });
  });

  describe('ranges sent ahead (loopback HTTP stand-in)', () => {
    it("sends the next range's GET while the current one is still being read", async () => {
      const object = Buffer.from(Array.from({ length: 3 * 65_536 }, (_, i) => i % 253));
      const asked: string[] = [];
      let secondAsked: () => void = () => undefined;
      const second = new Promise<void>((resolve) => (secondAsked = resolve));
      let sentAheadInTime = false;
      const http = createHttpServer((req, res) => {
        const [from, to] = (/bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '') ?? []).slice(1).map(Number);
        asked.push(`${from}-${to}`);
        if (asked.length === 2) secondAsked();
        const body = object.subarray(from, to + 1);
        res.writeHead(206, {
          'content-length': body.length,
          'content-range': `bytes ${from}-${to}/${object.length}`,
          'x-amz-request-id': 'stand-in',
        });
        if (asked.length !== 1) return void res.end(body);
        // The first range: half now, the rest once the second GET came (or after 3 s without it).
        res.write(body.subarray(0, body.length / 2));
        const waited = setTimeout(() => res.end(body.subarray(body.length / 2)), 3000);
        void second.then(() => {
          clearTimeout(waited);
          sentAheadInTime = true;
          res.end(body.subarray(body.length / 2));
        });
      });
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      const endpoint = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
      const standIn = openS3ObjectStore(
        { endpointUrl: endpoint, region: 'us-east-1', forcePathStyle: true },
        { credentials: { accessKeyId: 'AKIA0000', secretAccessKey: 'x'.repeat(20) } },
      );
      try {
        const data = await collect(standIn.read({ bucket: 'b', key: 'k' }, { size: object.length, chunkSize: 65_536 }));
        assert.ok(data.equals(object), 'the bytes in order');
        assert.deepEqual(asked, ['0-65535', '65536-131071', '131072-196607']);
        assert.ok(sentAheadInTime, 'the second GET came while the first range was still open');
      } finally {
        standIn.client.destroy();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      }
    });
  });

  describe('bodiless error answers of a HEAD (loopback HTTP stand-in)', () => {
    let http: HttpServer;
    let endpoint: string;
    const statuses = new Map<string, number>([
      ['expired', 400],
      ['forbidden', 403],
    ]);

    before(async () => {
      http = createHttpServer((req, res) => {
        const key = (req.url ?? '').split('?')[0].split('/').pop() ?? '';
        res.writeHead(statuses.get(key) ?? 500, { 'x-amz-request-id': 'stand-in' });
        res.end();
      });
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      endpoint = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
    });

    after(() => new Promise<void>((resolve) => http.close(() => resolve())));

    it('a 400 without a body (an expired session token) reads as expired or invalid credentials', async () => {
      const s = { endpointUrl: endpoint, region: 'us-east-1', forcePathStyle: true };
      const credentials = {
        accessKeyId: 'ASIATEMPORARY0001',
        secretAccessKey: 'temporarySecret',
        sessionToken: 'expiredSessionTokenValue',
      };
      const standIn = openS3ObjectStore(s, {
        credentials,
        credentialsOrigin: 'access keys stored for this connection',
      });
      try {
        const e = await rejectsWith(standIn.head({ bucket: 'b', key: 'expired' }), 'expiredCredentials');
        assert.match(e.message, /expired or invalid/);
        assert.doesNotMatch(e.message, /Unknown/);
        assert.ok(!e.message.includes('expiredSessionTokenValue'));
      } finally {
        standIn.client.destroy();
      }
    });

    it('a 403 without a body reads as access denied, not unreachable', async () => {
      const s = { endpointUrl: endpoint, region: 'us-east-1', forcePathStyle: true };
      const standIn = openS3ObjectStore(s, {
        credentials: { accessKeyId: 'AKIA0000', secretAccessKey: 'x'.repeat(20) },
      });
      try {
        const e = await rejectsWith(standIn.head({ bucket: 'b', key: 'forbidden' }), 'accessDenied');
        assert.match(e.message, /denied/);
      } finally {
        standIn.client.destroy();
      }
    });
  });
});
