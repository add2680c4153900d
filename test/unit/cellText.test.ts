// The text a cell shows, checked against Python itself: floats as repr(float) prints them, missing markers.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cellText, pythonFloatText } from '../../src/cellText';

const FLOATS = [
  0,
  -0,
  1,
  -1,
  0.5,
  2.5,
  0.1,
  1 / 3,
  123.456,
  1e-4,
  1e-5,
  1.5e-7,
  123456789.125,
  1e15,
  1e16,
  1.5e16,
  2 ** 53,
  1e21,
  1e22,
  -2.5e-300,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  5e-324,
  0.30000000000000004,
  1795075200000,
];

describe('cell text', () => {
  it("writes floats exactly as Python's repr(float)", () => {
    const python = execFileSync(
      'python3',
      ['-c', 'import json,sys\nprint(json.dumps([repr(float(x)) for x in json.load(sys.stdin)]))'],
      {
        input: JSON.stringify(FLOATS.map((x) => (Object.is(x, -0) ? '-0.0' : x))),
      },
    ).toString();
    assert.deepEqual(FLOATS.map(pythonFloatText), JSON.parse(python) as string[]);
    assert.equal(pythonFloatText(Infinity), 'inf');
    assert.equal(pythonFloatText(-Infinity), '-inf');
  });

  it('keeps the float look in float columns only, and shows the missing marker of the column', () => {
    assert.equal(cellText(0, { type: 'float' }), '0.0');
    assert.equal(cellText(0, { type: 'integer' }), '0');
    assert.equal(cellText(null, { type: 'float' }), 'NaN');
    assert.equal(cellText(null, { type: 'datetime' }), 'NaT');
    assert.equal(cellText(null, { type: 'string', missing: 'None' }), 'None');
    assert.equal(cellText('', { type: 'string', missing: 'None' }), '', 'an empty string stays empty');
    assert.equal(cellText('true', { type: 'boolean' }), 'True');
    assert.equal(cellText('None', { type: 'string' }), 'None', 'the text None is text (only its style differs)');
  });
});
