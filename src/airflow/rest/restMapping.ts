// API bodies (Airflow 2 /api/v1 and Airflow 3 /api/v2) → XCom Lens shapes. A body of the wrong shape raises a
// NotAirflowError that says which field was wrong; values keep what the server stored (no server-side decoding).
import { NotAirflowError } from '../errors';
import type {
  DagRunSummary,
  DagSummary,
  FailedTaskInstance,
  LimitedStoredValue,
  StoredValue,
  TaskInstanceSummary,
  XComSummary,
} from '../types';
import { toIso } from '../sql/rowMapping';
import { parsePythonLiteral } from './pythonRepr';

type Obj = Record<string, unknown>;

/** The array `field` of a collection body; throws when the body has another shape. */
export function arrayField(body: unknown, field: string, where: string): Obj[] {
  const list = body && typeof body === 'object' ? (body as Obj)[field] : undefined;
  if (!Array.isArray(list) || list.some((x) => !x || typeof x !== 'object')) {
    throw new NotAirflowError(
      `The answer to ${where} has the wrong shape (no "${field}" list): is this URL an Airflow API server of a supported version?`,
    );
  }
  return list as Obj[];
}

/** total_entries of a collection body, when present. */
export function totalOf(body: unknown): number | undefined {
  const total = body && typeof body === 'object' ? (body as Obj).total_entries : undefined;
  return typeof total === 'number' ? total : undefined;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown, fallback: number): number => (typeof v === 'number' ? v : fallback);

function need(o: Obj, field: string): string {
  const v = o[field];
  if (typeof v !== 'string')
    throw new NotAirflowError(`An API answer lacks "${field}": is this an Airflow API server of a supported version?`);
  return v;
}

/** Normalises an API timestamp to ISO-8601 UTC with milliseconds. */
function iso(v: unknown): string | null {
  return typeof v === 'string' ? toIso(v) : null;
}

/** A stable positive id from a DAG and run id (the API does not expose dag_run.id). */
function runKey(dagId: string, runId: string): number {
  let h = 0x811c9dc5;
  for (const ch of `${dagId}\u0000${runId}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h & 0x7fffffff;
}

/** DAG (v1) or DAGResponse (v2). */
export function toDag(o: Obj): DagSummary {
  const dagId = need(o, 'dag_id');
  const schedule = o.timetable_summary ?? o.timetable_description ?? (o.schedule_interval as Obj | null)?.value ?? null;
  const owners = Array.isArray(o.owners) ? o.owners.join(', ') : str(o.owners);
  const tags = Array.isArray(o.tags)
    ? o.tags.map((t) => (t && typeof t === 'object' ? String((t as Obj).name) : String(t))).sort()
    : [];
  return {
    dagId,
    displayName: str(o.dag_display_name) ?? dagId,
    isPaused: o.is_paused === true,
    tags,
    description: str(o.description),
    fileloc: str(o.fileloc),
    owners: owners || null,
    schedule: typeof schedule === 'string' ? schedule : null,
  };
}

/** DAGRun (v1) or DAGRunResponse (v2). */
export function toDagRun(o: unknown): DagRunSummary {
  const r = (o ?? {}) as Obj;
  const dagId = need(r, 'dag_id');
  const runId = need(r, 'dag_run_id');
  const logicalDate = iso(r.logical_date ?? r.execution_date);
  return {
    id: runKey(dagId, runId),
    dagId,
    runId,
    state: str(r.state),
    runType: str(r.run_type) ?? 'manual',
    logicalDate,
    sortDate: iso(r.run_after) ?? logicalDate,
    startDate: iso(r.start_date),
    endDate: iso(r.end_date),
    dataIntervalStart: iso(r.data_interval_start),
    dataIntervalEnd: iso(r.data_interval_end),
  };
}

/** TaskInstance (v1) or TaskInstanceResponse (v2). */
export function toTaskInstance(o: Obj): TaskInstanceSummary {
  const taskId = need(o, 'task_id');
  return {
    dagId: need(o, 'dag_id'),
    runId: need(o, 'dag_run_id'),
    taskId,
    mapIndex: num(o.map_index, -1),
    renderedMapIndex: str(o.rendered_map_index),
    state: str(o.state),
    tryNumber: num(o.try_number, 0),
    maxTries: num(o.max_tries, 0),
    startDate: iso(o.start_date),
    endDate: iso(o.end_date),
    durationSeconds: typeof o.duration === 'number' ? o.duration : null,
    operator: str(o.operator_name) ?? str(o.operator),
    hostname: str(o.hostname) || null,
    displayName: str(o.task_display_name) ?? taskId,
  };
}

/** A failed task instance of a cross-DAG list. */
export function toFailed(o: Obj): FailedTaskInstance {
  const ti = toTaskInstance(o);
  return { ...ti, dagRunId: runKey(ti.dagId, ti.runId) };
}

/** An xcom_entries item: no list carries values, so the head is read later. `runId` is the run asked for, if any. */
export function toXCom(o: Obj, runId: string | undefined): XComSummary {
  return {
    dagId: need(o, 'dag_id'),
    runId: str(o.run_id) ?? str(o.dag_run_id) ?? runId ?? '',
    taskId: need(o, 'task_id'),
    mapIndex: num(o.map_index, -1),
    key: need(o, 'key'),
    timestamp: iso(o.timestamp),
    storedSize: null,
    head: { kind: 'null' },
    headIsComplete: false,
    valuePending: true,
  };
}

/**
 * The stored form of a single-entry body's `value`. `pythonText`: the server returns str(value) (2.x before 2.10);
 * plain literals are read back, anything else is kept as the text it is, with a note saying why.
 */
export function storedValueOf(body: unknown, pythonText: boolean): StoredValue {
  if (!body || typeof body !== 'object' || !('value' in body)) {
    throw new NotAirflowError('An XCom answer lacks "value": is this an Airflow API server of a supported version?');
  }
  const value = (body as Obj).value;
  if (value === null || value === undefined) return { kind: 'null' };
  if (pythonText && typeof value === 'string') {
    const literal = parsePythonLiteral(value);
    if (literal && typeof literal.value !== 'string' && typeof literal.value === 'object') {
      return {
        kind: 'json',
        json: JSON.stringify(literal.value),
        note: 'Read from the Python text this Airflow 2 server returns (before 2.10)',
      };
    }
    const plain = literal && typeof literal.value !== 'object' && typeof literal.value !== 'string';
    return plain
      ? { kind: 'json', json: String(literal!.value === null ? 'null' : literal!.value) }
      : {
          kind: 'json',
          json: JSON.stringify(value),
          note: 'Airflow 2 before 2.10 returns values as Python text: shown as that text',
        };
  }
  return { kind: 'json', json: JSON.stringify(value) };
}

/**
 * The start of a single-entry body's `value` when only the body's first bytes were read: found by scanning the
 * object's top-level members (every Airflow version writes `value` last), cut to `maxBytes`. Undefined when the value
 * does not start within the text read.
 */
export function storedValuePrefixOf(
  text: string,
  totalBytes: number | undefined,
  maxBytes: number,
  pythonText: boolean,
): LimitedStoredValue | undefined {
  const start = topLevelMember(text, 'value');
  if (start < 0) return undefined;
  const bytes = Buffer.from(text.slice(start), 'utf8');
  const prefix = new TextDecoder().decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD$/, '');
  const before = Buffer.byteLength(text.slice(0, start), 'utf8');
  // The declared length less the members before the value and the closing brace; without one (a chunked answer),
  // what arrived, a lower bound that still marks the head as cut.
  const storedSize = Math.max(bytes.length + 1, totalBytes !== undefined ? totalBytes - before - 1 : 0);
  return {
    kind: 'json',
    json: prefix,
    storedSize,
    ...(pythonText ? { note: 'Airflow 2 before 2.10 returns values as Python text: shown as that text' } : {}),
  };
}

/** Where the JSON of a top-level member starts in an object's (possibly cut) text, or -1. */
function topLevelMember(text: string, name: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) return -1;
      if (depth === 1) {
        let colon = end + 1;
        while (/\s/.test(text[colon] ?? '')) colon++;
        if (text[colon] === ':' && JSON.parse(text.slice(i, end + 1)) === name) {
          let value = colon + 1;
          while (/\s/.test(text[value] ?? '')) value++;
          return value < text.length ? value : -1;
        }
      }
      i = end;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return -1;
}
