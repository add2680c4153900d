// Tree node ids from keys: the one place that spells them, for the node classes and for reveal. An id is stable
// across refreshes (VS Code keeps expansion state by it) and is built from keys only, never from labels.

/** Keys of a DAG. */
interface DagKey {
  /** dag_id. */
  dagId: string;
}

/** Keys of a DAG run. */
interface RunKey extends DagKey {
  /** run_id. */
  runId: string;
}

/** Keys of a task instance (one map index; -1 when unmapped). */
interface TaskInstanceKey extends RunKey {
  /** task_id. */
  taskId: string;
  /** map_index. */
  mapIndex: number;
}

/** Keys of an XCom. */
interface XComKey extends TaskInstanceKey {
  /** The XCom's key. */
  key: string;
}

/** A connection's node; every node of the connection has an id under it. */
export function connectionNodeId(connectionId: string): string {
  return `${connectionId}/`;
}

/** "Recent failures" of a connection. */
export function failuresNodeId(connectionId: string): string {
  return `${connectionId}/failures`;
}

/** A DAG. */
export function dagNodeId(connectionId: string, dag: DagKey): string {
  return `${connectionId}/dag/${dag.dagId}`;
}

/** A DAG run. */
export function runNodeId(connectionId: string, run: RunKey): string {
  return `${dagNodeId(connectionId, run)}/run/${run.runId}`;
}

/** The group of a mapped task's instances in a run. */
export function mappedTaskNodeId(connectionId: string, ti: Omit<TaskInstanceKey, 'mapIndex'>): string {
  return `${runNodeId(connectionId, ti)}/mapped/${ti.taskId}`;
}

/** A task instance. */
export function taskInstanceNodeId(connectionId: string, ti: TaskInstanceKey): string {
  return `${runNodeId(connectionId, ti)}/ti/${ti.taskId}/${ti.mapIndex}`;
}

/** The inputs (upstream XComs) of a task instance. */
export function inputsNodeId(connectionId: string, ti: TaskInstanceKey): string {
  return `${taskInstanceNodeId(connectionId, ti)}/inputs`;
}

/** An XCom, as listed under its own task instance. */
export function xcomNodeId(connectionId: string, xcom: XComKey): string {
  return `${taskInstanceNodeId(connectionId, xcom)}/xcom/${xcom.key}`;
}

/**
 * The ids from a connection's node down to an XCom's, as the tree nests them (a mapped task's instances sit under
 * the task's group), for finding the XCom's node from its keys.
 */
export function xcomPath(connectionId: string, xcom: XComKey): string[] {
  return [
    connectionNodeId(connectionId),
    dagNodeId(connectionId, xcom),
    runNodeId(connectionId, xcom),
    ...(xcom.mapIndex >= 0 ? [mappedTaskNodeId(connectionId, xcom)] : []),
    taskInstanceNodeId(connectionId, xcom),
    xcomNodeId(connectionId, xcom),
  ];
}
