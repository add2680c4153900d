// SQLAlchemy URLs as Airflow users write them (airflow.cfg `sql_alchemy_conn`), parsed into what the TS drivers need.
import type { Dialect } from './types';

/** A parsed SQLAlchemy URL. */
export interface ParsedConnectionUrl {
  /** Which client reads it. */
  dialect: Dialect;
  /** Host name (not for sqlite). */
  host?: string;
  /** Port, when the URL gives one. */
  port?: number;
  /** Database name. */
  database?: string;
  /** User name (percent-decoded). */
  user?: string;
  /** Password (percent-decoded). */
  password?: string;
  /** File path for sqlite (absolute for `sqlite:////abs`, relative for `sqlite:///rel`). */
  sqlitePath?: string;
  /** Query-string options (`sslmode`, `charset`, …). */
  options: Record<string, string>;
  /** PostgreSQL schema from `?options=-csearch_path=…` or `?schema=`, when given. */
  schema?: string;
}

const SCHEMES: Record<string, Dialect> = {
  sqlite: 'sqlite',
  postgresql: 'postgres',
  postgres: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
};

// The split SQLAlchemy's make_url makes: the user name runs to the first `:` or `/`, the password (greedy) to the
// LAST `@` of the whole URL, so a password may hold `@`, `#`, `/`, `?`, `:`; `#` is never a fragment marker.
const URL_PATTERN = /^([\w+]+):\/\/(?:([^:/]*)(?::(.*))?@)?(.*)$/s;
// After the user info: `[ipv6]` or a host, `:port`, `/database` (to the first `?`), `?query`.
const LOCATION_PATTERN = /^(?:\[([^/?]+)\]|([^/:?]+))?(?::([^/?]*))?(?:\/([^?]*))?(?:\?(.*))?$/s;

/** The raw (still percent-encoded) parts of a URL, as SQLAlchemy splits them; undefined if it is no URL. */
interface RawUrl {
  scheme: string;
  user: string | undefined;
  password: string | undefined;
  location: string;
}

function splitUrl(url: string): RawUrl | undefined {
  const m = URL_PATTERN.exec(url.trim());
  if (!m) return undefined;
  return { scheme: m[1], user: m[2], password: m[3], location: m[4] };
}

function schemeOf(url: string): { base: string; raw: RawUrl } {
  const raw = splitUrl(url);
  if (!raw)
    throw new Error(
      `Not a database URL: expected something like postgresql://user@host:5432/airflow or sqlite:////path/airflow.db`,
    );
  return { base: raw.scheme.toLowerCase().split('+')[0], raw };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parseQuery(query: string | undefined): Record<string, string> {
  const options: Record<string, string> = {};
  if (!query) return options;
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = decode((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
    const v = eq < 0 ? '' : decode(part.slice(eq + 1).replace(/\+/g, ' '));
    options[k] = v;
  }
  return options;
}

/** Parses a SQLAlchemy URL; throws an Error with a message users understand (never echoing the password). */
export function parseConnectionUrl(url: string): ParsedConnectionUrl {
  const { base, raw } = schemeOf(url);
  const dialect = SCHEMES[base];
  if (!dialect)
    throw new Error(
      `Unsupported scheme '${base}' in the connection URL: use sqlite, postgresql or mysql (mariadb) URLs`,
    );
  const location = LOCATION_PATTERN.exec(raw.location);
  if (!location)
    throw new Error('Could not read the host, port and database of the connection URL: expected host:port/database');
  const [, ipv6, ipv4, portText, databaseText, query] = location;
  const options = parseQuery(query);
  if (dialect === 'sqlite') return parseSqlite(databaseText, options);
  const parsed: ParsedConnectionUrl = { dialect, options };
  const host = ipv4 ?? ipv6;
  if (host) parsed.host = host;
  if (portText) {
    if (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new Error('Invalid port in the database URL: the port after host: must be a number from 1 to 65535');
    }
    parsed.port = Number(portText);
  }
  const database = databaseText === undefined ? undefined : decode(databaseText);
  if (database) parsed.database = database;
  const user = raw.user === undefined ? undefined : decode(raw.user);
  if (user) parsed.user = user;
  if (raw.password !== undefined) parsed.password = decode(raw.password);
  if (dialect === 'postgres') {
    const schema = options.schema ?? /(?:^|\s)-c\s*search_path=([^\s,]+)/.exec(options.options ?? '')?.[1];
    if (schema) parsed.schema = schema;
  }
  return parsed;
}

/** `sqlite:////abs/path.db` (the database part is the path); Airflow refuses relative paths, and so do we. */
function parseSqlite(databaseText: string | undefined, options: Record<string, string>): ParsedConnectionUrl {
  const sqlitePath = databaseText === undefined ? '' : decode(databaseText);
  if (!sqlitePath) {
    throw new Error(
      'SQLite URL without a file: use sqlite:////absolute/path/airflow.db (in-memory databases cannot be browsed)',
    );
  }
  if (!sqlitePath.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(sqlitePath)) {
    throw new Error(
      'Relative SQLite paths are refused, as Airflow refuses them: use an absolute path, ' +
        'four slashes then the path (sqlite:////home/me/airflow/airflow.db)',
    );
  }
  return { dialect: 'sqlite', sqlitePath, options };
}

/** The URL's scheme and user info split off the rest, without validating; undefined when it has no user info. */
function splitUserInfo(
  url: string,
): { prefix: string; user: string; password: string | undefined; suffix: string } | undefined {
  const raw = splitUrl(url);
  if (!raw || raw.user === undefined) return undefined;
  return { prefix: `${raw.scheme}://`, user: raw.user, password: raw.password, suffix: `@${raw.location}` };
}

/** The URL with its password replaced by `***` (also in `password=` query options); never throws. */
export function redactUrl(url: string | undefined): string {
  if (typeof url !== 'string') return '';
  try {
    const parts = splitUserInfo(url);
    let out = parts && parts.password !== undefined ? `${parts.prefix}${parts.user}:***${parts.suffix}` : url;
    out = out.replace(/([?&](?:password|passwd|pwd)=)[^&#]*/gi, '$1***');
    return out;
  } catch {
    return '***';
  }
}

/** The URL without a password (user kept). */
export function withoutPassword(url: string): string {
  const parts = splitUserInfo(url);
  if (!parts || parts.password === undefined) return url;
  return `${parts.prefix}${parts.user}${parts.suffix}`;
}

/** The URL with this password (percent-encoded) in place of any it had; undefined removes it. */
export function withPassword(url: string, password: string | undefined): string {
  const bare = withoutPassword(url);
  if (password === undefined) return bare;
  const parts = splitUserInfo(bare);
  if (!parts) {
    // No user info: nothing to attach the password to.
    return bare;
  }
  return `${parts.prefix}${parts.user}:${encodeURIComponent(password)}${parts.suffix}`;
}

/** The (percent-decoded) password of a URL, or undefined. */
export function passwordOf(url: string): string | undefined {
  const parts = splitUserInfo(url);
  if (!parts || parts.password === undefined) return undefined;
  return decode(parts.password);
}
