import * as assert from 'node:assert/strict';
import { earlierTriesNote } from '../../../src/compare/earlierTries';

describe('earlier tries note', () => {
  it('says nothing for a first try or an unknown try number', () => {
    assert.equal(earlierTriesNote('extract', 1), undefined);
    assert.equal(earlierTriesNote('extract', 0), undefined);
    assert.equal(earlierTriesNote('extract', undefined), undefined);
    assert.equal(earlierTriesNote('extract', NaN), undefined);
  });

  it('says which tries left no XComs and why', () => {
    const two = earlierTriesNote('transform', 2) ?? '';
    assert.match(two, /`transform` ran 2 tries; only the XComs of try 2 exist/);
    assert.match(two, /states of try 1, not their XComs/);
    assert.match(earlierTriesNote('t`x', 4) ?? '', /`tˋx` ran 4 tries.*states of tries 1–3/);
  });
});
