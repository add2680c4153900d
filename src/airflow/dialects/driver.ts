// What a dialect supplies to the one SQL metadata source: a connection, placeholders, identifier quoting and the few
// expressions that differ (value head / size / full text). Everything a driver runs is read-only by construction.
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
  /** Closes every connection. */
  close(): Promise<void>;
}

/** Throws the standard "cancelled" error when the signal is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const error = new Error('The query was cancelled');
    (error as Error & { code?: string }).code = 'ABORT_ERR';
    throw error;
  }
}
