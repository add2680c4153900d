import type {
  AirflowInfo,
  DagRunFilter,
  DagRunSummary,
  DagSummary,
  FailedTaskInstance,
  Page,
  PageRequest,
  LimitedStoredValue,
  TaskInstanceFilter,
  TaskInstanceKey,
  TaskInstanceSummary,
  XComKey,
  XComSummary,
} from './types';

/** How much of a value to read. */
export interface ReadValueOptions {
  /** Read at most this many bytes (characters of JSON text in 3.x) of the value; the whole value when absent. */
  maxBytes?: number;
}

/** Read-only access to one Airflow metadata DB. Every call takes an AbortSignal that cancels its query. */
export interface MetadataSource {
  /** Connects (if needed) and reports the dialect and Airflow version; rejects with a ConnectionError. */
  describe(signal?: AbortSignal): Promise<AirflowInfo>;
  /** Active DAGs, sorted by dag_id; `filter` is a case-insensitive substring of dag_id, display name or tag. */
  listDags(filter: string | undefined, page: PageRequest, signal?: AbortSignal): Promise<Page<DagSummary>>;
  /** A DAG's runs, newest first (2.x execution_date, 3.x run_after). */
  listDagRuns(
    dagId: string,
    filter: DagRunFilter,
    page: PageRequest,
    signal?: AbortSignal,
  ): Promise<Page<DagRunSummary>>;
  /** A run's task instances, by task_id then map_index. */
  listTaskInstances(
    dagId: string,
    runId: string,
    filter: TaskInstanceFilter,
    page: PageRequest,
    signal?: AbortSignal,
  ): Promise<Page<TaskInstanceSummary>>;
  /** A task instance's XComs, by key; mapIndex undefined lists every map index of the task. */
  listXComs(
    task: Omit<TaskInstanceKey, 'mapIndex'> & { mapIndex?: number },
    page: PageRequest,
    signal?: AbortSignal,
  ): Promise<Page<XComSummary>>;
  /** The stored value of one XCom (at most `options.maxBytes` of it), or undefined when the row is gone. */
  readXComValue(
    key: XComKey,
    signal?: AbortSignal,
    options?: ReadValueOptions,
  ): Promise<LimitedStoredValue | undefined>;
  /** Task instances in `failed` or `up_for_retry` across DAGs, newest first. */
  listRecentFailures(page: PageRequest, signal?: AbortSignal): Promise<Page<FailedTaskInstance>>;
  /** The serialized DAG JSON (decompressed), or undefined. */
  readSerializedDag(dagId: string, signal?: AbortSignal): Promise<unknown | undefined>;
  /** The newest successful run of a DAG older than `beforeRunId`'s run, or undefined. */
  findLastSuccessfulRun(dagId: string, beforeRunId: string, signal?: AbortSignal): Promise<DagRunSummary | undefined>;
  /** XComs whose dag_id, task_id, run_id or key contains `pattern` (case-insensitive), newest first. */
  searchXComs(pattern: string, page: PageRequest, signal?: AbortSignal): Promise<Page<XComSummary>>;
  /**
   * The log_filename_template a run's logs were written under (dag_run.log_template_id → log_template.filename,
   * 2.3+), or undefined when the DB does not say.
   */
  readLogTemplate?(dagId: string, runId: string, signal?: AbortSignal): Promise<string | undefined>;
  /** Closes every pooled connection. */
  close(): Promise<void>;
}
