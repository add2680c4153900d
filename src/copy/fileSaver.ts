// Saves a stream of bytes as a file without ever leaving a half-written one: the bytes go to a temporary name in
// the target folder, which is renamed into place only once complete and removed on failure or Cancel.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Writes `chunks` to `destination` (replacing it if it exists: ask first); rejects with the first error. */
export async function saveChunks(destination: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  const folder = path.dirname(destination);
  const temp = path.join(folder, `.${path.basename(destination)}.${randomBytes(4).toString('hex')}.part`);
  let handle: fs.FileHandle | undefined;
  try {
    // Opened before any byte is read, so an unwritable folder fails at once.
    handle = await fs.open(temp, 'wx');
    for await (const chunk of chunks) await handle.write(chunk);
    await handle.close();
    handle = undefined;
    await fs.rename(temp, destination);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** A sentence for a failed file write that says what is wrong with the folder, or undefined for other errors. */
export function fileErrorMessage(error: unknown, folder: string): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `Cannot write to ${folder}: permission denied (${code}). Choose a folder you can write to.`;
    case 'EROFS':
      return `Cannot write to ${folder}: it is on a read-only file system (EROFS). Choose another folder.`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `Cannot write to ${folder}: the disk is full (${code}).`;
    case 'ENOENT':
    case 'ENOTDIR':
      return `Cannot write to ${folder}: it is not an existing folder (${code}).`;
    default:
      return undefined;
  }
}
