// The fixture payloads are byte-exact with what Python writes: json.dumps for common-io, the csv module (which
// pandas.to_csv drives) for the CSV backends. Checked with the real Python interpreter.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { buildRules, matchReference } from '../../../src/references';
import {
  LARGE_CSV_HEADER,
  ORDERS,
  largeCsvChunks,
  largeCsvChunksOfSize,
  largeCsvRow,
  ordersCsv,
  ordersPandasJson,
  ordersRecordsJson,
} from '../../fixtures/s3/ordersData';
import { offloadedObjects } from '../../fixtures/s3/seedOffloadedObjects';

function python(script: string, input: unknown): string {
  return execFileSync('python3', ['-c', script], { input: JSON.stringify(input) }).toString();
}

const rowsForPython = ORDERS.map((r) => ({ ...r }));

describe('offloaded-object fixtures', () => {
  it('records JSON equals Python json.dumps (NaN for a missing amount)', () => {
    const script =
      'import json,sys\nrows=json.load(sys.stdin)\nfor r in rows:\n  r["amount"]=float("nan") if r["amount"] is None else float(r["amount"])\nsys.stdout.write(json.dumps(rows))';
    assert.equal(ordersRecordsJson(), python(script, rowsForPython));
  });

  it('CSV equals the csv module with pandas float formatting, with and without the index', () => {
    const script = [
      'import csv,io,json,sys',
      'rows=json.load(sys.stdin)',
      'cols=["order_id","customer","amount","currency","created_at","status"]',
      'def fmt(c,v):',
      '  if c=="amount": return "" if v is None else repr(float(v))',
      '  return str(v)',
      'for index in (False, True):',
      '  out=io.StringIO(); w=csv.writer(out, lineterminator="\\n")',
      '  w.writerow(([""] if index else [])+cols)',
      '  for i,r in enumerate(rows): w.writerow(([str(i)] if index else [])+[fmt(c,r[c]) for c in cols])',
      '  sys.stdout.write(out.getvalue()); sys.stdout.write("\\x00")',
    ].join('\n');
    const [plain, indexed] = python(script, rowsForPython).split('\u0000');
    assert.equal(ordersCsv({ index: false }), plain);
    assert.equal(ordersCsv({ index: true }), indexed);
  });

  it('pandas to_json (orient columns) parses to the same values', () => {
    const doc = JSON.parse(ordersPandasJson()) as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(doc), ['order_id', 'customer', 'amount', 'currency', 'created_at', 'status']);
    assert.equal(doc.amount['3'], null);
    assert.equal(doc.created_at['0'], Date.UTC(2024, 0, 1, 8, 15, 0));
  });

  it('every fixture reference resolves under its own configuration, to its own key', () => {
    for (const o of offloadedObjects('fixture-bucket')) {
      const m = matchReference(o.reference, buildRules(o.config));
      assert.equal(m.kind, 'reference', o.backend);
      if (m.kind === 'reference') assert.deepEqual([m.reference.bucket, m.reference.key], [o.bucket, o.key], o.backend);
    }
  });

  it('the large CSV is deterministic, 10 columns, sized as asked', () => {
    assert.equal(largeCsvRow(12345), largeCsvRow(12345));
    assert.equal(LARGE_CSV_HEADER.split(',').length, 10);
    for (let i = 0; i < 1000; i++) assert.equal(largeCsvRow(i).split(',').length, 10);
    const rows = Buffer.concat([...largeCsvChunks(2500, 1000)])
      .toString()
      .trimEnd()
      .split('\n');
    assert.equal(rows.length, 2501);
    const sized = Buffer.concat([...largeCsvChunksOfSize(1_000_000)]);
    assert.ok(sized.length >= 1_000_000 && sized.length < 1_000_200);
    assert.ok(sized.toString().endsWith('\n'));
  });
});
