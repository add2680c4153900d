// What the full sort (tableView.ts) and the first window's top-N selection (topRows.ts) both need to know of a
// column: which columns sort as plain text, and a dictionary's values ranked once in sort order.
import type { Column } from './table';

/** True when the column's type is a number whatever it is held as (numeric text sorts by value). */
export function sortsByValue(col: Column): boolean {
  return col.type === 'integer' || col.type === 'float';
}

/** True when the column sorts as plain text: held as UTF-8 text, neither numbers nor a dictionary, of no numeric type. */
export function sortsAsPlainText(col: Column): boolean {
  return col.layout === 'text' && !sortsByValue(col);
}

/**
 * Each dictionary code's rank in ascending sort order (NaN for code 0, missing): by value when the column's type
 * is numeric, else by text. Equal texts cannot occur (a dictionary holds each value once).
 */
export function dictionaryRanks(col: Column, dict: { values: readonly (string | null)[] }): Float64Array {
  const { values } = dict;
  const order = values.map((_, i) => i).slice(1);
  order.sort(
    sortsByValue(col)
      ? (a, b) => Number(values[a]) - Number(values[b])
      : (a, b) => (values[a]! < values[b]! ? -1 : values[a]! > values[b]! ? 1 : 0),
  );
  const rank = new Float64Array(values.length);
  rank[0] = NaN;
  order.forEach((code, r) => (rank[code] = r));
  return rank;
}
