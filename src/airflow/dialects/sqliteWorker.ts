// Worker-thread entry (bundled as dist/sqliteWorker.js): runs node:sqlite (DatabaseSync) off the extension host's
// thread, so a long scan never blocks it and Cancel or the timeout can end the query by ending this thread.
// The file is opened so that nothing is created beside it (see openMode in sqliteOpen.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../errors';
import { openMode, openUrl, type SqliteOpenMode } from './sqliteOpen';

/** What the host gives the worker when it starts. */
export interface SqliteWorkerData {
  /** Absolute path of the DB file. */
  path: string;
  /** Milliseconds SQLite waits on a lock held by a writer. */
  busyTimeoutMs: number;
}

/** A statement to run. */
export interface SqliteWorkerRequest {
  /** Echoed in the reply. */
  id: number;
  /** One SELECT. */
  sql: string;
  /** Bound parameters. */
  params: Array<string | number | null>;
}

/** The rows of a statement, or the message of its error. */
export type SqliteWorkerReply =
  { id: number; rows: Array<Record<string, unknown>> } | { id: number; error: string; code?: string };

interface Database {
  prepare(sql: string): { all(...params: Array<string | number | null>): Array<Record<string, unknown>> };
  close(): void;
}

const { path, busyTimeoutMs } = workerData as SqliteWorkerData;
let db: Database | undefined;
let mode: SqliteOpenMode | undefined;

function handle(): Database {
  const wanted = openMode(path);
  if (db && wanted === mode) return db;
  db?.close();
  db = undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DatabaseSync } = require('node:sqlite') as { DatabaseSync: new (p: URL, o: object) => Database };
  db = new DatabaseSync(openUrl(path, wanted), { readOnly: true, timeout: busyTimeoutMs });
  mode = wanted;
  return db;
}

parentPort?.on('message', (request: SqliteWorkerRequest) => {
  let reply: SqliteWorkerReply;
  try {
    reply = {
      id: request.id,
      rows: handle()
        .prepare(request.sql)
        .all(...request.params)
        .map((r) => ({ ...r })),
    };
  } catch (error) {
    reply = { id: request.id, error: errorMessage(error), code: (error as { code?: string })?.code };
  }
  parentPort!.postMessage(reply);
});
