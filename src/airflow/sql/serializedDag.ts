// serialized_dag.data (JSON, JSONB or text) or data_compressed (zlib, when [core] compress_serialized_dags) → the DAG.
import { inflateSync } from 'node:zlib';
import type { SqlRow } from '../dialects/driver';
import { toBytes } from './rowMapping';

/** The serialized DAG of a row holding `data` and `data_compressed`, or undefined when both are NULL. */
export function decodeSerializedDag(row: SqlRow): unknown {
  if (row.data !== null && row.data !== undefined) {
    if (typeof row.data === 'string') return JSON.parse(row.data);
    if (row.data instanceof Uint8Array) return JSON.parse(Buffer.from(row.data).toString('utf8'));
    return row.data;
  }
  if (row.data_compressed !== null && row.data_compressed !== undefined) {
    return JSON.parse(inflateSync(toBytes(row.data_compressed)).toString('utf8'));
  }
  return undefined;
}
