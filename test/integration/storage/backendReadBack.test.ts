// Every known XCom backend, run for real: its own serialization code (test/fixtures/backends/write_backends.py)
// writes objects to s3rver and the references into an Airflow metadata DB; its own deserialize_value reads them
// back. XCom Lens, with only the backends' environment variables and no settings, must find each reference and
// show what xcom_pull returns: the grid's table cell by cell (through the code the preview panel uses), and
// Open Value's text for values that are not tables.
import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { readAirflowBackendConfig } from '../../../src/airflow/discovery';
import type { MetadataSource } from '../../../src/airflow/metadataSource';
import { decodeOffThread } from '../../../src/airflow/offThreadDecode';
import { createMetadataSource } from '../../../src/airflow/sqlMetadataSource';
import type { XComSummary } from '../../../src/airflow/types';
import { decodeXComValue } from '../../../src/airflow/xcomValue';
import { decompress } from '../../../src/formats/decompress';
import { parseLenientJson } from '../../../src/formats/pandasJson';
import { sniffFormat } from '../../../src/formats/sniff';
import { ColumnarTable } from '../../../src/formats/table';
import { parseTableSource } from '../../../src/formats/tableParser';
import { referenceTableOptions, s3Source } from '../../../src/panels/s3TableSource';
import { buildRules, matchReference, type ReferenceConfig, type XComReference } from '../../../src/references';
import { openS3ObjectStore, type S3ObjectStore } from '../../../src/storage/objectStore';
import type { Cell, ColumnType } from '../../../src/protocol';
import { offloadedValueText } from '../../../src/views/offloadedValueText';
import { createSqliteFixture } from '../../fixtures/airflow/builder';
import {
  requireBackendPython,
  runBackends,
  type BackendCell,
  type BackendEntry,
  type BackendEnvironment,
} from '../../fixtures/backends/runBackends';
import { s3, serviceRunDir } from '../services';

const ENV: BackendEnvironment = {
  S3_XCOM_BUCKET_NAME: 'astro-xcoms',
  XCOM_BACKEND_BUCKET_NAME: 'providers-xcoms',
  AIRFLOW__COMMON_IO__XCOM_OBJECTSTORAGE_PATH: 's3://aws_default@commonio-xcoms/xcom',
};
/** What the user's shell has: the backend class of their own (Astronomer's guide) and the buckets. */
const USER_ENV = { ...ENV, AIRFLOW__CORE__XCOM_BACKEND: 'include.s3_xcom_backend.S3XComBackend' };
const ZOO = { dagId: 'xcom_zoo', runId: 'manual__2024-01-01T00:00:00+00:00', taskId: 'push_everything' };

/** The grid's view of a loaded table: columns (name, type, index flag) and rows of cells. */
interface GridTable {
  columns: Array<{ name: string; type: ColumnType; index: boolean }>;
  rows: Cell[][];
}

/** Why one grid cell differs from the backend's, or undefined when it shows the same value. */
function cellMismatch(shown: Cell, expected: BackendCell): string | undefined {
  const is = (ok: boolean) =>
    ok ? undefined : `shows ${JSON.stringify(shown)}, pandas has ${JSON.stringify(expected)}`;
  switch (expected.t) {
    case 'missing':
      return is(shown === null);
    case 'int':
      return is(shown === expected.v);
    case 'float':
      return is(typeof shown === 'number' && Math.abs(shown - expected.v) < 1e-9);
    case 'bool':
      // pandas prints True/False; how the grid spells a boolean is the display's part (True from CSV, true from JSON).
      return is(typeof shown === 'string' && shown.toLowerCase() === String(expected.v));
    case 'str':
      return is(shown === expected.v);
    case 'datetime': {
      if (typeof shown !== 'string') return is(false);
      const utc = (text: string) => Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
      return is(utc(shown.replace(' ', 'T')) === utc(expected.v));
    }
    default:
      return is(shown === expected.v);
  }
}

/** The pandas dtype's column type in the grid. */
function gridType(dtype: string): ColumnType | undefined {
  if (/^int/.test(dtype)) return 'integer';
  if (/^float/.test(dtype)) return 'float';
  if (dtype === 'bool') return 'boolean';
  if (/^datetime64/.test(dtype)) return 'datetime';
  return undefined; // object columns: strings, or datetimes as text (read_csv parses no dates)
}

describe('every XCom backend, as its own code writes and reads it back', function () {
  this.timeout(120_000);
  let entries: BackendEntry[];
  let source: MetadataSource;
  let store: S3ObjectStore;
  let config: ReferenceConfig;
  const listed = new Map<string, XComSummary>();

  before(async function () {
    requireBackendPython();
    const server = await s3();
    ({ entries } = await runBackends(server, ENV));
    const dir = mkdtempSync(join(serviceRunDir(), 'backends-'));
    const references = Object.fromEntries(entries.map((e) => [e.name, e.reference]));
    const url = `sqlite:///${await createSqliteFixture(join(dir, 'airflow.db'), 2, { references })}`;
    source = await createMetadataSource({ url, connectTimeoutMs: 5_000, queryTimeoutMs: 10_000 });
    for (const x of (await source.listXComs(ZOO, { offset: 0, limit: 100 })).items) listed.set(x.key, x);
    store = openS3ObjectStore(
      { endpointUrl: server.endpoint, region: server.region, forcePathStyle: true },
      { credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } },
    );
    // What ReferenceRulesProvider builds with no xcomLens settings: the defaults plus Airflow's environment.
    const backend = readAirflowBackendConfig({ env: USER_ENV, homeDir: dir, workspaceFolders: [] });
    config = { preset: 'auto', prefix: 'xcom_s3', customRules: [], ...backend };
  });
  after(async () => {
    store?.client.destroy();
    await source?.close();
  });

  /** The reference XCom Lens finds in an entry's listed XCom (the tree's decode and rules). */
  function referenceOf(entry: BackendEntry): XComReference {
    const summary = listed.get(`ref_${entry.name}`);
    assert.ok(summary, `ref_${entry.name} is listed`);
    const decoded = decodeXComValue(summary.head, { truncated: !summary.headIsComplete });
    const match = matchReference(decoded.value, buildRules(config));
    assert.equal(match.kind, 'reference', `${entry.name}: ${JSON.stringify(match)}`);
    return (match as Extract<typeof match, { kind: 'reference' }>).reference;
  }

  /** Loads a reference's object as the preview panel does. */
  async function grid(ref: XComReference): Promise<GridTable> {
    const pending = s3Source(async () => store, ref, { title: ref.key, ...referenceTableOptions(ref) });
    const signal = new AbortController().signal;
    const table = new ColumnarTable();
    await parseTableSource(await pending.resolve(signal), table, { signal, codecs: { sniffFormat, decompress } });
    return {
      columns: table.columns.map((c) => ({ name: c.name, type: c.type, index: c.index })),
      rows: Array.from({ length: table.rowCount }, (_, r) => table.row(r)),
    };
  }

  it('the metadata DB holds the bytes BaseXCom.serialize_value wrote', () => {
    assert.ok(entries.length >= 15);
    for (const e of entries) {
      const head = listed.get(`ref_${e.name}`)?.head;
      assert.ok(head?.kind === 'bytes', e.name);
      assert.equal(Buffer.from(head.bytes).toString('base64'), e.stored, e.name);
    }
  });

  it('preset auto finds every reference with no settings, and each object exists (the dangling check)', async () => {
    for (const e of entries) {
      const ref = referenceOf(e);
      const { size } = await store.head({ bucket: ref.bucket, key: ref.key });
      assert.ok(size > 0, e.name);
    }
  });

  it('each DataFrame shows in the grid as the backend reads it back, cell by cell', async () => {
    const tables = entries.filter((e) => e.readBack.kind === 'table');
    assert.deepEqual(tables.map((e) => e.name).sort(), [
      'article_frame',
      'guide_frame',
      'providers_frame',
      'providers_frame_gz',
      'tutorial_frame',
    ]);
    const pandasDates: string[] = [];
    const pandasAxes: string[] = [];
    for (const e of tables) {
      if (e.readBack.kind !== 'table') continue;
      const expected = e.readBack;
      const shown = await grid(referenceOf(e));
      // The grid's columns: the index first when pandas has one that is not 0…n-1, then the data columns.
      const indexShown = shown.columns[0]?.index === true;
      const expectedColumns = [
        ...(expected.index.range
          ? []
          : [{ name: expected.index.name ?? '', dtype: 'index', cells: expected.index.cells }]),
        ...expected.columns.map((c, i) => ({ ...c, cells: expected.rows.map((r) => r[i]) })),
      ];
      assert.equal(shown.rows.length, expected.rows.length, `${e.name}: rows`);
      assert.equal(shown.columns.length, expectedColumns.length, `${e.name}: ${JSON.stringify(shown.columns)}`);
      expectedColumns.forEach((col, c) => {
        const gridColumn = shown.columns[c];
        // read_csv names to_csv's unnamed index "Unnamed: 0" and keeps it as data; the grid pins it as the index.
        const name = col.name === 'Unnamed: 0' && c === 0 && indexShown ? '' : col.name;
        assert.equal(gridColumn.name, name, `${e.name}: column ${c}`);
        const type = gridType(col.dtype);
        col.cells.forEach((expectedCell, r) => {
          const problem = cellMismatch(shown.rows[r][c], expectedCell);
          if (!problem) return;
          // pandas' read_json conversions (dates from epoch ms, index labels from text: convert_dates,
          // convert_axes) are the pandas-JSON module's part; counted here until it applies them.
          const cellShown = shown.rows[r][c];
          if (expectedCell.t === 'datetime' && typeof cellShown === 'number') {
            pandasDates.push(`${e.name}.${col.name}[${r}]`);
            return;
          }
          if (expectedCell.t === 'int' && col.dtype === 'index' && cellShown === String(expectedCell.v)) {
            pandasAxes.push(`${e.name}.index[${r}]`);
            return;
          }
          assert.fail(`${e.name}: ${col.name}[${r}] ${problem}`);
        });
        if (type && !(type === 'datetime' && pandasDates.some((p) => p.startsWith(`${e.name}.${col.name}[`))))
          assert.equal(gridColumn.type, type, `${e.name}: type of ${col.name}`);
      });
    }
    if (pandasDates.length || pandasAxes.length)
      console.log(
        `      (awaiting pandas read_json conventions: ${pandasDates.length} date cells as epoch ms, ` +
          `${pandasAxes.length} index labels as text)`,
      );
  });

  it('Open Value of a value that is not a table shows what xcom_pull returns', async () => {
    const values = entries.filter((e) => e.readBack.kind === 'value');
    assert.equal(values.length, 9, values.map((e) => e.name).join());
    for (const e of values) {
      if (e.readBack.kind !== 'value') continue;
      const text = await offloadedValueText(referenceOf(e), { store, maxBytes: 1024 * 1024, decode: decodeOffThread });
      assert.ok(text.body !== undefined, `${e.name}: ${text.notes.join(' | ')}`);
      assert.match(text.notes[0], /^xcom_pull reads this from s3:\/\//, e.name);
      // A string is shown as its text, anything else as JSON.
      const shown = typeof e.readBack.value === 'string' ? text.body : parseLenientJson(text.body);
      assert.deepEqual(normalise(shown), normalise(e.readBack.value), e.name);
    }
  });

  it("astronomer-providers' dates: its own read-back fails (it parses str(bytes)); Open Value shows the isoformat text", async () => {
    const dates = entries.filter((e) => e.name.startsWith('providers_when'));
    assert.equal(dates.length, 2);
    for (const e of dates) {
      assert.equal(e.readBack.kind, 'error', e.name);
      const text = await offloadedValueText(referenceOf(e), { store, maxBytes: 1024 * 1024, decode: decodeOffThread });
      assert.equal(text.body, '2026-11-19T08:00:00', e.name);
      assert.ok(
        text.notes.some((n) => /datetime\.fromisoformat/.test(n)),
        e.name,
      );
    }
  });

  it('Open Value stays within its byte budget, and says when the object cannot be read', async () => {
    const e = entries.find((x) => x.name === 'providers_dict_gz')!;
    const ref = referenceOf(e);
    const cut = await offloadedValueText(ref, { store, maxBytes: 16, decode: decodeOffThread });
    assert.ok(
      cut.notes.some((n) => /^Only the first 16 B were read/.test(n)),
      cut.notes.join(' | '),
    );
    assert.ok(cut.body !== undefined && cut.body.length < 200, cut.body);
    const gone = await offloadedValueText(
      { ...ref, key: `${ref.key}-gone` },
      { store, maxBytes: 1024, decode: decodeOffThread },
    );
    assert.equal(gone.body, undefined);
    assert.match(gone.notes[0], /which could not be read: .*(not found|NoSuchKey|does not exist)/i);
  });

  it('with no bucket variable, a bucket-less reference names the setting that makes it work', () => {
    const noBucket = buildRules({
      preset: 'auto',
      prefix: 'xcom_s3',
      customRules: [],
      xcomBackend: USER_ENV.AIRFLOW__CORE__XCOM_BACKEND,
    });
    for (const name of ['guide_frame', 'providers_count']) {
      const e = entries.find((x) => x.name === name)!;
      const match = matchReference(e.reference, noBucket);
      assert.equal(match.kind, 'malformed', name);
      if (match.kind === 'malformed')
        assert.match(match.setting ?? '', name === 'guide_frame' ? /S3_XCOM_BUCKET_NAME/ : /XCOM_BACKEND_BUCKET_NAME/);
    }
  });
});

/** NaN (pandas' missing float) and `{"missing": true}` (the read-back's spelling of it) compare equal. */
function normalise(v: unknown): unknown {
  if (typeof v === 'number' && Number.isNaN(v)) return { missing: true };
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x)]));
  return v;
}
