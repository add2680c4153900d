import * as assert from 'node:assert/strict';
import { decodeXComValue } from '../../../src/airflow/xcomValue';
import { parseLenientJson, tableOrientOf } from '../../../src/formats/pandasJson';
import type { StoredValue } from '../../../src/airflow/types';
import { DATAFRAME_PARQUET_HEX } from '../../fixtures/airflow/builder';

const bytes = (text: string): StoredValue => ({ kind: 'bytes', bytes: new TextEncoder().encode(text) });
const hex = (h: string): StoredValue => ({ kind: 'bytes', bytes: Buffer.from(h.replace(/\s/g, ''), 'hex') });
const json = (text: string): StoredValue => ({ kind: 'json', json: text });

describe('XCom value decoding (every encoding Airflow writes)', () => {
  it('decodes 2.x JSON bytes: strings, numbers, booleans, null, lists, dicts', () => {
    assert.deepEqual(decodeXComValue(hex('22 68 65 6c 6c 6f 22')), {
      kind: 'text',
      value: 'hello',
      display: 'hello',
      pretty: 'hello',
    });
    assert.equal(decodeXComValue(bytes('"caf\\u00e9"')).value, 'café');
    const n = decodeXComValue(bytes('42'));
    assert.equal(n.kind, 'json');
    assert.equal(n.value, 42);
    assert.equal(n.display, '42');
    assert.equal(decodeXComValue(bytes('3.5')).value, 3.5);
    assert.equal(decodeXComValue(bytes('true')).value, true);
    assert.equal(decodeXComValue(bytes('null')).kind, 'null');
    assert.deepEqual(decodeXComValue(bytes('[1, "x", null]')).value, [1, 'x', null]);
    const d = decodeXComValue(bytes('{"a": 1, "b": [1, 2]}'));
    assert.equal(d.kind, 'json');
    assert.deepEqual(d.value, { a: 1, b: [1, 2] });
    assert.equal(d.pretty, '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}');
  });

  it('accepts NaN, Infinity and -Infinity (Python json.dumps) and shows them as Python wrote them', () => {
    const nan = decodeXComValue(bytes('NaN'));
    assert.ok(Number.isNaN(nan.value));
    assert.equal(nan.display, 'NaN');
    const inf = decodeXComValue(bytes('[Infinity, -Infinity, "NaN"]'));
    assert.deepEqual(inf.value, [Infinity, -Infinity, 'NaN']);
    assert.equal(inf.display, '[Infinity,-Infinity,"NaN"]');
    assert.deepEqual(parseLenientJson('{"x": NaN}'), { x: NaN });
    assert.throws(() => parseLenientJson('{nope'));
  });

  it('unwraps serde: tuple, set, datetime v1/v2, date, timedelta, Decimal', () => {
    assert.deepEqual(
      decodeXComValue(bytes('{"__classname__": "builtins.tuple", "__version__": 1, "__data__": [1, 2]}')).value,
      [1, 2],
    );
    assert.deepEqual(
      decodeXComValue(bytes('{"__classname__": "builtins.set", "__version__": 1, "__data__": [1, 2]}')).value,
      [1, 2],
    );
    const v2 = decodeXComValue(
      bytes(
        '{"__classname__": "datetime.datetime", "__version__": 2, "__data__": {"timestamp": 1704067200.0, "tz": {"__classname__": "builtins.tuple", "__version__": 1, "__data__": ["UTC", "pendulum.tz.timezone.FixedTimezone", 1, true]}}}',
      ),
    );
    assert.equal(v2.value, '2024-01-01T00:00:00.000Z');
    assert.equal(v2.kind, 'json');
    assert.equal(v2.classname, 'datetime.datetime');
    assert.equal(
      decodeXComValue(
        bytes(
          '{"__classname__": "datetime.datetime", "__version__": 1, "__data__": {"timestamp": 1704067200.0, "tz": "UTC"}}',
        ),
      ).value,
      '2024-01-01T00:00:00.000Z',
    );
    assert.equal(
      decodeXComValue(bytes('{"__classname__": "datetime.date", "__version__": 1, "__data__": "2024-01-01"}')).value,
      '2024-01-01',
    );
    assert.equal(
      decodeXComValue(bytes('{"__classname__": "datetime.timedelta", "__version__": 1, "__data__": 90.0}')).value,
      90,
    );
    assert.equal(
      decodeXComValue(bytes('{"__classname__": "decimal.Decimal", "__version__": 1, "__data__": 1.5}')).value,
      1.5,
    );
    const custom = decodeXComValue(bytes('{"__classname__": "my.Thing", "__version__": 2, "__data__": {"k": 1}}'));
    assert.equal(custom.kind, 'json');
    assert.match(custom.display, /^my\.Thing: /);
  });

  it('keeps the pandas DataFrame wrapper as a table, under both class names serde writes', () => {
    // Airflow 3.3's serializer writes `pandas.DataFrame`; earlier ones the module path.
    for (const classname of ['pandas.core.frame.DataFrame', 'pandas.DataFrame']) {
      const stored = JSON.stringify({ __classname__: classname, __version__: 1, __data__: DATAFRAME_PARQUET_HEX });
      const d = decodeXComValue(bytes(stored));
      assert.equal(d.kind, 'table', classname);
      assert.equal(d.classname, classname);
      assert.deepEqual(d.value, JSON.parse(stored));
      assert.match(d.display, new RegExp(`pandas DataFrame \\(Parquet, ${DATAFRAME_PARQUET_HEX.length / 2} bytes\\)`));
      assert.deepEqual(d.table, { format: 'parquet-hex', data: DATAFRAME_PARQUET_HEX });
    }
  });

  it('says a DataFrame with PAR1 marks but a garbled footer is corrupt, and claims no Parquet size', () => {
    const stored = JSON.stringify({
      __classname__: 'pandas.DataFrame',
      __version__: 1,
      __data__: '50415231deadbeef50415231',
    });
    const d = decodeXComValue(bytes(stored));
    assert.equal(d.kind, 'json');
    assert.equal(d.display, 'pandas DataFrame (corrupt Parquet data)');
    assert.match(
      d.note ?? '',
      /^The XCom holds a pandas DataFrame serialised as Parquet, but its bytes are corrupt: its Parquet footer claims \d+ bytes but the file holds only 12/,
    );
  });

  it('converts legacy __type/__var', () => {
    assert.deepEqual(decodeXComValue(bytes('{"__type": "dict", "__var": {"x": 1}}')).value, { x: 1 });
    assert.equal(
      decodeXComValue(bytes('{"__type": "datetime", "__var": 1704067200.0}')).value,
      '2024-01-01T00:00:00.000Z',
    );
    assert.deepEqual(decodeXComValue(bytes('{"__type": "set", "__var": [1]}')).value, [1]);
  });

  it('reads pickles without running code; unknown classes become placeholders', () => {
    const hello = decodeXComValue(hex('80 04 95 09 00 00 00 00 00 00 00 8c 05 68 65 6c 6c 6f 94 2e'));
    assert.equal(hello.kind, 'text');
    assert.equal(hello.value, 'hello');
    assert.match(hello.note ?? '', /pickle/);
    assert.equal(decodeXComValue(hex('80 04 4b 2a 2e')).value, 42);
    // os.system("echo pwned") as a REDUCE: parsed into a placeholder, never called.
    const evil = Buffer.concat([
      Buffer.from('8004', 'hex'),
      Buffer.from('cposix\nsystem\n', 'latin1'),
      Buffer.from('8c0a6563686f2070776e656485522e', 'hex'),
    ]);
    const decoded = decodeXComValue({ kind: 'bytes', bytes: evil });
    assert.notEqual(decoded.kind, 'undecodable');
    assert.match(JSON.stringify(decoded.value) ?? decoded.display, /posix\.system|pickled/);
    const cut = decodeXComValue(hex('80 04 95 09 00 00'), { truncated: true, storedSize: 9000 });
    assert.equal(cut.kind, 'pickle');
    assert.equal(cut.display, 'pickled value, 9000 bytes');
    const broken = decodeXComValue(hex('80 04 ff ff'));
    assert.equal(broken.kind, 'pickle');
    assert.equal(broken.display, 'pickled value, 4 bytes');
  });

  it('decodes 3.x JSON column values, including SQLite INTEGER/REAL storage', () => {
    assert.equal(decodeXComValue(json('42')).value, 42);
    assert.equal(decodeXComValue(json('1.5')).value, 1.5);
    assert.equal(decodeXComValue(json('"xcom_s3://b/k.csv"')).value, 'xcom_s3://b/k.csv');
    assert.equal(decodeXComValue(json('"nan"')).value, 'nan');
    assert.deepEqual(decodeXComValue(json('{"a": 1}')).value, { a: 1 });
    assert.equal(decodeXComValue(json('null')).kind, 'null');
    assert.equal(decodeXComValue({ kind: 'null' }).kind, 'null');
    assert.equal(decodeXComValue({ kind: 'bytes', bytes: new Uint8Array() }).kind, 'null');
  });

  it('recognises tables: list of records and pandas orients', () => {
    assert.equal(decodeXComValue(json('[{"id": 1, "n": "a"}, {"id": 2, "n": "b"}]')).kind, 'table');
    assert.equal(decodeXComValue(json('{"id": [1, 2], "n": ["a", "b"]}')).kind, 'table');
    assert.equal(decodeXComValue(json('{"id": {"0": 1, "1": 2}, "n": {"0": "a", "1": "b"}}')).kind, 'table');
    assert.equal(decodeXComValue(json('{"columns": ["a"], "index": [0], "data": [[1]]}')).kind, 'table');
    const formats = [
      '[{"id": 1}]',
      '{"id": [1, 2]}',
      '{"id": {"0": 1}}',
      '{"columns": ["a"], "index": [0], "data": [[1]]}',
    ].map((text) => decodeXComValue(json(text)).table?.format);
    assert.deepEqual(formats, ['records', 'list', 'columns', 'split']);
    assert.deepEqual(decodeXComValue(json('[{"id": 1}]')).table?.data, [{ id: 1 }]);
    assert.equal(tableOrientOf({ a: 1, b: [1, 2] }), undefined);
    assert.equal(tableOrientOf([1, 2]), undefined);
    assert.equal(decodeXComValue(json('[]')).kind, 'json');
  });

  it('decodes what it can of a truncated head', () => {
    const long = `"${'é'.repeat(3000)}"`;
    const head = new TextEncoder().encode(long).subarray(0, 4096);
    const d = decodeXComValue({ kind: 'bytes', bytes: head }, { truncated: true, storedSize: 6002 });
    assert.equal(d.kind, 'text');
    assert.equal(d.value, 'é'.repeat(2047));
    assert.match(d.note ?? '', /cut/);
    const escaped = decodeXComValue(json('"abc\\u00'), { truncated: true });
    assert.equal(escaped.value, 'abc');
    const obj = decodeXComValue(json('{"a": [1, 2, 3'), { truncated: true, storedSize: 10_000 });
    assert.equal(obj.kind, 'text');
    assert.match(obj.note ?? '', /cut/);
  });

  it('never throws, and keeps display to one line of at most 120 characters', () => {
    const d = decodeXComValue(bytes(JSON.stringify({ text: 'line\n'.repeat(100) })));
    assert.ok(d.display.length <= 120);
    assert.ok(!d.display.includes('\n'));
    assert.equal(decodeXComValue(hex('ff fe 00')).kind, 'undecodable');
    assert.equal(decodeXComValue(bytes('not json')).kind, 'text');
    assert.equal(decodeXComValue(undefined as unknown as StoredValue).kind, 'null');
  });
});
