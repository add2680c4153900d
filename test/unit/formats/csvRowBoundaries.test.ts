import * as assert from 'node:assert/strict';
import Papa from 'papaparse';
import { RowBoundaryScanner } from '../../../src/formats/csvRowBoundaries';

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A CSV with quoted fields holding delimiters, newlines and doubled quotes, quoted fields that open with a
 * delimiter or a newline, spaces after a closing quote, and quotes inside unquoted fields. Returns the text
 * and the byte offset after each row.
 */
function awkwardCsv(rows: number, seed: number, newline = '\n'): { text: string; rowEnds: number[] } {
  const rnd = prng(seed);
  const field = (): string => {
    const r = rnd();
    if (r < 0.15) return `"a,b${newline}c ""q"" ${Math.floor(rnd() * 100)}"`;
    if (r < 0.25) return `5" pipe`;
    if (r < 0.3) return '""';
    if (r < 0.35) return `"x"  `;
    if (r < 0.4) return `"${newline}lead"`;
    if (r < 0.45) return `",lead"`;
    return String(Math.floor(rnd() * 1000));
  };
  let text = 'a,b,c' + newline;
  const rowEnds = [text.length];
  for (let i = 0; i < rows; i++) {
    text += [field(), field(), field()].join(',') + newline;
    rowEnds.push(text.length);
  }
  return { text, rowEnds };
}

function parseRows(text: string): string[][] {
  return Papa.parse<string[]>(text, { delimiter: ',', skipEmptyLines: true }).data;
}

/** Every row end the scanner reports, as offsets from the start of the bytes, feeding chunks of `size`. */
function rowEnds(bytes: Uint8Array, size: number, newline = 0x0a): number[] {
  const scanner = new RowBoundaryScanner(0x2c, newline);
  const ends: number[] = [];
  let dropped = 0;
  for (let i = 0; i < bytes.length; i += size) {
    scanner.scan(bytes.subarray(i, i + size));
    if (scanner.lastRowEnd > 0) {
      const cut = scanner.lastRowEnd;
      ends.push(dropped + cut);
      dropped += cut;
      scanner.drop(cut);
    }
  }
  return ends;
}

describe('RowBoundaryScanner', () => {
  for (const [newline, name] of [
    ['\n', 'LF'],
    ['\r\n', 'CRLF'],
  ] as const) {
    it(`cuts only where papaparse sees a row end (${name}, quoted newlines, "" and stray quotes)`, () => {
      for (const seed of [1, 2, 3]) {
        const { text, rowEnds: expected } = awkwardCsv(300, seed, newline);
        const bytes = new TextEncoder().encode(text);
        const whole = parseRows(text);
        assert.deepEqual(rowEnds(bytes, 1), expected, 'byte by byte, every row end is found and nothing else');
        for (const size of [1, 7, 64, 4096]) {
          const ends = rowEnds(bytes, size);
          assert.ok(ends.length > (size < 4096 ? 10 : 0), `found cuts with chunks of ${size}`);
          let start = 0;
          const pieces: string[][] = [];
          for (const end of [...ends, bytes.length]) {
            pieces.push(...parseRows(new TextDecoder().decode(bytes.subarray(start, end))));
            start = end;
          }
          assert.deepEqual(pieces, whole, `seed ${seed}, chunks of ${size}`);
        }
      }
    });
  }

  it('offers row ends about a spacing apart, so batches keep their size when chunks are large', () => {
    for (const seed of [4, 5]) {
      const { text, rowEnds: expected } = awkwardCsv(2000, seed);
      const bytes = new TextEncoder().encode(text);
      const scanner = new RowBoundaryScanner(0x2c, 0x0a, 0x22, 1000);
      scanner.scan(bytes);
      const cuts: number[] = [];
      let offset = 0;
      while (scanner.lastRowEnd > 0 && bytes.length - offset >= 1000) {
        const cut = scanner.rowEndAtLeast(1000);
        cuts.push(offset + cut);
        offset += cut;
        scanner.drop(cut);
      }
      const valid = new Set(expected);
      for (const cut of cuts) assert.ok(valid.has(cut), `${cut} is a row end`);
      const sizes = cuts.map((c, k) => c - (k > 0 ? cuts[k - 1] : 0));
      assert.ok(cuts.length > bytes.length / 2000, `${cuts.length} batches`);
      assert.ok(
        sizes.slice(0, -1).every((n) => n >= 1000 && n < 1500),
        `batch sizes ${sizes.slice(0, 10).join(', ')}…`,
      );
    }
  });

  it('finds no row end inside an unclosed quote', () => {
    const bytes = new TextEncoder().encode('a,b\n1,"open\n2,3\n4,5\n');
    assert.deepEqual(rowEnds(bytes, 3), [4]);
  });

  it('skips a quote-free chunk with one search and still cuts at its last newline', () => {
    const scanner = new RowBoundaryScanner(0x2c, 0x0a);
    scanner.scan(new TextEncoder().encode('a,b\n1,2\n3,'));
    assert.equal(scanner.lastRowEnd, 8);
    scanner.scan(new TextEncoder().encode('"x\ny",4\n5'));
    assert.equal(scanner.lastRowEnd, 18);
  });
});
