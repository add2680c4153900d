// Several tables stacked into one, with a column naming the part each row came from (a mapped task's map_index):
// columns are aligned by name (a part without a column has missing cells there), and what differs between the
// parts' schemas is reported in sentences.
import { TimeSlices } from '../timeSlices';
import type { ColumnarTable } from './table';

/** Rows copied between two checks of the clock. */
const CHECK_ROWS = 1_024;
/**
 * Runs of copying of about 10 ms before the thread is yielded. One clock for every part: many small parts appended
 * one after the other give the thread back too.
 */
const slices = new TimeSlices(10);

/** A part's columns, as `schemaDifferences` compares them. */
export interface PartSchema {
  /** The part's label value (e.g. the map index). */
  partValue: number;
  /** Its columns' names and types. */
  columns: readonly { name: string; type: string }[];
}

/** One table to stack and the value of the part column for its rows. */
export interface StackPart {
  /** The part's label value (e.g. the map index). */
  partValue: number;
  /** The part's table. */
  table: ColumnarTable;
}

/**
 * Appends `part`'s rows under `into`'s, `partColumn` first: columns matched by name, new names added as columns
 * (missing for the rows before). Copies in slices of about 10 ms that yield the thread; throws once `signal` aborts.
 */
export async function appendPart(
  into: ColumnarTable,
  partColumn: string,
  part: StackPart,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  if (into.columns.length === 0) into.addColumn(partColumn);
  const byName = new Map(into.columns.map((c, i) => [c.name, i]));
  const target = part.table.columns.map((c) => {
    // A part's own column of the part column's name would collide: it keeps its data under a suffixed name.
    const name = c.name === partColumn ? `${c.name} (data)` : c.name;
    let i = byName.get(name);
    if (i === undefined) {
      i = into.columns.length;
      into.addColumn(name, c.index);
      byName.set(name, i);
    }
    return i;
  });
  const width = into.columns.length;
  const source = part.table.columns;
  const rows = part.table.rowCount;
  for (let r = 0; r < rows; r++) {
    const cells: unknown[] = new Array(width).fill(null);
    cells[0] = part.partValue;
    for (let c = 0; c < source.length; c++) cells[target[c]] = source[c].get(r);
    into.pushValueRow(cells);
    if (r % CHECK_ROWS === CHECK_ROWS - 1) {
      await slices.yieldIfDue();
      signal?.throwIfAborted();
    }
  }
  await slices.yieldIfDue();
}

/** A list of numbers as short ranges: 0, 2–5, 9. */
function ranges(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(j > i ? `${sorted[i]}–${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return out.join(', ');
}

/**
 * What differs between the parts' schemas, in sentences: the columns a part lacks (by part) and the columns whose
 * type differs between parts (missing-only columns do not count as a type).
 */
export function schemaDifferences(partColumn: string, parts: readonly PartSchema[]): string[] {
  const names: string[] = [];
  for (const p of parts) for (const c of p.columns) if (!names.includes(c.name)) names.push(c.name);
  const code = (s: string) => `\`${s.replace(/`/g, 'ˋ')}\``;
  const out: string[] = [];
  for (const p of parts) {
    const has = new Set(p.columns.map((c) => c.name));
    const lacks = names.filter((n) => !has.has(n));
    if (lacks.length > 0)
      out.push(
        `${partColumn} ${p.partValue} lacks ${lacks.length === 1 ? 'column' : 'columns'} ${lacks.map(code).join(', ')}.`,
      );
  }
  const retyped: string[] = [];
  for (const name of names) {
    const byType = new Map<string, number[]>();
    for (const p of parts) {
      const type = p.columns.find((c) => c.name === name)?.type;
      if (type && type !== 'empty') byType.set(type, [...(byType.get(type) ?? []), p.partValue]);
    }
    if (byType.size > 1)
      retyped.push(
        `${code(name)} (${[...byType].map(([type, at]) => `${type} in ${partColumn} ${ranges(at)}`).join('; ')})`,
      );
  }
  if (retyped.length > 0)
    out.push(
      `${retyped.length === 1 ? "1 column's type differs" : `${retyped.length} columns' types differ`} between ${partColumn}es: ${retyped.join(', ')}.`,
    );
  return out;
}
