// The order of JavaScript strings (UTF-16 units), read from their UTF-8 without making a string: what the text
// sort (textSort.ts) and the first window's top-N selection (topRows.ts) compare cells by.
//
// UTF-8 bytes sort as code points, and UTF-16 units the same way except that the characters from U+10000 up
// (surrogate pairs, U+D800…) sort before U+E000…U+FFFF. Ranking the lead bytes F0–F4 (U+10000 up) between ED
// (U+D000…U+D7FF) and EE (U+E000…) turns one order into the other: two cells that agree up to a byte are at the
// same place in the same character there, so the first byte that differs is a lead byte in both, or a
// continuation byte (80–BF, ranked as it is) in both.

/** Each byte's rank plus one (1…255): 0 is kept for "past the end", which sorts first. */
export const UTF8_UNIT_RANK = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  let rank = b;
  if (b === 0xee || b === 0xef)
    rank = b + 5; // U+E000…U+FFFF after every character from U+10000 up
  else if (b >= 0xf0 && b <= 0xf4)
    rank = b - 2; // U+10000 up, just after U+D000…U+D7FF
  else if (b >= 0xf5) rank = 0xfe; // never in UTF-8
  UTF8_UNIT_RANK[b] = rank + 1;
}

/**
 * UTF-8 `a[aStart…aEnd)` against `b[bStart…bEnd)`, in the order of the strings they encode: below 0, 0 (the same
 * text) or above 0.
 */
export function compareUtf8(
  a: Uint8Array,
  aStart: number,
  aEnd: number,
  b: Uint8Array,
  bStart: number,
  bEnd: number,
): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let k = 0; k < n; k++) {
    const x = a[aStart + k];
    const y = b[bStart + k];
    if (x !== y) return UTF8_UNIT_RANK[x] - UTF8_UNIT_RANK[y];
  }
  return aEnd - aStart - (bEnd - bStart);
}
