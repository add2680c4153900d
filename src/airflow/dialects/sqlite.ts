// SQLite through Node's built-in node:sqlite (loaded lazily), opened read-only: sees rows still in a -wal file.
import { existsSync, statSync } from 'node:fs';
import { DatabaseFileError, QueryError } from '../errors';
import type { SchemaGeneration } from '../types';
import { throwIfAborted, type SqlDriver, type SqlParam, type SqlRow } from './driver';

interface StatementSync {
  all(...params: SqlParam[]): SqlRow[];
}
interface DatabaseSyncLike {
  prepare(sql: string): StatementSync;
  close(): void;
}

function loadSqlite(): { DatabaseSync: new (path: string, options: Record<string, unknown>) => DatabaseSyncLike } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('node:sqlite');
  } catch (error) {
    throw new DatabaseFileError(
      `This editor's runtime (Node ${process.versions.node}) has no built-in SQLite (node:sqlite): SQLite metadata DBs need VS Code 1.101 or later`,
      { cause: error },
    );
  }
}

/** Opens an SQLite file read-only (lazily, on first query). */
export function createSqliteDriver(path: string, options: { queryTimeoutMs: number }): SqlDriver {
  let db: DatabaseSyncLike | undefined;
  const open = (): DatabaseSyncLike => {
    if (db) return db;
    if (!existsSync(path)) throw new DatabaseFileError(`SQLite file not found: ${path}`);
    if (!statSync(path).isFile()) throw new DatabaseFileError(`Not a file: ${path}`);
    const { DatabaseSync } = loadSqlite();
    try {
      db = new DatabaseSync(path, { readOnly: true, timeout: Math.min(options.queryTimeoutMs, 5_000) });
    } catch (error) {
      throw new DatabaseFileError(`Cannot open SQLite file ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return db;
  };
  const run = (sql: string, params: readonly SqlParam[]): SqlRow[] => {
    const handle = open();
    try {
      return handle.prepare(sql).all(...params).map((r) => ({ ...r }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/file is not a database|file is encrypted|malformed/i.test(message)) {
        throw new DatabaseFileError(`${path} is not an SQLite database (or it is damaged): ${message}`, { cause: error });
      }
      throw new QueryError(`SQLite query failed: ${message}`, /readonly/i.test(message) ? 'readOnly' : 'query', { cause: error });
    }
  };
  return {
    dialect: 'sqlite',
    quote: (id) => `"${id.replace(/"/g, '""')}"`,
    placeholder: () => '?',
    async query(sql, params, signal) {
      throwIfAborted(signal);
      return run(sql, params);
    },
    async serverVersion() {
      const row = run('SELECT sqlite_version() AS v', [])[0];
      return `SQLite ${String(row?.v ?? '')}`;
    },
    async tableNames() {
      return run("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", []).map((r) => String(r.name));
    },
    async tableColumns(table) {
      return new Set(run('SELECT name FROM pragma_table_info(?)', [table]).map((r) => String(r.name)));
    },
    valueHead(column, generation: SchemaGeneration, bytes) {
      return generation === 2
        ? `substr(${column}, 1, ${bytes})`
        : `CASE typeof(${column}) WHEN 'text' THEN substr(${column}, 1, ${bytes}) WHEN 'blob' THEN substr(${column}, 1, ${bytes}) ELSE ${column} END`;
    },
    valueSize(column, generation) {
      return generation === 2 ? `length(${column})` : `length(CAST(${column} AS TEXT))`;
    },
    valueFull(column) {
      return column;
    },
    async close() {
      db?.close();
      db = undefined;
    },
  };
}
