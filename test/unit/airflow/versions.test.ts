import * as assert from 'node:assert/strict';
import { generationOf, versionOfRevision } from '../../../src/airflow/versions';

describe('Airflow version map', () => {
  it('maps alembic heads to releases', () => {
    assert.equal(versionOfRevision('5f2621c13b39'), '2.10.3');
    assert.equal(versionOfRevision('22ed7efa9da2'), '2.10.0');
    assert.equal(versionOfRevision('cc92b33c6709'), '3.1.0');
    assert.equal(versionOfRevision('29ce7909c52b'), '3.0.0');
    assert.equal(versionOfRevision('1d6611b6ab7c'), '3.2.0');
    assert.equal(versionOfRevision('d2f4e1b3c5a7'), '3.3.0');
    assert.equal(versionOfRevision('b1b348e02d07'), '2.3.0');
    assert.equal(versionOfRevision('deadbeef'), undefined);
    assert.equal(versionOfRevision(null), undefined);
  });

  it('gives the schema generation, refusing releases XCom Lens does not read', () => {
    assert.equal(generationOf('2.3.0'), 2);
    assert.equal(generationOf('2.10.3'), 2);
    assert.equal(generationOf('3.0.0'), 3);
    assert.equal(generationOf('3.2.0'), 3);
    assert.match((generationOf('2.2.4') as { unsupported: string }).unsupported, /too old/);
    assert.equal(generationOf('3.3.0'), 3);
    assert.match(
      (generationOf('3.4.0') as { unsupported: string }).unsupported,
      /newer than XCom Lens knows \(2\.3 to 3\.3\)/,
    );
  });
});
