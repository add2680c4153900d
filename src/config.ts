import * as vscode from 'vscode';
import { PREFIX } from './constants';
import type { CustomReferenceRule, ReferencePreset } from './references';
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
  /** How an https:// connection authenticates when not from its URL: `google` = Application Default Credentials. */
  restAuth?: 'google';
}

/** Every XCom Lens setting, typed. */
export interface Settings {
  connections: ConnectionConfig[];
  connectTimeoutSeconds: number;
  queryTimeoutSeconds: number;
  pageSize: number;
  referencePreset: ReferencePreset;
  referencePrefix: string;
  objectStoragePath: string;
  customReferenceRules: CustomReferenceRule[];
  clientRowCap: number;
  maxRawEditorBytes: number;
  presignExpiryMinutes: number;
  /** `xcomLens.export.escapeFormulas`: Export CSV escapes cells a spreadsheet would run as formulas. */
  exportEscapeFormulas: boolean;
  /** `xcomLens.copy.escapeFormulas`: TSV and CSV copies escape them too. */
  copyEscapeFormulas: boolean;
  /** Longest wait for S3 (connect, an answer, the next bytes), in seconds, clamped to 1–600. */
  s3RequestTimeoutSeconds: number;
  /** `xcomLens.logs.*`: where task logs are read when not through the REST API ('' = from Airflow's config). */
  logs: { remoteBaseLogFolder: string; baseLogFolder: string; filenameTemplate: string; tailBytes: number };
}

/** Bounds of every numeric setting, as declared in package.json; values outside are clamped, non-numbers ignored. */
const NUMBER_BOUNDS: Record<string, { min: number; max: number; fallback: number }> = {
  connectTimeoutSeconds: { min: 1, max: 300, fallback: 10 },
  queryTimeoutSeconds: { min: 1, max: 3600, fallback: 30 },
  pageSize: { min: 10, max: 1000, fallback: 50 },
  'preview.clientRowCap': { min: 1000, max: 5000000, fallback: 200000 },
  'preview.maxRawEditorBytes': { min: 1000, max: 100000000, fallback: 5000000 },
  'copy.presignExpiryMinutes': { min: 1, max: 10080, fallback: 15 },
  's3.requestTimeoutSeconds': { min: 1, max: 600, fallback: 30 },
  'logs.tailMegabytes': { min: 1, max: 1000, fallback: 8 },
};

/**
 * A setting's value: in a trusted workspace as VS Code resolves it; in an untrusted one the user's (global) value
 * only, so a workspace's settings cannot define connections, endpoints, rules or timeouts.
 */
function settingValue<T>(c: vscode.WorkspaceConfiguration, key: string, fallback: T): T {
  if (vscode.workspace.isTrusted) return c.get<T>(key, fallback);
  const inspected = c.inspect<T>(key);
  return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
}

/** A numeric setting clamped to its bounds (`connectTimeoutSeconds: 0` must not disable the timeout). */
function numberSetting(c: vscode.WorkspaceConfiguration, key: string): number {
  const { min, max, fallback } = NUMBER_BOUNDS[key];
  const value = settingValue<unknown>(c, key, fallback);
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

/** The one typed reader of `xcomLens.*` settings. */
export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(PREFIX);
  const rules = settingValue<unknown>(c, 'references.customRules', []);
  return {
    connections: readConnections(c),
    connectTimeoutSeconds: numberSetting(c, 'connectTimeoutSeconds'),
    queryTimeoutSeconds: numberSetting(c, 'queryTimeoutSeconds'),
    pageSize: Math.round(numberSetting(c, 'pageSize')),
    referencePreset: settingValue<Settings['referencePreset']>(c, 'references.preset', 'auto'),
    referencePrefix: settingValue<string>(c, 'references.prefix', 'xcom_s3'),
    objectStoragePath: settingValue<string>(c, 'references.objectStoragePath', ''),
    customReferenceRules: (Array.isArray(rules) ? (rules as CustomReferenceRule[]) : []).filter(
      (r) => typeof r?.prefix === 'string' && r.prefix.length > 0,
    ),
    clientRowCap: Math.round(numberSetting(c, 'preview.clientRowCap')),
    maxRawEditorBytes: Math.round(numberSetting(c, 'preview.maxRawEditorBytes')),
    presignExpiryMinutes: numberSetting(c, 'copy.presignExpiryMinutes'),
    s3RequestTimeoutSeconds: numberSetting(c, 's3.requestTimeoutSeconds'),
    exportEscapeFormulas: settingValue<boolean>(c, 'export.escapeFormulas', true),
    copyEscapeFormulas: settingValue<boolean>(c, 'copy.escapeFormulas', false),
    logs: {
      remoteBaseLogFolder: settingValue<string>(c, 'logs.remoteBaseLogFolder', '').trim(),
      baseLogFolder: settingValue<string>(c, 'logs.baseLogFolder', '').trim(),
      filenameTemplate: settingValue<string>(c, 'logs.filenameTemplate', '').trim(),
      tailBytes: Math.round(numberSetting(c, 'logs.tailMegabytes') * 1_000_000),
    },
  };
}

/** Trusted: the workspace's connections, then the user's not shadowed by id; untrusted: the user's only. */
function readConnections(c: vscode.WorkspaceConfiguration): ConnectionConfig[] {
  const inspected = c.inspect<unknown>('connections');
  const user = connectionList(inspected?.globalValue);
  if (!vscode.workspace.isTrusted) return user;
  // A workspace cannot send the user's Google credentials to a server of its choosing: only Composer hosts get them.
  const workspace = connectionList(inspected?.workspaceValue).map(({ restAuth: _ignored, ...c }) => c);
  return [...workspace, ...user.filter((u) => !workspace.some((w) => w.id === u.id))];
}

function connectionList(value: unknown): ConnectionConfig[] {
  return (Array.isArray(value) ? value : []).filter(isConnectionConfig);
}

/** The connections of the user's own (global) settings: the only ones trusted with a stored secret by id alone. */
export function userConnections(): ConnectionConfig[] {
  return connectionList(vscode.workspace.getConfiguration(PREFIX).inspect<unknown>('connections')?.globalValue);
}

/**
 * Adds or replaces a connection. A new one always goes to the user's (global) settings, never into a workspace's
 * file; one a trusted workspace defines is rewritten in that workspace's settings.
 */
export async function saveConnection(connection: ConnectionConfig): Promise<void> {
  const c = vscode.workspace.getConfiguration(PREFIX);
  const workspace = workspaceConnections(c);
  if (workspace.some((w) => w.id === connection.id)) {
    await c.update('connections', replaceOrAppend(workspace, connection), vscode.ConfigurationTarget.Workspace);
  } else {
    await c.update('connections', replaceOrAppend(userConnections(), connection), vscode.ConfigurationTarget.Global);
  }
}

/** Removes a connection from the settings that define it (a workspace's only when trusted). */
export async function removeConnection(id: string): Promise<void> {
  const c = vscode.workspace.getConfiguration(PREFIX);
  const workspace = workspaceConnections(c);
  if (workspace.some((w) => w.id === id)) {
    await c.update(
      'connections',
      workspace.filter((w) => w.id !== id),
      vscode.ConfigurationTarget.Workspace,
    );
  }
  const user = userConnections();
  if (user.some((u) => u.id === id)) {
    await c.update(
      'connections',
      user.filter((u) => u.id !== id),
      vscode.ConfigurationTarget.Global,
    );
  }
}

function workspaceConnections(c: vscode.WorkspaceConfiguration): ConnectionConfig[] {
  return vscode.workspace.isTrusted ? connectionList(c.inspect<unknown>('connections')?.workspaceValue) : [];
}

function replaceOrAppend(list: ConnectionConfig[], connection: ConnectionConfig): ConnectionConfig[] {
  const index = list.findIndex((x) => x.id === connection.id);
  return index < 0 ? [...list, connection] : list.map((x, i) => (i === index ? connection : x));
}

function isConnectionConfig(value: unknown): value is ConnectionConfig {
  const v = value as Partial<ConnectionConfig> | undefined;
  return typeof v?.id === 'string' && typeof v.name === 'string' && typeof v.url === 'string';
}
