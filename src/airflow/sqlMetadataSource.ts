// The one SQL implementation of MetadataSource for SQLite, PostgreSQL and MySQL/MariaDB. The parts live in ./sql
// (driver factory, schema inspection, statements and paging, row mapping, serialized DAGs); dialects (./dialects)
// supply the connection and the few SQL differences. Every query is a SELECT with bound parameters.
import { errorMessage } from '../errors';
import type { SqlDriver, SqlRow } from './dialects/driver';
import { ConnectionError, MetadataError, scrubSecrets } from './errors';
import type { MetadataSource, ReadValueOptions } from './metadataSource';
import { createDriver, type DriverTarget } from './sql/driverFactory';
import { num, toDag, toRun, toStoredValue, toTi, toXCom } from './sql/rowMapping';
import { HEAD_BYTES } from './xcomHead';
import { inspectSchema, type InspectedSchema, type SchemaFeatures } from './sql/schemaInspection';
import { decodeSerializedDag } from './sql/serializedDag';
import { fetchPage, likeContains, Sql } from './sql/statement';
import type {
  AirflowInfo,
  DagRunFilter,
  DagRunSummary,
  DagSummary,
  FailedTaskInstance,
  LimitedStoredValue,
  Page,
  PageRequest,
  SchemaGeneration,
  TaskInstanceFilter,
  TaskInstanceKey,
  TaskInstanceSummary,
  XComKey,
  XComSummary,
} from './types';
import { silentLogger, type Logger } from '../logger';

/** Options for {@link createMetadataSource}: the target (URL, password, schema, timeouts) and a logger. */
export interface MetadataSourceOptions extends DriverTarget {
  /** Where to log. */
  logger?: Logger;
}

/** Creates a metadata source for a URL; connects lazily (describe() connects and checks the schema). */
export async function createMetadataSource(options: MetadataSourceOptions): Promise<MetadataSource> {
  const { driver, password } = createDriver(options);
  return new SqlMetadataSource(driver, options.logger ?? silentLogger, password ? [password] : []);
}

/** MetadataSource over any SQL driver. */
export class SqlMetadataSource implements MetadataSource {
  private schema: Promise<InspectedSchema> | undefined;

  /** `secrets` are scrubbed from every message (the connection's password). */
  constructor(
    private readonly driver: SqlDriver,
    private readonly log: Logger,
    private readonly secrets: readonly string[],
  ) {}

  private q(identifier: string): string {
    return this.driver.quote(identifier);
  }

  async describe(signal?: AbortSignal): Promise<AirflowInfo> {
    return (await this.ready(signal)).info;
  }

  private ready(signal?: AbortSignal): Promise<InspectedSchema> {
    if (!this.schema) {
      const attempt = this.inspect(signal);
      this.schema = attempt;
      // A failed attempt is not cached: the next call tries again (server back, password fixed).
      attempt.catch(() => {
        if (this.schema === attempt) this.schema = undefined;
      });
    }
    return this.schema;
  }

  private async inspect(signal?: AbortSignal): Promise<InspectedSchema> {
    const started = Date.now();
    try {
      const found = await inspectSchema(this.driver, signal);
      const { info } = found;
      const revision = info.origin.kind === 'sql' ? info.origin.alembicRevision : null;
      if (info.note) this.log.info(info.note);
      this.log.debug(
        `describe: ${info.serverVersion}, Airflow ${info.airflowVersion} (${revision ?? 'no alembic_version'}) ` +
          `in ${Date.now() - started} ms`,
      );
      return found;
    } catch (error) {
      if (error instanceof MetadataError || signal?.aborted) throw error;
      const message = scrubSecrets(errorMessage(error), [...this.secrets]);
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

  /** One page of `build`'s statement, mapped by `map` (the one paging routine of every list). */
  private page<T>(
    page: PageRequest,
    build: (sql: Sql) => string,
    map: (row: SqlRow) => T,
    signal?: AbortSignal,
  ): Promise<Page<T>> {
    return fetchPage(this.driver, page, build, (sql, text) => this.run(sql, text, signal), map);
  }

  async listDags(filter: string | undefined, page: PageRequest, signal?: AbortSignal): Promise<Page<DagSummary>> {
    const { features } = await this.ready(signal);
    const display = features.dagDisplayName ? 'COALESCE(d.dag_display_name, d.dag_id)' : 'd.dag_id';
    const schedule = features.dagSchedule ? `d.${features.dagSchedule}` : 'NULL';
    const rows = await this.page(
      page,
      (sql) => {
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
        return (
          `SELECT d.dag_id, ${display} AS display_name, d.is_paused, d.description, d.fileloc, d.owners, ` +
          `${schedule} AS schedule FROM dag d${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY d.dag_id`
        );
      },
      (r) => r,
      signal,
    );
    const tags = new Map<string, string[]>();
    if (rows.items.length) {
      const tagSql = new Sql(this.driver);
      const ids = rows.items.map((r) => String(r.dag_id));
      const text = `SELECT dag_id, name FROM dag_tag WHERE dag_id IN ${tagSql.in(ids)} ORDER BY dag_id, name`;
      for (const t of await this.run(tagSql, text, signal)) {
        const list = tags.get(String(t.dag_id)) ?? [];
        list.push(String(t.name));
        tags.set(String(t.dag_id), list);
      }
    }
    return { hasMore: rows.hasMore, items: rows.items.map((r) => toDag(r, (tags.get(String(r.dag_id)) ?? []).sort())) };
  }

  private runColumns(features: SchemaFeatures, alias = ''): string {
    const a = alias ? `${alias}.` : '';
    const logical = features.generation === 3 ? `${a}logical_date` : `${a}execution_date`;
    const sort = `${a}${this.sortColumn(features)}`;
    return (
      `${a}id, ${a}dag_id, ${a}run_id, ${a}state, ${a}run_type, ${logical} AS logical_date, ${sort} AS sort_date, ` +
      `${a}start_date, ${a}end_date, ${a}data_interval_start, ${a}data_interval_end`
    );
  }

  private sortColumn(features: SchemaFeatures): string {
    return features.generation === 3 ? 'run_after' : 'execution_date';
  }

  async listDagRuns(
    dagId: string,
    filter: DagRunFilter,
    page: PageRequest,
    signal?: AbortSignal,
  ): Promise<Page<DagRunSummary>> {
    const { features } = await this.ready(signal);
    return this.page(
      page,
      (sql) => {
        const where = [`dag_id = ${sql.p(dagId)}`];
        if (filter?.states?.length) where.push(`state IN ${sql.in(filter.states)}`);
        return (
          `SELECT ${this.runColumns(features)} FROM dag_run WHERE ${where.join(' AND ')}` +
          ` ORDER BY ${this.sortColumn(features)} DESC, id DESC`
        );
      },
      toRun,
      signal,
    );
  }

  private tiColumns(features: SchemaFeatures, alias: string): string {
    const a = `${alias}.`;
    return [
      `${a}dag_id`,
      `${a}run_id`,
      `${a}task_id`,
      `${a}map_index`,
      features.tiRenderedMapIndex ? `${a}rendered_map_index` : 'NULL AS rendered_map_index',
      `${a}state`,
      `${a}try_number`,
      `${a}max_tries`,
      `${a}start_date`,
      `${a}end_date`,
      `${a}duration`,
      features.tiCustomOperator ? `COALESCE(${a}custom_operator_name, ${a}operator) AS operator` : `${a}operator`,
      `${a}hostname`,
      features.tiDisplayName
        ? `COALESCE(${a}task_display_name, ${a}task_id) AS display_name`
        : `${a}task_id AS display_name`,
    ].join(', ');
  }

  async listTaskInstances(
    dagId: string,
    runId: string,
    filter: TaskInstanceFilter,
    page: PageRequest,
    signal?: AbortSignal,
  ): Promise<Page<TaskInstanceSummary>> {
    const { features } = await this.ready(signal);
    return this.page(
      page,
      (sql) => {
        const where = [`ti.dag_id = ${sql.p(dagId)}`, `ti.run_id = ${sql.p(runId)}`];
        if (filter?.states?.length) where.push(`ti.state IN ${sql.in(filter.states)}`);
        return (
          `SELECT ${this.tiColumns(features, 'ti')} FROM task_instance ti WHERE ${where.join(' AND ')}` +
          ' ORDER BY ti.task_id, ti.map_index'
        );
      },
      (r) => toTi(r, features),
      signal,
    );
  }

  private xcomColumns(generation: SchemaGeneration): string {
    const value = 'x.value';
    return (
      `x.dag_id, x.run_id, x.task_id, x.map_index, x.${this.q('key')} AS xcom_key, x.${this.q('timestamp')} AS ts, ` +
      `${this.driver.valueSize(value, generation)} AS stored_size, ` +
      `${this.driver.valueHead(value, generation, HEAD_BYTES)} AS head`
    );
  }

  async listXComs(
    task: Omit<TaskInstanceKey, 'mapIndex'> & { mapIndex?: number },
    page: PageRequest,
    signal?: AbortSignal,
  ): Promise<Page<XComSummary>> {
    const { features } = await this.ready(signal);
    return this.page(
      page,
      (sql) => {
        const where = [
          `x.dag_id = ${sql.p(task.dagId)}`,
          `x.task_id = ${sql.p(task.taskId)}`,
          `x.run_id = ${sql.p(task.runId)}`,
        ];
        if (task.mapIndex !== undefined && task.mapIndex !== null) where.push(`x.map_index = ${sql.p(task.mapIndex)}`);
        return (
          `SELECT ${this.xcomColumns(features.generation)} FROM xcom x WHERE ${where.join(' AND ')}` +
          ` ORDER BY x.map_index, x.${this.q('key')}`
        );
      },
      (r) => toXCom(r, features.generation),
      signal,
    );
  }

  async readXComValue(
    key: XComKey,
    signal?: AbortSignal,
    options?: ReadValueOptions,
  ): Promise<LimitedStoredValue | undefined> {
    const { features } = await this.ready(signal);
    const generation = features.generation;
    const sql = new Sql(this.driver);
    const limit = options?.maxBytes === undefined ? undefined : Math.max(0, Math.floor(options.maxBytes));
    const columns =
      limit === undefined
        ? `${this.driver.valueFull('x.value', generation)} AS value`
        : `${this.driver.valueHead('x.value', generation, limit)} AS value, ` +
          `${this.driver.valueSize('x.value', generation)} AS stored_size`;
    const text =
      `SELECT ${columns} FROM xcom x WHERE x.dag_id = ${sql.p(key.dagId)}` +
      ` AND x.task_id = ${sql.p(key.taskId)} AND x.run_id = ${sql.p(key.runId)} AND x.map_index = ${sql.p(key.mapIndex)}` +
      ` AND x.${this.q('key')} = ${sql.p(key.key)}`;
    const rows = await this.run(sql, text, signal);
    if (!rows.length) return undefined;
    const stored = toStoredValue(rows[0].value, generation);
    const size = limit === undefined ? null : num(rows[0].stored_size);
    return size === null ? stored : { ...stored, storedSize: size };
  }

  async listRecentFailures(page: PageRequest, signal?: AbortSignal): Promise<Page<FailedTaskInstance>> {
    const { features } = await this.ready(signal);
    const when = 'COALESCE(ti.end_date, ti.start_date)';
    return this.page(
      page,
      (sql) =>
        `SELECT ${this.tiColumns(features, 'ti')}, dr.id AS dag_run_id FROM task_instance ti` +
        ' JOIN dag_run dr ON dr.dag_id = ti.dag_id AND dr.run_id = ti.run_id' +
        ` WHERE ti.state IN ${sql.in(['failed', 'up_for_retry'])}` +
        ` ORDER BY CASE WHEN ${when} IS NULL THEN 1 ELSE 0 END, ${when} DESC, ti.dag_id, ti.task_id, ti.map_index`,
      (r) => ({ ...toTi(r, features), dagRunId: num(r.dag_run_id) ?? 0 }),
      signal,
    );
  }

  async readSerializedDag(dagId: string, signal?: AbortSignal): Promise<unknown | undefined> {
    const { features } = await this.ready(signal);
    const sql = new Sql(this.driver);
    const compressed = features.serializedCompressed ? 'data_compressed' : 'NULL AS data_compressed';
    const select = `SELECT ${this.driver.jsonText('data')} AS data, ${compressed} FROM serialized_dag WHERE dag_id = ${sql.p(dagId)}`;
    const text = features.serializedCreatedAt ? `${select} ORDER BY created_at DESC LIMIT 1` : select;
    const rows = await this.run(sql, text, signal);
    return rows.length ? decodeSerializedDag(rows[0]) : undefined;
  }

  async findLastSuccessfulRun(
    dagId: string,
    beforeRunId: string,
    signal?: AbortSignal,
  ): Promise<DagRunSummary | undefined> {
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
    const like = likeContains(pattern ?? '');
    const cols = ['x.dag_id', 'x.task_id', 'x.run_id', `x.${this.q('key')}`];
    return this.page(
      page,
      (sql) =>
        `SELECT ${this.xcomColumns(features.generation)} FROM xcom x WHERE ` +
        cols.map((c) => `lower(${c}) LIKE ${sql.p(like)} ESCAPE '!'`).join(' OR ') +
        ` ORDER BY x.${this.q('timestamp')} DESC, x.dag_id, x.run_id, x.task_id, x.map_index, x.${this.q('key')}`,
      (r) => toXCom(r, features.generation),
      signal,
    );
  }

  async readLogTemplate(dagId: string, runId: string, signal?: AbortSignal): Promise<string | undefined> {
    await this.ready(signal);
    const sql = new Sql(this.driver);
    const text =
      'SELECT t.filename AS filename FROM dag_run r JOIN log_template t ON t.id = r.log_template_id' +
      ` WHERE r.dag_id = ${sql.p(dagId)} AND r.run_id = ${sql.p(runId)}`;
    try {
      const rows = await this.run(sql, text, signal);
      const filename = rows[0]?.filename;
      return typeof filename === 'string' && filename.trim() ? filename : undefined;
    } catch (error) {
      if (signal?.aborted) throw error;
      // Before 2.3 there is no log_template table: the configured template applies.
      this.log.debug(`no log template for ${dagId} ${runId}: ${scrubSecrets(errorMessage(error), [...this.secrets])}`);
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
