// Header charts: histograms checked against numpy.histogram run on the same data (python3 with numpy), top values,
// the share of missing values, and the columns that have no sensible range (one value, all missing, mixed types).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { HISTOGRAM_BINS, columnProfileSteps, histogram } from '../../../src/formats/columnProfile';
import { ColumnarTable } from '../../../src/formats/table';
import { TableViewer, computeView } from '../../../src/formats/tableView';
import { type ColumnProfile, IN_DATE_RANGE, datetimeEpochMs, emptyQuery, inDateRange } from '../../../src/protocol';
import { appendTextRows } from './helpers';

const NUMPY_SCRIPT = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'numpy', 'histogram.py');

/** numpy.histogram's counts and edges for each named list of numbers. */
function numpyHistograms(data: Record<string, number[]>): Record<string, { counts: number[]; edges: number[] }> {
  const out = execFileSync('python3', [NUMPY_SCRIPT, String(HISTOGRAM_BINS)], {
    input: JSON.stringify(data),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return JSON.parse(out) as Record<string, { counts: number[]; edges: number[] }>;
}

/** A seeded generator (mulberry32), so a failure can be reproduced. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A column profiled to its end. */
function profileOf(table: ColumnarTable, c = 0): ColumnProfile {
  const steps = columnProfileSteps(table.columns[c], table.rowCount);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** A one-column table of decoded values (as JSON and Parquet fill it). */
function valueTable(values: unknown[], name = 'x'): ColumnarTable {
  const t = new ColumnarTable();
  t.addColumn(name);
  for (const v of values) t.pushValueRow([v]);
  return t;
}

describe('column profiles (header charts)', () => {
  const rnd = random(20261202);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const datasets: Record<string, number[]> = {
    normal: Array.from({ length: 50_000 }, () => 100 + 15 * normal()),
    integers0to100: Array.from({ length: 10_001 }, (_, i) => i % 101),
    skewed: Array.from({ length: 5_000 }, () => Math.exp(8 * rnd())),
    negativeAndTiny: Array.from({ length: 3_000 }, () => -1e-9 + 2e-9 * rnd()),
    // Values that sit on bin edges computed in floating point: 0.1 steps.
    tenths: Array.from({ length: 2_001 }, (_, i) => i / 10),
    huge: Array.from({ length: 1_000 }, () => (rnd() - 0.5) * 1e300),
    singleValue: Array.from({ length: 7 }, () => 42),
    twoValues: [1, 2],
    dates: Array.from({ length: 4_000 }, () => Date.UTC(2020, 0, 1) + Math.floor(rnd() * 5 * 365 * 86_400_000)),
  };
  const expected = numpyHistograms(datasets);

  for (const name of Object.keys(datasets)) {
    it(`bins "${name}" exactly as numpy.histogram does`, () => {
      const ours = histogram(datasets[name]);
      assert.deepEqual(ours.edges, expected[name].edges, 'edges');
      assert.deepEqual(ours.counts, expected[name].counts, 'counts');
    });
  }

  it('profiles a numeric column as numpy would, with missing values and infinities counted apart', () => {
    const values: unknown[] = [...datasets.normal.slice(0, 1000), null, NaN, Infinity, -Infinity];
    const p = profileOf(valueTable(values));
    assert.equal(p.kind, 'histogram');
    if (p.kind !== 'histogram') return;
    assert.equal(p.valueType, 'number');
    assert.equal(p.rows, 1004);
    assert.equal(p.missing, 2);
    assert.equal(p.nonFinite, 2);
    const numpy = numpyHistograms({ a: datasets.normal.slice(0, 1000) }).a;
    assert.deepEqual(p.counts, numpy.counts);
    assert.deepEqual(p.edges, numpy.edges);
  });

  it('bins a CSV datetime column over epoch milliseconds like numpy over datetime64[ms]', () => {
    const t = new ColumnarTable();
    t.addColumn('when');
    const texts = datasets.dates.map((ms, i) => {
      const iso = new Date(ms).toISOString();
      // Both spellings CSVs use: "T" with a zone, and a space without one (read as UTC).
      return i % 2 ? iso.replace('T', ' ').replace(/\.\d+Z$/, '') : iso;
    });
    appendTextRows(t, [...texts.map((s) => [s]), ['']]);
    assert.equal(t.columns[0].type, 'datetime');
    const p = profileOf(t);
    assert.equal(p.kind, 'histogram');
    if (p.kind !== 'histogram') return;
    assert.equal(p.valueType, 'datetime');
    assert.equal(p.missing, 1);
    const numpy = numpyHistograms({ d: texts.map(datetimeEpochMs) }).d;
    assert.deepEqual(p.counts, numpy.counts);
    assert.deepEqual(p.edges, numpy.edges);
  });

  it('bins and filters ISO dates held as numbers as it does their text, like numpy over datetime64[ms]', () => {
    const t = new ColumnarTable();
    t.addColumn('at');
    t.addColumn('day');
    const rnd = random(11);
    const stamps = Array.from({ length: 5000 }, () => new Date(Date.UTC(1990, 0, 1) + rnd() * 2e12).toISOString());
    const rows = stamps.map((iso, i) => [
      i % 41 === 0 ? '' : iso.slice(0, 19).replace('T', ' '),
      i % 43 === 0 ? '' : iso.slice(0, 10),
    ]);
    appendTextRows(t, rows);
    for (const [c, name] of [
      [0, 'at'],
      [1, 'day'],
    ] as const) {
      assert.ok(t.columns[c].isoEpochMs(t.rowCount), `${name} is held as numbers`);
      const texts = rows.map((r) => r[c]);
      const p = profileOf(t, c);
      assert.ok(p.kind === 'histogram' && p.valueType === 'datetime', name);
      assert.equal(p.missing, texts.filter((x) => x === '').length, `${name} missing`);
      const numpy = numpyHistograms({ d: texts.filter((x) => x !== '').map(datetimeEpochMs) }).d;
      assert.deepEqual(p.counts, numpy.counts, `${name} counts`);
      assert.deepEqual(p.edges, numpy.edges, `${name} edges`);
      const [from, to] = [p.edges[3], p.edges[9]].map((ms) => new Date(ms).toISOString());
      const v = computeView(t, {
        ...emptyQuery(),
        filterModel: { [`c${c}`]: { filterType: 'text', type: IN_DATE_RANGE, filter: from, filterTo: to } },
      });
      const want = texts.flatMap((x, i) => (x !== '' && inDateRange(x, from, to) ? [i] : []));
      assert.ok(want.length > 500, `${name}: the range holds many rows`);
      assert.deepEqual(Array.from(v.rows ?? []), want, `${name} in the range`);
    }
  });

  it('shows the five most frequent texts, the rest as "other", and the missing share', () => {
    const t = new ColumnarTable();
    t.addColumn('city');
    const rows = [
      ...Array(6).fill('Oslo'),
      ...Array(5).fill('Lima'),
      ...Array(4).fill('Pune'),
      ...Array(3).fill('Kyiv'),
      ...Array(2).fill('Baku'),
      'Rome',
      'Nuuk',
      '',
      '',
    ].map((s: string) => [s]);
    appendTextRows(t, rows);
    const p = profileOf(t);
    assert.deepEqual(p, {
      colId: 'c0',
      kind: 'top',
      rows: 24,
      missing: 2,
      top: [
        { value: 'Oslo', count: 6 },
        { value: 'Lima', count: 5 },
        { value: 'Pune', count: 4 },
        { value: 'Kyiv', count: 3 },
        { value: 'Baku', count: 2 },
      ],
      other: 2,
      distinct: 7,
    });
  });

  it('counts at most 100,000 distinct values of a text column, and says the count is a lower bound', () => {
    const t = new ColumnarTable();
    t.addColumn('id');
    // 150,000 unique ids, then one value seen 50 times early on: it stays the top value.
    const rows = Array.from({ length: 150_000 }, (_, i) => [`id-${i}`]);
    for (let k = 0; k < 50; k++) rows.splice(k * 10, 0, ['often']);
    appendTextRows(t, rows);
    const p = profileOf(t);
    assert.equal(p.kind, 'top');
    if (p.kind !== 'top') return;
    assert.equal(p.distinctCapped, true);
    assert.equal(p.distinct, 100_000);
    assert.deepEqual(p.top[0], { value: 'often', count: 50 });
    assert.equal(p.other + p.top.reduce((sum, v) => sum + v.count, 0), 150_050, 'every cell is in a bar');
    // Under the cap the count is exact and says so by leaving the flag out.
    const few = profileOf(valueTable(['a', 'b', 'a']));
    assert.equal(few.kind === 'top' && few.distinctCapped, undefined);
  });

  it('shows booleans and mixed types as values, never as a range', () => {
    const bools = profileOf(valueTable([true, false, true, null]));
    assert.equal(bools.kind, 'top');
    if (bools.kind === 'top')
      assert.deepEqual(bools.top, [
        { value: 'true', count: 2 },
        { value: 'false', count: 1 },
      ]);
    const mixed = profileOf(valueTable([1, 'one', 2.5, { a: 1 }, 1]));
    assert.equal(mixed.kind, 'top');
    if (mixed.kind === 'top') {
      assert.deepEqual(mixed.top[0], { value: '1', count: 2 });
      assert.equal(mixed.distinct, 4);
      assert.equal(mixed.missing, 0);
    }
  });

  it('gives a column of one value a bin of width one around it (numpy: value ± 0.5)', () => {
    const p = profileOf(valueTable([5, 5, 5, null]));
    assert.equal(p.kind, 'histogram');
    if (p.kind !== 'histogram') return;
    assert.equal(p.edges[0], 4.5);
    assert.equal(p.edges.at(-1), 5.5);
    assert.equal(
      p.counts.reduce((a, b) => a + b, 0),
      3,
    );
    assert.ok(p.edges.every(Number.isFinite));
  });

  it('says a column is all missing, and a column of only infinities lists them as values', () => {
    assert.deepEqual(profileOf(valueTable([null, null, NaN])), { colId: 'c0', kind: 'empty', rows: 3, missing: 3 });
    assert.deepEqual(profileOf(valueTable([])), {
      colId: 'c0',
      kind: 'empty',
      rows: 0,
      missing: 0,
    });
    const inf = profileOf(valueTable([Infinity, Infinity, -Infinity]));
    assert.equal(inf.kind, 'top');
    if (inf.kind === 'top')
      assert.deepEqual(inf.top, [
        { value: 'inf', count: 2 },
        { value: '-inf', count: 1 },
      ]);
  });

  it('profiles a table in slices that yield, caches the result and stops when the panel closes', async () => {
    const t = new ColumnarTable();
    t.addColumn('n');
    t.addColumn('s');
    appendTextRows(
      t,
      Array.from({ length: 300_000 }, (_, i) => [String(i % 977), `v${i % 13}`]),
    );
    const viewer = new TableViewer(t);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    const profiles = await viewer.profileColumns();
    clearInterval(timer);
    assert.equal(profiles.length, 2);
    assert.equal(profiles[0].kind, 'histogram');
    assert.equal(profiles[1].kind, 'top');
    if (performance.now() - started > 30) assert.ok(ticks > 0, 'the thread was yielded while profiling');
    assert.equal(await viewer.profileColumns(), profiles, 'cached');
    const closed = new AbortController();
    closed.abort();
    await assert.rejects(new TableViewer(t).profileColumns(closed.signal));
  });

  it('filters a datetime column to a bin: from included, to excluded, on the host as in the grid', () => {
    const t = new ColumnarTable();
    t.addColumn('when');
    appendTextRows(t, [['2024-01-01'], ['2024-01-01 12:00:00'], ['2024-01-02T00:00:00Z'], ['']]);
    const v = computeView(t, {
      ...emptyQuery(),
      filterModel: {
        c0: { filterType: 'text', type: IN_DATE_RANGE, filter: '2024-01-01T00:00:00.000Z', filterTo: '2024-01-02' },
      },
    });
    assert.deepEqual(Array.from(v.rows ?? []), [0, 1]);
  });
});
