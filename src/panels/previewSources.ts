// The one home of preview sources: what a preview reads (an S3 object with explicit settings, an inline value,
// or an XCom's object read through its connection), how a command argument or a tree node becomes one, how a
// persisted source comes back after a reload, and how a reference clicked in a grid cell opens the next one.
import type { ConnectionConfig } from '../config';
import type { ConnectionStore } from '../connections/connectionStore';
import type { ObjectStores } from '../connections/objectStores';
import type { FormatHint } from '../formats/table';
import type { Logger } from '../logger';
import { matchReference, objectOf, type ReferenceRule, type XComReference } from '../references';
import type { S3ObjectStore } from '../storage/objectStore';
import { XComNode } from '../views/treeNodes/xcomNode';
import type { PreviewRequest } from './previewPanel';
import { type TableReadOptions, referenceTableOptions, s3Source } from './s3TableSource';

/** An S3 object to preview, with optional client settings (credentials come from the AWS chain). */
export interface S3Target {
  /** Bucket name. */
  bucket: string;
  /** Object key. */
  key: string;
  /** S3-compatible endpoint. */
  endpointUrl?: string;
  /** AWS region. */
  region?: string;
  /** Path-style addressing. */
  forcePathStyle?: boolean;
}

/** The plain-object argument of `xcomLens.preview`. */
export interface PreviewArgs {
  /** Panel title. */
  title?: string;
  /** An S3 object. */
  s3?: S3Target;
  /** An inline value: decoded JSON (any pandas orient), a JSON string, or the serde DataFrame wrapper. */
  inline?: unknown;
  /** Declared format of the S3 object. */
  formatHint?: FormatHint;
}

/** The reference fields a persisted XCom object keeps. */
type PersistedReference = Pick<
  XComReference,
  'bucket' | 'key' | 'formatHint' | 'compression' | 'raw' | 'rule' | 'read'
>;

/** What a preview persists so that a window reload can reopen it: no secrets, a connection by its id only. */
export type PersistedSource =
  /** An S3 object named by the command's explicit `s3` target (AWS credential chain), and how to read it. */
  | ({ kind: 's3'; target: S3Target } & TableReadOptions)
  /** An inline value; `connectionId` is the connection whose references its cells may hold. */
  | { kind: 'inline'; value: unknown; connectionId?: string }
  /** An object referenced by an XCom, read with its connection's S3 settings and keys. */
  | { kind: 'xcomObject'; connectionId: string; reference: PersistedReference; title: string };

/** What PreviewSources needs from the composition root. */
export interface PreviewSourcesDeps {
  /** Connections by id. */
  connections: Pick<ConnectionStore, 'get'>;
  /** The S3 object store of each connection. */
  objectStores: Pick<ObjectStores, 'storeFor'>;
  /** The XCom backend reference rules in force for a connection (or none). */
  rules(connection: ConnectionConfig | undefined): ReferenceRule[];
  /** Longest wait for S3, in ms (for stores built for explicit targets). */
  waitTimeoutMs(): number;
  /** Diagnostics. */
  log: Logger;
}

/** Largest inline value kept in the webview's state for a reload (characters of JSON). */
const MAX_PERSISTED_INLINE = 1_000_000;

const FORMAT_HINTS: readonly string[] = ['auto', 'csv', 'json', 'parquet'];

function isS3Target(v: unknown): v is S3Target {
  const t = v as Partial<S3Target> | undefined;
  return (
    typeof t?.bucket === 'string' &&
    t.bucket.length > 0 &&
    typeof t.key === 'string' &&
    t.key.length > 0 &&
    (t.endpointUrl === undefined || typeof t.endpointUrl === 'string') &&
    (t.region === undefined || typeof t.region === 'string') &&
    (t.forcePathStyle === undefined || typeof t.forcePathStyle === 'boolean')
  );
}

function isPersistedReference(v: unknown): v is PersistedReference {
  const r = v as Partial<PersistedReference> | undefined;
  return typeof r?.bucket === 'string' && r.bucket.length > 0 && typeof r.key === 'string' && r.key.length > 0;
}

/** How a persisted S3 preview read its object, from what its webview saved (anything else is left out). */
function persistedReadOptions(p: Partial<TableReadOptions>): TableReadOptions {
  const { formatHint, compression, indexColumn } = p;
  return {
    ...(FORMAT_HINTS.includes(formatHint as string) ? { formatHint } : {}),
    ...(typeof compression === 'string' && compression ? { compression } : {}),
    ...(Number.isInteger(indexColumn) && indexColumn! >= 0 ? { indexColumn } : {}),
  };
}

/** Parses the command argument; returns a message when it is not usable. */
function parsePreviewArgs(arg: unknown): PreviewArgs | string {
  if (typeof arg !== 'object' || arg === null) return 'Preview Table needs an XCom, an S3 object or an inline value.';
  const a = arg as Record<string, unknown>;
  if (a.title !== undefined && typeof a.title !== 'string') return 'title must be a string.';
  if (a.formatHint !== undefined && !FORMAT_HINTS.includes(a.formatHint as string)) {
    return `formatHint must be one of ${FORMAT_HINTS.join(', ')}.`;
  }
  if (a.s3 !== undefined && !isS3Target(a.s3))
    return 's3 must be { bucket, key, endpointUrl?, region?, forcePathStyle? }.';
  if (a.s3 === undefined && a.inline === undefined) return 'Give either s3 or inline.';
  return {
    title: a.title as string | undefined,
    s3: a.s3 as S3Target | undefined,
    inline: a.inline,
    formatHint: a.formatHint as FormatHint | undefined,
  };
}

/** The persisted form of an inline value, unless it is too large to keep in the webview's state. */
function persistInline(value: unknown, connectionId?: string): PersistedSource | undefined {
  try {
    if (JSON.stringify(value).length > MAX_PERSISTED_INLINE) return undefined;
  } catch {
    return undefined;
  }
  return { kind: 'inline', value, ...(connectionId ? { connectionId } : {}) };
}

/** The title of an XCom's preview: its identifiers. */
function xcomTitle(node: XComNode): string {
  const x = node.xcom;
  return `${x.dagId} / ${x.runId} / ${x.taskId}${x.mapIndex >= 0 ? `[${x.mapIndex}]` : ''} / ${x.key}`;
}

/** Opens, revives and follows preview sources; S3 is always read with the connection the preview came from. */
export class PreviewSources {
  constructor(private readonly deps: PreviewSourcesDeps) {}

  /**
   * The preview for a command argument: an XCom node of the tree, or `PreviewArgs`. Returns a message when the
   * argument is not usable, undefined when a node holds no table.
   */
  open(arg: unknown): PreviewRequest | string | undefined {
    if (arg instanceof XComNode) return this.fromNode(arg);
    const args = parsePreviewArgs(arg);
    return typeof args === 'string' ? args : this.fromArgs(args);
  }

  /** The preview of an XCom node (its offloaded object or its inline table); `anyway` tries any value. */
  fromNode(node: XComNode, anyway = false): PreviewRequest | undefined {
    const { reference, decoded } = node.insight;
    const title = xcomTitle(node);
    const object = reference.kind === 'reference' || anyway ? objectOf(reference) : undefined;
    if (object) return this.xcomObject(node.connection, object, title);
    if (decoded.kind !== 'table' && !anyway) return undefined;
    const persist = persistInline(decoded.value, node.connection.id);
    return { title, subtitle: 'inline value', source: { kind: 'inline', title, value: decoded.value, persist } };
  }

  /** The preview of parsed command arguments. */
  fromArgs(args: PreviewArgs): PreviewRequest {
    if (args.s3) return this.s3Target(args.s3, args.formatHint ? { formatHint: args.formatHint } : {}, args.title);
    const title = args.title ?? 'Inline value';
    return { title, source: { kind: 'inline', title, value: args.inline, persist: persistInline(args.inline) } };
  }

  /** Reopens what a webview persisted; undefined when it is not a source or its connection is gone. */
  revive(persisted: unknown, title?: string): PreviewRequest | undefined {
    const p = persisted as Partial<PersistedSource> | undefined;
    if (p?.kind === 'inline' && 'value' in p) {
      const t = title ?? 'Inline value';
      const connectionId = typeof p.connectionId === 'string' ? p.connectionId : undefined;
      return {
        title: t,
        source: { kind: 'inline', title: t, value: p.value, persist: persistInline(p.value, connectionId) },
      };
    }
    if (p?.kind === 's3' && isS3Target(p.target)) {
      return this.s3Target(p.target, persistedReadOptions(p), title);
    }
    if (p?.kind === 'xcomObject' && typeof p.connectionId === 'string' && isPersistedReference(p.reference)) {
      const connection = this.deps.connections.get(p.connectionId);
      if (!connection) return undefined;
      return this.xcomObject(connection, p.reference, typeof p.title === 'string' ? p.title : p.reference.key);
    }
    return undefined;
  }

  /**
   * The preview of a reference found in a cell of `parent`: read through the parent's connection (its endpoint,
   * keys, default bucket and rules) when it has one, else with the parent's explicit S3 settings.
   */
  resolveReference(value: string, parent: PreviewRequest): PreviewRequest | undefined {
    const persisted = parent.source.persist as Partial<PersistedSource> | undefined;
    const connection = this.connectionOf(parent);
    const match = matchReference(value, this.deps.rules(connection));
    const loc = objectOf(match);
    if (!loc) return undefined;
    const title = loc.key.split('/').pop() || loc.key;
    if (connection) return this.xcomObject(connection, loc, title);
    const base = persisted?.kind === 's3' && persisted.target ? persisted.target : undefined;
    // The rule's own reading (format, compression, index column), as through a connection.
    return this.s3Target({ ...base, bucket: loc.bucket, key: loc.key }, referenceTableOptions(loc), title);
  }

  /** The connection a preview came from (its rules decide which cells are references), if it has one. */
  connectionOf(request: PreviewRequest): ConnectionConfig | undefined {
    const persisted = request.source.persist as Partial<PersistedSource> | undefined;
    const connectionId =
      persisted?.kind === 'xcomObject' || persisted?.kind === 'inline' ? persisted.connectionId : undefined;
    return connectionId ? this.deps.connections.get(connectionId) : undefined;
  }

  /** An XCom's object, read with the connection's S3 settings and keys. */
  private xcomObject(connection: ConnectionConfig, reference: PersistedReference, title: string): PreviewRequest {
    const { bucket, key, formatHint, compression, raw, rule, read } = reference;
    const persist: PersistedSource = {
      kind: 'xcomObject',
      connectionId: connection.id,
      reference: { bucket, key, formatHint, compression, raw, rule, ...(read ? { read } : {}) },
      title,
    };
    const source = s3Source(
      () => this.deps.objectStores.storeFor(connection),
      { bucket, key },
      { title, ...referenceTableOptions(reference), persist },
    );
    return { title, subtitle: `s3://${bucket}/${key}`, source };
  }

  /** An object named by an explicit target: the only place the plain AWS credential chain is used. */
  private s3Target(target: S3Target, read: TableReadOptions, title?: string): PreviewRequest {
    const persist: PersistedSource = { kind: 's3', target, ...read };
    const settings = { endpointUrl: target.endpointUrl, region: target.region, forcePathStyle: target.forcePathStyle };
    let store: Promise<S3ObjectStore> | undefined;
    // The AWS SDK is loaded on first use, not during activation.
    const load = () =>
      (store ??= import('../storage/objectStore').then(({ openS3ObjectStore }) =>
        openS3ObjectStore(settings, { logger: this.deps.log, waitTimeoutMs: this.deps.waitTimeoutMs() }),
      ));
    const name = title ?? (target.key.split('/').pop() || target.key);
    const source = s3Source(load, { bucket: target.bucket, key: target.key }, { title: name, ...read, persist });
    return { title: name, subtitle: `s3://${target.bucket}/${target.key}`, source };
  }
}
