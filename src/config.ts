import * as vscode from 'vscode';
import { PREFIX } from './constants';
import type { StorageSettings } from './storage/storageSettings';

/** One metadata DB connection as stored in settings: the URL never holds the password. */
export interface ConnectionConfig {
  /** Stable id; keys the password in SecretStorage. */
  id: string;
  /** Label shown in the tree. */
  name: string;
  /** SQLAlchemy-style URL without password. */
  url: string;
  /** PostgreSQL schema holding Airflow's tables. */
  schema?: string;
  /** S3 access for offloaded XComs. */
  storage?: StorageSettings;
  /** TLS of an Airflow API (https://) connection: an extra CA file, or no verification (insecure, warned). */
  tls?: { caFile?: string; skipVerify?: boolean };
}

/** A custom reference rule from settings. */
export interface CustomReferenceRuleConfig {
  /** Name shown in tooltips. */
  name?: string;
  /** Text a reference starts with. */
  prefix: string;
  /** Fixed bucket, if the reference carries none. */
  bucket?: string;
  /** Text put in front of the key. */
  keyPrefix?: string;
  /** Format of the object. */
  format?: 'auto' | 'csv' | 'json' | 'parquet';
}

/** Every XCom Lens setting, typed. */
export interface Settings {
  connections: ConnectionConfig[];
  connectTimeoutSeconds: number;
  queryTimeoutSeconds: number;
  pageSize: number;
  referencePreset: 'auto' | 'article' | 'astronomer' | 'astronomerProviders' | 'commonIo' | 'none';
  referencePrefix: string;
  objectStoragePath: string;
  customReferenceRules: CustomReferenceRuleConfig[];
  clientRowCap: number;
  maxRawEditorBytes: number;
  presignExpiryMinutes: number;
  /** Longest wait for S3 (connect, an answer, the next bytes), in seconds, clamped to 1–600. */
  s3RequestTimeoutSeconds: number;
}

/** The one typed reader of `xcomLens.*` settings. */
export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(PREFIX);
  return {
    connections: c.get<ConnectionConfig[]>('connections', []).filter(isConnectionConfig),
    connectTimeoutSeconds: c.get<number>('connectTimeoutSeconds', 10),
    queryTimeoutSeconds: c.get<number>('queryTimeoutSeconds', 30),
    pageSize: c.get<number>('pageSize', 50),
    referencePreset: c.get<Settings['referencePreset']>('references.preset', 'auto'),
    referencePrefix: c.get<string>('references.prefix', 'xcom_s3'),
    objectStoragePath: c.get<string>('references.objectStoragePath', ''),
    customReferenceRules: c.get<CustomReferenceRuleConfig[]>('references.customRules', []).filter((r) => typeof r?.prefix === 'string' && r.prefix.length > 0),
    clientRowCap: c.get<number>('preview.clientRowCap', 200000),
    maxRawEditorBytes: c.get<number>('preview.maxRawEditorBytes', 5000000),
    presignExpiryMinutes: c.get<number>('copy.presignExpiryMinutes', 15),
    s3RequestTimeoutSeconds: clampSeconds(c.get<number>('s3.requestTimeoutSeconds', 30), 1, 600, 30),
  };
}

/** Writes the connection list where it was found (workspace if set there, else user settings). */
export async function writeConnections(connections: ConnectionConfig[]): Promise<void> {
  const c = vscode.workspace.getConfiguration(PREFIX);
  const inspected = c.inspect<ConnectionConfig[]>('connections');
  const target = inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await c.update('connections', connections, target);
}

function isConnectionConfig(value: unknown): value is ConnectionConfig {
  const v = value as Partial<ConnectionConfig> | undefined;
  return typeof v?.id === 'string' && typeof v.name === 'string' && typeof v.url === 'string';
}

/** A number setting kept within [min, max]; `fallback` when it is not a number. */
function clampSeconds(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}
