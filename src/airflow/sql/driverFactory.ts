// The one place a connection URL becomes a dialect driver: the URL is parsed once, the password travels beside it
// (so messages can be scrubbed of it), and the timeout settings are clamped to sane bounds.
import { parseConnectionUrl } from '../connectionUrl';
import type { DriverOptions, SqlDriver } from '../dialects/driver';
import { createMysqlDriver } from '../dialects/mysql';
import { createPostgresDriver } from '../dialects/postgres';
import { createSqliteDriver } from '../dialects/sqlite';

/** What a driver connects to: a SQLAlchemy URL and its password (in the URL or given apart). */
export interface DriverTarget {
  /** SQLAlchemy URL, with or without the password. */
  url: string;
  /** The password when it is not in the URL (from SecretStorage). */
  password?: string;
  /** PostgreSQL schema ([database] sql_alchemy_schema). */
  schema?: string;
  /** Milliseconds to wait for a connection (clamped to 1 s … 5 min). */
  connectTimeoutMs: number;
  /** Milliseconds a query may run (clamped to 1 s … 1 h). */
  queryTimeoutMs: number;
}

/** Clamps a timeout setting: a missing, zero, negative or absurd value never disables the timeout. */
function clampTimeout(ms: number, min: number, max: number, fallback: number): number {
  if (!Number.isFinite(ms) || ms <= 0) return fallback;
  return Math.min(max, Math.max(min, Math.round(ms)));
}

/** Creates the dialect driver for a URL, and returns the password that messages must never show. */
export function createDriver(target: DriverTarget): { driver: SqlDriver; password: string | undefined } {
  const parsed = parseConnectionUrl(target.url);
  const password = target.password ?? parsed.password;
  const options: DriverOptions = {
    connectTimeoutMs: clampTimeout(target.connectTimeoutMs, 1_000, 300_000, 10_000),
    queryTimeoutMs: clampTimeout(target.queryTimeoutMs, 1_000, 3_600_000, 30_000),
    ...(target.schema ? { schema: target.schema } : {}),
  };
  switch (parsed.dialect) {
    case 'sqlite':
      return { driver: createSqliteDriver(parsed.sqlitePath ?? '', options), password: undefined };
    case 'postgres':
      return { driver: createPostgresDriver({ url: parsed, password }, options), password };
    case 'mysql':
      return { driver: createMysqlDriver({ url: parsed, password }, options), password };
  }
}
