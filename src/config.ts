import * as vscode from 'vscode';
import { PREFIX } from './constants';

/** S3 access for one connection, as stored in settings (never a secret). */
export interface StorageConfig {
  /** Named AWS profile. */
  profile?: string;
  /** AWS region. */
  region?: string;
  /** S3-compatible endpoint URL. */
  endpointUrl?: string;
  /** Path-style addressing. */
  forcePathStyle?: boolean;
  /** Bucket for references that carry none. */
  bucket?: string;
}

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
  storage?: StorageConfig;
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
  /** `xcomLens.export.escapeFormulas`: Export CSV escapes cells a spreadsheet would run as formulas. */
  exportEscapeFormulas: boolean;
  /** `xcomLens.copy.escapeFormulas`: TSV and CSV copies escape them too. */
  copyEscapeFormulas: boolean;
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
    exportEscapeFormulas: c.get<boolean>('export.escapeFormulas', true),
    copyEscapeFormulas: c.get<boolean>('copy.escapeFormulas', false),
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
