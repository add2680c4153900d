// A temporary folder of a test run: removed when the run is done with it, and at the latest when this process exits
// (an interrupted run, by a signal or a time limit, skips its teardown). XCOM_LENS_KEEP_TEMP keeps it for a look.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A folder under the system's temp folder, and how to remove it. */
export interface RunFolder {
  readonly path: string;
  /** Removes the folder (unless kept) and its exit listener: a run of many suites piles up no listeners. */
  remove(): void;
}

const keepTemp = (): boolean => Boolean(process.env.XCOM_LENS_KEEP_TEMP);

/** Makes a folder named `prefix` plus a unique suffix. */
export function makeRunFolder(prefix: string): RunFolder {
  const path = mkdtempSync(join(tmpdir(), prefix));
  const removeAtExit = (): void => {
    if (!keepTemp()) rmSync(path, { recursive: true, force: true });
  };
  process.once('exit', removeAtExit);
  return {
    path,
    remove() {
      process.removeListener('exit', removeAtExit);
      if (!keepTemp()) rmSync(path, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
