// XCom backend reference rules: decides whether a decoded XCom value is a pointer to data a custom XCom
// backend offloaded to S3, and where that data lives. Shared with the webview bundle: no `vscode`, no Node
// built-ins, and no `URL` (its parsing of unusual schemes differs between Node and browsers).

/** Formats a reference may declare through its key's extension or its backend. */
export type ReferenceFormat = 'csv' | 'json' | 'parquet' | 'pickle';

/** Compressions a reference may declare through its key's extension. */
export type ReferenceCompression = 'gzip' | 'zstd' | 'bz2' | 'snappy' | 'lzma';

/** Presets of `xcomLens.references.preset`. */
export type ReferencePreset = 'auto' | 'article' | 'astronomer' | 'astronomerProviders' | 'commonIo' | 'none';

/** An offloaded object an XCom value points at. */
export interface XComReference {
  /** Object store kind. */
  store: 's3';
  /** Bucket holding the object. */
  bucket: string;
  /** Object key inside the bucket. */
  key: string;
  /** Format the backend wrote, when the reference or the backend tells; sniff the bytes otherwise. */
  formatHint?: ReferenceFormat;
  /** Compression the key's extension declares. */
  compression?: ReferenceCompression;
  /** Name of the rule that recognised it (shown in tooltips). */
  rule: string;
  /** The XCom value as stored. */
  raw: string;
  /** What the backend put there, when the reference tells: a DataFrame, or any other value (a number, a dict…). */
  holds?: 'table' | 'value';
  /** How the backend reads the object back, where it differs from the format's defaults. */
  read?: ReadOptions;
}

/** How a backend's deserialize_value reads its object, beyond the format (one home: the rule that knows the backend). */
export interface ReadOptions {
  /** `pd.read_csv(..., index_col=N)`: column N is the row index, not data. */
  indexColumn?: number;
  /** The object is `datetime.isoformat()` text read back with `datetime.fromisoformat`. */
  isoDatetime?: boolean;
}

/** The verdict on one XCom value. */
export type ReferenceMatch =
  /** A reference to offloaded data. */
  | { kind: 'reference'; reference: XComReference }
  /**
   * A string the backend would treat as a reference (it starts with the prefix) but that names no object, or
   * one that needs a setting to be read; `setting` then names it.
   */
  | { kind: 'malformed'; rule: string; raw: string; reason: string; setting?: string }
  /** An `s3://` string a task returned itself: not offloaded data; the UI offers "preview anyway". */
  | { kind: 'plainObjectUri'; uri: string; bucket: string; key: string }
  /** Not a reference. */
  | { kind: 'none' };

/** One rule deciding about string values. */
export interface ReferenceRule {
  /** Name shown in tooltips. */
  name: string;
  /** Text every reference of this rule starts with; the webview renders cells starting with it as links. */
  prefix: string;
  /** The verdict on a string, or undefined when the rule does not apply to it. */
  test(value: string): Exclude<ReferenceMatch, { kind: 'none' } | { kind: 'plainObjectUri' }> | undefined;
}

/** A user rule from `xcomLens.references.customRules`. */
export interface CustomReferenceRule {
  /** Name shown in tooltips. */
  name?: string;
  /** Text a reference starts with, e.g. `myco_s3://`. */
  prefix: string;
  /** Fixed bucket; when empty the reference reads `<prefix><bucket>/<key>`. */
  bucket?: string;
  /** Text put in front of the key taken from the reference. */
  keyPrefix?: string;
  /** Format of the offloaded object (`auto` = from the extension, else sniffed). */
  format?: 'auto' | 'csv' | 'json' | 'parquet' | string;
  /** The column the backend reads back as the row index (`read_csv(..., index_col=N)`). */
  indexColumn?: number;
}

/** Everything the rules depend on: settings plus what Airflow's own configuration says. */
export interface ReferenceConfig {
  /** Which backend's rules to apply; `auto` tries every known backend, the configured class's first. */
  preset: ReferencePreset;
  /** The article backend's `S3XComBackend.PREFIX` (default `xcom_s3`). */
  prefix: string;
  /** Bucket for references that carry none, set for the connection (wins over the backends' own variables). */
  bucket?: string;
  /** Astronomer's backend bucket: `S3_XCOM_BUCKET_NAME` (env or Airflow Variable). */
  astronomerBucket?: string;
  /** astronomer-providers' bucket: `XCOM_BACKEND_BUCKET_NAME`. */
  providersBucket?: string;
  /** astronomer-providers' key prefix: `XCOM_BACKEND_PREFIX` (default `s3_xcom_`). */
  providersPrefix?: string;
  /** common-io `[common.io] xcom_objectstorage_path`, e.g. `s3://aws_default@my-bucket/xcom`. */
  objectStoragePath?: string;
  /** `AIRFLOW__CORE__XCOM_BACKEND` / `[core] xcom_backend` class path. */
  xcomBackend?: string;
  /** Extra rules, tried before the preset's. */
  customRules: CustomReferenceRule[];
}

/** Default `S3XComBackend.PREFIX` of the article backend. */
const DEFAULT_PREFIX = 'xcom_s3';
/** Default prefix of astronomer-providers' S3XComBackend (`XCOM_BACKEND_PREFIX`). */
const ASTRONOMER_PROVIDERS_PREFIX = 's3_xcom_';

/** Rule names, as shown in tooltips. */
export const RuleNames = {
  article: 'S3XComBackend (article)',
  astronomer: 'Astronomer S3XComBackend',
  astronomerProviders: 'astronomer-providers S3XComBackend',
  commonIo: 'common-io XComObjectStorageBackend',
} as const;

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const ASTRONOMER_DATA_KEY = new RegExp(`^data_${UUID}(\\.(csv|json))?$`);
const COMPRESSION_SUFFIX = '(\\.(gz|bz2|zip|xz|lz4|zst))?';
/** common-io up to 1.10: `<base>/<dag_id>/<run_id>/<task_id>/<uuid>[.gz]`. */
const COMMON_IO_FILE = new RegExp(`^${UUID}${COMPRESSION_SUFFIX}$`);
/** common-io 1.11: `…/ti-<task instance id>/<quoted key>.json[.gz]`. */
const COMMON_IO_TI_SEGMENT = /^ti-[0-9a-fA-F-]{8,}$/;
const COMMON_IO_KEY_FILE = new RegExp(`^[^/]+\\.json${COMPRESSION_SUFFIX}$`);
/** astronomer-providers' keys: `<prefix><uuid>[_dataframe|_datetime][.gz]`. */
const PROVIDERS_SUFFIX = new RegExp(`${UUID}(_dataframe|_datetime)?(\\.gz)?$`);
/** Bucket names S3 accepts, legacy us-east-1 names included (upper case, underscores). */
const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/;
const OBJECT_URI = /^(s3|s3a|s3n):\/\/(?:([^@/]+)@)?([^/@]+)\/(.+)$/;
/** A `scheme://…` string whose scheme names XCom or S3 but no known backend: a reference no rule knows. */
const REFERENCE_LOOKALIKE = /^([a-z][a-z0-9_+.-]*(xcom|s3)[a-z0-9_+.-]*):\/\/\S+$/i;

const COMPRESSION_EXTENSIONS: Record<string, ReferenceCompression> = {
  gz: 'gzip',
  gzip: 'gzip',
  zst: 'zstd',
  zstd: 'zstd',
  bz2: 'bz2',
  xz: 'lzma',
  lzma: 'lzma',
  snappy: 'snappy',
};

const FORMAT_EXTENSIONS: Record<string, ReferenceFormat> = {
  csv: 'csv',
  tsv: 'csv',
  json: 'json',
  jsonl: 'json',
  ndjson: 'json',
  parquet: 'parquet',
  pq: 'parquet',
  pickle: 'pickle',
  pkl: 'pickle',
};

/** An object name's format extension (lower case) and the compression its last extension declares. */
function extensions(key: string): { format?: string; compression?: ReferenceCompression } {
  const name = key.slice(key.lastIndexOf('/') + 1).toLowerCase();
  const parts = name.split('.');
  if (parts.length < 2) return {};
  const last = parts.pop() as string;
  const compression = COMPRESSION_EXTENSIONS[last];
  if (!compression) return { format: last };
  return parts.length < 2 ? { compression } : { format: parts.pop() as string, compression };
}

/** Format and compression an object name's extensions declare, e.g. `x.csv.gz` → csv + gzip. */
export function formatFromKey(key: string): { formatHint?: ReferenceFormat; compression?: ReferenceCompression } {
  const { format, compression } = extensions(key);
  const formatHint = format !== undefined ? FORMAT_EXTENSIONS[format] : undefined;
  return { ...(formatHint ? { formatHint } : {}), ...(compression ? { compression } : {}) };
}

/** True when an object name says it holds JSON Lines (`.jsonl`, `.ndjson`, compressed or not). */
export function isJsonLinesKey(key: string): boolean {
  const { format } = extensions(key);
  return format === 'jsonl' || format === 'ndjson';
}

function reference(
  rule: string,
  raw: string,
  bucket: string,
  key: string,
  extra: Partial<XComReference> = {},
): ReferenceMatch & { kind: 'reference' } {
  const fromKey = formatFromKey(key);
  const ref: XComReference = { store: 's3', bucket, key, rule, raw };
  const formatHint = extra.formatHint ?? fromKey.formatHint;
  const compression = extra.compression ?? fromKey.compression;
  if (formatHint) ref.formatHint = formatHint;
  if (compression) ref.compression = compression;
  if (extra.holds) ref.holds = extra.holds;
  if (extra.read) ref.read = extra.read;
  return { kind: 'reference', reference: ref };
}

function malformed(
  rule: string,
  raw: string,
  reason: string,
  setting?: string,
): ReferenceMatch & { kind: 'malformed' } {
  return { kind: 'malformed', rule, raw, reason, ...(setting ? { setting } : {}) };
}

function hasControlOrSpace(text: string): boolean {
  return /[\s\u0000-\u001f\u007f]/.test(text);
}

/** Astronomer's shapes: `data_<uuid>` or `<run_id>/<task_id>/data_<uuid>.csv|.json`. */
function isAstronomerKey(key: string): boolean {
  const segments = key.split('/');
  return (
    ASTRONOMER_DATA_KEY.test(segments[segments.length - 1]) &&
    (segments.length === 1 || segments.length >= 3) &&
    segments.every((s) => s !== '')
  );
}

/** The setting that gives a bucket-less Astronomer reference its bucket. */
const ASTRONOMER_BUCKET_SETTING = "S3_XCOM_BUCKET_NAME, or the bucket in the connection's S3 settings";

/**
 * An Astronomer guide/tutorial reference: the key is everything after the prefix, the bucket comes from the
 * configuration. Both write a DataFrame with `to_csv()` (its index as a first, unnamed column) and read it back
 * with a plain `read_csv`; the tutorial writes any other value with `json.dump` as `.json`.
 */
function astronomerReference(raw: string, key: string, bucket: string | undefined): ReferenceMatch {
  const name = RuleNames.astronomer;
  if (!key) return malformed(name, raw, 'the object key is empty');
  if (hasControlOrSpace(raw)) return malformed(name, raw, 'it contains spaces or control characters');
  if (!bucket)
    return malformed(
      name,
      raw,
      `it looks like an Astronomer tutorial reference, which carries no bucket: set ${ASTRONOMER_BUCKET_SETTING}`,
      ASTRONOMER_BUCKET_SETTING,
    );
  const ext = formatFromKey(key).formatHint;
  return reference(name, raw, bucket, key, {
    holds: ext === 'json' ? ('value' as const) : ('table' as const),
  });
}

/**
 * The article's S3XComBackend: a reference is any string that `startswith(PREFIX)`, exactly as its
 * deserialize_value tests it (no `://` in the test). The bucket and key come from `PREFIX://<bucket>/<key>`.
 * A string that starts with the prefix but does not have that shape (`xcom_s3_backup.csv`, `xcom_s3://bucket`)
 * is one the backend would try, and fail, to download: it is reported `malformed`, never silently ignored.
 * With `astronomerBucket` given (preset auto), Astronomer's bucket-less shapes sharing the same prefix are
 * recognised too; `null` there means "recognise them, but no bucket is known".
 */
function articleRule(prefix: string, astronomerBucket: string | undefined | null): ReferenceRule {
  const name = RuleNames.article;
  const scheme = `${prefix}://`;
  return {
    name,
    prefix,
    test(value) {
      if (!value.startsWith(prefix)) return undefined;
      if (!value.startsWith(scheme))
        return malformed(name, value, `it starts with "${prefix}" but not "${scheme}<bucket>/<key>"`);
      const rest = value.slice(scheme.length);
      if (
        astronomerBucket !== undefined &&
        isAstronomerKey(rest) &&
        !(rest.includes('/') && BUCKET_NAME.test(rest.slice(0, rest.indexOf('/'))))
      )
        return astronomerReference(value, rest, astronomerBucket ?? undefined) as ReferenceMatch & {
          kind: 'reference' | 'malformed';
        };
      const slash = rest.indexOf('/');
      if (slash < 0) return malformed(name, value, `no key after the bucket (expected "${scheme}<bucket>/<key>")`);
      const bucket = rest.slice(0, slash);
      const key = rest.slice(slash + 1);
      if (!bucket) return malformed(name, value, 'the bucket name is empty');
      if (!key) return malformed(name, value, 'the object key is empty');
      if (!BUCKET_NAME.test(bucket)) return malformed(name, value, `"${bucket}" is not a valid S3 bucket name`);
      if (hasControlOrSpace(value)) return malformed(name, value, 'it contains spaces or control characters');
      // The article's final code writes CSV with index=False and reads it back with a plain read_csv.
      return reference(name, value, bucket, key, { holds: 'table' });
    },
  };
}

/** Astronomer's guide and tutorial: `xcom_s3://data_<uuid>` or `xcom_s3://<run_id>/<task_id>/data_<uuid>.csv`; bucket from configuration. */
function astronomerRule(prefix: string, bucket: string | undefined): ReferenceRule {
  const scheme = `${prefix}://`;
  return {
    name: RuleNames.astronomer,
    prefix: scheme,
    test(value) {
      // Astronomer's PREFIX is "xcom_s3://" itself, so only that counts; the key is the rest.
      if (!value.startsWith(scheme)) return undefined;
      return astronomerReference(value, value.slice(scheme.length), bucket) as ReferenceMatch & {
        kind: 'reference' | 'malformed';
      };
    },
  };
}

/** The setting that gives astronomer-providers' references their bucket. */
const PROVIDERS_BUCKET_SETTING = "XCOM_BACKEND_BUCKET_NAME, or the bucket in the connection's S3 settings";

/**
 * astronomer-providers: `s3_xcom_<uuid>[_dataframe|_datetime][.gz]`, the key is the whole reference; bucket
 * from configuration. It uploads every value: a DataFrame with `to_json()` (read back with `pd.read_json`), a
 * date as isoformat text, anything else with `json.dumps`. With `strict` (auto, the backend class not known to
 * be this one) only the backend's own key shape counts, not any string with the prefix.
 */
function astronomerProvidersRule(prefix: string, bucket: string | undefined, strict: boolean): ReferenceRule {
  const name = RuleNames.astronomerProviders;
  return {
    name,
    prefix,
    test(value) {
      if (!value.startsWith(prefix)) return undefined;
      if (strict && !(PROVIDERS_SUFFIX.test(value) && value.length - prefix.length <= 50)) return undefined;
      if (value === prefix) return malformed(name, value, 'nothing follows the prefix');
      if (hasControlOrSpace(value)) return malformed(name, value, 'it contains spaces or control characters');
      if (!bucket)
        return malformed(
          name,
          value,
          `it looks like an astronomer-providers reference, which carries no bucket: set ${PROVIDERS_BUCKET_SETTING}`,
          PROVIDERS_BUCKET_SETTING,
        );
      const gz = value.endsWith('.gz');
      const stem = gz ? value.slice(0, -3) : value;
      const compression = gz ? { compression: 'gzip' as const } : {};
      if (stem.endsWith('_datetime'))
        return reference(name, value, bucket, value, { ...compression, holds: 'value', read: { isoDatetime: true } });
      const holds = stem.endsWith('_dataframe') ? ('table' as const) : ('value' as const);
      return reference(name, value, bucket, value, { ...compression, formatHint: 'json', holds });
    },
  };
}

/** A parsed `scheme://[conn_id@]bucket/path` string. */
interface ObjectPath {
  scheme: string;
  connId?: string;
  bucket: string;
  path: string;
}

function parseObjectPath(text: string, requirePath: boolean): ObjectPath | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(?:([^@/]+)@)?([^/@]+)(?:\/(.*))?$/.exec(text);
  if (!match) return undefined;
  const path = match[4] ?? '';
  if (requirePath && !path) return undefined;
  return { scheme: match[1], ...(match[2] ? { connId: match[2] } : {}), bucket: match[3], path };
}

/** True for the backend's own layouts: `…/<dag>/<run>/<task>/<uuid>[.gz]` (≤1.10) or `…/ti-<id>/<key>.json[.gz]` (1.11). */
function isCommonIoLayout(path: string): boolean {
  const segments = path.split('/');
  const last = segments[segments.length - 1];
  if (segments.length >= 4 && COMMON_IO_FILE.test(last)) return true;
  return (
    segments.length >= 2 && COMMON_IO_TI_SEGMENT.test(segments[segments.length - 2]) && COMMON_IO_KEY_FILE.test(last)
  );
}

/**
 * common-io XComObjectStorageBackend: a reference only when the string is a path under the configured
 * `xcom_objectstorage_path` (same scheme, bucket and base path, on a segment boundary; the `conn_id@` part may
 * be absent on either side). The payload is JSON, compressed as the extension says. Without a configured path,
 * only the backend's own layouts are recognised.
 */
function commonIoRule(objectStoragePath: string | undefined): ReferenceRule {
  const name = RuleNames.commonIo;
  const base = objectStoragePath ? parseObjectPath(objectStoragePath.trim(), false) : undefined;
  const basePath = base ? base.path.replace(/^\/+|\/+$/g, '') : '';
  return {
    name,
    prefix: base ? `${base.scheme}://` : 's3://',
    test(value) {
      const path = parseObjectPath(value, true);
      if (!path || !/^s3[an]?$/.test(path.scheme)) return undefined;
      if (!base) {
        if (!isCommonIoLayout(path.path)) return undefined;
        return reference(`${name} (guessed: no xcom_objectstorage_path)`, value, path.bucket, path.path, {
          formatHint: 'json',
        });
      }
      if (path.scheme !== base.scheme || path.bucket !== base.bucket) return undefined;
      if (path.connId && base.connId && path.connId !== base.connId) return undefined;
      let key = path.path;
      if (basePath) {
        if (key === basePath || key === `${basePath}/`)
          return malformed(name, value, 'it names the xcom_objectstorage_path itself, not a file under it');
        if (!key.startsWith(`${basePath}/`)) return undefined;
      }
      key = key.replace(/\/+$/, '');
      if (!key) return malformed(name, value, 'the object key is empty');
      return reference(name, value, path.bucket, key, { formatHint: 'json' });
    },
  };
}
function customRule(rule: CustomReferenceRule, index: number): ReferenceRule | undefined {
  if (!rule || typeof rule.prefix !== 'string' || rule.prefix === '') return undefined;
  const name = rule.name?.trim() || `custom rule ${index + 1} (${rule.prefix})`;
  const fixedBucket = rule.bucket?.trim() || undefined;
  const keyPrefix = rule.keyPrefix ?? '';
  const indexColumn =
    typeof rule.indexColumn === 'number' && Number.isInteger(rule.indexColumn) && rule.indexColumn >= 0
      ? rule.indexColumn
      : undefined;
  const format =
    rule.format && rule.format !== 'auto' && rule.format in FORMAT_EXTENSIONS
      ? FORMAT_EXTENSIONS[rule.format]
      : undefined;
  return {
    name,
    prefix: rule.prefix,
    test(value) {
      if (!value.startsWith(rule.prefix)) return undefined;
      const rest = value.slice(rule.prefix.length);
      if (hasControlOrSpace(value)) return malformed(name, value, 'it contains spaces or control characters');
      let bucket = fixedBucket;
      let key = rest;
      if (!bucket) {
        const slash = rest.indexOf('/');
        if (slash <= 0) return malformed(name, value, `expected "${rule.prefix}<bucket>/<key>"`);
        bucket = rest.slice(0, slash);
        key = rest.slice(slash + 1);
      }
      if (!key) return malformed(name, value, 'the object key is empty');
      return reference(name, value, bucket, keyPrefix + key, {
        ...(format ? { formatHint: format } : {}),
        ...(indexColumn !== undefined ? { read: { indexColumn } } : {}),
      });
    },
  };
}

/** The backend the configured XCom backend class path names; `article` for a class of the user's own. */
export function presetForBackend(xcomBackend: string | undefined): Exclude<ReferencePreset, 'auto'> {
  const cls = (xcomBackend ?? '').trim();
  if (!cls) return 'article';
  if (/^astronomer\.providers\./.test(cls)) return 'astronomerProviders';
  if (
    /(^|\.)common\.io\.xcom\.backend\.XComObjectStor(age|e)Backend$/.test(cls) ||
    /XComObjectStor(age|e)Backend$/.test(cls)
  )
    return 'commonIo';
  // Airflow's own BaseXCom offloads nothing.
  if (/^airflow\.(models\.xcom|sdk\.execution_time\.xcom|sdk\.bases\.xcom|sdk)\.BaseXCom$/.test(cls)) return 'none';
  return 'article';
}

/**
 * Builds the rules in the order they are tried: custom rules, then the preset's. `auto` tries every known
 * backend, the one the class path names first: the reference shapes do not overlap, and a backend installed
 * under a class path of its own (the article's and Astronomer's are copied into the user's code) is still
 * recognised from its values.
 */
export function buildRules(config: ReferenceConfig): ReferenceRule[] {
  const rules: ReferenceRule[] = [];
  (config.customRules ?? []).forEach((r, i) => {
    const rule = customRule(r, i);
    if (rule) rules.push(rule);
  });
  const prefix = config.prefix?.trim() || DEFAULT_PREFIX;
  const bucket = config.bucket?.trim() || undefined;
  const astronomerBucket = bucket ?? (config.astronomerBucket?.trim() || undefined);
  const providersBucket = bucket ?? (config.providersBucket?.trim() || undefined);
  const providersPrefix = config.providersPrefix?.trim() || ASTRONOMER_PROVIDERS_PREFIX;
  const storagePath = config.objectStoragePath?.trim() || undefined;
  if (config.preset && config.preset !== 'auto') {
    switch (config.preset) {
      case 'article':
        rules.push(articleRule(prefix, undefined));
        break;
      case 'astronomer':
        rules.push(astronomerRule(prefix, astronomerBucket));
        break;
      case 'astronomerProviders':
        rules.push(
          astronomerProvidersRule(prefix !== DEFAULT_PREFIX ? prefix : providersPrefix, providersBucket, false),
        );
        break;
      case 'commonIo':
        rules.push(commonIoRule(storagePath));
        break;
      case 'none':
        break;
    }
    return rules;
  }
  const primary = presetForBackend(config.xcomBackend);
  // A configured xcom_objectstorage_path only ever matches paths under it, so it is safe to try first.
  if (storagePath) rules.push(commonIoRule(storagePath));
  if (primary === 'none') return rules;
  const xcomS3 = articleRule(prefix, astronomerBucket ?? null);
  const providers = astronomerProvidersRule(providersPrefix, providersBucket, primary !== 'astronomerProviders');
  const ordered = primary === 'astronomerProviders' ? [providers, xcomS3] : [xcomS3, providers];
  rules.push(...ordered);
  if (!storagePath) rules.push(commonIoRule(undefined));
  rules.push(lookalikeRule());
  return rules;
}

/** Preset auto's last rule: a `…xcom…://` or `…s3…://` string no backend's rule knows says how to teach it one. */
function lookalikeRule(): ReferenceRule {
  const setting = 'a rule in xcomLens.references.customRules (prefix, bucket)';
  return {
    name: 'unknown backend',
    prefix: '',
    test(value) {
      const lookalike = REFERENCE_LOOKALIKE.exec(value);
      if (!lookalike || /^s3[an]?$/i.test(lookalike[1])) return undefined;
      const reason = `it looks like a reference, but no rule knows "${lookalike[1]}://": add ${setting}`;
      return malformed('unknown backend', value, reason, setting);
    },
  };
}

/** The verdict on one decoded XCom value: only strings can be references. */
export function matchReference(value: unknown, rules: ReferenceRule[]): ReferenceMatch {
  if (typeof value !== 'string') return { kind: 'none' };
  for (const rule of rules) {
    const verdict = rule.test(value);
    if (verdict) return verdict;
  }
  const uri = OBJECT_URI.exec(value);
  if (uri && !hasControlOrSpace(value)) return { kind: 'plainObjectUri', uri: value, bucket: uri[3], key: uri[4] };
  return { kind: 'none' };
}

/** How a preview grid cell shows a value, from the same verdict the tree gives it. */
export type CellReference =
  /** A reference: the cell is a link that opens the object in a new preview. */
  | { kind: 'link'; title: string }
  /** Starts like a reference but names no object: shown as text, the tooltip says why. */
  | { kind: 'malformed'; title: string }
  /** Anything else, plain `s3://` strings included: plain text. */
  | { kind: 'text' };

/** The grid's view of one cell value under `rules` (the webview builds them from the connection's ReferenceConfig). */
export function cellReference(value: unknown, rules: ReferenceRule[]): CellReference {
  const match = matchReference(value, rules);
  if (match.kind === 'reference')
    return { kind: 'link', title: `Open ${formatReference.describe(match.reference)} in a new preview` };
  if (match.kind === 'malformed') return { kind: 'malformed', title: describeMalformed(match) };
  return { kind: 'text' };
}

/** One sentence on a value that looks like a reference but cannot be read: the setting it needs, or what is wrong. */
export function describeMalformed(match: Extract<ReferenceMatch, { kind: 'malformed' }>): string {
  if (match.setting) return `${match.reason.charAt(0).toUpperCase()}${match.reason.slice(1)} (${match.rule}).`;
  return `Malformed ${match.rule} reference: ${match.reason}.`;
}

/** The object a verdict points at: the reference's, or for a plain `s3://` string the object it names. */
export function objectOf(match: ReferenceMatch): XComReference | undefined {
  if (match.kind === 'reference') return match.reference;
  if (match.kind === 'plainObjectUri')
    return { store: 's3', bucket: match.bucket, key: match.key, rule: 'plain S3 URI', raw: match.uri };
  return undefined;
}

/** Prefixes that may start a reference (for the webview's link rendering). */
export function referencePrefixes(rules: ReferenceRule[]): string[] {
  return [...new Set(rules.map((r) => r.prefix).filter(Boolean))];
}

/** `s3://bucket/key` of a reference. */
export function toS3Uri(ref: Pick<XComReference, 'bucket' | 'key'>): string {
  return `s3://${ref.bucket}/${ref.key}`;
}

/** Helpers to show references. */
export const formatReference = {
  /** `s3://bucket/key`. */
  toS3Uri,
  /** One line for tooltips: `s3://bucket/key (csv, gzip) via <rule>`. */
  describe(ref: XComReference): string {
    const details = [ref.formatHint, ref.compression].filter(Boolean).join(', ');
    return `${toS3Uri(ref)}${details ? ` (${details})` : ''} via ${ref.rule}`;
  },
};
