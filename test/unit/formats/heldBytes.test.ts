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

  for (const [kind, make] of [
    ['Uint8Array', (...v: number[]) => Uint8Array.from(v)],
    // A Buffer's `slice` is a view, not a copy: what is handed over must still be a copy of its own.
    ['Buffer', (...v: number[]) => Buffer.from(Uint8Array.from(v).buffer)],
  ] as const) {
    it(`hands over owned chunks (${kind}) taken whole as they are, and copies a chunk cut at the end and shared views`, () => {
      const held = new HeldBytes(true);
      const first = make(1, 2, 3);
      const second = make(4, 5, 6, 7);
      const shared = new Uint8Array(8).fill(9);
      held.push(first);
      held.push(second);
      held.push(shared.subarray(2, 4));
      held.drop(1);
      const parts = held.takeTransferable(4);
      assert.deepEqual(
        parts.map((p) => [...p]),
        [
          [2, 3],
          [4, 5],
        ],
      );
      assert.equal(parts[0].buffer, first.buffer, 'the rest of an owned chunk goes as it is');
      assert.notEqual(parts[1].buffer, second.buffer, 'the head of a chunk whose rest stays held is a copy');
      // Handing the parts to another thread detaches their buffers; what is still held must not change.
      structuredClone(parts, { transfer: parts.map((p) => p.buffer as ArrayBuffer) });
      assert.equal(first.byteLength, 0, 'transferred');
      assert.deepEqual([...held.peek(10)], [6, 7, 9, 9]);
      const rest = held.takeTransferable(4);
      assert.equal(rest[0].buffer, second.buffer, 'taken to its end, the chunk goes as it is');
      assert.notEqual(rest[1].buffer, shared.buffer, 'a view into a shared buffer is copied');
      assert.equal(held.size, 0);
    });
  }

  it('cuts an owned chunk by copying its shorter side: a long head goes with the buffer, the short rest stays as a copy', () => {
    const held = new HeldBytes(true);
    const shared = new Uint8Array(8).fill(9);
    const chunk = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    held.push(shared.subarray(0, 2));
    held.push(chunk);
    const parts = held.takeTransferable(10);
    assert.deepEqual(
      parts.map((p) => [...p]),
      [
        [9, 9],
        [1, 2, 3, 4, 5, 6, 7, 8],
      ],
    );
    assert.notEqual(parts[0].buffer, shared.buffer, 'a view into a shared buffer is still copied');
    assert.equal(parts[1].buffer, chunk.buffer, 'the long head goes with the chunk: no copy of it');
    structuredClone(parts, { transfer: parts.map((p) => p.buffer as ArrayBuffer) });
    assert.equal(chunk.byteLength, 0, 'transferred');
    assert.deepEqual([...held.peek(10)], [9, 10], 'the rest still held is a copy of its own');
    const [rest] = held.takeTransferable(2);
    assert.deepEqual([...rest], [9, 10]);
    structuredClone(rest, { transfer: [rest.buffer as ArrayBuffer] });
    assert.equal(held.size, 0);
  });

  it('copies every part when its chunks are not its own to give away', () => {
    const held = new HeldBytes();
    const chunk = bytes(1, 2);
    held.push(chunk);
    const [part] = held.takeTransferable(2);
    assert.notEqual(part.buffer, chunk.buffer);
    assert.deepEqual([...part], [1, 2]);
  });
});
