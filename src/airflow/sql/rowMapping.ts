// Driver rows → the plain shapes of ./types: timestamps as ISO-8601 UTC text, numbers, booleans and stored values
// normalised the same way whatever the driver returned (Date, text, bigint, bytes, parsed JSON).
import type { SqlRow } from '../dialects/driver';
import type { SchemaFeatures } from './schemaInspection';
import type {
  DagRunSummary,
  DagSummary,
  SchemaGeneration,
  StoredValue,
  TaskInstanceKey,
  TaskInstanceSummary,
  XComSummary,
} from '../types';
import { HEAD_BYTES } from '../xcomHead';

/** Timestamp of any driver → ISO-8601 UTC, or null. */
export function toIso(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  const text = String(value).trim();
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(text);
  if (m && (m[4] === undefined || m[4] === 'Z' || /^[+-]00(:?00)?$/.test(m[4]))) {
    // Already UTC (every driver session runs in UTC): rewrite the text, no Date needed.
    return `${m[1]}T${m[2]}.${(m[3] ?? '.000').slice(1).padEnd(3, '0').slice(0, 3)}Z`;
  }
  if (m) {
    const frac = (m[3] ?? '.000').slice(1).padEnd(3, '0').slice(0, 3);
    let tz = m[4] ?? 'Z';
    if (/^[+-]\d{2}$/.test(tz)) tz += ':00';
    else if (/^[+-]\d{4}$/.test(tz)) tz = `${tz.slice(0, 3)}:${tz.slice(3)}`;
    const d = new Date(`${m[1]}T${m[2]}.${frac}${tz}`);
    return Number.isNaN(d.getTime()) ? text : d.toISOString();
  }
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : d.toISOString();
}

/** A driver number (number, bigint, numeric text) → number, or null. */
export function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A driver text (string, bytes, other) → string, or null. */
function str(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return String(value);
}

function bool(value: unknown): boolean {
  if (typeof value === 'string') return value === '1' || value.toLowerCase() === 'true' || value === 't';
  return Boolean(typeof value === 'bigint' ? Number(value) : value);
}

/** A driver value (bytes, text, parsed JSON, other) → bytes. */
export function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return new TextEncoder().encode(value);
  if (typeof value === 'object' && value !== null) return new TextEncoder().encode(JSON.stringify(value));
  return new TextEncoder().encode(String(value));
}

/** A driver's xcom.value (bytes, text, number, parsed JSON) → StoredValue. */
export function toStoredValue(value: unknown, generation: SchemaGeneration): StoredValue {
  if (value === null || value === undefined) return { kind: 'null' };
  if (generation === 2) return { kind: 'bytes', bytes: toBytes(value) };
  if (value instanceof Uint8Array) return { kind: 'json', json: Buffer.from(value).toString('utf8') };
  if (typeof value === 'string') return { kind: 'json', json: value };
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return { kind: 'json', json: String(value) };
  }
  return { kind: 'json', json: JSON.stringify(value) };
}

function scheduleText(value: unknown): string | null {
  const text = str(value);
  if (text === null) return null;
  // 2.x schedule_interval is JSON text ("\"@daily\"", "null", or an object).
  try {
    const parsed = JSON.parse(text);
    if (parsed === null) return null;
    return typeof parsed === 'string' ? parsed : text;
  } catch {
    return text;
  }
}

/** A dag row (with its sorted tag names) → DagSummary. */
export function toDag(r: SqlRow, tags: string[]): DagSummary {
  return {
    dagId: String(r.dag_id),
    displayName: str(r.display_name) ?? String(r.dag_id),
    isPaused: bool(r.is_paused),
    tags,
    description: str(r.description),
    fileloc: str(r.fileloc),
    owners: str(r.owners),
    schedule: scheduleText(r.schedule),
  };
}

/** A dag_run row → DagRunSummary. */
export function toRun(r: SqlRow): DagRunSummary {
  return {
    id: num(r.id) ?? 0,
    dagId: String(r.dag_id),
    runId: String(r.run_id),
    state: str(r.state),
    runType: String(r.run_type ?? ''),
    logicalDate: toIso(r.logical_date),
    sortDate: toIso(r.sort_date),
    startDate: toIso(r.start_date),
    endDate: toIso(r.end_date),
    dataIntervalStart: toIso(r.data_interval_start),
    dataIntervalEnd: toIso(r.data_interval_end),
  };
}

/** The columns that name a task instance, from a row that selected them. */
function taskInstanceKeyOf(r: SqlRow): TaskInstanceKey {
  return {
    dagId: String(r.dag_id),
    runId: String(r.run_id),
    taskId: String(r.task_id),
    mapIndex: num(r.map_index) ?? -1,
  };
}

/** A task_instance row → TaskInstanceSummary. */
export function toTi(r: SqlRow, features: SchemaFeatures): TaskInstanceSummary {
  const state = str(r.state);
  const column = num(r.try_number) ?? 0;
  // 2.10+ fixes the number when the TI is scheduled; before, it was bumped when the try started.
  const tryNumber =
    features.tryNumberCountsStarts && (state === 'scheduled' || state === 'queued') ? column + 1 : column;
  return {
    ...taskInstanceKeyOf(r),
    renderedMapIndex: str(r.rendered_map_index),
    state,
    tryNumber,
    maxTries: num(r.max_tries) ?? 0,
    startDate: toIso(r.start_date),
    endDate: toIso(r.end_date),
    durationSeconds: num(r.duration),
    operator: str(r.operator),
    hostname: str(r.hostname),
    displayName: str(r.display_name) ?? String(r.task_id),
  };
}

/** An xcom row (key columns, stored_size, head) → XComSummary. */
export function toXCom(r: SqlRow, generation: SchemaGeneration): XComSummary {
  const size = num(r.stored_size);
  return {
    ...taskInstanceKeyOf(r),
    key: String(r.xcom_key),
    timestamp: toIso(r.ts),
    storedSize: size,
    head: toStoredValue(r.head, generation),
    headIsComplete: size === null || size <= HEAD_BYTES,
  };
}
