import * as assert from 'node:assert/strict';
import {
  buildRules,
  describeMalformed,
  formatFromKey,
  formatReference,
  matchReference,
  presetForBackend,
  referencePrefixes,
  RuleNames,
  toS3Uri,
  type ReferenceConfig,
  type ReferenceMatch,
} from '../../src/references';

const UUID = '5f0c9d1e-8a7b-4c3d-9e2f-1a2b3c4d5e6f';

function config(overrides: Partial<ReferenceConfig> = {}): ReferenceConfig {
  return { preset: 'auto', prefix: 'xcom_s3', customRules: [], ...overrides };
}

function match(value: unknown, overrides: Partial<ReferenceConfig> = {}): ReferenceMatch {
  return matchReference(value, buildRules(config(overrides)));
}

function ref(value: unknown, overrides: Partial<ReferenceConfig> = {}) {
  const m = match(value, overrides);
  assert.equal(m.kind, 'reference', `${JSON.stringify(value)} → ${JSON.stringify(m)}`);
  return (m as Extract<ReferenceMatch, { kind: 'reference' }>).reference;
}

function kind(value: unknown, overrides: Partial<ReferenceConfig> = {}): string {
  return match(value, overrides).kind;
}

describe('references: the article backend (default rule)', () => {
  it(`parses the article backend's reference: "xcom_s3://bucket/key"`, () => {
    const r = ref('xcom_s3://bucket/key');
    assert.deepEqual(r, {
      store: 's3',
      bucket: 'bucket',
      key: 'key',
      rule: RuleNames.article,
      raw: 'xcom_s3://bucket/key',
      holds: 'table',
    });
  });

  it("parses the article's own shape xcom_s3://<bucket>/data_<uuid>.csv, CSV by extension", () => {
    const raw = `xcom_s3://my-xcom-bucket/data_${UUID}.csv`;
    const r = ref(raw, { preset: 'article' });
    assert.equal(r.bucket, 'my-xcom-bucket');
    assert.equal(r.key, `data_${UUID}.csv`);
    assert.equal(r.formatHint, 'csv');
    assert.equal(r.compression, undefined);
    assert.equal(r.raw, raw);
    assert.equal(toS3Uri(r), `s3://my-xcom-bucket/data_${UUID}.csv`);
  });

  it("parses the first draft's .pickle key as a pickle", () => {
    assert.equal(ref(`xcom_s3://b-1/${UUID}.pickle`, { preset: 'article' }).formatHint, 'pickle');
  });

  it('keeps nested keys and takes the bucket from the reference, not the configured one', () => {
    const r = ref('xcom_s3://other.bucket/a/b/c.csv.gz', { preset: 'article', bucket: 'configured' });
    assert.equal(r.bucket, 'other.bucket');
    assert.equal(r.key, 'a/b/c.csv.gz');
    assert.equal(r.formatHint, 'csv');
    assert.equal(r.compression, 'gzip');
  });

  it('applies Python startswith(PREFIX) exactly: prefix-only strings are malformed, not ignored', () => {
    for (const raw of [
      'xcom_s3',
      'xcom_s3_backup.csv',
      'xcom_s3:/bucket/key',
      'xcom_s3://',
      'xcom_s3://bucket',
      'xcom_s3://bucket/',
      'xcom_s3:///key',
      'xcom_s3://bu/key with space',
    ]) {
      const m = match(raw, { preset: 'article' });
      assert.equal(m.kind, 'malformed', raw);
      if (m.kind === 'malformed') {
        assert.equal(m.rule, RuleNames.article);
        assert.equal(m.raw, raw);
        assert.ok(m.reason.length > 0);
      }
    }
  });

  it('rejects a first segment that cannot be a bucket name', () => {
    const m = match('xcom_s3://manual__2024-01-01T00:00:00+00:00/extract/x.csv', { preset: 'article' });
    assert.equal(m.kind, 'malformed');
  });

  it('honours a custom prefix', () => {
    assert.equal(ref('myco://b1x/k.json', { preset: 'article', prefix: 'myco' }).key, 'k.json');
    assert.equal(kind('xcom_s3://bucket/key', { preset: 'article', prefix: 'myco' }), 'none');
  });

  it('does not match lookalikes', () => {
    for (const raw of [
      'see xcom_s3://bucket/key',
      ' xcom_s3://bucket/key',
      'XCOM_S3://bucket/key',
      'data in xcom_s3',
      'prefix-xcom_s3://bucket/key',
      '"xcom_s3://bucket/key"',
    ]) {
      assert.notEqual(kind(raw, { preset: 'article' }), 'reference', raw);
      assert.notEqual(kind(raw, { preset: 'article' }), 'malformed', raw);
    }
  });

  it('only strings can be references (every other encoding Airflow writes is not one)', () => {
    const values: unknown[] = [
      'hello',
      'café',
      42,
      3.5,
      true,
      null,
      undefined,
      'nan',
      { a: 1, b: [1, 2] },
      [1, 'x', null],
      { __classname__: 'builtins.tuple', __version__: 1, __data__: [1, 2] },
      { __classname__: 'builtins.set', __version__: 1, __data__: [1, 2] },
      {
        __classname__: 'datetime.datetime',
        __version__: 2,
        __data__: {
          timestamp: 1704067200.0,
          tz: {
            __classname__: 'builtins.tuple',
            __version__: 1,
            __data__: ['UTC', 'pendulum.tz.timezone.FixedTimezone', 1, true],
          },
        },
      },
      { __classname__: 'datetime.datetime', __version__: 1, __data__: { timestamp: 1704067200.0, tz: 'UTC' } },
      { __classname__: 'pandas.core.frame.DataFrame', __version__: 1, __data__: '50415231' },
      ['xcom_s3://bucket/key'],
      { value: 'xcom_s3://bucket/key' },
    ];
    for (const value of values) assert.equal(kind(value), 'none', JSON.stringify(value));
  });
});

describe('references: Astronomer backend', () => {
  it('guide: xcom_s3://data_<uuid>, bucket from configuration, format sniffed', () => {
    const raw = `xcom_s3://data_${UUID}`;
    const r = ref(raw, { preset: 'astronomer', bucket: 'astro-bucket' });
    assert.deepEqual(r, {
      store: 's3',
      bucket: 'astro-bucket',
      key: `data_${UUID}`,
      rule: RuleNames.astronomer,
      raw,
      holds: 'table',
    });
  });

  it('tutorial: xcom_s3://{run_id}/{task_id}/data_<uuid>.csv and .json', () => {
    const csv = ref(`xcom_s3://manual__2024-01-01T00:00:00+00:00/extract/data_${UUID}.csv`, {
      preset: 'astronomer',
      bucket: 'astro-bucket',
    });
    assert.equal(csv.bucket, 'astro-bucket');
    assert.equal(csv.key, `manual__2024-01-01T00:00:00+00:00/extract/data_${UUID}.csv`);
    assert.equal(csv.formatHint, 'csv');
    const json = ref(`xcom_s3://scheduled__2024-01-02T00:00:00+00:00/load/data_${UUID}.json`, {
      preset: 'astronomer',
      bucket: 'astro-bucket',
    });
    assert.equal(json.formatHint, 'json');
  });

  it('is malformed without a configured bucket, and ignores strings without "://"', () => {
    assert.equal(kind(`xcom_s3://data_${UUID}`, { preset: 'astronomer' }), 'malformed');
    assert.equal(kind('xcom_s3_other', { preset: 'astronomer', bucket: 'b' }), 'none');
  });

  it('auto without a backend class also recognises Astronomer shapes (not a bucket as first segment)', () => {
    assert.equal(ref(`xcom_s3://data_${UUID}`, { bucket: 'astro' }).rule, RuleNames.astronomer);
    const t = ref(`xcom_s3://manual__2024-01-01T00:00:00+00:00/extract/data_${UUID}.csv`, { bucket: 'astro' });
    assert.equal(t.rule, RuleNames.astronomer);
    assert.equal(t.bucket, 'astro');
    const a = ref(`xcom_s3://my-bucket/data_${UUID}.csv`, { bucket: 'astro' });
    assert.equal(a.rule, RuleNames.article);
    assert.equal(a.bucket, 'my-bucket');
    assert.equal(kind(`xcom_s3://data_${UUID}`), 'malformed');
  });
});

describe('references: astronomer-providers backend', () => {
  const p = { preset: 'astronomerProviders' as const, bucket: 'providers-bucket' };

  it('s3_xcom_<uuid>[_dataframe][.gz]: key = reference, bucket from configuration', () => {
    const plain = ref(`s3_xcom_${UUID}`, p);
    assert.deepEqual(plain, {
      store: 's3',
      bucket: 'providers-bucket',
      key: `s3_xcom_${UUID}`,
      rule: RuleNames.astronomerProviders,
      raw: `s3_xcom_${UUID}`,
      formatHint: 'json',
      holds: 'value',
    });
    const df = ref(`s3_xcom_${UUID}_dataframe`, p);
    assert.equal(df.formatHint, 'json');
    assert.equal(df.compression, undefined);
    const gz = ref(`s3_xcom_${UUID}_dataframe.gz`, p);
    assert.equal(gz.key, `s3_xcom_${UUID}_dataframe.gz`);
    assert.equal(gz.formatHint, 'json');
    assert.equal(gz.compression, 'gzip');
    const dt = ref(`s3_xcom_${UUID}_datetime.gz`, p);
    assert.equal(dt.formatHint, undefined);
    assert.equal(dt.compression, 'gzip');
  });

  it('auto picks it from the backend class path', () => {
    const r = ref(`s3_xcom_${UUID}.gz`, {
      xcomBackend: 'astronomer.providers.amazon.aws.xcom_backends.s3.S3XComBackend',
      bucket: 'b-b',
    });
    assert.equal(r.rule, RuleNames.astronomerProviders);
  });

  it('is malformed without a bucket; lookalikes do not match', () => {
    assert.equal(kind(`s3_xcom_${UUID}`, { preset: 'astronomerProviders' }), 'malformed');
    assert.equal(kind('s3_xcom_', p), 'malformed');
    assert.equal(kind(`my s3_xcom_${UUID}`, p), 'none');
    assert.equal(kind(`xcom_s3://bucket/key`, p), 'none');
  });

  it('the orm_deserialize_value text is not a reference', () => {
    assert.equal(kind('XCOM is uploaded into S3 bucket: providers-bucket', p), 'none');
  });
});

describe('references: common-io XComObjectStorageBackend', () => {
  const base = 's3://aws_default@my-bucket/xcom';
  const c = { preset: 'commonIo' as const, objectStoragePath: base };
  const example = `s3://aws_default@my-bucket/xcom/my_dag/manual__2024-01-01T00:00:00+00:00/extract/${UUID}.gz`;

  it('parses a common-io path: conn_id dropped, key with : and +, JSON, gzip', () => {
    const r = ref(example, c);
    assert.deepEqual(r, {
      store: 's3',
      bucket: 'my-bucket',
      key: `xcom/my_dag/manual__2024-01-01T00:00:00+00:00/extract/${UUID}.gz`,
      rule: RuleNames.commonIo,
      raw: example,
      formatHint: 'json',
      compression: 'gzip',
    });
  });

  it('maps every fsspec suffix it can read', () => {
    const ext = (e: string) => ref(`s3://aws_default@my-bucket/xcom/d/r/t/${UUID}${e}`, c).compression;
    assert.equal(ext(''), undefined);
    assert.equal(ext('.gz'), 'gzip');
    assert.equal(ext('.bz2'), 'bz2');
    assert.equal(ext('.zst'), 'zstd');
    assert.equal(ext('.xz'), 'lzma');
    assert.equal(ext('.zip'), undefined);
    assert.equal(ext('.lz4'), undefined);
  });

  it('accepts a path without conn_id under the same base, and a base without conn_id', () => {
    assert.equal(ref(`s3://my-bucket/xcom/d/r/t/${UUID}`, c).bucket, 'my-bucket');
    assert.equal(
      ref(`s3://aws_default@my-bucket/xcom/d/r/t/${UUID}`, { ...c, objectStoragePath: 's3://my-bucket/xcom/' }).key,
      `xcom/d/r/t/${UUID}`,
    );
  });

  it('a path outside the base is a plain object URI, not a reference', () => {
    for (const outside of [
      `s3://aws_default@my-bucket/other/d/r/t/${UUID}.gz`,
      `s3://aws_default@my-bucket/xcom2/d/r/t/${UUID}.gz`,
      `s3://aws_default@other-bucket/xcom/d/r/t/${UUID}.gz`,
    ]) {
      assert.equal(kind(outside, c), 'plainObjectUri', outside);
    }
    assert.equal(kind(`s3://other_conn@my-bucket/xcom/d/r/t/${UUID}`, c), 'plainObjectUri');
    assert.equal(kind(`gs://aws_default@my-bucket/xcom/d/r/t/${UUID}`, c), 'none');
  });

  it('the base itself is malformed', () => {
    assert.equal(kind('s3://aws_default@my-bucket/xcom/', c), 'malformed');
  });

  it('auto: from the backend class (1.3.0 and later names), or added when a path is configured', () => {
    assert.equal(
      ref(example, {
        xcomBackend: 'airflow.providers.common.io.xcom.backend.XComObjectStorageBackend',
        objectStoragePath: base,
      }).rule,
      RuleNames.commonIo,
    );
    assert.equal(
      ref(example, {
        xcomBackend: 'airflow.providers.common.io.xcom.backend.XComObjectStoreBackend',
        objectStoragePath: base,
      }).rule,
      RuleNames.commonIo,
    );
    assert.equal(ref(example, { objectStoragePath: base }).rule, RuleNames.commonIo);
    assert.equal(ref('xcom_s3://bucket/key', { objectStoragePath: base }).rule, RuleNames.article);
  });

  it("without a configured path, only the backend's own layout is guessed", () => {
    const guessed = ref(example, { preset: 'commonIo' });
    assert.ok(guessed.rule.startsWith(RuleNames.commonIo));
    assert.equal(kind('s3://my-bucket/reports/2024/summary.csv', { preset: 'commonIo' }), 'plainObjectUri');
  });
});

describe('references: plain object URIs and custom rules', () => {
  it('an s3:// string a task returned is a plain object URI', () => {
    assert.deepEqual(match('s3://my-bucket/reports/2024/summary.csv'), {
      kind: 'plainObjectUri',
      uri: 's3://my-bucket/reports/2024/summary.csv',
      bucket: 'my-bucket',
      key: 'reports/2024/summary.csv',
    });
    assert.equal(kind('s3a://b/k.parquet'), 'plainObjectUri');
    assert.equal(kind('s3://bucket-only'), 'none');
    assert.equal(kind('s3://b/k and more text'), 'none');
    assert.equal(kind('results are in s3://b/k'), 'none');
    assert.equal(kind('https://b.s3.amazonaws.com/k'), 'none');
  });

  it('custom rules run before the preset, with fixed bucket, key prefix and format', () => {
    const rules = buildRules(
      config({
        customRules: [
          { name: 'Acme', prefix: 'acme://', bucket: 'acme-data', keyPrefix: 'xcom/', format: 'parquet' },
          { prefix: 'xcom_s3://special/' },
        ],
      }),
    );
    const acme = matchReference('acme://run1/out', rules);
    assert.deepEqual(acme, {
      kind: 'reference',
      reference: {
        store: 's3',
        bucket: 'acme-data',
        key: 'xcom/run1/out',
        rule: 'Acme',
        raw: 'acme://run1/out',
        formatHint: 'parquet',
      },
    });
    const special = matchReference('xcom_s3://special/bkt/k.csv', rules);
    assert.equal(special.kind, 'reference');
    if (special.kind === 'reference') {
      assert.equal(special.reference.bucket, 'bkt');
      assert.equal(special.reference.key, 'k.csv');
      assert.match(special.reference.rule, /custom rule 2/);
    }
    assert.equal(matchReference('xcom_s3://special/', rules).kind, 'malformed');
    const indexed = buildRules(config({ customRules: [{ prefix: 'idx://', bucket: 'b', indexColumn: 0 }] }));
    const withIndex = matchReference('idx://k.csv', indexed);
    assert.deepEqual(withIndex.kind === 'reference' && withIndex.reference.read, { indexColumn: 0 });
    assert.deepEqual(referencePrefixes(rules), ['acme://', 'xcom_s3://special/', 'xcom_s3', 's3_xcom_', 's3://']);
  });

  it('preset none leaves only custom rules (and plain URIs)', () => {
    assert.equal(kind('xcom_s3://bucket/key', { preset: 'none' }), 'none');
    assert.equal(kind('s3://bucket/key', { preset: 'none' }), 'plainObjectUri');
  });
});

describe('references: helpers', () => {
  it('presetForBackend', () => {
    assert.equal(presetForBackend(undefined), 'article');
    assert.equal(presetForBackend('xcom_s3_backend.S3XComBackend'), 'article');
    assert.equal(presetForBackend('airflow.models.xcom.BaseXCom'), 'none');
    assert.equal(presetForBackend('airflow.sdk.execution_time.xcom.BaseXCom'), 'none');
    assert.equal(
      presetForBackend('astronomer.providers.amazon.aws.xcom_backends.s3.S3XComBackend'),
      'astronomerProviders',
    );
    assert.equal(presetForBackend('airflow.providers.common.io.xcom.backend.XComObjectStorageBackend'), 'commonIo');
  });

  it('formatFromKey', () => {
    assert.deepEqual(formatFromKey('a/b/x.csv.gz'), { formatHint: 'csv', compression: 'gzip' });
    assert.deepEqual(formatFromKey('x.parquet'), { formatHint: 'parquet' });
    assert.deepEqual(formatFromKey('x.json.zst'), { formatHint: 'json', compression: 'zstd' });
    assert.deepEqual(formatFromKey('x.gz'), { compression: 'gzip' });
    assert.deepEqual(formatFromKey('dir.csv/noext'), {});
  });

  it('formatReference.describe', () => {
    const r = ref('xcom_s3://b-1/k.csv.gz');
    assert.equal(formatReference.describe(r), `s3://b-1/k.csv.gz (csv, gzip) via ${RuleNames.article}`);
  });
});

describe('references: auto reaches every known backend from its values and environment', () => {
  const ownClass = { xcomBackend: 'include.custom_xcom_backend.CustomXComBackendS3' };

  it("Astronomer's tutorial under its own class path, bucket from S3_XCOM_BUCKET_NAME", () => {
    const r = ref(`xcom_s3://data_${UUID}`, { ...ownClass, astronomerBucket: 'astro-env' });
    assert.equal(r.rule, RuleNames.astronomer);
    assert.equal(r.bucket, 'astro-env');
    assert.equal(r.holds, 'table');
    const json = ref(`xcom_s3://manual__2024-01-01T00:00:00+00:00/load/data_${UUID}.json`, {
      ...ownClass,
      astronomerBucket: 'astro-env',
    });
    assert.equal(json.holds, 'value');
    assert.equal(json.read, undefined);
  });

  it("the connection's bucket wins over the backend's variable", () => {
    assert.equal(ref(`xcom_s3://data_${UUID}`, { astronomerBucket: 'env', bucket: 'mine' }).bucket, 'mine');
  });

  it('without a bucket the verdict names the setting that makes it work', () => {
    const m = match(`xcom_s3://data_${UUID}`, ownClass);
    assert.equal(m.kind, 'malformed');
    if (m.kind !== 'malformed') return;
    assert.equal(m.rule, RuleNames.astronomer);
    assert.match(m.reason, /Astronomer tutorial reference.*S3_XCOM_BUCKET_NAME/);
    assert.match(m.setting ?? '', /S3_XCOM_BUCKET_NAME/);
    assert.equal(
      describeMalformed(m),
      "It looks like an Astronomer tutorial reference, which carries no bucket: set S3_XCOM_BUCKET_NAME, or the bucket in the connection's S3 settings (Astronomer S3XComBackend).",
    );
    const broken = match('xcom_s3://bucket');
    assert.ok(
      broken.kind === 'malformed' &&
        /^Malformed S3XComBackend \(article\) reference: no key/.test(describeMalformed(broken)),
    );
  });

  it("the article's references still take their bucket from the reference", () => {
    const r = ref(`xcom_s3://my-bucket/data_${UUID}.csv`, { ...ownClass, astronomerBucket: 'astro-env' });
    assert.deepEqual([r.rule, r.bucket, r.holds, r.read], [RuleNames.article, 'my-bucket', 'table', undefined]);
  });

  it('astronomer-providers without its class path: its key shapes, bucket and prefix from its variables', () => {
    const gz = ref(`s3_xcom_${UUID}_dataframe.gz`, { providersBucket: 'prov' });
    assert.deepEqual(
      [gz.rule, gz.bucket, gz.holds, gz.compression],
      [RuleNames.astronomerProviders, 'prov', 'table', 'gzip'],
    );
    assert.equal(ref(`s3_xcom_${UUID}`, { providersBucket: 'prov' }).holds, 'value');
    assert.deepEqual(ref(`s3_xcom_${UUID}_datetime`, { providersBucket: 'prov' }).read, { isoDatetime: true });
    assert.equal(ref(`team_${UUID}.gz`, { providersBucket: 'prov', providersPrefix: 'team_' }).key, `team_${UUID}.gz`);
    // Only the backend's own shapes when its class is not configured: a task's own text stays text.
    assert.equal(kind('s3_xcom_notes.txt', { providersBucket: 'prov' }), 'none');
    const m = match(`s3_xcom_${UUID}.gz`);
    assert.equal(m.kind, 'malformed');
    if (m.kind === 'malformed') assert.match(m.setting ?? '', /XCOM_BACKEND_BUCKET_NAME/);
  });

  it('common-io 1.11 paths …/ti-<id>/<quoted key>.json[.gz], with or without a configured path', () => {
    const ti = '0191b2c3-d4e5-7f60-8a9b-0c1d2e3f4a5b';
    const raw = `s3://aws_default@my-bucket/xcom/my_dag/manual__2024-01-01T00%3A00%3A00%2B00%3A00/extract/ti-${ti}/return_value.json.gz`;
    const guessed = ref(raw);
    assert.ok(guessed.rule.startsWith(RuleNames.commonIo));
    assert.equal(guessed.key, raw.slice('s3://aws_default@my-bucket/'.length));
    assert.deepEqual([guessed.formatHint, guessed.compression], ['json', 'gzip']);
    const configured = ref(raw, { objectStoragePath: 's3://aws_default@my-bucket/xcom' });
    assert.equal(configured.rule, RuleNames.commonIo);
    assert.equal(ref(`s3://b/x/ti-${ti}/my%20key.json`).key, `x/ti-${ti}/my%20key.json`);
    // A JSON file without the ti- folder is a task's own URI.
    assert.equal(kind('s3://b/reports/ti/summary.json'), 'plainObjectUri');
  });

  it('a scheme no rule knows names customRules; an explicit preset leaves it alone', () => {
    const m = match('myco_s3://bucket/k.csv');
    assert.equal(m.kind, 'malformed');
    if (m.kind === 'malformed') assert.match(m.setting ?? '', /xcomLens\.references\.customRules/);
    assert.equal(kind('myco_s3://bucket/k.csv', { preset: 'article' }), 'none');
    assert.equal(kind('https://example.com/xcom'), 'none');
    assert.equal(kind('s3://b/k.csv'), 'plainObjectUri');
  });

  it("Airflow's own BaseXCom offloads nothing", () => {
    assert.equal(kind(`xcom_s3://data_${UUID}`, { xcomBackend: 'airflow.models.xcom.BaseXCom', bucket: 'b' }), 'none');
  });
});
