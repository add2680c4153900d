import * as assert from 'node:assert/strict';
import { ownedChunkGroups, spansItsBuffer } from '../../../src/formats/ownedChunks';

async function* views(total: number, size: number): AsyncIterable<Uint8Array> {
  // Views into one shared buffer, as an in-memory source delivers them.
  const shared = Uint8Array.from({ length: total }, (_, i) => i % 251);
  for (let at = 0; at < total; at += size) yield shared.subarray(at, Math.min(total, at + size));
}

async function* fresh(total: number, size: number): AsyncIterable<Uint8Array> {
  // A fresh buffer per chunk, as socket reads come.
  for (let at = 0; at < total; at += size)
    yield Uint8Array.from({ length: Math.min(size, total - at) }, (_, i) => (at + i) % 251);
}

async function groupsOf(chunks: AsyncIterable<Uint8Array>, options: Parameters<typeof ownedChunkGroups>[1]) {
  const groups: Uint8Array[][] = [];
  for await (const g of ownedChunkGroups(chunks, options)) groups.push(g);
  return groups;
}

function assertInOrder(groups: Uint8Array[][], total: number): void {
  const all = Buffer.concat(groups.flat());
  assert.equal(all.length, total);
  assert.ok(
    all.every((v, i) => v === i % 251),
    'bytes in order',
  );
  for (const c of groups.flat()) assert.ok(spansItsBuffer(c), 'each chunk spans its whole buffer');
  const buffers = groups.flat().map((c) => c.buffer);
  assert.equal(new Set(buffers).size, buffers.length, 'no two chunks share a buffer');
}

describe('ownedChunkGroups', () => {
  it('copies views into a shared buffer into buffers of their own, in groups, a small one first', async () => {
    const groups = await groupsOf(views(300_000, 7_000), { firstBytes: 10_000, groupBytes: 100_000, maxWaitMs: 1e9 });
    assert.deepEqual(
      groups.map((g) => g.reduce((n, c) => n + c.byteLength, 0)),
      [14_000, 105_000, 105_000, 76_000],
    );
    assertInOrder(groups, 300_000);
  });

  it('passes owned chunks on as they are, with no copy, and copies only the small ones', async () => {
    const sent: Uint8Array[] = [];
    async function* tracked(): AsyncIterable<Uint8Array> {
      for await (const c of fresh(200_000, 20_000)) {
        sent.push(c);
        yield c;
      }
      const small = Uint8Array.from([200_000 % 251, 200_001 % 251]);
      sent.push(small);
      yield small;
    }
    const groups = await groupsOf(tracked(), { chunksAreOwned: true, groupBytes: 100_000, maxWaitMs: 1e9 });
    const out = groups.flat();
    assert.equal(out.length, sent.length);
    for (let k = 0; k < 10; k++) assert.equal(out[k], sent[k], `chunk ${k} is the one read, not a copy`);
    assert.notEqual(out[10], sent[10], 'a small chunk is copied');
    const all = Buffer.concat(out);
    assert.ok(all.every((v, i) => v === i % 251));
  });

  it('copies chunks that are not the source’s to give away, even when they span their buffer', async () => {
    const source: Uint8Array[] = [];
    async function* kept(): AsyncIterable<Uint8Array> {
      for await (const c of fresh(50_000, 25_000)) {
        source.push(c);
        yield c;
      }
    }
    const groups = await groupsOf(kept(), { maxWaitMs: 1e9 });
    for (const c of groups.flat()) assert.ok(!source.includes(c));
    assertInOrder(groups, 50_000);
  });

  it('sends what it has when a slow stream keeps it waiting', async () => {
    async function* slow(): AsyncIterable<Uint8Array> {
      for (let k = 0; k < 3; k++) {
        yield new Uint8Array(100).fill(k);
        await new Promise((r) => setTimeout(r, 30));
      }
    }
    const groups = await groupsOf(slow(), { firstBytes: 1 << 20, groupBytes: 1 << 20, maxWaitMs: 20 });
    assert.ok(groups.length >= 2, `groups sent before the stream ended: ${groups.length}`);
    assert.equal(
      groups.flat().reduce((a, b) => a + b.byteLength, 0),
      300,
    );
  });

  it('delivers the bytes that came before a failure, then the failure', async () => {
    async function* failing(): AsyncIterable<Uint8Array> {
      yield new Uint8Array(100).fill(7);
      throw new Error('connection reset');
    }
    const sizes: number[] = [];
    await assert.rejects(async () => {
      for await (const g of ownedChunkGroups(failing(), { maxWaitMs: 1e9 })) sizes.push(g[0].byteLength);
    }, /connection reset/);
    assert.deepEqual(sizes, [100]);
  });
});
