import * as vscode from 'vscode';
import { readSettings, removeConnection, saveConnection, userConnections, type ConnectionConfig } from '../config';
import { parseConnectionUrl, passwordOf } from '../airflow/connectionUrl';
import { PREFIX } from '../constants';
import type { DetectedConnection } from './detectedConnection';

/** Static S3 credentials kept in SecretStorage (for S3-compatible servers without an AWS profile). */
export interface StoredS3Credentials {
  /** Access key id. */
  accessKeyId: string;
  /** Secret access key. */
  secretAccessKey: string;
}

/** What changed: one connection (saved, removed, edited in settings, or to reconnect), or every one. */
export interface ConnectionChange {
  /** The connection that changed; undefined: every connection (Refresh). */
  id?: string;
}

/**
 * The Connections part: connections live in settings (without passwords); passwords and S3 keys live in
 * SecretStorage. Every change fires `onDidChange` with the connection it concerns; the tree model, object stores,
 * reference rules and the tree listen, so commands only write here.
 */
export class ConnectionStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ConnectionChange>();
  /** Fires when a connection, its secrets or the connection list changes, or when a reconnect is asked for. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable;
  /** The list as last announced, by id, to tell which connections a settings change touched. */
  private known = new Map<string, string>();
  /** Connections found in Airflow's configuration, by id (memory only). */
  private found = new Map<string, DetectedConnection>();

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.known = snapshot(this.list());
    this.subscriptions = vscode.Disposable.from(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${PREFIX}.connections`)) this.announceSettingsChange();
      }),
    );
  }

  /** Every configured connection. */
  list(): ConnectionConfig[] {
    return readSettings().connections;
  }

  /** Every connection the tree shows: the saved ones, then the detected ones no saved connection points at. */
  shown(): ConnectionConfig[] {
    return [...this.list(), ...this.detected().map((d) => d.connection)];
  }

  /** One connection by id: a saved one, else a detected one shown in the tree. */
  get(id: string): ConnectionConfig | undefined {
    return this.list().find((c) => c.id === id) ?? this.detectedById(id)?.connection;
  }

  /** The detected connections to show: those no saved connection already points at. */
  detected(): DetectedConnection[] {
    const saved = new Set(this.list().map((c) => c.url));
    return [...this.found.values()].filter((d) => !saved.has(d.connection.url));
  }

  /** Replaces the detected connections; fires for each one that appeared, changed or went. */
  setDetected(detected: DetectedConnection[]): void {
    const before = this.found;
    this.found = new Map(detected.map((d) => [d.connection.id, d]));
    for (const id of new Set([...before.keys(), ...this.found.keys()])) {
      if (JSON.stringify(before.get(id)) !== JSON.stringify(this.found.get(id))) this.changed.fire({ id });
    }
  }

  /** Asks everything that holds a connection open (the tree's sources, caches) to drop it and connect anew. */
  reconnect(id?: string): void {
    this.changed.fire(id === undefined ? {} : { id });
  }

  /**
   * Adds or replaces a connection; `password` undefined keeps the stored one (bound anew to the edited target),
   * '' removes it.
   */
  async save(connection: ConnectionConfig, password?: string): Promise<void> {
    const previous = this.get(connection.id);
    const kept = password === undefined && previous ? await this.getPassword(previous) : undefined;
    const next = password ?? kept;
    if (next) await this.secrets.store(passwordKey(connection.id), bindSecret(secretTarget(connection), next));
    else if (password === '') await this.secrets.delete(passwordKey(connection.id));
    const saved = stripUndefined(connection);
    await saveConnection(saved);
    this.announce(saved.id);
    // A detected connection this one now stands for is no longer shown: whatever held it open lets go.
    for (const d of this.found.values()) if (d.connection.url === saved.url) this.changed.fire({ id: d.connection.id });
  }

  /** Removes a connection and its secrets. */
  async remove(id: string): Promise<void> {
    await removeConnection(id);
    await this.secrets.delete(passwordKey(id));
    await this.secrets.delete(s3Key(id));
    this.announce(id);
  }

  /**
   * The stored DB password, handed out only to the host/port/database (or file) it was given for: a workspace
   * connection that reuses a user's id but points elsewhere gets nothing.
   */
  async getPassword(connection: ConnectionConfig): Promise<string | undefined> {
    // A detected connection gets only the password its own configuration gave, never a stored secret.
    const detected = this.found.get(connection.id);
    if (detected) return detected.connection.url === connection.url ? passwordOf(detected.url) : undefined;
    return unbindSecret(await this.secrets.get(passwordKey(connection.id)), secretTarget(connection), connection);
  }

  /** Static S3 credentials for a connection, if stored for the endpoint it now names. */
  async getS3Credentials(id: string): Promise<StoredS3Credentials | undefined> {
    const connection = this.get(id);
    if (!connection) return undefined;
    const raw = unbindSecret(await this.secrets.get(s3Key(id)), storageTarget(connection), connection);
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as Partial<StoredS3Credentials>;
      return parsed.accessKeyId && parsed.secretAccessKey
        ? { accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secretAccessKey }
        : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores (or with undefined, forgets) static S3 credentials, bound to the connection's endpoint. */
  async setS3Credentials(id: string, credentials: StoredS3Credentials | undefined): Promise<void> {
    const connection = this.get(id);
    if (credentials && connection) {
      await this.secrets.store(s3Key(id), bindSecret(storageTarget(connection), JSON.stringify(credentials)));
    } else await this.secrets.delete(s3Key(id));
    this.changed.fire({ id });
  }

  dispose(): void {
    this.subscriptions.dispose();
  }

  private detectedById(id: string): DetectedConnection | undefined {
    return this.detected().find((d) => d.connection.id === id);
  }

  /** Fires for one connection written here, and remembers the list as it now is. */
  private announce(id: string): void {
    this.known = snapshot(this.list());
    this.changed.fire({ id });
  }

  /** Fires once for every connection a settings change added, edited or removed (not for this store's own writes). */
  private announceSettingsChange(): void {
    const before = this.known;
    const after = snapshot(this.list());
    this.known = after;
    for (const id of new Set([...before.keys(), ...after.keys()])) {
      if (before.get(id) !== after.get(id)) this.changed.fire({ id });
    }
  }
}

function snapshot(connections: ConnectionConfig[]): Map<string, string> {
  return new Map(connections.map((c) => [c.id, JSON.stringify(c)]));
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

/** A stored secret with the target it was given for. */
interface BoundSecret {
  /** What the secret may be sent to (see secretTarget / storageTarget). */
  target: string;
  /** The secret itself. */
  secret: string;
}

/** The DB a password is for: dialect, host, port and database, or the SQLite file. */
function secretTarget(connection: ConnectionConfig): string {
  try {
    const p = parseConnectionUrl(connection.url);
    if (p.dialect === 'sqlite') return `sqlite:${p.sqlitePath ?? ''}`;
    return `${p.dialect}://${p.host ?? ''}:${p.port ?? ''}/${p.database ?? ''}`;
  } catch {
    return `invalid:${connection.url}`;
  }
}

function storageTarget(connection: ConnectionConfig): string {
  return `s3:${connection.storage?.endpointUrl ?? ''}`;
}

function bindSecret(target: string, secret: string): string {
  return JSON.stringify({ target, secret } satisfies BoundSecret);
}

/**
 * The secret if it was stored for `target`. A secret stored before binding existed (a plain string) is handed out
 * only to the connection of the user's own settings it was saved with, never to a workspace's.
 */
function unbindSecret(raw: string | undefined, target: string, connection: ConnectionConfig): string | undefined {
  if (raw === undefined) return undefined;
  try {
    const bound = JSON.parse(raw) as Partial<BoundSecret>;
    if (bound && typeof bound === 'object' && typeof bound.target === 'string' && typeof bound.secret === 'string') {
      return bound.target === target ? bound.secret : undefined;
    }
  } catch {
    // A plain string: the format before secrets were bound.
  }
  const mine = userConnections().some((u) => u.id === connection.id && u.url === connection.url);
  return mine ? raw : undefined;
}
