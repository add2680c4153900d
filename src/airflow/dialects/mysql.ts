// MySQL / MariaDB through `mysql2/promise` (pure JS): a small pool whose sessions are READ ONLY and in UTC, and a
// query that always ends: max_statement_time on the server, mysql2's per-query timeout on the client (a dead link),
// Cancel at once (KILL QUERY asked too). A dropped connection emits 'error' into a listener, never into the host.
import { CancellationError, throwIfCancelled } from '../../errors';
import { AuthenticationError, ConnectionError, QueryError, scrubSecrets } from '../errors';
import { untilCancelled, type DriverOptions, type ServerTarget, type SqlDriver } from './driver';

/** Maps a mysql2 error to one users understand (what is wrong and what to do); never includes the password. */
export function mysqlError(
  error: unknown,
  where: string,
  password: string | undefined,
  connectTimeoutMs = 10_000,
): Error {
  const e = error as { code?: string; errno?: number; message?: string };
  const message = scrubSecrets(e?.message ?? String(error), [password]);
  const hostPort = where.replace(/\/.*$/, '');
  if (e?.errno === 1969 || e?.errno === 3024)
    return new QueryError(`MySQL/MariaDB stopped the query: it ran past the query timeout (${message})`, 'timeout', {
      cause: error,
    });
  switch (e?.code) {
    case 'ER_DBACCESS_DENIED_ERROR':
      // The server answers this both for a database the user may not read and for one that does not exist.
      return new ConnectionError(
        `MySQL/MariaDB at ${hostPort}: the user may not open this database, or it does not exist (${message}). Check the database name at the end of the URL, or GRANT SELECT on it to the user.`,
        { cause: error },
      );
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return new AuthenticationError(
        `MySQL/MariaDB at ${where} refused the login: ${message}. Check the user name and password of the connection.`,
        { cause: error },
      );
    case 'ER_BAD_DB_ERROR':
      return new ConnectionError(
        `MySQL/MariaDB at ${hostPort} has no such database: ${message}. Check the database name at the end of the URL.`,
        { cause: error },
      );
    case 'ECONNREFUSED':
      return new ConnectionError(
        `Cannot reach MySQL/MariaDB at ${where}: connection refused (is the server running on that port?)`,
        { cause: error },
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConnectionError(
        `Cannot reach MySQL/MariaDB at ${where}: unknown host. Check the host name (a docker-compose service name resolves only inside its network).`,
        { cause: error },
      );
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ConnectionError(
        `Cannot reach MySQL/MariaDB at ${where}: no route to the host. Check the host, the network or the VPN.`,
        { cause: error },
      );
    case 'ETIMEDOUT':
      return new ConnectionError(
        `No answer from MySQL/MariaDB at ${hostPort} after ${Math.round(connectTimeoutMs / 1000)} s: check the host and port, and that a firewall or VPN lets the connection through.`,
        { cause: error, kind: 'timeout' },
      );
    case 'PROTOCOL_SEQUENCE_TIMEOUT':
    case 'ER_STATEMENT_TIMEOUT':
    case 'ER_QUERY_TIMEOUT':
      return new QueryError(`MySQL/MariaDB query timed out: ${message}`, 'timeout', { cause: error });
    case 'ECONNRESET':
    case 'EPIPE':
    case 'PROTOCOL_CONNECTION_LOST':
      return new ConnectionError(
        `The connection to MySQL/MariaDB at ${hostPort} was lost (${message}). The next query reconnects.`,
        {
          cause: error,
        },
      );
    case 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION':
      return new QueryError(`MySQL/MariaDB refused a write: the session is read-only (${message})`, 'readOnly', {
        cause: error,
      });
    default:
      return new QueryError(`MySQL/MariaDB error at ${where}: ${message}`, 'query', { cause: error });
  }
}

/** Creates a MySQL/MariaDB driver (connects on first query). */
export function createMysqlDriver({ url, password }: ServerTarget, options: DriverOptions): SqlDriver {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mysql: typeof import('mysql2/promise') = require('mysql2/promise');
  const where = `${url.host ?? 'localhost'}:${url.port ?? 3306}/${url.database ?? ''}`;
  const poolOptions: import('mysql2/promise').PoolOptions = {
    host: url.host ?? 'localhost',
    port: url.port ?? 3306,
    database: url.database ?? 'airflow',
    user: url.user ?? 'root',
    connectionLimit: 4,
    connectTimeout: options.connectTimeoutMs,
    dateStrings: true,
    supportBigNumbers: true,
    charset: 'utf8mb4',
    multipleStatements: false,
  };
  if (password !== undefined) poolOptions.password = password;
  if (url.options.ssl_ca || url.options.ssl === 'true' || url.options.ssl_mode?.toUpperCase() === 'REQUIRED')
    poolOptions.ssl = {};
  const pool = mysql.createPool(poolOptions);
  // Every new session: read-only, UTC (TIMESTAMP columns then read as UTC text).
  type RawConnection = { query(sql: string, cb?: () => never): void; on(event: string, cb: () => void): void };
  // A pooled connection whose link drops emits 'error': listened to here, the pool then discards it.
  (pool as unknown as { on(event: string, cb: () => void): void }).on('error', () => undefined);
  (pool as unknown as { pool: { on(event: string, cb: (c: RawConnection) => void): void } }).pool.on(
    'connection',
    (conn) => {
      conn.on('error', () => undefined);
      conn.query('SET SESSION TRANSACTION READ ONLY');
      conn.query("SET time_zone = '+00:00'");
      // Server-side statement limit too, so a timed-out SELECT stops on the server (MariaDB, then MySQL spelling).
      const seconds = Math.max(1, Math.ceil(options.queryTimeoutMs / 1000));
      conn.query(`SET SESSION max_statement_time = ${seconds}`, () => undefined as never);
      conn.query(`SET SESSION max_execution_time = ${seconds * 1000}`, () => undefined as never);
    },
  );

  const driver: SqlDriver = {
    dialect: 'mysql',
    quote: (id) => `\`${id.replace(/`/g, '``')}\``,
    placeholder: () => '?',
    async query(sql, params, signal) {
      throwIfCancelled(signal, 'The query was cancelled');
      let conn: import('mysql2/promise').PoolConnection;
      try {
        conn = await untilCancelled(pool.getConnection(), signal, (c) => c.destroy());
      } catch (error) {
        if (signal?.aborted) throw new CancellationError('The query was cancelled', { cause: error });
        throw mysqlError(error, where, password, options.connectTimeoutMs);
      }
      const threadId = conn.threadId;
      const kill = () => {
        void (async () => {
          try {
            const killer = await mysql.createConnection({ ...poolOptions });
            killer.on('error', () => undefined);
            await killer.query('KILL QUERY ?', [threadId]);
            await killer.end();
          } catch {
            // best effort: the session is dropped anyway
          }
        })();
      };
      let broken = false;
      try {
        const running = conn.query({ sql, values: params as unknown[], timeout: options.queryTimeoutMs });
        const [rows] = await untilCancelled(
          running,
          signal,
          () => undefined,
          () => {
            broken = true;
            kill();
          },
        );
        return rows as Record<string, unknown>[];
      } catch (error) {
        if (signal?.aborted) throw new CancellationError('The query was cancelled', { cause: error });
        const mapped = mysqlError(error, where, password, options.connectTimeoutMs);
        if (mapped instanceof ConnectionError || (error as { fatal?: boolean })?.fatal) broken = true;
        if ((error as { code?: string })?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') broken = true;
        throw mapped;
      } finally {
        if (broken) conn.destroy();
        else conn.release();
      }
    },
    async serverVersion(signal) {
      const rows = await driver.query('SELECT VERSION() AS v', [], signal);
      const v = String(rows[0]?.v ?? '');
      return /mariadb/i.test(v) ? `MariaDB ${v.replace(/-MariaDB.*$/i, '')}` : `MySQL ${v}`;
    },
    async tableNames(signal) {
      const rows = await driver.query(
        'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name',
        [],
        signal,
      );
      return rows.map((r) => String(r.name ?? r.NAME ?? r.TABLE_NAME));
    },
    async tableColumns(table, signal) {
      const rows = await driver.query(
        'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?',
        [table],
        signal,
      );
      return new Set(rows.map((r) => String(r.name ?? r.NAME ?? r.COLUMN_NAME)));
    },
    valueHead(column, generation, bytes) {
      return generation === 2 ? `SUBSTRING(${column}, 1, ${bytes})` : `SUBSTRING(CAST(${column} AS CHAR), 1, ${bytes})`;
    },
    valueSize(column, generation) {
      return generation === 2 ? `LENGTH(${column})` : `CHAR_LENGTH(CAST(${column} AS CHAR))`;
    },
    valueFull(column, generation) {
      return generation === 2 ? column : `CAST(${column} AS CHAR)`;
    },
    jsonText: (column) => `CAST(${column} AS CHAR)`,
    notAirflowHint: 'Check the database name in the URL.',
    async close() {
      await pool.end().catch(() => undefined);
    },
  };
  return driver;
}
