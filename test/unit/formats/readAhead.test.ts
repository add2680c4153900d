import * as assert from 'node:assert/strict';
import { readAhead } from '../../../src/formats/readAhead';
import type { ByteTableSource } from '../../../src/formats/table';

/** A source of `n` chunks of 1,000 bytes whose reads are counted. */
function counted(n: number, failAt = -1): { source: ByteTableSource; reads: () => number } {
  let reads = 0;
  return {
    reads: () => reads,
    source: {
      kind: 'bytes',
      title: 't',
      async *open() {
        for (let k = 0; k < n; k++) {
          if (k === failAt) throw new Error('connection reset');
          reads++;
          yield new Uint8Array(1000).fill(k);
        }
      },
    },
  };
}

async function all(source: ByteTableSource): Promise<number[]> {
  const out: number[] = [];
  for await (const chunk of source.open(new AbortController().signal)) out.push(chunk[0]);
  return out;
}

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('readAhead', () => {
  it('reads up to its bytes before it is asked, then hands everything over in order', async () => {
    const { source, reads } = counted(10);
    const ahead = readAhead(source, new AbortController().signal, 3000);
    await tick();
    assert.equal(reads(), 3, 'three chunks read before open, no more');
    assert.deepEqual(await all(ahead), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reads a small object whole ahead', async () => {
    const { source, reads } = counted(2);
    const ahead = readAhead(source, new AbortController().signal, 1 << 20);
    await tick();
    assert.equal(reads(), 2);
    assert.deepEqual(await all(ahead), [0, 1]);
  });

  it('hands over the bytes read before a failure, then the failure', async () => {
    const { source } = counted(10, 2);
    const ahead = readAhead(source, new AbortController().signal, 1 << 20);
    const got: number[] = [];
    await assert.rejects(async () => {
      for await (const chunk of ahead.open(new AbortController().signal)) got.push(chunk[0]);
    }, /connection reset/);
    assert.deepEqual(got, [0, 1]);
  });
});
