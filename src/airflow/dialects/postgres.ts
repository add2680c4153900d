// PostgreSQL through `pg` (pure JS): a small pool of read-only sessions, statement_timeout, search_path, cancel on abort.
import { AuthenticationError, ConnectionError, QueryError, scrubSecrets } from '../errors';
import type { ParsedConnectionUrl } from '../connectionUrl';
import { throwIfAborted, type DriverOptions, type SqlDriver } from './driver';

type PgModule = typeof import('pg');

const TIMESTAMP_OID = 1114;
const TIMESTAMPTZ_OID = 1184;

function sslFor(mode: string | undefined): boolean | { rejectUnauthorized: boolean } | undefined {
  switch ((mode ?? '').toLowerCase()) {
    case '':
    case 'disable':
    case 'allow':
      return undefined;
    case 'prefer':
      return undefined;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      return undefined;
  }
}

/** Maps a pg error to one users understand (what is wrong and what to do); never includes the password. */
export function pgError(error: unknown, where: string, password: string | undefined, connectTimeoutMs = 10_000): Error {
  const e = error as { code?: string; message?: string };
  const message = scrubSecrets(e?.message ?? String(error), [password]);
  const hostPort = where.replace(/\/.*$/, '');
  switch (e?.code) {
    case '28P01':
    case '28000':
      return new AuthenticationError(`PostgreSQL at ${where} refused the login: ${message}. Check the user name and password of the connection.`, { cause: error });
    case '3D000':
      return new ConnectionError(`PostgreSQL at ${hostPort} has no such database: ${message}. Check the database name at the end of the URL.`, { cause: error });
    case 'ECONNREFUSED':
      return new ConnectionError(`Cannot reach PostgreSQL at ${where}: connection refused (is the server running on that port?)`, { cause: error });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConnectionError(`Cannot reach PostgreSQL at ${where}: unknown host. Check the host name (a docker-compose service name resolves only inside its network).`, { cause: error });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ConnectionError(`Cannot reach PostgreSQL at ${where}: no route to the host. Check the host, the network or the VPN.`, { cause: error });
    case '57014':
      return new QueryError(`PostgreSQL cancelled the query (timeout or cancel): ${message}`, 'timeout', { cause: error });
    case '25006':
      return new QueryError(`PostgreSQL refused a write: the session is read-only (${message})`, 'readOnly', { cause: error });
    default:
      if (/timeout/i.test(message) && /connect/i.test(message)) {
        return new ConnectionError(
          `No answer from PostgreSQL at ${hostPort} after ${Math.round(connectTimeoutMs / 1000)} s: check the host and port, and that a firewall or VPN lets the connection through.`,
          { cause: error, kind: 'timeout' },
        );
      }
      return new QueryError(`PostgreSQL error at ${where}: ${message}`, 'query', { cause: error });
  }
}

/** Creates a PostgreSQL driver (connects on first query). */
export function createPostgresDriver(url: ParsedConnectionUrl, options: DriverOptions): SqlDriver {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg: PgModule = require('pg');
  const where = `${url.host ?? 'localhost'}:${url.port ?? 5432}/${url.database ?? ''}`;
  const schema = options.schema ?? url.schema;
  // UTC session: timestamptz comes back as '2024-01-01 00:00:00+00', which the source turns into ISO text without Date.
  const pgOptions = ['-c default_transaction_read_only=on', `-c statement_timeout=${Math.max(1, Math.round(options.queryTimeoutMs))}`, '-c timezone=UTC'];
  if (schema) pgOptions.push(`-c search_path=${schema.replace(/[^A-Za-z0-9_$]/g, '')},public`);
  const config: import('pg').PoolConfig = {
    host: url.host ?? 'localhost',
    port: url.port ?? 5432,
    database: url.database ?? 'airflow',
    user: url.user ?? 'postgres',
    max: 4,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: options.connectTimeoutMs,
    options: pgOptions.join(' '),
    application_name: 'xcom-lens',
    // Timestamps stay text (no Date parsing per cell: the source only needs ISO strings).
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === TIMESTAMPTZ_OID || oid === TIMESTAMP_OID ? (value: string) => value : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  };
  if (url.password !== undefined) config.password = url.password;
  const ssl = sslFor(url.options.sslmode);
  if (ssl) config.ssl = ssl;
  const pool = new pg.Pool(config);
  pool.on('error', () => {
    // idle client errors (server restarted): the pool replaces the client
  });

  const cancel = async (pid: number) => {
    const c = new pg.Client({ ...config, options: undefined });
    try {
      await c.connect();
      await c.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch {
      // best effort
    } finally {
      await c.end().catch(() => undefined);
    }
  };

  const driver: SqlDriver = {
    dialect: 'postgres',
    quote: (id) => `"${id.replace(/"/g, '""')}"`,
    placeholder: (i) => `$${i}`,
    async query(sql, params, signal) {
      throwIfAborted(signal);
      let client: import('pg').PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw pgError(error, where, url.password, options.connectTimeoutMs);
      }
      const pid = (client as unknown as { processID?: number }).processID;
      const onAbort = () => {
        if (pid) void cancel(pid);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const result = await client.query({ text: sql, values: params as unknown[] });
        if (signal?.aborted) throw new QueryError('The query was cancelled', 'cancelled');
        return result.rows as Record<string, unknown>[];
      } catch (error) {
        if (error instanceof QueryError) throw error;
        if (signal?.aborted) throw new QueryError('The query was cancelled', 'cancelled', { cause: error });
        throw pgError(error, where, url.password, options.connectTimeoutMs);
      } finally {
        signal?.removeEventListener('abort', onAbort);
        client.release();
      }
    },
    async serverVersion(signal) {
      const rows = await driver.query("SELECT current_setting('server_version') AS v", [], signal);
      return `PostgreSQL ${String(rows[0]?.v ?? '')}`;
    },
    async tableNames(signal) {
      const rows = await driver.query(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name",
        [],
        signal,
      );
      return rows.map((r) => String(r.name));
    },
    async tableColumns(table, signal) {
      const rows = await driver.query(
        'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1',
        [table],
        signal,
      );
      return new Set(rows.map((r) => String(r.name)));
    },
    valueHead(column, generation, bytes) {
      return generation === 2 ? `substring(${column} from 1 for ${bytes})` : `left(${column}::text, ${bytes})`;
    },
    valueSize(column, generation) {
      return generation === 2 ? `length(${column})` : `length(${column}::text)`;
    },
    valueFull(column, generation) {
      return generation === 2 ? column : `${column}::text`;
    },
    async close() {
      await pool.end().catch(() => undefined);
    },
  };
  return driver;
}
