import * as assert from 'node:assert/strict';
import { IsoShape, isoLength, isoText, isoValue } from '../../../src/formats/isoDatetimes';

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const valueOf = (s: string, shape: IsoShape) => isoValue(bytes(s), 0, shape);

/** A small deterministic generator (the same cases every run). */
function prng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x / 2 ** 32;
  };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const monthDays = (y: number, m: number) => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];

/** Random valid texts of `shape`, with the ends of the range and the leap days among them. */
function validTexts(shape: IsoShape, count: number): string[] {
  const rnd = prng(7 + shape);
  const fixed = ['0000-01-01', '9999-12-31', '2000-02-29', '2024-02-29', '1970-01-01', '1969-12-31', '1600-03-01'];
  const out = fixed.map((d) => (shape === IsoShape.Date ? d : `${d}${String.fromCharCode(shape)}23:59:59`));
  if (shape !== IsoShape.Date) out.push(`1970-01-01${String.fromCharCode(shape)}00:00:00`);
  while (out.length < count) {
    const y = Math.floor(rnd() * 10_000);
    const m = 1 + Math.floor(rnd() * 12);
    const d = 1 + Math.floor(rnd() * monthDays(y, m));
    const date = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
    if (shape === IsoShape.Date) out.push(date);
    else {
      const time = `${pad(Math.floor(rnd() * 24), 2)}:${pad(Math.floor(rnd() * 60), 2)}:${pad(Math.floor(rnd() * 60), 2)}`;
      out.push(`${date}${String.fromCharCode(shape)}${time}`);
    }
  }
  return out;
}

describe('ISO dates held as numbers', () => {
  for (const [name, shape] of [
    ['dates', IsoShape.Date],
    ['date-times with a T', IsoShape.DatetimeT],
    ['date-times with a space', IsoShape.DatetimeSpace],
  ] as const) {
    it(`writes back ${name} character for character, their numbers in the order of their text`, () => {
      const texts = validTexts(shape, 20_000);
      const values = texts.map((t) => valueOf(t, shape));
      texts.forEach((t, i) => {
        assert.equal(t.length, isoLength(shape));
        assert.ok(Number.isInteger(values[i]), `${t} is read`);
        assert.equal(isoText(values[i], shape), t);
      });
      const byText = texts.map((_, i) => i).sort((i, j) => (texts[i] < texts[j] ? -1 : texts[i] > texts[j] ? 1 : 0));
      for (let k = 1; k < byText.length; k++)
        assert.ok(values[byText[k - 1]] <= values[byText[k]], `${texts[byText[k - 1]]} before ${texts[byText[k]]}`);
    });
  }

  it('counts from 1970-01-01: days for dates, seconds for date-times', () => {
    assert.equal(valueOf('1970-01-02', IsoShape.Date), 1);
    assert.equal(valueOf('1969-12-31', IsoShape.Date), -1);
    assert.equal(valueOf('2024-08-07T09:40:07', IsoShape.DatetimeT), Date.UTC(2024, 7, 7, 9, 40, 7) / 1000);
    assert.equal(valueOf('0000-01-01 00:00:00', IsoShape.DatetimeSpace), Date.parse('0000-01-01T00:00:00Z') / 1000);
  });

  it('refuses text that would not come back as written: dates that do not exist, times past the clock, other shapes', () => {
    const dates = ['2023-02-29', '1900-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '2024-01-00', '2024/01/01'];
    const odd = ['2024-0a-01', '+024-01-01', '2024-01-1 ', ' 024-01-01'];
    for (const t of [...dates, ...odd]) assert.ok(Number.isNaN(valueOf(t, IsoShape.Date)), t);
    const times = ['2024-01-01T24:00:00', '2024-01-01T23:60:00', '2024-01-01T23:59:60', '2024-01-01T1:00:000'];
    const shapes = ['2024-01-01t10:00:00', '2024-01-01 10:00:00', '2024-01-01T10-00-00', '2024-02-30T10:00:00'];
    for (const t of [...times, ...shapes]) assert.ok(Number.isNaN(valueOf(t, IsoShape.DatetimeT)), t);
  });
});
