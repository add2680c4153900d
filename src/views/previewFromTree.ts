import type { ConnectionConfig } from '../config';
import type { ConnectionStore } from '../connections/connectionStore';
import type { ObjectStores } from '../connections/objectStores';
import type { PreviewRequest } from '../panels/previewPanel';
import { s3TableSource } from '../panels/s3TableSource';
import { objectOf, type XComReference } from '../references';
import { XComNode } from './treeNodes/xcomNode';

/** What a tree preview persists so that a window reload can reopen it (no secrets: the connection id only). */
export interface PersistedXComPreview {
  /** Discriminator. */
  kind: 'xcomObject';
  /** Connection whose S3 settings read the object. */
  connectionId: string;
  /** The reference that was previewed. */
  reference: Pick<XComReference, 'bucket' | 'key' | 'formatHint' | 'compression' | 'raw' | 'rule'>;
  /** Panel title. */
  title: string;
}

/** Builds previews for tree nodes (offloaded objects and inline tables) and revives them after a reload. */
export class TreePreviews {
  constructor(
    private readonly connections: ConnectionStore,
    private readonly objectStores: ObjectStores,
  ) {}

  /** The preview request for an XCom node, or undefined when the node holds no table. */
  async fromNode(node: unknown, anyway = false): Promise<PreviewRequest | undefined> {
    if (!(node instanceof XComNode)) return undefined;
    const { reference, decoded } = node.insight;
    const x = node.xcom;
    const title = `${x.dagId} / ${x.runId} / ${x.taskId}${x.mapIndex >= 0 ? `[${x.mapIndex}]` : ''} / ${x.key}`;
    const object = reference.kind === 'reference' || anyway ? objectOf(reference) : undefined;
    if (object) return this.objectPreview(node.connection, object, title);
    if (decoded.kind === 'table' || anyway) {
      return { title, subtitle: 'inline value', source: { kind: 'inline', title, value: decoded.value, persist: { kind: 'inline', value: decoded.value } } };
    }
    return undefined;
  }

  /** Reopens a persisted tree preview, or undefined when it is not one of ours or its connection is gone. */
  async revive(persisted: unknown): Promise<PreviewRequest | undefined> {
    const p = persisted as Partial<PersistedXComPreview> | undefined;
    if (p?.kind !== 'xcomObject' || typeof p.connectionId !== 'string' || !p.reference || typeof p.title !== 'string') return undefined;
    const connection = this.connections.get(p.connectionId);
    if (!connection) return undefined;
    return this.objectPreview(connection, p.reference, p.title);
  }

  /** A preview of a referenced object read with the connection's S3 settings. */
  async objectPreview(connection: ConnectionConfig, reference: PersistedXComPreview['reference'], title: string): Promise<PreviewRequest> {
    const store = await this.objectStores.storeFor(connection);
    const persist: PersistedXComPreview = { kind: 'xcomObject', connectionId: connection.id, reference: { bucket: reference.bucket, key: reference.key, formatHint: reference.formatHint, compression: reference.compression, raw: reference.raw, rule: reference.rule }, title };
    const source = await s3TableSource(store, { bucket: reference.bucket, key: reference.key }, {
      title,
      formatHint: reference.formatHint === 'pickle' ? undefined : reference.formatHint,
      compression: reference.compression,
      persist,
    });
    return { title, subtitle: `s3://${reference.bucket}/${reference.key}`, source };
  }
}
