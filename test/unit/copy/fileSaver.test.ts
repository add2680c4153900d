// Saving a download on the real file system: complete files only, nothing left behind on failure or Cancel, and
// a clear sentence for folders that refuse the file (tests run as root, who ignores permission bits: /sys refuses
// new files even to root with EACCES, and a folder made immutable with `chattr +i` refuses them with EPERM).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepBothTarget } from '../../../src/copy/downloadPath';
import { fileErrorMessage, saveChunks } from '../../../src/copy/fileSaver';
import { CancellationError } from '../../../src/errors';

async function* chunks(
  parts: string[],
  failAfter?: number,
  error: Error = new Error('connection reset'),
): AsyncIterable<Uint8Array> {
  for (const [i, part] of parts.entries()) {
    if (i === failAfter) throw error;
    yield Buffer.from(part);
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

describe('saveChunks', () => {
  it('writes the whole file and leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xcom-lens-save-'));
    await saveChunks(join(dir, 'a.csv'), chunks(['a,b\n', '1,2\n']));
    assert.equal(readFileSync(join(dir, 'a.csv'), 'utf8'), 'a,b\n1,2\n');
    assert.deepEqual(readdirSync(dir), ['a.csv']);
  });

  it('a failure or a Cancel mid-stream removes the partial file and keeps the existing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xcom-lens-save-'));
    writeFileSync(join(dir, 'a.csv'), 'mine\n');
    for (const error of [new Error('connection reset'), new CancellationError()]) {
      assert.equal(await rejection(saveChunks(join(dir, 'a.csv'), chunks(['x'.repeat(70_000), 'y'], 1, error))), error);
      assert.deepEqual(readdirSync(dir), ['a.csv'], `${error.name}: nothing left behind`);
      assert.equal(readFileSync(join(dir, 'a.csv'), 'utf8'), 'mine\n');
    }
  });

  it('a folder root cannot write into fails at once with a clear sentence', async () => {
    const immutable = mkdtempSync(join(tmpdir(), 'xcom-lens-save-ro-'));
    const folders: Array<[string, RegExp]> = [['/sys', /permission denied \(EACCES\)/]];
    if (spawnSync('chattr', ['+i', immutable]).status === 0) folders.push([immutable, /permission denied \(EPERM\)/]);
    try {
      for (const [folder, message] of folders) {
        let pulled = 0;
        const source = (async function* () {
          pulled++;
          yield Buffer.from('a');
        })();
        const error = await rejection(saveChunks(join(folder, 'a.csv'), source));
        assert.equal(pulled, 0, `${folder}: no byte was read`);
        assert.match(fileErrorMessage(error, folder) ?? '', message);
        assert.match(fileErrorMessage(error, folder) ?? '', /Choose a folder you can write to/);
        assert.ok(!existsSync(join(folder, 'a.csv')));
      }
    } finally {
      spawnSync('chattr', ['-i', immutable]);
    }
  });

  it('a folder below a regular file is not an existing folder (ENOTDIR)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xcom-lens-save-'));
    writeFileSync(join(dir, 'file'), '');
    const error = await rejection(saveChunks(join(dir, 'file', 'a.csv'), chunks(['a'])));
    assert.match(fileErrorMessage(error, join(dir, 'file')) ?? '', /not an existing folder \(ENOTDIR\)/);
  });
});

describe('keepBothTarget', () => {
  it('numbers the name before its extension, skipping names in use', () => {
    const taken = new Set(['/d/data.csv', '/d/data (1).csv']);
    assert.equal(
      keepBothTarget('/d/data.csv', (p) => taken.has(p)),
      '/d/data (2).csv',
    );
    assert.equal(
      keepBothTarget('/d/README', () => false),
      '/d/README (1)',
    );
  });
});
