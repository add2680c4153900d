import * as assert from 'node:assert/strict';
import { isRestUrl, parseRestBaseUrl, restUserOf } from '../../../../src/airflow/rest/baseUrl';
import { parsePythonLiteral } from '../../../../src/airflow/rest/pythonRepr';
import { arrayField, storedValueOf, storedValuePrefixOf } from '../../../../src/airflow/rest/restMapping';
import { decodeXComValue } from '../../../../src/airflow/xcomValue';

describe('REST base URLs as copied from the browser', () => {
  it('cuts /home, /api/v1, /api/v2 and UI paths, keeps a path prefix, drops credentials', () => {
    assert.equal(parseRestBaseUrl('https://airflow.example.com/home').root, 'https://airflow.example.com');
    assert.deepEqual(parseRestBaseUrl('https://me:pw@airflow.example.com/team/api/v1/'), {
      root: 'https://airflow.example.com/team',
      pastedApi: 1,
    });
    assert.deepEqual(parseRestBaseUrl('http://localhost:8080/api/v2/dags'), {
      root: 'http://localhost:8080',
      pastedApi: 2,
    });
    assert.equal(parseRestBaseUrl('https://x.example/dags/etl/grid?tab=logs').root, 'https://x.example');
    assert.equal(restUserOf('https://air%40flow@x.example'), 'air@flow');
    assert.equal(isRestUrl('postgresql://u@h/db'), false);
    assert.throws(() => parseRestBaseUrl('https://'), /Not a valid URL/);
  });
});

describe('Python text of values from Airflow 2 before 2.10', () => {
  it('reads plain literals and nothing else', () => {
    assert.deepEqual(parsePythonLiteral("{'a': 1, 'b': [True, None, 'it\\'s'], 'c': (1.5,)}")?.value, {
      a: 1,
      b: [true, null, "it's"],
      c: [1.5],
    });
    assert.equal(parsePythonLiteral('datetime.datetime(2024, 1, 1)'), undefined);
    assert.equal(parsePythonLiteral("{'a': 1} trailing"), undefined);
  });

  it('decodes a dict from Python text with a note, and keeps anything else as text with a note why', () => {
    const dict = decodeXComValue(storedValueOf({ value: "{'rows': 3}" }, true));
    assert.deepEqual(dict.value, { rows: 3 });
    assert.match(dict.note ?? '', /Python text/);
    const ref = decodeXComValue(storedValueOf({ value: 'xcom_s3://b/data_1.csv' }, true));
    assert.equal(ref.value, 'xcom_s3://b/data_1.csv');
    assert.match(ref.note ?? '', /Python text: shown as that text/);
    assert.deepEqual(decodeXComValue(storedValueOf({ value: { rows: 3 } }, false)).value, { rows: 3 });
  });

  it('names the field of a body of the wrong shape', () => {
    assert.throws(
      () => arrayField({ dags: 'x' }, 'dags', 'GET /dags'),
      /GET \/dags has the wrong shape \(no "dags" list\)/,
    );
    assert.throws(() => storedValueOf({ key: 'k' }, false), /lacks "value"/);
  });
});

describe('the start of a value when only the first bytes of its answer were read', () => {
  it('finds the top-level "value" member past keys, strings and nested objects that mention it', () => {
    const text =
      '{"key": "say \\"value\\": no", "extra": {"value": 1}, "dag_id": "etl", "value": [{"a": 1}, {"a": 2}, {"a';
    const found = storedValuePrefixOf(text, 10_000, 12, false);
    assert.deepEqual(found, { kind: 'json', json: '[{"a": 1}, {', storedSize: 10_000 - text.indexOf('[') - 1 });
  });

  it('says nothing when the value has not started within the text', () => {
    assert.equal(storedValuePrefixOf('{"key": "k", "dag_id": "e', undefined, 100, false), undefined);
    assert.equal(storedValuePrefixOf('{"key": "k", "value":', undefined, 100, false), undefined);
  });
});
