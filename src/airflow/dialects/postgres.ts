// PostgreSQL through `pg` (pure JS): a small pool of read-only sessions, search_path, and a query that always ends:
// statement_timeout on the server, query_timeout on the client (a dead link that stops passing bytes), Cancel at once
// (the server is asked to cancel too). Every pooled client has an 'error' listener: a dropped connection is no crash.
import { CancellationError, throwIfCancelled } from '../../errors';
import { AuthenticationError, ConnectionError, QueryError, scrubSecrets } from '../errors';
import { untilCancelled, type DriverOptions, type ServerTarget, type SqlDriver } from './driver';

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
      return new AuthenticationError(
        `PostgreSQL at ${where} refused the login: ${message}. Check the user name and password of the connection.`,
        { cause: error },
      );
    case '3D000':
      return new ConnectionError(
        `PostgreSQL at ${hostPort} has no such database: ${message}. Check the database name at the end of the URL.`,
        { cause: error },
      );
    case 'ECONNREFUSED':
      return new ConnectionError(
        `Cannot reach PostgreSQL at ${where}: connection refused (is the server running on that port?)`,
        { cause: error },
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConnectionError(
        `Cannot reach PostgreSQL at ${where}: unknown host. Check the host name (a docker-compose service name resolves only inside its network).`,
        { cause: error },
      );
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ConnectionError(
        `Cannot reach PostgreSQL at ${where}: no route to the host. Check the host, the network or the VPN.`,
        { cause: error },
      );
    case '57014':
      return new QueryError(`PostgreSQL cancelled the query (timeout or cancel): ${message}`, 'timeout', {
        cause: error,
      });
    case '25006':
      return new QueryError(`PostgreSQL refused a write: the session is read-only (${message})`, 'readOnly', {
        cause: error,
      });
    case 'ECONNRESET':
    case 'EPIPE':
      return lostConnection(hostPort, message, error);
  }
  if (/query read timeout/i.test(message)) {
    return new QueryError(
      `No answer from PostgreSQL at ${hostPort} within the query timeout: the query was abandoned. Check the network, ` +
        'the VPN or the tunnel, or raise xcomLens.queryTimeoutSeconds.',
      'timeout',
      { cause: error },
    );
  }
  if (/timeout/i.test(message) && /connect/i.test(message)) {
    return new ConnectionError(
      `No answer from PostgreSQL at ${hostPort} after ${Math.round(connectTimeoutMs / 1000)} s: check the host and port, ` +
        'and that a firewall or VPN lets the connection through.',
      { cause: error, kind: 'timeout' },
    );
  }
  if (/connection terminated|socket hang up|Connection ended/i.test(message))
    return lostConnection(hostPort, message, error);
  return new QueryError(`PostgreSQL error at ${where}: ${message}`, 'query', { cause: error });
}

function lostConnection(hostPort: string, message: string, cause: unknown): ConnectionError {
  return new ConnectionError(
    `The connection to PostgreSQL at ${hostPort} was lost (${message}). The next query reconnects.`,
    { cause },
  );
}

/** Creates a PostgreSQL driver (connects on first query). */
export function createPostgresDriver({ url, password }: ServerTarget, options: DriverOptions): SqlDriver {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg: PgModule = require('pg');
  const where = `${url.host ?? 'localhost'}:${url.port ?? 5432}/${url.database ?? ''}`;
  const schema = options.schema ?? url.schema;
  // UTC session: timestamptz comes back as '2024-01-01 00:00:00+00', which the source turns into ISO text without Date.
  const pgOptions = [
    '-c default_transaction_read_only=on',
    `-c statement_timeout=${Math.max(1, Math.round(options.queryTimeoutMs))}`,
    '-c timezone=UTC',
  ];
  if (schema) pgOptions.push(`-c search_path=${schema.replace(/[^A-Za-z0-9_$]/g, '')},public`);
  const config: import('pg').PoolConfig = {
    host: url.host ?? 'localhost',
    port: url.port ?? 5432,
    database: url.database ?? 'airflow',
    user: url.user ?? 'postgres',
    max: 4,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: options.connectTimeoutMs,
    // Client-side bound (a link that stops passing bytes never answers statement_timeout): a little past the server's.
    query_timeout: options.queryTimeoutMs + 2_000,
    keepAlive: true,
    options: pgOptions.join(' '),
    application_name: 'xcom-lens',
    // Timestamps stay text (no Date parsing per cell: the source only needs ISO strings).
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === TIMESTAMPTZ_OID || oid === TIMESTAMP_OID
          ? (value: string) => value
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  };
  if (password !== undefined) config.password = password;
  const ssl = sslFor(url.options.sslmode);
  if (ssl) config.ssl = ssl;
  const pool = new pg.Pool(config);
  // Idle client errors (server restarted, link reset): the pool drops the client and the next query reconnects.
  pool.on('error', () => undefined);
  // A checked-out client that loses its connection emits 'error' too: without a listener it would crash the host.
  pool.on('connect', (client) => client.on('error', () => undefined));

  const cancel = async (pid: number) => {
    const c = new pg.Client({ ...config, options: undefined });
    // The cancel request's own link may drop too (the same dead network): never an unhandled 'error' event.
    c.on('error', () => undefined);
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
      throwIfCancelled(signal, 'The query was cancelled');
      let client: import('pg').PoolClient;
      try {
        client = await untilCancelled(pool.connect(), signal, (c) => c.release(true));
      } catch (error) {
        if (signal?.aborted) throw new CancellationError('The query was cancelled', { cause: error });
        throw pgError(error, where, password, options.connectTimeoutMs);
      }
      const pid = (client as unknown as { processID?: number }).processID;
      let broken = false;
      try {
        const running = client.query({ text: sql, values: params as unknown[] });
        const result = await untilCancelled(
          running,
          signal,
          () => undefined,
          () => {
            // Answer the user at once; ask the server to stop (best effort) and drop this session.
            broken = true;
            if (pid) void cancel(pid);
          },
        );
        return result.rows as Record<string, unknown>[];
      } catch (error) {
        if (signal?.aborted) throw new CancellationError('The query was cancelled', { cause: error });
        const mapped = pgError(error, where, password, options.connectTimeoutMs);
        // A timed-out or broken session is not handed out again.
        if (!(error as { code?: string })?.code || mapped instanceof ConnectionError) broken = true;
        throw mapped;
      } finally {
        client.release(broken ? true : undefined);
      }
    },
    async serverVersion(signal) {
      const rows = await driver.query("SELECT current_setting('server_version') AS v", [], signal);
      return `PostgreSQL ${String(rows[0]?.v ?? '')}`;
    },
    async tableNames(signal) {
      const rows = await driver.query(
        'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name',
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
    jsonText: (column) => `${column}::text`,
    notAirflowHint:
      'Check the database name, and the schema ([database] sql_alchemy_schema) when the tables are not in the default one.',
    async close() {
      await pool.end().catch(() => undefined);
    },
  };
  return driver;
}
