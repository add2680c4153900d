// Guesses an object's format and compression from its first bytes (magic numbers first), with the object
// name's extensions as a tie-breaker for what the bytes cannot tell (the format inside a compressed stream).
import { formatFromKey } from '../references';
import { utf16ByteOrder, utf16HeadAsUtf8 } from './textEncoding';

/** Formats the sniffer reports. */
export type SniffFormat = 'parquet' | 'csv' | 'json' | 'pickle' | 'binary' | 'empty';

/** Compressions the sniffer recognises (not all can be decompressed: see decompress.ts). */
export type SniffCompression = 'gzip' | 'deflate' | 'zstd' | 'bz2' | 'lzma' | 'snappy' | 'lz4' | 'zip';

/** What the first bytes say. */
export interface SniffResult {
  /**
   * The payload format. For compressed bytes it is the key's inner extension (`x.csv.gz` → csv) or `binary`:
   * decompress, then sniff the decompressed head again.
   */
  format: SniffFormat;
  /** Compression detected by its magic number. */
  compression?: SniffCompression;
}

function startsWith(head: Uint8Array, magic: number[], at = 0): boolean {
  if (head.length < at + magic.length) return false;
  return magic.every((b, i) => head[at + i] === b);
}

/** The compression a stream's magic number announces. */
function sniffCompression(head: Uint8Array): SniffCompression | undefined {
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  if (startsWith(head, [0x42, 0x5a, 0x68]) && head.length >= 4 && head[3] >= 0x31 && head[3] <= 0x39) return 'bz2';
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'lzma';
  if (startsWith(head, [0x5d, 0x00, 0x00])) return 'lzma';
  if (startsWith(head, [0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59])) return 'snappy';
  if (startsWith(head, [0x04, 0x22, 0x4d, 0x18])) return 'lz4';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  // zlib: 0x78 then a non-printable FLG byte (text starting with "x" must not match).
  if (head.length >= 2 && head[0] === 0x78 && [0x01, 0x9c, 0xda].includes(head[1])) return 'deflate';
  return undefined;
}

/** True when the bytes read as text: valid UTF-8 (a cut multi-byte sequence at the end allowed), no NUL, few controls. */
function looksLikeText(head: Uint8Array): boolean {
  let controls = 0;
  let i = 0;
  while (i < head.length) {
    const b = head[i];
    if (b === 0) return false;
    if (b < 0x80) {
      if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) controls++;
      i++;
      continue;
    }
    const len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 0;
    if (len === 0 || b > 0xf4) return false;
    for (let k = 1; k < len; k++) {
      if (i + k >= head.length) return true;
      if ((head[i + k] & 0xc0) !== 0x80) return false;
    }
    i += len;
  }
  return controls <= Math.max(1, head.length / 100);
}

/** Sniffs format and compression from the first bytes (a few KB) and the object name. */
export function sniffFormat(head: Uint8Array, keyName?: string): SniffResult {
  if (head.length === 0) return { format: 'empty' };
  const compression = sniffCompression(head);
  if (compression) {
    const inner = keyName ? formatFromKey(keyName).formatHint : undefined;
    const format: SniffFormat =
      inner === 'csv' || inner === 'json' || inner === 'parquet' || inner === 'pickle' ? inner : 'binary';
    return { format, compression };
  }
  if (startsWith(head, [0x50, 0x41, 0x52, 0x31])) return { format: 'parquet' };
  if (head[0] === 0x80 && head.length >= 2 && head[1] >= 0x02 && head[1] <= 0x05) return { format: 'pickle' };
  // UTF-16 text is full of NUL bytes: judge the text it holds, not its bytes.
  const utf16 = utf16ByteOrder(head);
  if (utf16) return sniffFormat(utf16HeadAsUtf8(head, utf16), keyName);
  let i = startsWith(head, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  if (i === head.length) return { format: looksLikeText(head) ? 'empty' : 'binary' };
  if (head[i] === 0x7b || head[i] === 0x5b) return { format: 'json' };
  if (looksLikeText(head)) return { format: 'csv' };
  return { format: 'binary' };
}
