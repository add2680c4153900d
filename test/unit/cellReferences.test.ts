// A grid cell and the tree agree: the webview receives the connection's ReferenceConfig as data (through a
// structured clone, as postMessage does), builds the same rules, and classifies a cell with the verdict the tree uses.
import * as assert from 'node:assert/strict';
import { buildRules, cellReference, matchReference, type ReferenceConfig } from '../../src/references';

const configs: ReferenceConfig[] = [
  { preset: 'auto', prefix: 'xcom_s3', customRules: [{ prefix: 'acme://', bucket: 'fixed', keyPrefix: 'xcom/' }] },
  { preset: 'commonIo', prefix: 'xcom_s3', objectStoragePath: 's3://aws_default@lake/xcom', customRules: [] },
  { preset: 'astronomerProviders', prefix: 'xcom_s3', bucket: 'b-1', customRules: [] },
  { preset: 'none', prefix: 'xcom_s3', customRules: [] },
];
const values = [
  'xcom_s3://bucket/data_1.csv',
  'xcom_s3_backup.csv',
  'xcom_s3://bucket',
  'acme://k.csv',
  'acme://',
  's3://lake/xcom/dag/run/task/0b1f5c9e-6c2e-4d8a-9a43-2c3b8f6f0a11.gz',
  's3://lake/elsewhere/file.csv',
  's3://lake/xcom',
  's3_xcom_0b1f5c9e-6c2e-4d8a-9a43-2c3b8f6f0a11_dataframe.gz',
  'plain text',
];

describe('references: grid cells and the tree agree', () => {
  it('links exactly what the tree calls a reference and flags what it calls malformed', () => {
    for (const config of configs) {
      const treeRules = buildRules(config);
      const webviewRules = buildRules(structuredClone(config));
      for (const value of values) {
        const tree = matchReference(value, treeRules).kind;
        const cell = cellReference(value, webviewRules).kind;
        const expected = tree === 'reference' ? 'link' : tree === 'malformed' ? 'malformed' : 'text';
        assert.equal(cell, expected, `${config.preset}: ${value}`);
      }
    }
  });

  it('a path outside xcom_objectstorage_path is text, though it starts with the rule prefix s3://', () => {
    const rules = buildRules(configs[1]);
    assert.equal(cellReference('s3://lake/elsewhere/file.csv', rules).kind, 'text');
    assert.equal(cellReference('xcom_s3_backup.csv', buildRules(configs[0])).kind, 'malformed');
    assert.equal(cellReference('acme://k.csv', buildRules(configs[0])).kind, 'link');
  });
});
