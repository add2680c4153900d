import * as assert from 'node:assert/strict';
import { ownedBlocks } from '../../../src/formats/ownedBlocks';

async function* views(total: number, size: number): AsyncIterable<Uint8Array> {
  // Views into one shared buffer, as an HTTP body delivers them.
  const shared = Uint8Array.from({ length: total }, (_, i) => i % 251);
  for (let at = 0; at < total; at += size) yield shared.subarray(at, Math.min(total, at + size));
}

describe('ownedBlocks', () => {
  it('gathers shared views into blocks that own their buffers, bytes in order, a small one first', async () => {
    const blocks: Uint8Array[] = [];
    for await (const b of ownedBlocks(views(300_000, 7_000), {
      firstBytes: 10_000,
      blockBytes: 100_000,
      maxWaitMs: 1e9,
    }))
      blocks.push(b);
    assert.deepEqual(
      blocks.map((b) => b.byteLength),
      [10_000, 100_000, 100_000, 90_000],
    );
    for (const b of blocks) assert.equal(b.buffer.byteLength, b.byteLength, 'each block owns its whole buffer');
    const all = Buffer.concat(blocks);
    assert.ok(all.every((v, i) => v === i % 251));
  });

  it('sends what it has when a slow stream keeps it waiting', async () => {
    async function* slow(): AsyncIterable<Uint8Array> {
      for (let k = 0; k < 3; k++) {
        yield new Uint8Array(100).fill(k);
        await new Promise((r) => setTimeout(r, 30));
      }
    }
    const sizes: number[] = [];
    for await (const b of ownedBlocks(slow(), { firstBytes: 1 << 20, blockBytes: 1 << 20, maxWaitMs: 20 }))
      sizes.push(b.byteLength);
    assert.ok(sizes.length >= 2, `blocks sent before the stream ended: ${sizes.join(', ')}`);
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
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
      for await (const b of ownedBlocks(failing(), { maxWaitMs: 1e9 })) sizes.push(b.byteLength);
    }, /connection reset/);
    assert.deepEqual(sizes, [100]);
  });
});
