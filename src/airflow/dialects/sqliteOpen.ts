// How an SQLite file is opened read-only without creating anything beside it.
//
// A read-only connection to a WAL-mode database still creates `-wal` and `-shm` files (the shared-memory index) when
// they are missing, and leaves them behind; in a folder the user cannot write it fails. So:
// - a WAL-mode file with no `-wal` beside it (Airflow is not running; every change is in the main file) is opened
//   with `immutable=1`: SQLite then takes no locks and creates no files. That is exact here, because there is no WAL
//   content to miss; the mode is checked again before every statement, so once a writer appears (a `-wal` file), the
//   next statement reopens the file normally.
// - otherwise (rollback-journal files, or a WAL file whose `-wal` exists because a writer has it open) it is opened
//   with `mode=ro`: the `-wal`/`-shm` files already exist and are only read, and rows still in the `-wal` are seen.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** `immutable`: nothing can change the file while it is read; `readOnly`: an ordinary read-only connection. */
export type SqliteOpenMode = 'immutable' | 'readOnly';

/** True when the file's header says WAL mode (bytes 18 and 19, the read/write format versions, are 2). */
function isWalMode(path: string): boolean {
  const header = Buffer.alloc(20);
  const fd = openSync(path, 'r');
  try {
    if (readSync(fd, header, 0, 20, 0) < 20) return false;
  } finally {
    closeSync(fd);
  }
  return header[18] === 2 && header[19] === 2;
}

/** The mode to open `path` in now. */
export function openMode(path: string): SqliteOpenMode {
  return isWalMode(path) && !existsSync(`${path}-wal`) ? 'immutable' : 'readOnly';
}

/** The `file:` URI that opens `path` in `mode`. */
export function openUrl(path: string, mode: SqliteOpenMode): URL {
  const url = pathToFileURL(path);
  url.searchParams.set('mode', 'ro');
  if (mode === 'immutable') url.searchParams.set('immutable', '1');
  return url;
}
