// The REST implementation of MetadataSource: Airflow 2's stable API (/api/v1, 2.3–2.11) and Airflow 3's public API
// (/api/v2, 3.0–3.3), chosen from the version endpoint. Paging uses limit/offset/total_entries; filters and ordering
// go to the API's own parameters. The mapping of API bodies to XCom Lens shapes lives in ./restMapping.
import { NotAirflowError, QueryError, UnsupportedVersionError } from '../errors';
import type { MetadataSource, ReadValueOptions } from '../metadataSource';
import type {
  AirflowInfo,
  DagRunFilter,
  DagRunSummary,
  DagSummary,
  FailedTaskInstance,
  LimitedStoredValue,
  Page,
  PageRequest,
  TaskInstanceFilter,
  TaskInstanceKey,
  TaskInstanceSummary,
  XComKey,
  XComSummary,
} from '../types';
import { type Logger } from '../../logger';
import { KNOWN_RANGE, generationOf } from '../versions';
import { parseRestBaseUrl } from './baseUrl';
import {
  arrayField,
  storedValueOf,
  storedValuePrefixOf,
  toDag,
  toDagRun,
  toFailed,
  toTaskInstance,
  toXCom,
  totalOf,
} from './restMapping';
import { RestHttp, RestStatusError, type RestCredentials, type RestTls, type RestTransport } from './restHttp';

/** Options for {@link createRestMetadataSource}: an HTTP server, or a transport of its own (MWAA's InvokeRestApi). */
export type RestSourceOptions = RestHttpSourceOptions | { transport: RestTransport; logger: Logger };

/** Options of a source that reaches the API server over HTTP. */
interface RestHttpSourceOptions {
  /** The base URL as pasted (any of /home, /api/v1, /api/v2 is cut). */
  baseUrl: string;
  /** Credentials from SecretStorage. */
  credentials: RestCredentials;
  /** Milliseconds one request may take. */
  timeoutMs: number;
  /** TLS options. */
  tls?: RestTls;
  /** Where to log. */
  logger: Logger;
}

/** Creates a REST metadata source; nothing is sent before describe() or the first listing. */
export function createRestMetadataSource(options: RestSourceOptions): RestMetadataSource {
  return new RestMetadataSource(options);
}

const enc = encodeURIComponent;

/** Value reads in flight at once per source: a tree shows a page of XComs and reads their values together. */
const VALUE_READS = 6;
/** Bytes allowed for a single-entry body's other members (ids, names, dates) on top of a value's budget. */
const ENVELOPE_BYTES = 16 * 1024;

/** Compares dotted versions ("2.10.3" ≥ "2.10"). */
function atLeast(version: string, wanted: string): boolean {
  const a = version.split(/[.+-]/).map((p) => parseInt(p, 10) || 0);
  const b = wanted.split('.').map((p) => parseInt(p, 10) || 0);
  for (let k = 0; k < b.length; k++) if ((a[k] ?? 0) !== b[k]) return (a[k] ?? 0) > b[k];
  return true;
}

/** The REST MetadataSource. */
export class RestMetadataSource implements MetadataSource {
  /** The transport, HTTP or a cloud API (exported for the log reader). */
  readonly http: RestTransport;
  private info: Promise<AirflowInfo> | undefined;
  private version = '';
  private readonly pastedApi: 1 | 2 | undefined;
  private readonly valueReads = new Limiter(VALUE_READS);

  constructor(private readonly options: RestSourceOptions) {
    if ('transport' in options) {
      this.http = options.transport;
      this.pastedApi = undefined;
      return;
    }
    const base = parseRestBaseUrl(options.baseUrl);
    this.pastedApi = base.pastedApi;
    this.http = new RestHttp({
      root: base.root,
      credentials: options.credentials,
      timeoutMs: options.timeoutMs,
      logger: options.logger,
      ...(options.tls ? { tls: options.tls } : {}),
    });
  }

  /** The Airflow generation (2 or 3) once known. */
  get generation(): 2 | 3 {
    return this.http.apiPath === '/api/v1' ? 2 : 3;
  }

  describe(signal?: AbortSignal): Promise<AirflowInfo> {
    this.info ??= this.detect(signal).catch((error: unknown) => {
      this.info = undefined;
      throw error;
    });
    return this.info;
  }

  private async detect(signal?: AbortSignal): Promise<AirflowInfo> {
    const order = this.pastedApi === 1 ? ['/api/v1', '/api/v2'] : ['/api/v2', '/api/v1'];
    let version: string | undefined;
    for (const path of order) {
      const r = await this.http.request(`${path}/version`, {
        anonymous: true,
        allow: [404, 405],
        ...(signal ? { signal } : {}),
      });
      const v = (r.body as { version?: unknown } | undefined)?.version;
      if (r.status === 200 && typeof v === 'string') {
        version = v;
        this.http.apiPath = path;
        break;
      }
    }
    if (!version) {
      throw new NotAirflowError(
        `${this.http.root} has no Airflow version endpoint (/api/v2/version or /api/v1/version): paste the Airflow UI's address, e.g. https://airflow.example.com.`,
      );
    }
    const [major, minor] = version.split('.').map((x) => parseInt(x, 10));
    const generation = major === 2 && minor >= 3 ? 2 : major === 3 ? 3 : undefined;
    // A 3.x newer than XCom Lens knows is read as the newest it knows, with a note beside the connection.
    const newer = generation === 3 && typeof generationOf(version) === 'object';
    if (!generation || (this.http.apiPath === '/api/v1') !== (generation === 2)) {
      throw new UnsupportedVersionError(
        `Airflow ${version} at ${this.http.root} is not a version XCom Lens reads over REST (2.3–2.11 with /api/v1, 3.0–3.3 with /api/v2).`,
      );
    }
    if (this.pastedApi === 1 && generation === 3) {
      this.options.logger.info(`The URL names /api/v1, but ${this.http.root} runs Airflow ${version}: using /api/v2`);
    }
    this.http.loginMode = generation === 3 ? 'jwt' : 'basic';
    this.version = version;
    // One authenticated request, so wrong credentials show on connect rather than on the first expansion.
    await this.http.api('/dags', { query: { limit: 1 }, ...(signal ? { signal } : {}) });
    return {
      origin: { kind: 'rest', apiVersion: generation === 3 ? '2' : '1' },
      airflowVersion: version,
      generation,
      serverVersion: `REST API · ${this.http.describeAuth()}`,
      ...(newer
        ? {
            note: `Airflow ${version} is newer than XCom Lens knows (${KNOWN_RANGE}): its API is read as Airflow 3.3's.`,
          }
        : {}),
    };
  }

  private async ready(signal?: AbortSignal): Promise<void> {
    await this.describe(signal);
  }

  private page<T>(items: T[], body: unknown, page: PageRequest): Page<T> {
    const total = totalOf(body);
    return { items, hasMore: total === undefined ? items.length >= page.limit : page.offset + items.length < total };
  }

  async listDags(filter: string | undefined, page: PageRequest, signal?: AbortSignal): Promise<Page<DagSummary>> {
    await this.ready(signal);
    const v2 = this.generation === 3;
    const pattern = filter?.trim() ? (v2 ? `%${filter.trim()}%` : filter.trim()) : undefined;
    const { body } = await this.http.api('/dags', {
      query: {
        limit: page.limit,
        offset: page.offset,
        order_by: 'dag_id',
        dag_id_pattern: pattern,
        ...(v2 ? {} : { only_active: true }),
      },
      ...(signal ? { signal } : {}),
    });
    return this.page(arrayField(body, 'dags', 'GET /dags').map(toDag), body, page);
  }

  async listDagRuns(
    dagId: string,
    filter: DagRunFilter,
    page: PageRequest,
    signal?: AbortSignal,
  ): Promise<Page<DagRunSummary>> {
    await this.ready(signal);
    const { body } = await this.http.api(`/dags/${enc(dagId)}/dagRuns`, {
      query: {
        limit: page.limit,
        offset: page.offset,
        order_by: this.generation === 3 ? '-run_after' : '-execution_date',
        ...(filter.states?.length ? { state: filter.states } : {}),
      },
      ...(signal ? { signal } : {}),
    });
    return this.page(arrayField(body, 'dag_runs', 'GET dagRuns').map(toDagRun), body, page);
  }

  async listTaskInstances(
    dagId: string,
    runId: string,
    filter: TaskInstanceFilter,
    page: PageRequest,
    signal?: AbortSignal,
  ): Promise<Page<TaskInstanceSummary>> {
    await this.ready(signal);
    const { body } = await this.http.api(`/dags/${enc(dagId)}/dagRuns/${enc(runId)}/taskInstances`, {
      query: {
        limit: page.limit,
        offset: page.offset,
        ...(this.generation === 3 ? { order_by: 'task_id' } : {}),
        ...(filter.states?.length ? { state: filter.states } : {}),
      },
      ...(signal ? { signal } : {}),
    });
    const items = arrayField(body, 'task_instances', 'GET taskInstances').map(toTaskInstance);
    if (this.generation === 2)
      items.sort((a, b) => (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : a.mapIndex - b.mapIndex));
    return this.page(items, body, page);
  }

  async listXComs(
    task: Omit<TaskInstanceKey, 'mapIndex'> & { mapIndex?: number },
    page: PageRequest,
    signal?: AbortSignal,
  ): Promise<Page<XComSummary>> {
    await this.ready(signal);
    const mapFilter = task.mapIndex !== undefined && (this.generation === 3 || atLeast(this.version, '2.7'));
    const { body } = await this.http.api(
      `/dags/${enc(task.dagId)}/dagRuns/${enc(task.runId)}/taskInstances/${enc(task.taskId)}/xcomEntries`,
      {
        query: { limit: page.limit, offset: page.offset, ...(mapFilter ? { map_index: task.mapIndex } : {}) },
        ...(signal ? { signal } : {}),
      },
    );
    let entries = arrayField(body, 'xcom_entries', 'GET xcomEntries').map((e) => toXCom(e, task.runId));
    if (task.mapIndex !== undefined) entries = entries.filter((e) => e.mapIndex === task.mapIndex);
    entries.sort((a, b) => a.mapIndex - b.mapIndex || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    // One request: the list carries no values; each is read when shown (readXComHead), a few at a time.
    return this.page(entries, body, page);
  }

  async readXComValue(
    key: XComKey,
    signal?: AbortSignal,
    options?: ReadValueOptions,
  ): Promise<LimitedStoredValue | undefined> {
    await this.ready(signal);
    return this.valueReads.run(() => this.readValue(key, signal, options?.maxBytes));
  }

  private async readValue(
    key: XComKey,
    signal: AbortSignal | undefined,
    maxBytes: number | undefined,
  ): Promise<LimitedStoredValue | undefined> {
    const v2 = this.generation === 3;
    const limit = maxBytes === undefined ? undefined : Math.max(0, Math.floor(maxBytes));
    const r = await this.http.api(
      `/dags/${enc(key.dagId)}/dagRuns/${enc(key.runId)}/taskInstances/${enc(key.taskId)}/xcomEntries/${enc(key.key)}`,
      {
        query: {
          ...(v2 || atLeast(this.version, '2.7') ? { map_index: key.mapIndex } : {}),
          ...(v2 || atLeast(this.version, '2.4') ? { deserialize: false } : {}),
          ...(v2 || atLeast(this.version, '2.10') ? { stringify: false } : {}),
        },
        allow: [404],
        ...(limit !== undefined ? { maxBodyBytes: limit + ENVELOPE_BYTES } : {}),
        ...(signal ? { signal } : {}),
      },
    );
    if (r.status === 404) return undefined;
    const pythonText = !v2 && !atLeast(this.version, '2.10');
    if (r.cut) {
      const prefix = storedValuePrefixOf(r.cut.text, r.cut.totalBytes, limit ?? 0, pythonText);
      if (prefix) return prefix;
      throw new QueryError(
        `The answer for XCom "${key.key}" is over ${(limit ?? 0) + ENVELOPE_BYTES} bytes and its value does not start within them, so it was not read further: open it with a larger limit (setting xcomLens.preview.maxRawEditorBytes).`,
      );
    }
    const stored = storedValueOf(r.body, pythonText);
    if (limit === undefined || stored.kind !== 'json') return stored;
    const size = Buffer.byteLength(stored.json, 'utf8');
    if (size <= limit) return { ...stored, storedSize: size };
    const json = new TextDecoder().decode(Buffer.from(stored.json, 'utf8').subarray(0, limit)).replace(/\uFFFD$/, '');
    return { ...stored, json, storedSize: size };
  }

  async listRecentFailures(page: PageRequest, signal?: AbortSignal): Promise<Page<FailedTaskInstance>> {
    await this.ready(signal);
    const states = ['failed', 'up_for_retry'];
    const { body } =
      this.generation === 3
        ? await this.http.api('/dags/~/dagRuns/~/taskInstances', {
            query: { limit: page.limit, offset: page.offset, state: states, order_by: '-end_date' },
            ...(signal ? { signal } : {}),
          })
        : await this.http.api('/dags/~/dagRuns/~/taskInstances/list', {
            method: 'POST',
            body: { state: states, page_offset: page.offset, page_limit: page.limit },
            ...(signal ? { signal } : {}),
          });
    const items = arrayField(body, 'task_instances', 'task instance list').map(toFailed);
    items.sort((a, b) => (b.endDate ?? b.startDate ?? '').localeCompare(a.endDate ?? a.startDate ?? ''));
    return this.page(items, body, page);
  }

  async readSerializedDag(dagId: string, signal?: AbortSignal): Promise<unknown | undefined> {
    await this.ready(signal);
    const r = await this.http.api(`/dags/${enc(dagId)}/tasks`, { allow: [404], ...(signal ? { signal } : {}) });
    if (r.status === 404) return undefined;
    // The task list has each task's downstream_task_ids: the part of the serialized DAG XCom Lens reads.
    return { dag: { dag_id: dagId, tasks: arrayField(r.body, 'tasks', 'GET tasks') } };
  }

  async findLastSuccessfulRun(
    dagId: string,
    beforeRunId: string,
    signal?: AbortSignal,
  ): Promise<DagRunSummary | undefined> {
    await this.ready(signal);
    const r = await this.http.api(`/dags/${enc(dagId)}/dagRuns/${enc(beforeRunId)}`, {
      allow: [404],
      ...(signal ? { signal } : {}),
    });
    if (r.status === 404) return undefined;
    const before = toDagRun(r.body);
    const v2 = this.generation === 3;
    const { body } = await this.http.api(`/dags/${enc(dagId)}/dagRuns`, {
      query: {
        limit: 2,
        offset: 0,
        state: ['success'],
        order_by: v2 ? '-run_after' : '-execution_date',
        ...(before.sortDate ? (v2 ? { run_after_lte: before.sortDate } : { execution_date_lte: before.sortDate }) : {}),
      },
      ...(signal ? { signal } : {}),
    });
    return arrayField(body, 'dag_runs', 'GET dagRuns')
      .map(toDagRun)
      .find((run) => run.runId !== beforeRunId);
  }

  async searchXComs(pattern: string, page: PageRequest, signal?: AbortSignal): Promise<Page<XComSummary>> {
    await this.ready(signal);
    if (this.generation !== 3 || !atLeast(this.version, '3.1')) {
      throw new RestStatusError(
        `Search over the REST API needs Airflow 3.1 or later (this server runs ${this.version}): browse the tree instead.`,
        'query',
        400,
      );
    }
    const { body } = await this.http.api('/dags/~/dagRuns/~/taskInstances/~/xcomEntries', {
      query: { limit: page.limit, offset: page.offset, xcom_key_pattern: `%${pattern}%` },
      ...(signal ? { signal } : {}),
    });
    return this.page(
      arrayField(body, 'xcom_entries', 'GET xcomEntries').map((e) => toXCom(e, undefined)),
      body,
      page,
    );
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

/** Runs at most `size` tasks at once, the rest in order of arrival. */
class Limiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finished task hands its slot straight to the next waiting one.
    if (this.running < this.size) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
