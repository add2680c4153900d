// Mapping a deployed DAG path onto workspace files by the longest common path suffix.
import * as assert from 'node:assert/strict';
import { bestFilelocMatches, commonSuffixLength, filelocBaseName } from '../../../src/airflow/dagFileLocation';

describe('dagFileLocation', () => {
  const fileloc = '/opt/airflow/dags/etl/orders.py';

  it('prefers the workspace file that shares the most trailing folders', () => {
    const candidates = [
      '/home/ana/repo/orders.py',
      '/home/ana/repo/dags/etl/orders.py',
      '/home/ana/repo/old/etl2/orders.py',
    ];
    assert.deepEqual(bestFilelocMatches(fileloc, candidates), ['/home/ana/repo/dags/etl/orders.py']);
  });

  it('returns every candidate of a tie, and none when no file name matches', () => {
    assert.deepEqual(bestFilelocMatches(fileloc, ['/a/etl/orders.py', '/b/etl/orders.py']), [
      '/a/etl/orders.py',
      '/b/etl/orders.py',
    ]);
    assert.deepEqual(bestFilelocMatches(fileloc, ['/a/etl/customers.py']), []);
  });

  it('reads Windows paths too', () => {
    assert.equal(commonSuffixLength(fileloc, 'C:\\work\\dags\\etl\\orders.py'), 3);
    assert.equal(filelocBaseName('C:\\work\\dags\\etl\\orders.py'), 'orders.py');
  });
});
