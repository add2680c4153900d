// Maps a DAG's deployment path (dag.fileloc, e.g. /opt/airflow/dags/etl/orders.py) onto local files.

/** The path segments of a POSIX or Windows path. */
function segments(path: string): string[] {
  return path.split(/[\\/]+/).filter(Boolean);
}

/** How many trailing path segments two paths share (0 when even the file names differ). */
export function commonSuffixLength(a: string, b: string): number {
  const x = segments(a);
  const y = segments(b);
  let n = 0;
  while (n < x.length && n < y.length && x[x.length - 1 - n] === y[y.length - 1 - n]) n++;
  return n;
}

/** The candidates that share the longest path suffix with `fileloc` (several on a tie, none without a match). */
export function bestFilelocMatches(fileloc: string, candidates: string[]): string[] {
  let best = 0;
  let matches: string[] = [];
  for (const candidate of candidates) {
    const n = commonSuffixLength(fileloc, candidate);
    if (n === 0 || n < best) continue;
    if (n > best) matches = [];
    best = n;
    matches.push(candidate);
  }
  return matches;
}

/** The file name at the end of a fileloc. */
export function filelocBaseName(fileloc: string): string {
  return segments(fileloc).pop() ?? fileloc;
}
