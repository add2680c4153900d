// Finds the Airflow metadata DB URL and API server the way Airflow itself does (AirflowConfigParser.get lookup order),
// and the XCom backend settings. `_cmd` / `_secret` variants are reported, never executed.
import { existsSync, readFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import * as ini from 'ini';

/** Where to look. */
export interface DiscoveryOptions {
  /** Environment variables (process.env). */
  env: Record<string, string | undefined>;
  /** The user's home folder. */
  homeDir: string;
  /** Workspace folders (absolute paths), searched for airflow.cfg. */
  workspaceFolders: readonly string[];
  /** Reads a file as UTF-8 (tests); rejects when missing. */
  readFile?: (path: string) => Promise<string>;
}

/** A connection URL found, and where. */
export interface DiscoveredConnection {
  /** The URL, when it is given directly. */
  url?: string;
  /** Where it came from ("env AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "/home/me/airflow/airflow.cfg [database]", …). */
  origin: string;
  /** True when the URL is produced by a command or secrets backend (`_cmd` / `_secret`): never run by XCom Lens. */
  needsCommand?: boolean;
  /** Why a file that was found is not used ("line 3: a line that is neither `[section]` nor `key = value`"). */
  problem?: string;
}

/** Airflow's XCom backend settings, and the backends' own variables. */
export type AirflowBackendConfig = {
  /** `[core] xcom_backend`. */
  xcomBackend?: string;
  /** `[common.io] xcom_objectstorage_path`. */
  objectStoragePath?: string;
  /** Astronomer's backend bucket: `S3_XCOM_BUCKET_NAME`, or the Airflow Variable of that name set in the environment. */
  astronomerBucket?: string;
  /** astronomer-providers' `XCOM_BACKEND_BUCKET_NAME`. */
  providersBucket?: string;
  /** astronomer-providers' `XCOM_BACKEND_PREFIX`. */
  providersPrefix?: string;
};

type IniData = Record<string, Record<string, unknown> | unknown>;

function expandHome(path: string, homeDir: string): string {
  if (path === '~') return homeDir;
  if (path.startsWith('~/')) return join(homeDir, path.slice(2));
  return path;
}

function expandVars(value: string, env: Record<string, string | undefined>, homeDir: string): string {
  let out = expandHome(value, homeDir);
  out = out.replace(
    /\$(\w+)|\$\{(\w+)\}/g,
    (m, a: string | undefined, b: string | undefined) => env[(a ?? b) as string] ?? m,
  );
  return out;
}

/** AIRFLOW_HOME as Airflow computes it. */
function airflowHome(env: Record<string, string | undefined>, homeDir: string): string {
  const raw = env.AIRFLOW_HOME;
  return raw ? resolve(expandHome(raw, homeDir)) : join(homeDir, 'airflow');
}

function configPath(env: Record<string, string | undefined>, homeDir: string): string {
  const raw = env.AIRFLOW_CONFIG;
  return raw ? resolve(expandHome(raw, homeDir)) : join(airflowHome(env, homeDir), 'airflow.cfg');
}

/** Replaces `{AIRFLOW_HOME}` templates and `%%` escapes the way Airflow's config parser does. */
function cfgValue(
  raw: unknown,
  home: string,
  env: Record<string, string | undefined>,
  homeDir: string,
): string | undefined {
  if (typeof raw !== 'string') return undefined;
  let v = raw.trim();
  if (!v) return undefined;
  v = v.replace(/\{AIRFLOW_HOME\}/g, home).replace(/%%/g, '%');
  return expandVars(v, env, homeDir);
}

function section(data: IniData, name: string): Record<string, unknown> {
  // The ini package nests dotted section names ([common.io] → data.common.io).
  let s: unknown = data[name];
  if (!s && name.includes('.')) {
    s = name
      .split('.')
      .reduce<unknown>(
        (o, part) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[part] : undefined),
        data,
      );
  }
  return s && typeof s === 'object' ? (s as Record<string, unknown>) : {};
}

/**
 * Rewrites Python configparser syntax into what the `ini` package reads the same way: configparser has no inline
 * comments (a `;` or `#` inside a value, e.g. in a password, is kept) and accepts `key: value` as well as `key = value`.
 */
export function configParserToIni(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => {
      if (/^\s*([;#[]|$)/.test(line)) return line;
      const m = /^(\s*[^=:\s][^=:]*?)\s*[=:]\s*(.*)$/.exec(line);
      if (!m) return line;
      return `${m[1]} = ${m[2].replace(/[\\;#]/g, (c) => `\\${c}`)}`;
    })
    .join('\n');
}

/**
 * The first line Python's configparser (as Airflow configures it: strict, no keys without values) refuses, with
 * why, or undefined when the whole text is readable. Airflow itself stops on such a file.
 */
export function configParserProblem(text: string): string | undefined {
  const sections = new Set<string>();
  let keys: Set<string> | undefined;
  let inValue = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const where = `line ${i + 1}`;
    const stripped = line.trim();
    if (!stripped || stripped.startsWith('#') || stripped.startsWith(';')) continue;
    if (inValue && /^\s/.test(line)) continue; // continuation of a multi-line value
    inValue = false;
    const header = /^\[(.+)\]/.exec(line);
    if (header) {
      if (sections.has(header[1])) return `${where}: section [${header[1]}] appears twice`;
      sections.add(header[1]);
      keys = new Set();
      continue;
    }
    if (!keys) return `${where}: a setting before any [section] header`;
    const option = /^(.*?)\s*[=:]\s*(.*)$/.exec(line);
    const key = option?.[1].trim().toLowerCase();
    if (!option || !key) return `${where}: neither a [section] header nor a "key = value" line`;
    if (keys.has(key)) return `${where}: "${key}" appears twice in its section`;
    keys.add(key);
    inValue = true;
  }
  return undefined;
}

function parseIni(text: string): IniData {
  try {
    return ini.parse(configParserToIni(text)) as IniData;
  } catch {
    return {};
  }
}

/** Sections whose `base_url` names Airflow's API server / UI, newest Airflow first. */
const API_SECTIONS = ['api', 'webserver'] as const;

function isHttpUrl(url: string): boolean {
  return /^https?:\/\/[^/\s]/i.test(url);
}

/** The API server a cfg names: `[api] base_url` (Airflow 3) before `[webserver] base_url` (Airflow 2). */
function apiServersFromCfg(
  data: IniData,
  file: string,
  home: string,
  env: Record<string, string | undefined>,
  homeDir: string,
): DiscoveredConnection[] {
  const found: DiscoveredConnection[] = [];
  for (const sectionName of API_SECTIONS) {
    const url = cfgValue(section(data, sectionName).base_url, home, env, homeDir);
    if (url && isHttpUrl(url)) found.push({ url, origin: `${file} [${sectionName}] base_url` });
  }
  return found;
}

function connectionsFromCfg(
  data: IniData,
  file: string,
  home: string,
  env: Record<string, string | undefined>,
  homeDir: string,
): DiscoveredConnection[] {
  const found: DiscoveredConnection[] = [];
  for (const sectionName of ['database', 'core']) {
    const s = section(data, sectionName);
    const url = cfgValue(s.sql_alchemy_conn, home, env, homeDir);
    if (url) found.push({ url, origin: `${file} [${sectionName}] sql_alchemy_conn` });
    for (const suffix of ['cmd', 'secret']) {
      if (cfgValue(s[`sql_alchemy_conn_${suffix}`], home, env, homeDir)) {
        found.push({ origin: `${file} [${sectionName}] sql_alchemy_conn_${suffix}`, needsCommand: true });
      }
    }
  }
  return found;
}

/** The files whose appearance or change can change what discovery finds: airflow.cfg files and the default DB. */
export function discoveryFiles(options: Omit<DiscoveryOptions, 'readFile'>): string[] {
  const { env, homeDir } = options;
  return [
    configPath(env, homeDir),
    join(airflowHome(env, homeDir), 'airflow.db'),
    ...options.workspaceFolders.flatMap((f) => [join(f, 'airflow.cfg'), join(f, 'airflow', 'airflow.cfg')]),
  ];
}

/** What Airflow's configuration names: metadata DB URLs and API servers, each in Airflow's lookup order. */
export interface DiscoveryResult {
  /** Metadata DB URLs (and `_cmd` / `_secret` settings, and unreadable files), without duplicates. */
  candidates: DiscoveredConnection[];
  /** API server base URLs (`[api] base_url`, `[webserver] base_url`), without duplicates. */
  apiServers: DiscoveredConnection[];
}

/** Every Airflow metadata DB URL and API server found, in Airflow's lookup order, without duplicates. */
export async function discoverAirflowConnections(options: DiscoveryOptions): Promise<DiscoveryResult> {
  const { env, homeDir } = options;
  const read = options.readFile ?? ((p: string) => fsp.readFile(p, 'utf8'));
  const candidates: DiscoveredConnection[] = [];
  const apiServers: DiscoveredConnection[] = [];
  for (const sectionName of API_SECTIONS) {
    const name = `AIRFLOW__${sectionName.toUpperCase()}__BASE_URL`;
    const value = env[name]?.trim();
    if (value && isHttpUrl(value)) apiServers.push({ url: expandVars(value, env, homeDir), origin: `env ${name}` });
  }
  for (const sectionName of ['DATABASE', 'CORE']) {
    const name = `AIRFLOW__${sectionName}__SQL_ALCHEMY_CONN`;
    const value = env[name]?.trim();
    if (value) candidates.push({ url: expandVars(value, env, homeDir), origin: `env ${name}` });
    for (const suffix of ['CMD', 'SECRET']) {
      if (env[`${name}_${suffix}`]?.trim()) candidates.push({ origin: `env ${name}_${suffix}`, needsCommand: true });
    }
  }
  const home = airflowHome(env, homeDir);
  const files = [configPath(env, homeDir)];
  for (const folder of options.workspaceFolders) {
    for (const candidate of [join(folder, 'airflow.cfg'), join(folder, 'airflow', 'airflow.cfg')]) {
      if (!files.includes(candidate)) files.push(candidate);
    }
  }
  for (const file of files) {
    let text: string;
    try {
      text = await read(file);
    } catch {
      continue;
    }
    const problem = configParserProblem(text);
    if (problem) {
      candidates.push({ origin: file, problem });
      continue;
    }
    const data = parseIni(text);
    candidates.push(...connectionsFromCfg(data, file, home, env, homeDir));
    apiServers.push(...apiServersFromCfg(data, file, home, env, homeDir));
  }
  const defaultDb = join(home, 'airflow.db');
  let defaultExists = false;
  try {
    if (options.readFile) {
      await options.readFile(defaultDb);
      defaultExists = true;
    } else {
      defaultExists = existsSync(defaultDb);
    }
  } catch {
    defaultExists = false;
  }
  if (defaultExists) candidates.push({ url: `sqlite:///${defaultDb}`, origin: `default ${defaultDb}` });
  return { candidates: withoutDuplicates(candidates), apiServers: withoutDuplicates(apiServers) };
}

function withoutDuplicates(found: DiscoveredConnection[]): DiscoveredConnection[] {
  const seen = new Set<string>();
  return found.filter((c) => {
    if (!c.url) return true;
    if (seen.has(c.url)) return false;
    seen.add(c.url);
    return true;
  });
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Airflow's XCom backend settings (env first, then airflow.cfg at $AIRFLOW_CONFIG / $AIRFLOW_HOME, then workspace folders). */
export function readAirflowBackendConfig(
  options: Omit<DiscoveryOptions, 'readFile'> & {
    /** Reads a file as UTF-8, undefined when missing (tests). */ readFileSync?: (path: string) => string | undefined;
  },
): AirflowBackendConfig {
  const { env, homeDir } = options;
  const read = options.readFileSync ?? readIfExists;
  const home = airflowHome(env, homeDir);
  const config: AirflowBackendConfig = {};
  const xcomBackend = env.AIRFLOW__CORE__XCOM_BACKEND?.trim();
  if (xcomBackend) config.xcomBackend = xcomBackend;
  const path = env.AIRFLOW__COMMON_IO__XCOM_OBJECTSTORAGE_PATH?.trim();
  if (path) config.objectStoragePath = path;
  const astronomerBucket = (env.S3_XCOM_BUCKET_NAME || env.AIRFLOW_VAR_S3_XCOM_BUCKET_NAME)?.trim();
  if (astronomerBucket) config.astronomerBucket = astronomerBucket;
  const providersBucket = env.XCOM_BACKEND_BUCKET_NAME?.trim();
  if (providersBucket) config.providersBucket = providersBucket;
  const providersPrefix = env.XCOM_BACKEND_PREFIX?.trim();
  if (providersPrefix) config.providersPrefix = providersPrefix;
  const files = [
    configPath(env, homeDir),
    ...options.workspaceFolders.flatMap((f) => [join(f, 'airflow.cfg'), join(f, 'airflow', 'airflow.cfg')]),
  ];
  for (const file of files) {
    if (config.xcomBackend && config.objectStoragePath) break;
    if (!isAbsolute(file)) continue;
    const text = read(file);
    if (text === undefined) continue;
    const data = parseIni(text);
    const backend = cfgValue(section(data, 'core').xcom_backend, home, env, homeDir);
    if (!config.xcomBackend && backend) config.xcomBackend = backend;
    const osPath = cfgValue(section(data, 'common.io').xcom_objectstorage_path, home, env, homeDir);
    if (!config.objectStoragePath && osPath) config.objectStoragePath = osPath;
  }
  return config;
}

/** Airflow's `[logging]` settings that say where task logs are written. */
export interface AirflowLoggingConfig {
  /** `remote_logging`. */
  remoteLogging: boolean;
  /** `remote_base_log_folder` (s3://bucket/prefix, gs://…), when set. */
  remoteBaseLogFolder?: string;
  /** `remote_log_conn_id`, when set. */
  remoteLogConnId?: string;
  /** `base_log_folder`, default `$AIRFLOW_HOME/logs`. */
  baseLogFolder: string;
  /** `log_filename_template`, when set (else the default of the Airflow version applies). */
  logFilenameTemplate?: string;
  /** Where the settings came from ("env AIRFLOW__LOGGING__…", the airflow.cfg path), for messages. */
  origins: string[];
}

const LOGGING_KEYS = [
  'remote_logging',
  'remote_base_log_folder',
  'remote_log_conn_id',
  'base_log_folder',
  'log_filename_template',
] as const;

/**
 * Airflow's `[logging]` settings as Airflow reads them: `AIRFLOW__LOGGING__*` first, then airflow.cfg at
 * $AIRFLOW_CONFIG / $AIRFLOW_HOME, then the workspace folders' airflow.cfg ([core] as the pre-2.0 fallback).
 */
export function readAirflowLoggingConfig(
  options: Omit<DiscoveryOptions, 'readFile'> & {
    /** Reads a file as UTF-8, undefined when missing (tests). */ readFileSync?: (path: string) => string | undefined;
  },
): AirflowLoggingConfig {
  const { env, homeDir } = options;
  const read = options.readFileSync ?? readIfExists;
  const home = airflowHome(env, homeDir);
  const found: Partial<Record<(typeof LOGGING_KEYS)[number], string>> = {};
  const origins: string[] = [];
  for (const key of LOGGING_KEYS) {
    const name = `AIRFLOW__LOGGING__${key.toUpperCase()}`;
    const value = env[name]?.trim();
    if (value) {
      found[key] = expandVars(value, env, homeDir);
      origins.push(`env ${name}`);
    }
  }
  const files = [
    configPath(env, homeDir),
    ...options.workspaceFolders.flatMap((f) => [join(f, 'airflow.cfg'), join(f, 'airflow', 'airflow.cfg')]),
  ];
  for (const file of files) {
    if (!isAbsolute(file)) continue;
    const text = read(file);
    if (text === undefined) continue;
    const data = parseIni(text);
    let used = false;
    for (const key of LOGGING_KEYS) {
      if (found[key] !== undefined) continue;
      const value =
        cfgValue(section(data, 'logging')[key], home, env, homeDir) ??
        cfgValue(section(data, 'core')[key], home, env, homeDir);
      if (value !== undefined) {
        found[key] = value;
        used = true;
      }
    }
    if (used) origins.push(file);
  }
  const config: AirflowLoggingConfig = {
    remoteLogging: /^(true|t|1|yes|y|on)$/i.test(found.remote_logging ?? ''),
    baseLogFolder: found.base_log_folder ? resolve(found.base_log_folder) : join(home, 'logs'),
    origins,
  };
  if (found.remote_base_log_folder) config.remoteBaseLogFolder = found.remote_base_log_folder;
  if (found.remote_log_conn_id) config.remoteLogConnId = found.remote_log_conn_id;
  if (found.log_filename_template) config.logFilenameTemplate = found.log_filename_template;
  return config;
}
