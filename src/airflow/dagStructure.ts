// Task dependencies from a serialized DAG (serialized_dag.data), in every layout Airflow wrote:
// 2.x plain task dicts (__version 1), 2.10+ {"__type": "operator", "__var": {...}}, 3.x (__version 2 and 3).

/** The tasks of a DAG and their direct dependencies. */
export interface DagStructure {
  /** Task ids in the serialized order. */
  taskIds: string[];
  /** task_id → the task ids directly downstream of it. */
  downstream: Map<string, string[]>;
  /** task_id → the task ids directly upstream of it (the inversion of downstream_task_ids). */
  upstream: Map<string, string[]>;
}

/** Reads the task graph of a serialized DAG; an unknown layout gives an empty structure. */
export function dagStructure(serialized: unknown): DagStructure {
  const tasks = tasksOf(serialized);
  const taskIds: string[] = [];
  const downstream = new Map<string, string[]>();
  for (const task of tasks) {
    const taskId = typeof task.task_id === 'string' ? task.task_id : undefined;
    if (!taskId) continue;
    taskIds.push(taskId);
    const ids = task.downstream_task_ids ?? task._downstream_task_ids;
    downstream.set(taskId, Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : []);
  }
  const upstream = new Map<string, string[]>(taskIds.map((id) => [id, []]));
  for (const [taskId, children] of downstream) {
    for (const child of children) {
      const list = upstream.get(child) ?? [];
      list.push(taskId);
      upstream.set(child, list);
    }
  }
  for (const list of upstream.values()) list.sort();
  return { taskIds, downstream, upstream };
}

/** The task ids directly upstream of `taskId`, sorted. */
export function upstreamTaskIds(serialized: unknown, taskId: string): string[] {
  return dagStructure(serialized).upstream.get(taskId) ?? [];
}

type TaskDict = { task_id?: unknown; downstream_task_ids?: unknown; _downstream_task_ids?: unknown };

function tasksOf(serialized: unknown): TaskDict[] {
  const root = asRecord(serialized);
  const dag = asRecord(root?.dag) ?? root;
  const tasks = dag?.tasks;
  if (!Array.isArray(tasks)) return [];
  return tasks.map((task) => {
    const record = asRecord(task);
    if (record && record.__type !== undefined && asRecord(record.__var)) return record.__var as TaskDict;
    return (record ?? {}) as TaskDict;
  });
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
