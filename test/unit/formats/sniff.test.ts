import * as assert from 'node:assert/strict';
import { deflateSync, gzipSync, zstdCompressSync } from 'node:zlib';
import { sniffFormat } from '../../../src/formats/sniff';
import { Readable } from 'node:stream';
import {
  CorruptCompressedDataError,
  UnsupportedCompressionError,
  decompress,
  fzstdTransform,
} from '../../../src/formats/decompress';

const bytes = (...b: number[]) => new Uint8Array(b);
const text = (s: string) => new TextEncoder().encode(s);

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

async function* pieces(data: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

describe('sniffFormat', () => {
  it('magic numbers', () => {
    assert.deepEqual(sniffFormat(new Uint8Array(0)), { format: 'empty' });
    assert.deepEqual(sniffFormat(text('PAR1\x15\x04')), { format: 'parquet' });
    assert.deepEqual(sniffFormat(bytes(0x80, 0x04, 0x95, 0x09)), { format: 'pickle' });
    assert.deepEqual(sniffFormat(bytes(0x80, 0x04, 0x4b, 0x2a, 0x2e)), { format: 'pickle' });
    assert.deepEqual(sniffFormat(bytes(0x1f, 0x8b, 0x08, 0x00)), { format: 'binary', compression: 'gzip' });
    assert.deepEqual(sniffFormat(bytes(0x28, 0xb5, 0x2f, 0xfd, 0x00)), { format: 'binary', compression: 'zstd' });
    assert.deepEqual(sniffFormat(text('BZh91AY&SY')), { format: 'binary', compression: 'bz2' });
    assert.deepEqual(sniffFormat(bytes(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00)), {
      format: 'binary',
      compression: 'lzma',
    });
    assert.deepEqual(sniffFormat(bytes(0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59)), {
      format: 'binary',
      compression: 'snappy',
    });
    assert.deepEqual(sniffFormat(deflateSync('x')), { format: 'binary', compression: 'deflate' });
  });

  it('the key name gives the format inside a compressed stream', () => {
    assert.deepEqual(sniffFormat(gzipSync('a,b\n1,2\n'), 'data/x.csv.gz'), { format: 'csv', compression: 'gzip' });
    assert.deepEqual(sniffFormat(zstdCompressSync('{}'), 'x.json.zst'), { format: 'json', compression: 'zstd' });
    assert.deepEqual(sniffFormat(gzipSync('{}'), 's3_xcom_u_dataframe.gz'), { format: 'binary', compression: 'gzip' });
  });

  it('JSON by its first non-space character, BOM skipped', () => {
    assert.deepEqual(sniffFormat(text('{"a": 1}')), { format: 'json' });
    assert.deepEqual(sniffFormat(text('  \n [1, 2]')), { format: 'json' });
    assert.deepEqual(sniffFormat(text('\ufeff{"a": 1}')), { format: 'json' });
  });

  it('CSV when text, also with a pandas index column and cut UTF-8 at the end', () => {
    assert.deepEqual(sniffFormat(text(',order_id,customer\n0,1001,Acme\n')), { format: 'csv' });
    assert.deepEqual(sniffFormat(text('order_id,customer\n1009,Müller')), { format: 'csv' });
    const cut = text('a,b\n1,é');
    assert.deepEqual(sniffFormat(cut.subarray(0, cut.length - 1)), { format: 'csv' });
    assert.deepEqual(sniffFormat(text('xylophone,y\n1,2\n')), { format: 'csv' });
  });

  it('binary otherwise; the extension never overrides the bytes', () => {
    assert.deepEqual(sniffFormat(bytes(0x00, 0x01, 0x02, 0xff, 0xfe)), { format: 'binary' });
    assert.deepEqual(sniffFormat(bytes(0xc3, 0x28, 0x41)), { format: 'binary' });
    assert.deepEqual(sniffFormat(text('a,b\n'), 'x.parquet'), { format: 'csv' });
    assert.deepEqual(sniffFormat(text('   \n')), { format: 'empty' });
  });
});

describe('decompress', () => {
  const payload = Buffer.from(
    'order_id,amount\n'.concat(Array.from({ length: 5000 }, (_, i) => `${i},${i * 1.5}\n`).join('')),
  );

  it('gzip, deflate and zstd, streamed in small pieces', async () => {
    assert.deepEqual(await collect(decompress(pieces(gzipSync(payload), 7), 'gzip')), payload);
    assert.deepEqual(await collect(decompress(pieces(gzipSync(payload), 1000), 'gz')), payload);
    assert.deepEqual(await collect(decompress(pieces(deflateSync(payload), 13), 'deflate')), payload);
    assert.deepEqual(await collect(decompress(pieces(zstdCompressSync(payload), 11), 'zstd')), payload);
  });

  it('the fzstd fallback decodes the same zstd stream', async () => {
    const out = await collect(Readable.from(pieces(zstdCompressSync(payload), 11)).pipe(fzstdTransform()));
    assert.deepEqual(out, payload);
  });

  it('no compression passes bytes through', async () => {
    assert.deepEqual(await collect(decompress(pieces(payload, 100), undefined)), payload);
    assert.deepEqual(await collect(decompress(pieces(payload, 100), 'none')), payload);
  });

  it('bz2, lzma, snappy, lz4, zip: unsupported with a clear message', async () => {
    for (const c of ['bz2', 'lzma', 'xz', 'snappy', 'lz4', 'zip']) {
      await assert.rejects(
        collect(decompress(pieces(payload, 100), c)),
        (e: Error) => e instanceof UnsupportedCompressionError && /not supported by XCom Lens/.test(e.message),
      );
    }
  });

  it('corrupt or truncated data', async () => {
    const gz = gzipSync(payload);
    await assert.rejects(
      collect(decompress(pieces(gz.subarray(0, gz.length - 20), 50), 'gzip')),
      CorruptCompressedDataError,
    );
    const bad = Buffer.from(gz);
    bad[20] ^= 0xff;
    await assert.rejects(collect(decompress(pieces(bad, 50), 'gzip')), CorruptCompressedDataError);
  });

  it('errors of the source pass through; stopping early stops the source', async () => {
    const boom = new Error('source failed');
    async function* failing() {
      yield gzipSync(payload).subarray(0, 100);
      throw boom;
    }
    await assert.rejects(collect(decompress(failing(), 'gzip')), (e) => e === boom);
    let returned = false;
    async function* endless() {
      try {
        const gz = gzipSync(Buffer.alloc(10_000_000, 97));
        for (let i = 0; ; i = (i + 1000) % gz.length) yield gz.subarray(i, i + 1000);
      } finally {
        returned = true;
      }
    }
    for await (const piece of decompress(endless(), 'gzip')) {
      assert.ok(piece.length > 0);
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(returned, 'the source generator was closed');
  });
});
