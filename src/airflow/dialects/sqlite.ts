// SQLite through Node's built-in node:sqlite, run in a worker thread (sqliteWorker.ts) so no statement blocks the
// extension host. Cancel and the query timeout end a statement by ending its worker; the statements queued behind
// it go to a fresh worker. Opened read-only without creating files beside the DB (sqliteOpen.ts).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancellationError, throwIfCancelled } from '../../errors';
import { DatabaseFileError, QueryError } from '../errors';
import type { SchemaGeneration } from '../types';
import type { DriverOptions, SqlDriver, SqlParam, SqlRow } from './driver';
import type { SqliteWorkerData, SqliteWorkerReply, SqliteWorkerRequest } from './sqliteWorker';

/** The bundled worker script (dist/sqliteWorker.js beside extension.js; beside this file in tests). */
const WORKER_SCRIPT = join(__dirname, 'sqliteWorker.js');

interface Pending {
  request: SqliteWorkerRequest;
  resolve(rows: SqlRow[]): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  cleanup(): void;
}

function hasNodeSqlite(): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('node:sqlite');
    return true;
  } catch {
    return false;
  }
}

/** Opens an SQLite file read-only (lazily, on first query), in a worker thread. */
export function createSqliteDriver(path: string, options: DriverOptions): SqlDriver {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const fail = (message: string, cause?: unknown): Error => {
    if (/file is not a database|file is encrypted|malformed/i.test(message)) {
      return new DatabaseFileError(`${path} is not an SQLite database (or it is damaged): ${message}`, { cause });
    }
    if (/unable to open database/i.test(message))
      return new DatabaseFileError(`Cannot open SQLite file ${path}: ${message}`, { cause });
    return new QueryError(`SQLite query failed: ${message}`, /readonly/i.test(message) ? 'readOnly' : 'query', {
      cause,
    });
  };

  const spawn = (): Worker => {
    if (worker) return worker;
    const data: SqliteWorkerData = { path, busyTimeoutMs: Math.min(options.queryTimeoutMs, 5_000) };
    const w = new Worker(WORKER_SCRIPT, { workerData: data });
    w.on('message', (reply: SqliteWorkerReply) => {
      const entry = pending.get(reply.id);
      if (!entry) return;
      settle(reply.id);
      if ('rows' in reply) entry.resolve(reply.rows);
      else entry.reject(fail(reply.error));
    });
    w.on('error', (error) => {
      // The worker died on its own: every statement it held fails with the reason.
      if (worker !== w) return;
      worker = undefined;
      for (const id of [...pending.keys()]) {
        const entry = pending.get(id)!;
        settle(id);
        entry.reject(fail(error.message, error));
      }
    });
    w.unref();
    worker = w;
    return w;
  };

  const settle = (id: number) => {
    const entry = pending.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.cleanup();
    pending.delete(id);
  };

  /** Ends the worker running `id` (rejected with `error`); the other statements are sent to a fresh worker. */
  const abandon = (id: number, error: Error) => {
    const entry = pending.get(id);
    if (!entry) return;
    settle(id);
    entry.reject(error);
    const old = worker;
    worker = undefined;
    void old?.terminate();
    if (pending.size) {
      const fresh = spawn();
      for (const other of pending.values()) fresh.postMessage(other.request);
    }
  };

  const run = (sql: string, params: readonly SqlParam[], signal?: AbortSignal): Promise<SqlRow[]> => {
    throwIfCancelled(signal, 'The query was cancelled');
    if (!existsSync(path)) throw new DatabaseFileError(`SQLite file not found: ${path}`);
    if (!statSync(path).isFile()) throw new DatabaseFileError(`Not a file: ${path}`);
    if (!hasNodeSqlite()) {
      throw new DatabaseFileError(
        `This editor's runtime (Node ${process.versions.node}) has no built-in SQLite (node:sqlite): ` +
          'SQLite metadata DBs need VS Code 1.101 or later',
      );
    }
    const request: SqliteWorkerRequest = { id: nextId++, sql, params: [...params] };
    return new Promise<SqlRow[]>((resolve, reject) => {
      const onAbort = () => abandon(request.id, new CancellationError('The query was cancelled'));
      const timer = setTimeout(() => {
        abandon(
          request.id,
          new QueryError(
            `SQLite query stopped after ${Math.round(options.queryTimeoutMs / 1000)} s (the query timeout): ` +
              'narrow the search, or raise xcomLens.queryTimeoutSeconds.',
            'timeout',
          ),
        );
      }, options.queryTimeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      pending.set(request.id, {
        request,
        resolve,
        reject,
        timer,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      });
      spawn().postMessage(request);
    });
  };

  return {
    dialect: 'sqlite',
    quote: (id) => `"${id.replace(/"/g, '""')}"`,
    placeholder: () => '?',
    query: run,
    async serverVersion(signal) {
      const row = (await run('SELECT sqlite_version() AS v', [], signal))[0];
      return `SQLite ${String(row?.v ?? '')}`;
    },
    async tableNames(signal) {
      const rows = await run("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", [], signal);
      return rows.map((r) => String(r.name));
    },
    async tableColumns(table, signal) {
      return new Set((await run('SELECT name FROM pragma_table_info(?)', [table], signal)).map((r) => String(r.name)));
    },
    valueHead(column, generation: SchemaGeneration, bytes) {
      return generation === 2
        ? `substr(${column}, 1, ${bytes})`
        : `CASE typeof(${column}) WHEN 'text' THEN substr(${column}, 1, ${bytes}) ` +
            `WHEN 'blob' THEN substr(${column}, 1, ${bytes}) ELSE ${column} END`;
    },
    valueSize(column, generation) {
      return generation === 2 ? `length(${column})` : `length(CAST(${column} AS TEXT))`;
    },
    valueFull(column) {
      return column;
    },
    jsonText: (column) => column,
    notAirflowHint: 'Check the path: Airflow keeps its SQLite DB in $AIRFLOW_HOME/airflow.db.',
    async close() {
      for (const id of [...pending.keys()]) {
        const entry = pending.get(id)!;
        settle(id);
        entry.reject(new CancellationError('The connection was closed'));
      }
      const old = worker;
      worker = undefined;
      await old?.terminate();
    },
  };
}
