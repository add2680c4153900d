import type { StoredValue } from '../airflow/types';

const MAX_HEX_BYTES = 64 * 1024;

/** The stored form of an XCom value as text: UTF-8 when it is text, else a hex dump (cut at 64 KiB). */
export function storedValueAsText(stored: StoredValue): string {
  if (stored.kind === 'null') return 'NULL';
  if (stored.kind === 'json') return stored.json;
  const bytes = stored.bytes;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (!/[\u0000-\u0008\u000e-\u001f]/.test(text)) return text;
  } catch {
    // not UTF-8: fall through to hex
  }
  return hexDump(bytes.subarray(0, MAX_HEX_BYTES)) + (bytes.length > MAX_HEX_BYTES ? `\n… ${bytes.length - MAX_HEX_BYTES} more bytes` : '');
}

/** Classic 16-bytes-a-line hex dump with an ASCII column. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = bytes.subarray(offset, offset + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}
