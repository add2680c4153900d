import * as assert from 'node:assert/strict';
import { HeldBytes, joinParts } from '../../../src/formats/heldBytes';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('HeldBytes', () => {
  it('takes stretches across chunk boundaries, in order, as buffers of their own', () => {
    const held = new HeldBytes();
    held.push(bytes(1, 2, 3));
    held.push(bytes(4));
    held.push(bytes(5, 6));
    assert.equal(held.size, 6);
    assert.deepEqual([...held.peek(4)], [1, 2, 3, 4]);
    const taken = joinParts(held.takeParts(2));
    assert.deepEqual([...taken], [1, 2]);
    assert.equal(taken.byteOffset, 0);
    assert.equal(taken.buffer.byteLength, 2, 'a buffer of its own, safe to transfer to a worker');
    const parts = held.takeParts(3);
    assert.deepEqual(
      parts.map((p) => [...p]),
      [[3], [4], [5]],
      'the chunks as they arrived, cut at the end: no copy',
    );
    assert.deepEqual([...joinParts(parts)], [3, 4, 5]);
    assert.equal(held.size, 1);
    assert.deepEqual([...held.peek(10)], [6]);
    held.drop(5);
    assert.equal(held.size, 0);
    assert.deepEqual(held.parts, []);
  });
});
