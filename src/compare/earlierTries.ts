// Why a task instance's earlier tries cannot be compared with its latest one: Airflow keeps one XCom row per
// (run, task, map index, key), with no try number, and deletes a task instance's XComs when a new try starts.
// task_instance_history (2.10+) keeps the earlier tries' task-instance rows, not their XComs.

/** The note a comparison adds when the task instance ran more than one try; undefined for a first try. */
export function earlierTriesNote(taskId: string, tryNumber: number | undefined): string | undefined {
  if (tryNumber === undefined || !Number.isSafeInteger(tryNumber) || tryNumber <= 1) return undefined;
  const earlier = tryNumber === 2 ? 'try 1' : `tries 1–${tryNumber - 1}`;
  return [
    `**Earlier tries:** \`${taskId.replace(/`/g, 'ˋ')}\` ran ${tryNumber} tries; only the XComs of try ${tryNumber} exist.`,
    `Airflow deletes a task instance's XComs when a new try starts (the xcom table has no try number), and`,
    `task_instance_history keeps the states of ${earlier}, not their XComs, so tries cannot be compared with each`,
    `other. Objects an earlier try offloaded may still be in the bucket, but no XCom names them any more.`,
  ].join(' ');
}
