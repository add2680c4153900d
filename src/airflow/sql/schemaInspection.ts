// Schema inspection at connect: which tables and version-dependent columns exist, the alembic head and the Airflow
// release it names, and so which table layout the statements use. A head XCom Lens does not know is read by its
// columns, with a note for the user.
import type { SqlDriver } from '../dialects/driver';
import { NotAirflowError, UnsupportedVersionError } from '../errors';
import type { AirflowInfo, SchemaGeneration } from '../types';
import { generationOf, KNOWN_RANGE, versionOfRevision } from '../versions';

/** Columns that vary by version, found once at connect. */
export interface SchemaFeatures {
  /** Which table layout to query. */
  generation: SchemaGeneration;
  /** dag.dag_display_name exists (2.9+). */
  dagDisplayName: boolean;
  /** dag.is_stale exists (3.0+). */
  dagIsStale: boolean;
  /** dag.is_active exists (2.x). */
  dagIsActive: boolean;
  /** The column holding the schedule text, when there is one. */
  dagSchedule: 'schedule_interval' | 'timetable_summary' | undefined;
  /** task_instance.task_display_name exists. */
  tiDisplayName: boolean;
  /** task_instance.rendered_map_index exists. */
  tiRenderedMapIndex: boolean;
  /** task_instance.custom_operator_name exists. */
  tiCustomOperator: boolean;
  /** serialized_dag.created_at exists (3.0+: several versions per DAG). */
  serializedCreatedAt: boolean;
  /** serialized_dag.data_compressed exists. */
  serializedCompressed: boolean;
  /** ≤2.9 (no task_instance_history): try_number counts tries *started*, so a scheduled/queued TI is on the next one. */
  tryNumberCountsStarts: boolean;
}

/** What inspection found: the info shown to the user and the features the statements use. */
export interface InspectedSchema {
  /** For describe(). */
  info: AirflowInfo;
  /** For the statements. */
  features: SchemaFeatures;
}

const TABLES = [
  'xcom',
  'dag_run',
  'task_instance',
  'dag',
  'alembic_version',
  'serialized_dag',
  'task_instance_history',
];

/** Reads the schema of the DB behind `driver`; throws NotAirflowError / UnsupportedVersionError. */
export async function inspectSchema(driver: SqlDriver, signal?: AbortSignal): Promise<InspectedSchema> {
  const serverVersion = await driver.serverVersion(signal);
  const [xcom, dagRun, ti, dag, alembic, serialized, tiHistory] = await Promise.all(
    TABLES.map((t) => driver.tableColumns(t, signal)),
  );
  let revision: string | null = null;
  if (alembic.size > 0) {
    const rows = await driver.query('SELECT version_num FROM alembic_version', [], signal);
    revision = rows.length ? String(rows[0].version_num) : null;
  }
  const required = { alembic_version: alembic, xcom, dag_run: dagRun, task_instance: ti, dag };
  const missing = Object.entries(required)
    .filter(([, columns]) => columns.size === 0)
    .map(([name]) => name);
  if (missing.length) throw new NotAirflowError(notAirflowMessage(driver, missing, await driver.tableNames(signal)));

  const known = versionOfRevision(revision);
  let airflowVersion: string;
  let generation: SchemaGeneration;
  let note: string | undefined;
  const byColumns = (): SchemaGeneration | undefined =>
    dagRun.has('logical_date') || ti.has('id') ? 3 : xcom.has('dag_run_id') && xcom.has('run_id') ? 2 : undefined;
  const g = known ? generationOf(known) : undefined;
  if (known && typeof g === 'number') {
    airflowVersion = known;
    generation = g;
  } else if (known && typeof g === 'object') {
    throw new UnsupportedVersionError(g.unsupported);
  } else {
    const guessed = byColumns();
    if (guessed === undefined)
      throw new UnsupportedVersionError(olderSchemaMessage(revision, dagRun.has('data_interval_start')));
    generation = guessed;
    airflowVersion = `${guessed}.x`;
    if (revision) {
      note =
        `Alembic revision ${revision} is not one XCom Lens knows (it knows Airflow ${KNOWN_RANGE}): ` +
        `probably a newer Airflow; its tables are read by their columns.`;
    }
  }
  const features: SchemaFeatures = {
    generation,
    dagDisplayName: dag.has('dag_display_name'),
    dagIsStale: dag.has('is_stale'),
    dagIsActive: dag.has('is_active'),
    dagSchedule: dag.has('timetable_summary')
      ? 'timetable_summary'
      : dag.has('schedule_interval')
        ? 'schedule_interval'
        : undefined,
    tiDisplayName: ti.has('task_display_name'),
    tiRenderedMapIndex: ti.has('rendered_map_index'),
    tiCustomOperator: ti.has('custom_operator_name'),
    serializedCreatedAt: serialized.has('created_at'),
    serializedCompressed: serialized.has('data_compressed'),
    tryNumberCountsStarts: generation === 2 && tiHistory.size === 0,
  };
  const info: AirflowInfo = {
    origin: { kind: 'sql', dialect: driver.dialect, alembicRevision: revision },
    airflowVersion,
    generation,
    serverVersion,
    ...(note ? { note } : {}),
  };
  return { info, features };
}

function olderSchemaMessage(revision: string | null, hasDataInterval: boolean): string {
  const rev = revision ?? 'unknown';
  return hasDataInterval
    ? `Airflow 2.2 schema (revision ${rev}) is not supported: XCom Lens reads Airflow ${KNOWN_RANGE} ` +
        '(xcom has no run_id before 2.3). Upgrade the DB with `airflow db upgrade` to browse it.'
    : `Airflow 1.10 schema (revision ${rev}) is not supported: XCom Lens reads Airflow ${KNOWN_RANGE} ` +
        '(this DB has no dag_run.data_interval_start and no xcom.run_id).';
}

/** "This database has no Airflow metadata tables (no alembic_version/xcom table): … (found tables: …)" + a hint. */
export function notAirflowMessage(
  driver: Pick<SqlDriver, 'notAirflowHint'>,
  missing: readonly string[],
  found: readonly string[],
): string {
  const shown =
    found.length === 0
      ? 'none'
      : found.length > 12
        ? `${found.slice(0, 12).join(', ')}, … (${found.length} in all)`
        : found.join(', ');
  return (
    `This database has no Airflow metadata tables (no ${missing.join('/')} table): it is not an Airflow metadata DB ` +
    `(found tables: ${shown}). ${driver.notAirflowHint}`
  );
}
