import * as vscode from 'vscode';
import { PromiseCache } from '../promiseCache';
import { readSettings, type ConnectionConfig } from '../config';
import { PREFIX } from '../constants';
import type { XComReference } from '../references';
import { parseAirflowAwsConnection } from '../storage/airflowAwsConnection';
import type { S3ObjectStore } from '../storage/objectStore';
import type { StaticCredentials, StorageSettings } from '../storage/storageSettings';
import type { ConnectionStore } from './connectionStore';

/**
 * One S3 object store per connection, built from its storage settings, its static keys in SecretStorage,
 * Airflow's own `AIRFLOW_CONN_AWS_DEFAULT`, or else the standard AWS credential chain (profiles, SSO, roles).
 */
export class ObjectStores implements vscode.Disposable {
  private readonly stores = new PromiseCache<string, S3ObjectStore>();
  private readonly subscriptions: vscode.Disposable;

  constructor(
    private readonly connections: ConnectionStore,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = vscode.Disposable.from(
      connections.onDidChange(() => this.clear()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${PREFIX}.s3`)) this.clear();
      }),
    );
  }

  /** The object store of a connection. */
  storeFor(connection: ConnectionConfig): Promise<S3ObjectStore> {
    return this.stores.get(connection.id, () => this.create(connection));
  }

  /** HEAD of a referenced object: its size and last-modified time. */
  async head(
    connection: ConnectionConfig,
    reference: XComReference,
    signal?: AbortSignal,
  ): Promise<{ size: number; lastModified?: Date }> {
    const store = await this.storeFor(connection);
    return store.head({ bucket: reference.bucket, key: reference.key }, signal);
  }

  /** The settings and credentials in force for a connection (for snippets and presigned URLs). */
  async settingsFor(
    connection: ConnectionConfig,
  ): Promise<{ settings: StorageSettings; credentials?: StaticCredentials; origin: string }> {
    const fromAirflow = process.env.AIRFLOW_CONN_AWS_DEFAULT
      ? safeParse(process.env.AIRFLOW_CONN_AWS_DEFAULT)
      : undefined;
    const settings: StorageSettings = { ...(fromAirflow?.settings ?? {}), ...stripEmpty(connection.storage ?? {}) };
    const stored = await this.connections.getS3Credentials(connection.id);
    if (stored) return { settings, credentials: stored, origin: 'access keys stored for this connection' };
    if (fromAirflow?.credentials && !settings.profile)
      return { settings, credentials: fromAirflow.credentials, origin: 'AIRFLOW_CONN_AWS_DEFAULT' };
    return {
      settings,
      origin: settings.profile ? `AWS profile "${settings.profile}"` : 'the default AWS credential chain',
    };
  }

  private async create(connection: ConnectionConfig): Promise<S3ObjectStore> {
    const { settings, credentials, origin } = await this.settingsFor(connection);
    this.log.info(
      `S3 for ${connection.name}: ${settings.endpointUrl ?? 'AWS'}${settings.region ? ` (${settings.region})` : ''}, credentials from ${origin}`,
    );
    // Loaded on first use: the AWS SDK is not evaluated during activation.
    const { openS3ObjectStore } = await import('../storage/objectStore');
    const secrets = credentials
      ? [credentials.secretAccessKey, ...(credentials.sessionToken ? [credentials.sessionToken] : [])]
      : [];
    const waitTimeoutMs = readSettings().s3RequestTimeoutSeconds * 1000;
    const options = { credentials, credentialsOrigin: origin, logger: this.log, secrets, waitTimeoutMs };
    return openS3ObjectStore(settings, options);
  }

  /** Forgets every store (settings or secrets changed). */
  clear(): void {
    this.stores.clear();
  }

  dispose(): void {
    this.subscriptions.dispose();
    this.stores.clear();
  }
}

function safeParse(value: string): ReturnType<typeof parseAirflowAwsConnection> | undefined {
  try {
    return parseAirflowAwsConnection(value);
  } catch {
    return undefined;
  }
}

function stripEmpty<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== '' && v !== undefined && v !== null),
  ) as Partial<T>;
}
