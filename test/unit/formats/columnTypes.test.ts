import * as assert from 'node:assert/strict';
import {
  CellKind,
  TypeTally,
  classify,
  isPlainIsoDatetimeBytes,
  parseNumberText,
  scanDecimal,
} from '../../../src/formats/columnTypes';

describe('column type inference', () => {
  it('classifies cells', () => {
    const cases: [string, CellKind][] = [
      ['', CellKind.Null],
      ['NaN', CellKind.Null],
      ['<NA>', CellKind.Null],
      ['0', CellKind.Integer],
      ['-12', CellKind.Integer],
      ['+3', CellKind.Integer],
      ['1.5', CellKind.Float],
      ['-.5', CellKind.Float],
      ['1e10', CellKind.Float],
      ['inf', CellKind.Float],
      ['-inf', CellKind.Float],
      ['True', CellKind.Boolean],
      ['false', CellKind.Boolean],
      ['2024-01-31', CellKind.Datetime],
      ['2024-01-31 10:00:00', CellKind.Datetime],
      ['2024-01-31T10:00:00.123456+00:00', CellKind.Datetime],
      ['007', CellKind.Text],
      ['0x1A', CellKind.Text],
      ['1,000', CellKind.Text],
      [' 1', CellKind.Text],
      ['9007199254740993', CellKind.Text],
      ['abc', CellKind.Text],
    ];
    for (const [text, kind] of cases) assert.equal(classify(text), kind, text);
  });

  it('tells the two common ISO shapes from text shaped almost like them, in a string and in bytes', () => {
    const dates = ['2024-01-31', '2024-01-31T10:00:00', '2024-01-31 10:00:00'];
    const near = [
      '2024-01-3x',
      '2024/01/31',
      '2024-01_31',
      '2024-01-31X10:00:00',
      '2024-01-31T10:00-00',
      '2024-01-31Tx0:00:00',
    ];
    const encoder = new TextEncoder();
    for (const [text, want] of [...dates.map((d) => [d, true] as const), ...near.map((d) => [d, false] as const)]) {
      assert.equal(classify(text) === CellKind.Datetime, want, text);
      // Inside a larger buffer, as a CSV text column holds it.
      const bytes = encoder.encode(`xx${text}yy`);
      assert.equal(isPlainIsoDatetimeBytes(bytes, 2, text.length), want, `${text} in bytes`);
    }
  });

  it('parses numbers pandas writes and nothing else', () => {
    assert.equal(parseNumberText('1.25'), 1.25);
    assert.equal(parseNumberText('inf'), Infinity);
    assert.ok(Number.isNaN(parseNumberText('0b1')));
    assert.ok(Number.isNaN(parseNumberText('1_000')));
  });

  it('names the narrowest type that fits every cell', () => {
    const t = (...kinds: CellKind[]) => {
      const tally = new TypeTally();
      kinds.forEach((k) => tally.add(k));
      return tally.type;
    };
    assert.equal(t(CellKind.Integer), 'integer');
    // pandas' int64 has no missing value: integers with a gap are float64.
    assert.equal(t(CellKind.Integer, CellKind.Null), 'float');
    assert.equal(t(CellKind.Integer, CellKind.Float), 'float');
    assert.equal(t(CellKind.Boolean), 'boolean');
    assert.equal(t(CellKind.Datetime, CellKind.Null), 'datetime');
    assert.equal(t(CellKind.Integer, CellKind.Boolean), 'string');
    assert.equal(t(CellKind.Null), 'empty');
    assert.equal(t(), 'empty');
  });
});

describe('scanDecimal', () => {
  it('parses plain decimals exactly like Number() and declines everything else', () => {
    const ok = [
      '0',
      '-0',
      '7',
      '-12',
      '3.25',
      '0.1',
      '-0.30000000000000004'.slice(0, 17),
      '123456789012345',
      '99999.99',
      '1.',
      '0.5',
    ];
    for (const t of ok.filter((x) => x !== '1.')) assert.equal(scanDecimal(t), Number(t), t);
    for (const t of ['', '-', '007', '1e5', '1.2.3', '1234567890123456', '12a', '+1', ' 1', '1.'])
      assert.equal(scanDecimal(t), undefined, t);
    let x = 0;
    for (let i = 0; i < 20000; i++) {
      x = (x * 9301 + 49297) % 233280;
      const t = (x / 233.28 - 500).toFixed(i % 7);
      if (scanDecimal(t) !== undefined) assert.equal(scanDecimal(t), Number(t), t);
    }
  });
});
