// The hostile-value corpus: pickles (made by test/fixtures/hostile/makePickles.py), JSON and serde wrappers built
// here, run through every XCom decoder under a time budget. Each must finish fast, never throw raw, and say what it did.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeXComValue, type DecodedXCom } from '../../../src/airflow/xcomValue';
import type { StoredValue } from '../../../src/airflow/types';
import { jsonToTable, parseLenientJson } from '../../../src/formats/pandasJson';
import { ColumnarTable } from '../../../src/formats/table';
import { parseInline } from '../../../src/formats/tableParser';
import { storedValueAsText } from '../../../src/views/storedValueText';

// A hang guard, not a speed figure (bench/openValue.bench.mjs measures): undecoded, the billion-laughs pickle ran
// for 93 s and out of heap; on a loaded 2-core machine a budgeted decode still takes up to a few hundred ms.
const MAX_MS = 1_000;
const pickles = JSON.parse(
  readFileSync(path.join(__dirname, '../../../../test/fixtures/hostile/hostilePickles.json'), 'utf8'),
) as Record<string, string>;

const deepArray = (n: number): string => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number): string => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
const wide = (n: number): string => `[${Array.from({ length: n }, (_, i) => i).join(',')}]`;
const serde = (data: string): string =>
  JSON.stringify({ __classname__: 'pandas.core.frame.DataFrame', __version__: 1, __data__: data });
const parquetLike = (inner: string): string => `50415231${inner}50415231`;

const jsonCases: Record<string, string> = {
  'array nested 10,000 deep': deepArray(10_000),
  'object nested 10,000 deep': deepObject(10_000),
  'array nested 100,000 deep': deepArray(100_000),
  'array of 1,000,000 numbers': wide(1_000_000),
  'object with 50,000 keys': `{${Array.from({ length: 50_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`,
  'huge number literal': '1' + '0'.repeat(100_000),
  'number beyond double range': '1e999999',
  'lone high surrogate': '"\\ud800"',
  'lone low surrogate in a key': '{"\\udc00": 1}',
  'NaN variants': '[NaN, -NaN, nan, Infinity, -Infinity, +Infinity, Inf]',
  'NaN only': '[NaN, Infinity, -Infinity]',
  'NaN inside strings': '["NaN", "Infinity\\"NaN"]',
  'unterminated string with NaN': '["abc NaN',
  'string of 2,000,000 characters': `"${'x'.repeat(2_000_000)}"`,
  'bidi controls': '"\u202Egnp.exe\u2066"',
  'serde tuple 50,000 deep':
    '{"__classname__":"builtins.tuple","__version__":1,"__data__":['.repeat(50_000) + ']}'.repeat(50_000),
  'serde DataFrame with corrupt hex': serde('zz41523'),
  'serde DataFrame with odd-length hex': serde('504152310'),
  'serde DataFrame, not Parquet': serde('deadbeefdeadbeefdeadbeef'),
  'serde DataFrame, PAR1 with garbage inside': serde(parquetLike('00'.repeat(16))),
  'serde DataFrame, footer length past the start': serde(parquetLike('ffffff7f')),
  'serde DataFrame, empty data': serde(''),
  'serde DataFrame, data not a string': JSON.stringify({
    __classname__: 'pandas.core.frame.DataFrame',
    __version__: 1,
    __data__: 42,
  }),
  'serde wrapper with base64 garbage': JSON.stringify({
    __classname__: 'builtins.bytes',
    __version__: 1,
    __data__: '!!!not base64',
  }),
  'legacy __type with null __var': '{"__type":"datetime","__var":null}',
  'datetime with timestamp 1e300':
    '{"__classname__":"datetime.datetime","__version__":2,"__data__":{"timestamp":1e300}}',
};

interface Outcome {
  name: string;
  ms: number;
  decoded: DecodedXCom;
}

function timed(name: string, stored: StoredValue): Outcome {
  const started = performance.now();
  const decoded = decodeXComValue(stored);
  return { name, ms: performance.now() - started, decoded };
}

function assertHeld(outcome: Outcome): void {
  const { name, ms, decoded } = outcome;
  assert.ok(ms < MAX_MS, `${name}: decoding took ${ms.toFixed(0)} ms`);
  assert.ok(decoded.display.length <= 120, `${name}: display is ${decoded.display.length} characters`);
  assert.doesNotMatch(
    `${decoded.display} ${decoded.note ?? ''}`,
    /RangeError|Maximum call stack|DataView|undefined/,
    name,
  );
  assert.equal(typeof decoded.pretty, 'string', name);
}

describe('hostile values (every decoder has a budget)', () => {
  it(`decodes ${Object.keys(pickles).length} hostile pickles quickly, without running any code`, () => {
    for (const [name, hex] of Object.entries(pickles)) {
      const outcome = timed(name, { kind: 'bytes', bytes: Buffer.from(hex, 'hex') });
      assertHeld(outcome);
      assert.ok(
        ['pickle', 'json', 'text', 'table', 'null'].includes(outcome.decoded.kind),
        `${name}: ${outcome.decoded.kind}`,
      );
      if (hex.startsWith('80')) assert.match(outcome.decoded.note ?? '', /pickle/i, name);
      else assert.ok(outcome.decoded.note, name);
    }
  });

  it('cuts a memo billion laughs at the node budget and says so', () => {
    const outcome = timed('laughs', {
      kind: 'bytes',
      bytes: Buffer.from(pickles['memo billion laughs (2^30 leaves)'], 'hex'),
    });
    assertHeld(outcome);
    assert.equal(outcome.decoded.kind, 'json');
    assert.match(outcome.decoded.note ?? '', /cut (at 100,000 values|after 20 ms of decoding)/);
    const started = performance.now();
    assert.match(outcome.decoded.pretty, /…cut/);
    assert.ok(performance.now() - started < MAX_MS * 2, 'writing the cut value for the editor took too long');
  });

  it('never calls what a pickle names (GLOBAL/REDUCE become placeholders)', () => {
    const outcome = timed('reduce', { kind: 'bytes', bytes: Buffer.from(pickles['GLOBAL os.system REDUCE'], 'hex') });
    assert.match(JSON.stringify(outcome.decoded.value), /os\.system/);
    assert.match(JSON.stringify(outcome.decoded.value), /touch \/tmp\/pwned/);
  });

  it(`decodes ${Object.keys(jsonCases).length} hostile JSON and serde values quickly, with a clear note`, () => {
    for (const [name, text] of Object.entries(jsonCases)) {
      assertHeld(timed(name, { kind: 'json', json: text }));
      assertHeld(timed(`${name} (bytes)`, { kind: 'bytes', bytes: new TextEncoder().encode(text) }));
    }
  });

  it('keeps JSON nested 10,000 levels deep as JSON, cut with a note, not "Not valid JSON"', () => {
    for (const text of [deepArray(10_000), deepObject(10_000)]) {
      const decoded = decodeXComValue({ kind: 'json', json: text });
      assert.equal(decoded.kind, 'json');
      assert.doesNotMatch(decoded.note ?? '', /Not valid JSON/);
      assert.match(decoded.note ?? '', /cut at 400 levels of nesting/);
    }
  });

  it('does not claim a Parquet size for a corrupt serde DataFrame', () => {
    for (const name of [
      'serde DataFrame with corrupt hex',
      'serde DataFrame with odd-length hex',
      'serde DataFrame, not Parquet',
      'serde DataFrame, empty data',
    ]) {
      const decoded = decodeXComValue({ kind: 'json', json: jsonCases[name] });
      assert.notEqual(decoded.kind, 'table', name);
      assert.doesNotMatch(decoded.display, /Parquet, \d+ bytes/, name);
      assert.match(decoded.note ?? '', /corrupt/, name);
    }
  });

  it('the grid reader rejects corrupt serde DataFrames and non-tables with a clear message, never a RangeError', async () => {
    let tried = 0;
    for (const [name, text] of Object.entries(jsonCases)) {
      tried++;
      const table = new ColumnarTable();
      const started = performance.now();
      try {
        await parseInline(text, table, { signal: new AbortController().signal });
      } catch (error) {
        assert.ok(error instanceof Error, name);
        assert.doesNotMatch(
          error.message,
          /RangeError|DataView|Maximum call stack|undefined/,
          `${name}: ${error.message}`,
        );
      }
      assert.ok(performance.now() - started < 2_000, `${name}: the grid reader took too long`);
    }
    assert.equal(tried, Object.keys(jsonCases).length);
  });

  it('reads NaN as pandas writes it in the lenient parser, even nested deep', () => {
    const deep = `${'['.repeat(5_000)}NaN${']'.repeat(5_000)}`;
    let v = parseLenientJson(deep);
    for (let i = 0; i < 5_000; i++) v = (v as unknown[])[0];
    assert.ok(Number.isNaN(v));
    const table = new ColumnarTable();
    jsonToTable(parseLenientJson('[{"a": NaN}, {"a": 1.5}]'), table);
    assert.equal(table.rowCount, 2);
  });

  it('shows the stored form of every hostile value quickly', () => {
    for (const [name, hex] of Object.entries(pickles)) {
      const started = performance.now();
      const text = storedValueAsText({ kind: 'bytes', bytes: Buffer.from(hex, 'hex') });
      assert.ok(performance.now() - started < MAX_MS, name);
      assert.ok(text.length > 0, name);
    }
  });
});
