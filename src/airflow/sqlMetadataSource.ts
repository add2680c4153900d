// The one SQL implementation of MetadataSource for SQLite, PostgreSQL and MySQL/MariaDB. Dialects (./dialects) supply
// only the connection and the few SQL differences. Every query is a SELECT with bound parameters, paged with limit+1.
import { inflateSync } from 'node:zlib';
import { parseConnectionUrl } from './connectionUrl';
import type { SqlDriver, SqlParam, SqlRow } from './dialects/driver';
import { createMysqlDriver } from './dialects/mysql';
import { createPostgresDriver } from './dialects/postgres';
import { createSqliteDriver } from './dialects/sqlite';
import { ConnectionError, MetadataError, NotAirflowError, UnsupportedVersionError, scrubSecrets } from './errors';
import type { MetadataSource } from './metadataSource';
import type {
  AirflowInfo, DagRunFilter, DagRunSummary, DagSummary, FailedTaskInstance, Page, PageRequest, SchemaGeneration,
  StoredValue, TaskInstanceFilter, TaskInstanceKey, TaskInstanceSummary, XComKey, XComSummary,
} from './types';
import { generationOf, versionOfRevision } from './versions';
import { silentLogger, type Logger } from '../logger';

/** Options for {@link createMetadataSource}. */
export interface MetadataSourceOptions {
  /** SQLAlchemy URL, with the password when one is needed. */
  url: string;
  /** PostgreSQL schema ([database] sql_alchemy_schema). */
  schema?: string;
  /** Milliseconds to wait for a connection. */
  connectTimeoutMs: number;
  /** Milliseconds a query may run. */
  queryTimeoutMs: number;
  /** Where to log. */
  logger?: Logger;
}

/** Bytes of xcom.value fetched when listing. */
export const HEAD_BYTES = 4096;

const MAX_PAGE = 1000;

/** Creates a metadata source for a URL; connects lazily (describe() connects and checks the schema). */
export async function createMetadataSource(options: MetadataSourceOptions): Promise<MetadataSource> {
  const driver = await createDriver(options);
  return new SqlMetadataSource(driver, options.logger ?? silentLogger, options.url);
}

/** Creates the dialect driver for a URL (exported for tests and benches). */
export async function createDriver(options: MetadataSourceOptions): Promise<SqlDriver> {
  const parsed = parseConnectionUrl(options.url);
  const driverOptions = { connectTimeoutMs: options.connectTimeoutMs, queryTimeoutMs: options.queryTimeoutMs, ...(options.schema ? { schema: options.schema } : {}) };
  switch (parsed.dialect) {
    case 'sqlite':
      return createSqliteDriver(parsed.sqlitePath ?? '', driverOptions);
    case 'postgres':
      return createPostgresDriver(parsed, driverOptions);
    case 'mysql':
      return createMysqlDriver(parsed, driverOptions);
  }
}

/** Columns that vary by version, found once at describe(). */
interface SchemaFeatures {
  generation: SchemaGeneration;
  dagDisplayName: boolean;
  dagIsStale: boolean;
  dagIsActive: boolean;
  dagSchedule: 'schedule_interval' | 'timetable_summary' | undefined;
  tiDisplayName: boolean;
  tiRenderedMapIndex: boolean;
  tiCustomOperator: boolean;
  serializedCreatedAt: boolean;
  serializedCompressed: boolean;
  /** ≤2.9 (no task_instance_history): try_number counts tries *started*, so a scheduled/queued TI is on the next one. */
  tryNumberCountsStarts: boolean;
}

/** Builds a statement with bound parameters and the dialect's placeholders. */
class Sql {
  readonly params: SqlParam[] = [];
  constructor(private readonly driver: SqlDriver) {}
  /** Adds a parameter, returns its placeholder. */
  p(value: SqlParam): string {
    this.params.push(value);
    return this.driver.placeholder(this.params.length);
  }
  /** `IN (…)` list of placeholders. */
  in(values: readonly string[]): string {
    return `(${values.map((v) => this.p(v)).join(', ')})`;
  }
}

/** Escapes LIKE wildcards with `!` (ESCAPE '!'), lower-cased, wrapped in `%…%`. */
export function likeContains(text: string): string {
  return `%${text.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

function pageBounds(page: PageRequest): { limit: number; offset: number } {
  const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(page?.limit ?? 50)));
  const offset = Math.max(0, Math.floor(page?.offset ?? 0));
  return { limit, offset };
}

function paged<T>(rows: T[], limit: number): Page<T> {
  return { items: rows.slice(0, limit), hasMore: rows.length > limit };
}

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

function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

function str(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return String(value);
}

function bool(value: unknown): boolean {
  if (typeof value === 'string') return value === '1' || value.toLowerCase() === 'true' || value === 't';
  return Boolean(typeof value === 'bigint' ? Number(value) : value);
}

function toBytes(value: unknown): Uint8Array {
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
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return { kind: 'json', json: String(value) };
  return { kind: 'json', json: JSON.stringify(value) };
}

/** MetadataSource over any SQL driver. */
export class SqlMetadataSource implements MetadataSource {
  private info: Promise<{ info: AirflowInfo; features: SchemaFeatures }> | undefined;

  constructor(
    private readonly driver: SqlDriver,
    private readonly log: Logger,
    private readonly url: string,
  ) {}

  private q(identifier: string): string {
    return this.driver.quote(identifier);
  }

  async describe(signal?: AbortSignal): Promise<AirflowInfo> {
    return (await this.ready(signal)).info;
  }

  private ready(signal?: AbortSignal): Promise<{ info: AirflowInfo; features: SchemaFeatures }> {
    if (!this.info) {
      const attempt = this.inspect(signal);
      this.info = attempt;
      // A failed attempt is not cached: the next call tries again (server back, password fixed).
      attempt.catch(() => {
        if (this.info === attempt) this.info = undefined;
      });
    }
    return this.info;
  }

  private async inspect(signal?: AbortSignal): Promise<{ info: AirflowInfo; features: SchemaFeatures }> {
    const started = Date.now();
    try {
      const serverVersion = await this.driver.serverVersion(signal);
      const [xcom, dagRun, ti, dag, alembic, serialized, tiHistory] = await Promise.all(
        ['xcom', 'dag_run', 'task_instance', 'dag', 'alembic_version', 'serialized_dag', 'task_instance_history'].map((t) =>
          this.driver.tableColumns(t, signal),
        ),
      );
      let revision: string | null = null;
      if (alembic.size > 0) {
        const rows = await this.driver.query('SELECT version_num FROM alembic_version', [], signal);
        revision = rows.length ? String(rows[0].version_num) : null;
      }
      if (alembic.size === 0 || xcom.size === 0 || dagRun.size === 0 || ti.size === 0 || dag.size === 0) {
        const required = { alembic_version: alembic, xcom, dag_run: dagRun, task_instance: ti, dag };
        const missing = Object.entries(required).filter(([, columns]) => columns.size === 0).map(([name]) => name);
        const found = await this.driver.tableNames(signal);
        throw new NotAirflowError(notAirflowMessage(this.driver.dialect, missing, found));
      }
      let airflowVersion = versionOfRevision(revision);
      let generation: SchemaGeneration;
      if (airflowVersion) {
        const g = generationOf(airflowVersion);
        if (typeof g === 'object') throw new UnsupportedVersionError(g.unsupported);
        generation = g;
      } else if (dagRun.has('logical_date') || ti.has('id')) {
        generation = 3;
        airflowVersion = '3.x';
      } else if (xcom.has('dag_run_id') && xcom.has('run_id')) {
        generation = 2;
        airflowVersion = '2.x';
      } else if (dagRun.has('data_interval_start')) {
        throw new UnsupportedVersionError(
          `Airflow 2.2 schema (revision ${revision ?? 'unknown'}) is not supported: XCom Lens reads Airflow 2.3 to 3.2 (xcom has no run_id before 2.3). Upgrade the DB with \`airflow db upgrade\` to browse it.`,
        );
      } else {
        throw new UnsupportedVersionError(
          `Airflow 1.10 schema (revision ${revision ?? 'unknown'}) is not supported: XCom Lens reads Airflow 2.3 to 3.2 (this DB has no dag_run.data_interval_start and no xcom.run_id).`,
        );
      }
      if (revision && !versionOfRevision(revision)) this.log.info(`Unknown alembic revision ${revision}: guessed Airflow ${airflowVersion} from columns`);
      const features: SchemaFeatures = {
        generation,
        dagDisplayName: dag.has('dag_display_name'),
        dagIsStale: dag.has('is_stale'),
        dagIsActive: dag.has('is_active'),
        dagSchedule: dag.has('timetable_summary') ? 'timetable_summary' : dag.has('schedule_interval') ? 'schedule_interval' : undefined,
        tiDisplayName: ti.has('task_display_name'),
        tiRenderedMapIndex: ti.has('rendered_map_index'),
        tiCustomOperator: ti.has('custom_operator_name'),
        serializedCreatedAt: serialized.has('created_at'),
        serializedCompressed: serialized.has('data_compressed'),
        tryNumberCountsStarts: generation === 2 && tiHistory.size === 0,
      };
      const info: AirflowInfo = { dialect: this.driver.dialect, alembicRevision: revision, airflowVersion, generation, serverVersion };
      this.log.debug(`describe: ${serverVersion}, Airflow ${airflowVersion} (${revision ?? 'no alembic_version'}) in ${Date.now() - started} ms`);
      return { info, features };
    } catch (error) {
      if (error instanceof MetadataError) throw error;
      const message = scrubSecrets(error instanceof Error ? error.message : String(error), [passwordIn(this.url)]);
      throw new ConnectionError(`Cannot read the Airflow metadata DB: ${message}`, { cause: error });
    }
  }

  private async run(sql: Sql, text: string, signal?: AbortSignal): Promise<SqlRow[]> {
    const started = Date.now();
    const rows = await this.driver.query(text, sql.params, signal);
    const ms = Date.now() - started;
    if (ms > 1000) this.log.warn(`slow query (${ms} ms): ${text.replace(/\s+/g, ' ').slice(0, 200)}`);
    else this.log.debug(`query ${ms} ms, ${rows.length} rows`);
    return rows;
  }

  async listDags(filter: string | undefined, page: PageRequest, signal?: AbortSignal): Promise<Page<DagSummary>> {
    const { features } = await this.ready(signal);
    const { limit, offset } = pageBounds(page);
    const sql = new Sql(this.driver);
    const display = features.dagDisplayName ? 'COALESCE(d.dag_display_name, d.dag_id)' : 'd.dag_id';
    const schedule = features.dagSchedule ? `d.${features.dagSchedule}` : 'NULL';
    const where: string[] = [];
    if (features.dagIsStale) where.push('(d.is_stale = FALSE OR d.is_stale IS NULL)');
    else if (features.dagIsActive) where.push('(d.is_active = TRUE OR d.is_active IS NULL)');
    if (filter && filter.trim()) {
      const like = likeContains(filter.trim());
      where.push(
        `(lower(d.dag_id) LIKE ${sql.p(like)} ESCAPE '!' OR lower(${display}) LIKE ${sql.p(like)} ESCAPE '!'` +
          ` OR EXISTS (SELECT 1 FROM dag_tag t WHERE t.dag_id = d.dag_id AND lower(t.name) LIKE ${sql.p(like)} ESCAPE '!'))`,
      );
    }
    const text =
      `SELECT d.dag_id, ${display} AS display_name, d.is_paused, d.description, d.fileloc, d.owners, ${schedule} AS schedule FROM dag d` +
      `${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY d.dag_id LIMIT ${sql.p(limit + 1)} OFFSET ${sql.p(offset)}`;
    const rows = await this.run(sql, text, signal);
    const result = paged(rows, limit);
    const tags = new Map<string, string[]>();
    if (result.items.length) {
      const tagSql = new Sql(this.driver);
      const ids = result.items.map((r) => String(r.dag_id));
      const tagRows = await this.run(tagSql, `SELECT dag_id, name FROM dag_tag WHERE dag_id IN ${tagSql.in(ids)} ORDER BY dag_id, name`, signal);
      for (const t of tagRows) {
        const list = tags.get(String(t.dag_id)) ?? [];
        list.push(String(t.name));
        tags.set(String(t.dag_id), list);
      }
    }
    return {
      hasMore: result.hasMore,
      items: result.items.map((r) => ({
        dagId: String(r.dag_id),
        displayName: str(r.display_name) ?? String(r.dag_id),
        isPaused: bool(r.is_paused),
        tags: (tags.get(String(r.dag_id)) ?? []).sort(),
        description: str(r.description),
        fileloc: str(r.fileloc),
        owners: str(r.owners),
        schedule: scheduleText(r.schedule),
      })),
    };
  }

  private runColumns(features: SchemaFeatures, alias = ''): string {
    const a = alias ? `${alias}.` : '';
    const logical = features.generation === 3 ? `${a}logical_date` : `${a}execution_date`;
    const sort = features.generation === 3 ? `${a}run_after` : `${a}execution_date`;
    return (
      `${a}id, ${a}dag_id, ${a}run_id, ${a}state, ${a}run_type, ${logical} AS logical_date, ${sort} AS sort_date, ` +
      `${a}start_date, ${a}end_date, ${a}data_interval_start, ${a}data_interval_end`
    );
  }

  private sortColumn(features: SchemaFeatures): string {
    return features.generation === 3 ? 'run_after' : 'execution_date';
  }

  async listDagRuns(dagId: string, filter: DagRunFilter, page: PageRequest, signal?: AbortSignal): Promise<Page<DagRunSummary>> {
    const { features } = await this.ready(signal);
    const { limit, offset } = pageBounds(page);
    const sql = new Sql(this.driver);
    const where = [`dag_id = ${sql.p(dagId)}`];
    if (filter?.states?.length) where.push(`state IN ${sql.in(filter.states)}`);
    const sort = this.sortColumn(features);
    const text =
      `SELECT ${this.runColumns(features)} FROM dag_run WHERE ${where.join(' AND ')}` +
      ` ORDER BY ${sort} DESC, id DESC LIMIT ${sql.p(limit + 1)} OFFSET ${sql.p(offset)}`;
    const rows = await this.run(sql, text, signal);
    const result = paged(rows, limit);
    return { hasMore: result.hasMore, items: result.items.map(toRun) };
  }

  private tiColumns(features: SchemaFeatures, alias: string): string {
    const a = `${alias}.`;
    return [
      `${a}dag_id`, `${a}run_id`, `${a}task_id`, `${a}map_index`,
      features.tiRenderedMapIndex ? `${a}rendered_map_index` : 'NULL AS rendered_map_index',
      `${a}state`, `${a}try_number`, `${a}max_tries`, `${a}start_date`, `${a}end_date`, `${a}duration`,
      features.tiCustomOperator ? `COALESCE(${a}custom_operator_name, ${a}operator) AS operator` : `${a}operator`,
      `${a}hostname`,
      features.tiDisplayName ? `COALESCE(${a}task_display_name, ${a}task_id) AS display_name` : `${a}task_id AS display_name`,
    ].join(', ');
  }

  async listTaskInstances(dagId: string, runId: string, filter: TaskInstanceFilter, page: PageRequest, signal?: AbortSignal): Promise<Page<TaskInstanceSummary>> {
    const { features } = await this.ready(signal);
    const { limit, offset } = pageBounds(page);
    const sql = new Sql(this.driver);
    const where = [`ti.dag_id = ${sql.p(dagId)}`, `ti.run_id = ${sql.p(runId)}`];
    if (filter?.states?.length) where.push(`ti.state IN ${sql.in(filter.states)}`);
    const text =
      `SELECT ${this.tiColumns(features, 'ti')} FROM task_instance ti WHERE ${where.join(' AND ')}` +
      ` ORDER BY ti.task_id, ti.map_index LIMIT ${sql.p(limit + 1)} OFFSET ${sql.p(offset)}`;
    const rows = await this.run(sql, text, signal);
    const result = paged(rows, limit);
    return { hasMore: result.hasMore, items: result.items.map((r) => toTi(r, features)) };
  }

  private xcomColumns(generation: SchemaGeneration): string {
    const value = 'x.value';
    const extra = this.driver.dialect === 'sqlite' && generation === 3 ? ', typeof(x.value) AS value_type' : '';
    return (
      `x.dag_id, x.run_id, x.task_id, x.map_index, x.${this.q('key')} AS xcom_key, x.${this.q('timestamp')} AS ts, ` +
      `${this.driver.valueSize(value, generation)} AS stored_size, ${this.driver.valueHead(value, generation, HEAD_BYTES)} AS head${extra}`
    );
  }

  private toXCom(r: SqlRow, generation: SchemaGeneration): XComSummary {
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

  async listXComs(task: Omit<TaskInstanceKey, 'mapIndex'> & { mapIndex?: number }, page: PageRequest, signal?: AbortSignal): Promise<Page<XComSummary>> {
    const { features } = await this.ready(signal);
    const { limit, offset } = pageBounds(page);
    const sql = new Sql(this.driver);
    const where = [`x.dag_id = ${sql.p(task.dagId)}`, `x.task_id = ${sql.p(task.taskId)}`, `x.run_id = ${sql.p(task.runId)}`];
    if (task.mapIndex !== undefined && task.mapIndex !== null) where.push(`x.map_index = ${sql.p(task.mapIndex)}`);
    const text =
      `SELECT ${this.xcomColumns(features.generation)} FROM xcom x WHERE ${where.join(' AND ')}` +
      ` ORDER BY x.map_index, x.${this.q('key')} LIMIT ${sql.p(limit + 1)} OFFSET ${sql.p(offset)}`;
    const rows = await this.run(sql, text, signal);
    const result = paged(rows, limit);
    return { hasMore: result.hasMore, items: result.items.map((r) => this.toXCom(r, features.generation)) };
  }

  async readXComValue(key: XComKey, signal?: AbortSignal): Promise<StoredValue | undefined> {
    const { features } = await this.ready(signal);
    const sql = new Sql(this.driver);
    const text =
      `SELECT ${this.driver.valueFull('x.value', features.generation)} AS value FROM xcom x WHERE x.dag_id = ${sql.p(key.dagId)}` +
      ` AND x.task_id = ${sql.p(key.taskId)} AND x.run_id = ${sql.p(key.runId)} AND x.map_index = ${sql.p(key.mapIndex)}` +
      ` AND x.${this.q('key')} = ${sql.p(key.key)}`;
    const rows = await this.run(sql, text, signal);
    if (!rows.length) return undefined;
    return toStoredValue(rows[0].value, features.generation);
  }

  async listRecentFailures(page: PageRequest, signal?: AbortSignal): Promise<Page<FailedTaskInstance>> {
    const { features } = await this.ready(signal);
    const { limit, offset } = pageBounds(page);
    const sql = new Sql(this.driver);
    const when = 'COALESCE(ti.end_date, ti.start_date)';
    const text =
      `SELECT ${this.tiColumns(features, 'ti')}, dr.id AS dag_run_id FROM task_instance ti` +
      ` JOIN dag_run dr ON dr.dag_id = ti.dag_id AND dr.run_id = ti.run_id` +
      ` WHERE ti.state IN ${sql.in(['failed', 'up_for_retry'])}` +
      ` ORDER BY CASE WHEN ${when} IS NULL THEN 1 ELSE 0 END, ${when} DESC, ti.dag_id, ti.task_id, ti.map_index` +
      ` LIMIT ${sql.p(limit + 1)} OFFSET ${sql.p(offset)}`;
    const rows = await this.run(sql, text, signal);
    const result = paged(rows, limit);
    return { hasMore: result.hasMore, items: result.items.map((r) => ({ ...toTi(r, features), dagRunId: num(r.dag_run_id) ?? 0 })) };
  }

  async readSerializedDag(dagId: string, signal?: AbortSignal): Promise<unknown | undefined> {
    const { features } = await this.ready(signal);
    const sql = new Sql(this.driver);
    const compressed = features.serializedCompressed ? 'data_compressed' : 'NULL AS data_compressed';
    const data = this.driver.dialect === 'mysql' ? 'CAST(data AS CHAR) AS data' : this.driver.dialect === 'postgres' ? 'data::text AS data' : 'data';
    const text = features.serializedCreatedAt
      ? `SELECT ${data}, ${compressed} FROM serialized_dag WHERE dag_id = ${sql.p(dagId)} ORDER BY created_at DESC LIMIT 1`
      : `SELECT ${data}, ${compressed} FROM serialized_dag WHERE dag_id = ${sql.p(dagId)}`;
    const rows = await this.run(sql, text, signal);
    if (!rows.length) return undefined;
    const row = rows[0];
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

  async findLastSuccessfulRun(dagId: string, beforeRunId: string, signal?: AbortSignal): Promise<DagRunSummary | undefined> {
    const { features } = await this.ready(signal);
    const sort = this.sortColumn(features);
    const sql = new Sql(this.driver);
    const text =
      `SELECT ${this.runColumns(features, 'r')} FROM dag_run r WHERE r.dag_id = ${sql.p(dagId)} AND r.state = ${sql.p('success')}` +
      ` AND r.${sort} < (SELECT b.${sort} FROM dag_run b WHERE b.dag_id = ${sql.p(dagId)} AND b.run_id = ${sql.p(beforeRunId)})` +
      ` ORDER BY r.${sort} DESC, r.id DESC LIMIT 1`;
    const rows = await this.run(sql, text, signal);
    return rows.length ? toRun(rows[0]) : undefined;
  }

  async searchXComs(pattern: string, page: PageRequest, signal?: AbortSignal): Promise<Page<XComSummary>> {
    const { features } = await this.ready(signal);
    const { limit, offset } = pageBounds(page);
    const sql = new Sql(this.driver);
    const like = likeContains(pattern ?? '');
    const cols = ['x.dag_id', 'x.task_id', 'x.run_id', `x.${this.q('key')}`];
    const text =
      `SELECT ${this.xcomColumns(features.generation)} FROM xcom x WHERE ` +
      cols.map((c) => `lower(${c}) LIKE ${sql.p(like)} ESCAPE '!'`).join(' OR ') +
      ` ORDER BY x.${this.q('timestamp')} DESC, x.dag_id, x.run_id, x.task_id, x.map_index, x.${this.q('key')}` +
      ` LIMIT ${sql.p(limit + 1)} OFFSET ${sql.p(offset)}`;
    const rows = await this.run(sql, text, signal);
    const result = paged(rows, limit);
    return { hasMore: result.hasMore, items: result.items.map((r) => this.toXCom(r, features.generation)) };
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}

/** "This database has no Airflow metadata tables (no alembic_version/xcom table): it is not an Airflow metadata DB (found tables: …)". */
export function notAirflowMessage(dialect: string, missing: readonly string[], found: readonly string[]): string {
  const shown = found.length === 0 ? 'none' : found.length > 12 ? `${found.slice(0, 12).join(', ')}, … (${found.length} in all)` : found.join(', ');
  const hint =
    dialect === 'postgres'
      ? ' Check the database name, and the schema ([database] sql_alchemy_schema) when the tables are not in the default one.'
      : dialect === 'sqlite'
        ? ' Check the path: Airflow keeps its SQLite DB in $AIRFLOW_HOME/airflow.db.'
        : ' Check the database name in the URL.';
  return `This database has no Airflow metadata tables (no ${missing.join('/')} table): it is not an Airflow metadata DB (found tables: ${shown}).${hint}`;
}

function passwordIn(url: string): string | undefined {
  try {
    return parseConnectionUrl(url).password;
  } catch {
    return undefined;
  }
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

function toRun(r: SqlRow): DagRunSummary {
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
  return { dagId: String(r.dag_id), runId: String(r.run_id), taskId: String(r.task_id), mapIndex: num(r.map_index) ?? -1 };
}

function toTi(r: SqlRow, features: SchemaFeatures): TaskInstanceSummary {
  const state = str(r.state);
  const column = num(r.try_number) ?? 0;
  // 2.10+ fixes the number when the TI is scheduled; before, it was bumped when the try started (reference §2.4).
  const tryNumber = features.tryNumberCountsStarts && (state === 'scheduled' || state === 'queued') ? column + 1 : column;
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
