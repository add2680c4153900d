import * as path from 'node:path';
import { INVISIBLE_CHARACTERS } from '../invisibleCharacters';

const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/** A file name for an object key that cannot leave the folder it is saved in (no separators, no `..`, no bidi). */
export function safeFileName(key: string): string {
  const last =
    key
      .split(/[\\/]/)
      .filter((s) => s && s !== '.' && s !== '..')
      .pop() ?? '';
  let name = last
    .replace(/[\u0000-\u001f<>:"|?*]/g, '_')
    .replace(INVISIBLE_CHARACTERS, '_')
    .replace(/^\.+/, '')
    .trim();
  if (RESERVED.test(name)) name = `_${name}`;
  return name.slice(0, 200) || 'object';
}

/** The path to save `key` at inside `folder`; throws if it would land anywhere else. */
export function downloadTarget(folder: string, key: string): string {
  const root = path.resolve(folder);
  const target = path.resolve(root, safeFileName(key));
  if (path.dirname(target) !== root) throw new Error(`Refusing to write outside ${root}`);
  return target;
}

/** `name (1).ext`, `name (2).ext`, …: the first name in `folder` that `exists` does not know. */
export function keepBothTarget(destination: string, exists: (path: string) => boolean): string {
  const dir = path.dirname(destination);
  const base = path.basename(destination);
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const ext = dot > 0 ? base.slice(dot) : '';
  for (let n = 1; ; n++) {
    const candidate = path.join(dir, `${stem} (${n})${ext}`);
    if (!exists(candidate)) return candidate;
  }
}
