// Plain data shapes that every metadata source (SQLite, PostgreSQL, MySQL, REST) returns.
// Timestamps are ISO-8601 strings in UTC ("2024-01-01T00:00:00.000Z") or null.

/** The SQL dialect of a metadata DB. */
export type Dialect = 'sqlite' | 'postgres' | 'mysql';

/** The two schema generations XCom Lens reads: 2.3–2.11 (BLOB xcom.value) and 3.0–3.3 (JSON xcom.value). */
export type SchemaGeneration = 2 | 3;

/** Where the metadata is read from: a metadata DB (dialect, alembic head) or Airflow's REST API. */
export type MetadataOrigin =
  | {
      /** Read from the metadata DB over SQL. */
      kind: 'sql';
      /** Dialect of the DB. */
      dialect: Dialect;
      /** Alembic head found in alembic_version, when there is one. */
      alembicRevision: string | null;
    }
  | {
      /** Read through Airflow's REST API. */
      kind: 'rest';
      /** The API's version ("2" for /api/v2). */
      apiVersion: string;
    };

/** What was found about the Airflow metadata on connect; every source fills it, whatever it reads. */
export interface AirflowInfo {
  /** Where the metadata comes from (SQL dialect and alembic head, or REST API version). */
  origin: MetadataOrigin;
  /** Airflow release ("2.10.3"), or a range guessed from columns ("3.x"). */
  airflowVersion: string;
  /** Which table layout / value encoding the source reads. */
  generation: SchemaGeneration;
  /** What serves the metadata, for labels and tooltips: "PostgreSQL 15.8", "SQLite 3.50.2", "Airflow REST API". */
  serverVersion: string;
  /** Something the user should see beside the connection (e.g. a newer Airflow than XCom Lens knows). */
  note?: string;
}

/** One page of results. */
export interface Page<T> {
  /** The rows of this page. */
  items: T[];
  /** True when more rows follow this page. */
  hasMore: boolean;
}

/** Where a page starts and how long it is. */
export interface PageRequest {
  /** Rows to skip. */
  offset: number;
  /** Rows to return at most. */
  limit: number;
}

/** A DAG as listed in the tree. */
export interface DagSummary {
  /** dag.dag_id. */
  dagId: string;
  /** dag_display_name (2.9+) or dag_id. */
  displayName: string;
  /** dag.is_paused. */
  isPaused: boolean;
  /** dag_tag names, sorted. */
  tags: string[];
  /** dag.description. */
  description: string | null;
  /** dag.fileloc. */
  fileloc: string | null;
  /** dag.owners. */
  owners: string | null;
  /** Schedule (2.x schedule_interval, 3.x timetable_summary), as text. */
  schedule: string | null;
}

/** A DAG run as listed in the tree. */
export interface DagRunSummary {
  /** dag_run.id. */
  id: number;
  /** dag_run.dag_id. */
  dagId: string;
  /** dag_run.run_id. */
  runId: string;
  /** dag_run.state (queued, running, success, failed) or null. */
  state: string | null;
  /** dag_run.run_type. */
  runType: string;
  /** 2.x execution_date, 3.x logical_date (nullable in 3.x). */
  logicalDate: string | null;
  /** 3.x run_after; on 2.x the logical date. What runs are sorted by. */
  sortDate: string | null;
  /** dag_run.start_date. */
  startDate: string | null;
  /** dag_run.end_date. */
  endDate: string | null;
  /** dag_run.data_interval_start. */
  dataIntervalStart: string | null;
  /** dag_run.data_interval_end. */
  dataIntervalEnd: string | null;
}

/** Filters for DAG runs. */
export interface DagRunFilter {
  /** Only runs in one of these states; empty or undefined means all. */
  states?: string[];
}

/** A task instance as listed in the tree. */
export interface TaskInstanceSummary {
  /** dag_id. */
  dagId: string;
  /** run_id. */
  runId: string;
  /** task_id. */
  taskId: string;
  /** map_index, -1 when not mapped. */
  mapIndex: number;
  /** rendered_map_index (2.9+), when set. */
  renderedMapIndex: string | null;
  /** state or null ("no status"). */
  state: string | null;
  /** The current try, as Airflow's UI shows it. */
  tryNumber: number;
  /** max_tries. */
  maxTries: number;
  /** start_date. */
  startDate: string | null;
  /** end_date. */
  endDate: string | null;
  /** duration in seconds. */
  durationSeconds: number | null;
  /** custom_operator_name or operator. */
  operator: string | null;
  /** hostname. */
  hostname: string | null;
  /** task_display_name (2.9+) or task_id. */
  displayName: string;
}

/** Filters for task instances. */
export interface TaskInstanceFilter {
  /** Only task instances in one of these states. */
  states?: string[];
}

/** Identifies one task instance (one map index). */
export interface TaskInstanceKey {
  /** dag_id. */
  dagId: string;
  /** run_id. */
  runId: string;
  /** task_id. */
  taskId: string;
  /** map_index; -1 when not mapped. */
  mapIndex: number;
}

/** Identifies one XCom row. */
export interface XComKey extends TaskInstanceKey {
  /** xcom.key. */
  key: string;
}

/** The stored form of xcom.value as the driver returned it: bytes (2.x BLOB), or a JSON value (3.x). */
export type StoredValue =
  { kind: 'bytes'; bytes: Uint8Array } | { kind: 'json'; json: string; note?: string } | { kind: 'null' };

/** A stored value read with a byte limit: `storedSize` is the whole value's size when only its start was read. */
export type LimitedStoredValue = StoredValue & { storedSize?: number };

/** An XCom row as listed in the tree: identifiers, the stored size and the start of the value. */
export interface XComSummary extends XComKey {
  /** xcom.timestamp. */
  timestamp: string | null;
  /** Length of the stored value in bytes (or characters of JSON text), null when NULL. */
  storedSize: number | null;
  /** The first bytes of the stored value (at most 4 KiB): enough for a preview and to recognise a reference. */
  head: StoredValue;
  /** True when head holds the whole stored value. */
  headIsComplete: boolean;
  /** True when the list did not carry the value (the REST API lists XComs without values): read it with readXComHead. */
  valuePending?: boolean;
}

/** A failed (or up-for-retry) task instance found across DAGs. */
export interface FailedTaskInstance extends TaskInstanceSummary {
  /** dag_run.id of its run. */
  dagRunId: number;
}
