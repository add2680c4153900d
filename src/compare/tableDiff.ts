// Compares the shape of two tables (this run's XCom and the last successful run's): columns added, removed and
// retyped, and the row-count delta. Pure: the host renders the result.

/** The shape of one table. */
export interface TableShape {
  /** Column names and inferred types, in order. */
  columns: Array<{ name: string; type: string }>;
  /** Number of rows. */
  rowCount: number;
}

/** What changed from `baseline` to `current`. */
export interface TableDiff {
  /** Columns only in the current table. */
  added: string[];
  /** Columns only in the baseline. */
  removed: string[];
  /** Columns in both whose inferred type differs. */
  retyped: Array<{ name: string; from: string; to: string }>;
  /** Columns in both, in the current order, whose position moved. */
  reordered: boolean;
  /** current.rowCount - baseline.rowCount. */
  rowDelta: number;
  /** True when nothing above differs. */
  same: boolean;
}

/** Compares two table shapes column by column (by name). */
export function diffTables(baseline: TableShape, current: TableShape): TableDiff {
  const before = new Map(baseline.columns.map((c) => [c.name, c.type]));
  const after = new Map(current.columns.map((c) => [c.name, c.type]));
  const added = current.columns.filter((c) => !before.has(c.name)).map((c) => c.name);
  const removed = baseline.columns.filter((c) => !after.has(c.name)).map((c) => c.name);
  const retyped = current.columns
    .filter(
      (c) =>
        before.has(c.name) && before.get(c.name) !== c.type && before.get(c.name) !== 'empty' && c.type !== 'empty',
    )
    .map((c) => ({ name: c.name, from: before.get(c.name) as string, to: c.type }));
  const commonBefore = baseline.columns.map((c) => c.name).filter((n) => after.has(n));
  const commonAfter = current.columns.map((c) => c.name).filter((n) => before.has(n));
  const reordered = commonBefore.some((n, i) => commonAfter[i] !== n);
  const rowDelta = current.rowCount - baseline.rowCount;
  return {
    added,
    removed,
    retyped,
    reordered,
    rowDelta,
    same: !added.length && !removed.length && !retyped.length && !reordered && rowDelta === 0,
  };
}

/** A Markdown report of a diff, with every name shown as code. */
export function diffReport(
  diff: TableDiff,
  labels: { baseline: string; current: string },
  shapes: { baseline: TableShape; current: TableShape },
): string {
  const code = (s: string) => `\`${s.replace(/`/g, 'ˋ')}\``;
  const lines = [
    `# ${labels.current} vs ${labels.baseline}`,
    '',
    `| | ${labels.baseline} | ${labels.current} |`,
    '|---|---|---|',
    `| rows | ${shapes.baseline.rowCount.toLocaleString('en-US')} | ${shapes.current.rowCount.toLocaleString('en-US')} (${diff.rowDelta >= 0 ? '+' : ''}${diff.rowDelta.toLocaleString('en-US')}) |`,
    `| columns | ${shapes.baseline.columns.length} | ${shapes.current.columns.length} |`,
    '',
  ];
  if (diff.same) lines.push('Same columns, same types, same row count.');
  if (diff.added.length) lines.push(`**Added columns:** ${diff.added.map(code).join(', ')}`, '');
  if (diff.removed.length) lines.push(`**Removed columns:** ${diff.removed.map(code).join(', ')}`, '');
  if (diff.retyped.length)
    lines.push(`**Retyped columns:** ${diff.retyped.map((r) => `${code(r.name)} ${r.from} → ${r.to}`).join(', ')}`, '');
  if (diff.reordered) lines.push('Columns present in both runs are in a different order.', '');
  return lines.join('\n');
}
