import * as vscode from 'vscode';
import type { ConnectionConfig } from '../config';
import type { XComSummary } from '../airflow/types';
import { decodeXComValue, type DecodedXCom } from '../airflow/xcomValue';
import { matchReference, type ReferenceMatch, type ReferenceRule, type XComReference } from '../references';
import { errorMessage } from '../errors';
import type { DecodeLimits } from '../formats/decodeBudget';
import { isStorageError, storageErrorLabel } from '../storage/storageErrors';
import type { TreeNode } from './treeNodes/treeNode';

// Listing decodes every short value of a task instance: each gets a small share of the host's time.
const LISTING_LIMITS: DecodeLimits = { maxNodes: 10_000, maxDepth: 100, maxMillis: 10 };

/** What XCom Lens makes of one XCom value: decoded, and whether it points at offloaded data. */
export interface XComInsight {
  /** The decoded value. */
  decoded: DecodedXCom;
  /** The reference rules' verdict. */
  reference: ReferenceMatch;
}

/** What a HEAD of a referenced object found. */
export type ObjectStatus =
  | { state: 'pending' }
  | { state: 'present'; size: number; lastModified?: Date }
  | { state: 'missing'; message: string }
  | { state: 'error'; message: string; label: string };

/** HEADs an object for one connection; rejects with a StorageError. */
export type HeadObject = (
  connection: ConnectionConfig,
  reference: XComReference,
) => Promise<{ size: number; lastModified?: Date }>;

/**
 * Decodes XCom values and recognises references with the same rules as the backend; HEADs referenced objects
 * lazily (once per object, cached) and tells the tree when a result arrives.
 */
export class XComInspector implements vscode.Disposable {
  private readonly statuses = new Map<string, ObjectStatus>();
  private readonly nodeChanged = new vscode.EventEmitter<TreeNode>();
  /** Fires with a node whose object status arrived, for the tree to redraw it. */
  readonly onDidChangeNode = this.nodeChanged.event;

  constructor(
    private readonly rulesFor: (connection: ConnectionConfig | undefined) => ReferenceRule[],
    private readonly head: HeadObject,
    private readonly connectionOf: (summary: XComSummary) => ConnectionConfig | undefined = () => undefined,
  ) {}

  /** Decodes a listed XCom and matches it against the reference rules. */
  inspect(summary: XComSummary, connection?: ConnectionConfig): XComInsight {
    const decoded = decodeXComValue(summary.head, {
      truncated: !summary.headIsComplete,
      storedSize: summary.storedSize ?? undefined,
      limits: LISTING_LIMITS,
    });
    const reference = matchReference(decoded.value, this.rulesFor(connection ?? this.connectionOf(summary)));
    return { decoded, reference };
  }

  /** The cached HEAD result of a referenced object; starts the HEAD on first ask and calls `onResolved` when done. */
  objectStatus(connection: ConnectionConfig, reference: XComReference, onResolved: () => void): ObjectStatus {
    const key = `${connection.id}\u0000${reference.bucket}\u0000${reference.key}`;
    const known = this.statuses.get(key);
    if (known) return known;
    this.statuses.set(key, { state: 'pending' });
    this.head(connection, reference)
      .then(
        (info) =>
          this.statuses.set(key, {
            state: 'present',
            size: info.size,
            ...(info.lastModified ? { lastModified: info.lastModified } : {}),
          }),
        (error: unknown) => {
          const message = errorMessage(error);
          const missing = isStorageError(error) && (error.kind === 'notFound' || error.kind === 'noSuchBucket');
          const label = storageErrorLabel(error);
          this.statuses.set(key, missing ? { state: 'missing', message } : { state: 'error', message, label });
        },
      )
      .finally(onResolved);
    return { state: 'pending' };
  }

  /** Redraws a node whose object status arrived. */
  changed(node: TreeNode): void {
    this.nodeChanged.fire(node);
  }

  /** Forgets every HEAD result (Refresh). */
  clear(): void {
    this.statuses.clear();
  }

  dispose(): void {
    this.nodeChanged.dispose();
  }
}
