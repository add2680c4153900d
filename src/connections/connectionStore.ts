import * as vscode from 'vscode';
import { readSettings, writeConnections, type ConnectionConfig } from '../config';
import { PREFIX } from '../constants';

/** Static S3 credentials kept in SecretStorage (for S3-compatible servers without an AWS profile). */
export interface StoredS3Credentials {
  /** Access key id. */
  accessKeyId: string;
  /** Secret access key. */
  secretAccessKey: string;
}

/** Connections live in settings (without passwords); passwords and S3 keys live in SecretStorage. */
export class ConnectionStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the connection list or a secret changes. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [this.changed];

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${PREFIX}.connections`)) this.changed.fire();
      }),
    );
  }

  /** Every configured connection. */
  list(): ConnectionConfig[] {
    return readSettings().connections;
  }

  /** One connection by id. */
  get(id: string): ConnectionConfig | undefined {
    return this.list().find((c) => c.id === id);
  }

  /** Adds or replaces a connection; `password` undefined keeps the stored one, '' removes it. */
  async save(connection: ConnectionConfig, password?: string): Promise<void> {
    if (password !== undefined) {
      if (password) await this.secrets.store(passwordKey(connection.id), password);
      else await this.secrets.delete(passwordKey(connection.id));
    }
    const others = this.list().filter((c) => c.id !== connection.id);
    const index = this.list().findIndex((c) => c.id === connection.id);
    const next = [...others];
    next.splice(index < 0 ? next.length : index, 0, stripUndefined(connection));
    await writeConnections(next);
    this.changed.fire();
  }

  /** Removes a connection and its secrets. */
  async remove(id: string): Promise<void> {
    await writeConnections(this.list().filter((c) => c.id !== id));
    await this.secrets.delete(passwordKey(id));
    await this.secrets.delete(s3Key(id));
    this.changed.fire();
  }

  /** The stored DB password, if any. */
  getPassword(id: string): Thenable<string | undefined> {
    return this.secrets.get(passwordKey(id));
  }

  /** Static S3 credentials for a connection, if stored. */
  async getS3Credentials(id: string): Promise<StoredS3Credentials | undefined> {
    const raw = await this.secrets.get(s3Key(id));
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as Partial<StoredS3Credentials>;
      return parsed.accessKeyId && parsed.secretAccessKey ? { accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secretAccessKey } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores (or with undefined, forgets) static S3 credentials. */
  async setS3Credentials(id: string, credentials: StoredS3Credentials | undefined): Promise<void> {
    if (credentials) await this.secrets.store(s3Key(id), JSON.stringify(credentials));
    else await this.secrets.delete(s3Key(id));
    this.changed.fire();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

/** A new connection id, unique enough for one user's settings. */
export function newConnectionId(): string {
  return `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

function passwordKey(id: string): string {
  return `${PREFIX}.db.${id}`;
}

function s3Key(id: string): string {
  return `${PREFIX}.s3.${id}`;
}

function stripUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
