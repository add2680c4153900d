// The head of a listed XCom — the first bytes of its value, enough for a preview and to recognise a reference. The SQL
// sources list it with the row; the REST API lists XComs without values, so the head is read on its own, within budget.
import type { MetadataSource } from './metadataSource';
import type { StoredValue, XComSummary } from './types';

/** Bytes of a value kept as the head of a listed XCom. */
export const HEAD_BYTES = 4096;

/** The listed XCom with the head of its value; unchanged when the list already carried it. */
export async function readXComHead(
  source: MetadataSource,
  xcom: XComSummary,
  signal?: AbortSignal,
): Promise<XComSummary> {
  if (!xcom.valuePending) return xcom;
  const stored = await source.readXComValue(xcom, signal, { maxBytes: HEAD_BYTES });
  const { valuePending: _pending, ...listed } = xcom;
  if (!stored) return { ...listed, head: { kind: 'null' }, headIsComplete: true, storedSize: null };
  const { storedSize, ...head } = stored;
  const size = storedSize ?? sizeOf(head);
  return { ...listed, head, headIsComplete: size === null || size <= HEAD_BYTES, storedSize: size };
}

function sizeOf(stored: StoredValue): number | null {
  if (stored.kind === 'null') return null;
  return stored.kind === 'bytes' ? stored.bytes.length : Buffer.byteLength(stored.json, 'utf8');
}
