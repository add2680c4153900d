// OWASP CSV-injection escaping for Export CSV and (when asked) copies: formula-like cells get a leading quote,
// plain numbers stay numbers.
import * as assert from 'node:assert/strict';
import { escapeFormula, formatRows, rowFormatter } from '../../../src/formats/textFormats';

describe('formula escaping (OWASP CSV injection)', () => {
  it('prefixes cells starting with = + - @ tab or CR, but not plain numbers', () => {
    for (const s of ['=1+2', '+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x")', '-', '+'])
      assert.equal(escapeFormula(s), `'${s}`, JSON.stringify(s));
    for (const s of ['-5', '+1.5', '-0.25', '2e-3', '-1E5', 'plain', '', 'a=b', '12'])
      assert.equal(escapeFormula(s), s, JSON.stringify(s));
  });

  it('escapes export lines and copies only when asked, and still quotes per RFC 4180', () => {
    assert.equal(rowFormatter('csv', { escapeFormulas: true }).row(['=1+2', '-5', '@a,b']), `'=1+2,-5,"'@a,b"\n`);
    assert.equal(rowFormatter('csv').row(['=1+2', '-5']), '=1+2,-5\n');
    assert.equal(formatRows(['h'], [['=x']], 'tsv'), 'h\n=x\n');
    assert.equal(formatRows(['h'], [['=x']], 'tsv', { escapeFormulas: true }), "h\n'=x\n");
    assert.equal(formatRows(['h'], [['=x']], 'markdown', { escapeFormulas: true }), '| h |\n| --- |\n| =x |\n');
  });
});
