// What a dialect supplies to the one SQL metadata source: a connection, placeholders, identifier quoting and the few
// expressions and hints that differ. Every dialect keeps one promise: a query ends by its timeout or on Cancel, and
// never blocks the extension host's thread. Everything a driver runs is read-only by construction.
import { CancellationError } from '../../errors';
import type { ParsedConnectionUrl } from '../connectionUrl';
import type { Dialect, SchemaGeneration } from '../types';

/** A bound parameter value. */
export type SqlParam = string | number | null;

/** One result row, column name → driver value. */
export type SqlRow = Record<string, unknown>;

/** Connection-level options every dialect receives. */
export interface DriverOptions {
  /** Milliseconds to wait for a connection. */
  connectTimeoutMs: number;
  /** Milliseconds a query may run. */
  queryTimeoutMs: number;
  /** PostgreSQL schema holding the tables (search_path). */
  schema?: string;
}

/** A server to connect to: the parsed URL and the password, kept apart so messages can be scrubbed of it. */
export interface ServerTarget {
  /** The parsed SQLAlchemy URL. */
  url: ParsedConnectionUrl;
  /** The password (from the URL or SecretStorage). */
  password: string | undefined;
}

/** A connected dialect. */
export interface SqlDriver {
  /** Which dialect. */
  readonly dialect: Dialect;
  /** Quotes an identifier (the only place identifiers are quoted). */
  quote(identifier: string): string;
  /** The placeholder for the n-th parameter (1-based). */
  placeholder(index: number): string;
  /** Runs one statement with bound parameters. */
  query(sql: string, params: readonly SqlParam[], signal?: AbortSignal): Promise<SqlRow[]>;
  /** "PostgreSQL 15.8", "MariaDB 10.11.6", "SQLite 3.50.2". */
  serverVersion(signal?: AbortSignal): Promise<string>;
  /** Names of the tables the connection sees (the current schema), sorted. */
  tableNames(signal?: AbortSignal): Promise<string[]>;
  /** Column names of a table (empty when the table does not exist). */
  tableColumns(table: string, signal?: AbortSignal): Promise<Set<string>>;
  /** Expression for the first `bytes` of the stored value. */
  valueHead(column: string, generation: SchemaGeneration, bytes: number): string;
  /** Expression for the stored size of the value. */
  valueSize(column: string, generation: SchemaGeneration): string;
  /** Expression for the whole stored value (bytes in 2.x, JSON text in 3.x). */
  valueFull(column: string, generation: SchemaGeneration): string;
  /** Expression for serialized_dag.data as JSON text (or what the driver parses itself). */
  jsonText(column: string): string;
  /** What to check when the DB holds no Airflow tables (database name, schema, path). */
  readonly notAirflowHint: string;
  /** Closes every connection. */
  close(): Promise<void>;
}

/**
 * Settles with `work`, or rejects with a CancellationError as soon as `signal` aborts (calling `onAbort`); a value that
 * arrives after the cancel is handed to `discard`.
 */
export function untilCancelled<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  discard: (late: T) => void,
  onAbort?: () => void,
): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const abort = () => {
      if (done) return;
      done = true;
      onAbort?.();
      reject(new CancellationError('The query was cancelled'));
    };
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        if (done) discard(value);
        else {
          done = true;
          resolve(value);
        }
      },
      (error) => {
        signal.removeEventListener('abort', abort);
        if (!done) {
          done = true;
          reject(error);
        }
      },
    );
    if (signal.aborted) abort();
  });
}
