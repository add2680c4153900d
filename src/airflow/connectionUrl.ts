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

const URL_PATTERN = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s;

function schemeOf(url: string): { base: string; rest: string } {
  const m = URL_PATTERN.exec(url.trim());
  if (!m) throw new Error(`Not a database URL: expected something like postgresql://user@host:5432/airflow or sqlite:////path/airflow.db`);
  const base = m[1].toLowerCase().split('+')[0];
  return { base, rest: m[2] };
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

/** Parses a SQLAlchemy URL; throws an Error with a message users understand for anything else. */
export function parseConnectionUrl(url: string): ParsedConnectionUrl {
  const { base, rest } = schemeOf(url);
  const dialect = SCHEMES[base];
  if (!dialect) throw new Error(`Unsupported scheme '${base}' in the connection URL: use sqlite, postgresql or mysql (mariadb) URLs`);
  const qIndex = rest.indexOf('?');
  const beforeQuery = qIndex < 0 ? rest : rest.slice(0, qIndex);
  const options = parseQuery(qIndex < 0 ? undefined : rest.slice(qIndex + 1));
  if (dialect === 'sqlite') {
    // sqlite:///rel.db → "/rel.db" after the authority (empty); sqlite:////abs → "//abs".
    if (!beforeQuery.startsWith('/') || beforeQuery === '/') {
      throw new Error('SQLite URL without a file: use sqlite:////absolute/path/airflow.db (in-memory databases cannot be browsed)');
    }
    const sqlitePath = decode(beforeQuery.slice(1));
    return { dialect, sqlitePath, options };
  }
  const slash = beforeQuery.indexOf('/');
  const authority = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash);
  const database = slash < 0 ? undefined : decode(beforeQuery.slice(slash + 1)) || undefined;
  const at = authority.lastIndexOf('@');
  const userInfo = at < 0 ? undefined : authority.slice(0, at);
  const hostPort = at < 0 ? authority : authority.slice(at + 1);
  let user: string | undefined;
  let password: string | undefined;
  if (userInfo !== undefined) {
    const colon = userInfo.indexOf(':');
    user = decode(colon < 0 ? userInfo : userInfo.slice(0, colon)) || undefined;
    password = colon < 0 ? undefined : decode(userInfo.slice(colon + 1));
  }
  let host: string | undefined;
  let port: number | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort);
  if (v6) {
    host = v6[1];
    port = v6[2] ? Number(v6[2]) : undefined;
  } else {
    const colon = hostPort.lastIndexOf(':');
    host = decode(colon < 0 ? hostPort : hostPort.slice(0, colon)) || undefined;
    const portText = colon < 0 ? '' : hostPort.slice(colon + 1);
    if (portText) {
      if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw new Error(`Invalid port '${portText}' in the database URL`);
      port = Number(portText);
    }
  }
  const parsed: ParsedConnectionUrl = { dialect, options };
  if (host !== undefined) parsed.host = host;
  if (port !== undefined) parsed.port = port;
  if (database !== undefined) parsed.database = database;
  if (user !== undefined) parsed.user = user;
  if (password !== undefined) parsed.password = password;
  if (dialect === 'postgres') {
    const schema = options.schema ?? /(?:^|\s)-c\s*search_path=([^\s,]+)/.exec(options.options ?? '')?.[1];
    if (schema) parsed.schema = schema;
  }
  return parsed;
}

/** Splits a URL into scheme, user info and the rest, without validating; undefined when it has no user info. */
function splitUserInfo(url: string): { prefix: string; user: string; password: string | undefined; suffix: string } | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/s.exec(url);
  if (!m) return undefined;
  const authority = m[2];
  const at = authority.lastIndexOf('@');
  if (at < 0) return undefined;
  const userInfo = authority.slice(0, at);
  const colon = userInfo.indexOf(':');
  return {
    prefix: m[1],
    user: colon < 0 ? userInfo : userInfo.slice(0, colon),
    password: colon < 0 ? undefined : userInfo.slice(colon + 1),
    suffix: authority.slice(at) + m[3],
  };
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
