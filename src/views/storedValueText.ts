import type { StoredValue } from '../airflow/types';
import { formatBytes } from '../formatBytes';

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
  return (
    hexDump(bytes.subarray(0, MAX_HEX_BYTES)) +
    (bytes.length > MAX_HEX_BYTES ? `\n… ${bytes.length - MAX_HEX_BYTES} more bytes` : '')
  );
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

/** A stored value cut to what an editor may show, and the note that says so. */
export interface CappedValue {
  /** The value, at most `maxBytes` long. */
  stored: StoredValue;
  /** Full size in bytes, when the value was cut. */
  fullSize?: number;
  /** Why only a part is shown (absent when nothing was cut). */
  note?: string;
}

/**
 * Cuts a stored value to `maxBytes` (the `xcomLens.preview.maxRawEditorBytes` setting) with a note; `storedSize` is
 * the whole value's size when only its start was read from the DB.
 */
export function capStoredValue(stored: StoredValue, maxBytes: number, storedSize?: number): CappedValue {
  const limit = Math.max(0, Math.floor(maxBytes));
  const cut = capRead(stored, limit);
  if (cut.note || storedSize === undefined || storedSize <= limit) return cut;
  return { stored, fullSize: storedSize, note: capNote(limit, storedSize) };
}

function capNote(limit: number, size: number): string {
  return `Only the first ${formatBytes(limit)} of ${formatBytes(size)} are shown (setting xcomLens.preview.maxRawEditorBytes)`;
}

function capRead(stored: StoredValue, limit: number): CappedValue {
  const note = (size: number) => capNote(limit, size);
  if (stored.kind === 'bytes' && stored.bytes.length > limit) {
    return {
      stored: { kind: 'bytes', bytes: stored.bytes.subarray(0, limit) },
      fullSize: stored.bytes.length,
      note: note(stored.bytes.length),
    };
  }
  if (stored.kind === 'json') {
    const size = Buffer.byteLength(stored.json, 'utf8');
    if (size > limit) {
      const cut = new TextDecoder().decode(Buffer.from(stored.json, 'utf8').subarray(0, limit)).replace(/\uFFFD$/, '');
      return { stored: { kind: 'json', json: cut }, fullSize: size, note: note(size) };
    }
  }
  return { stored };
}
