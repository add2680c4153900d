import * as assert from 'node:assert/strict';
import { compareUtf8 } from '../../../src/formats/utf8Order';

const encoder = new TextEncoder();

/** Characters at the edges of every UTF-8 length and of the ranges where UTF-16 order differs from code points. */
const EDGES = [
  0x00, 0x41, 0x7f, 0x80, 0xe9, 0x7ff, 0x800, 0xfff, 0x1000, 0xd7ff, 0xe000, 0xe9af, 0xfffd, 0xffff, 0x10000, 0x1f600,
  0x10fffd, 0x10ffff,
].map((cp) => String.fromCodePoint(cp));

const sign = (x: number): number => (x < 0 ? -1 : x > 0 ? 1 : 0);

describe('UTF-8 in string order', () => {
  it('compares the UTF-8 of two texts as JavaScript compares the strings, every pair of edge characters', () => {
    const texts = ['', ...EDGES];
    for (const a of EDGES) for (const b of EDGES) texts.push(a + b, `${a}x`, `x${b}`);
    for (const x of texts) {
      const a = encoder.encode(x);
      for (const y of texts) {
        const b = encoder.encode(y);
        const expected = x < y ? -1 : x > y ? 1 : 0;
        assert.equal(sign(compareUtf8(a, 0, a.length, b, 0, b.length)), expected, `${escape(x)} vs ${escape(y)}`);
      }
    }
  });

  it('compares cells in place, inside larger buffers', () => {
    const buffer = encoder.encode('..\u{1f600}z..\uffffa..');
    // '\u{1f600}z' (bytes 2–6) goes before '\uffffa' (bytes 9–12) as strings, though its code point is higher.
    assert.ok(compareUtf8(buffer, 2, 7, buffer, 9, 13) < 0);
    assert.ok(compareUtf8(buffer, 9, 13, buffer, 2, 7) > 0);
    assert.equal(compareUtf8(buffer, 2, 6, buffer, 2, 6), 0);
    // A text goes after its own prefix.
    assert.ok(compareUtf8(buffer, 2, 7, buffer, 2, 6) > 0);
  });
});
