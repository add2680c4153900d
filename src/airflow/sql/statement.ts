// Statement building: bound parameters with the dialect's placeholders, LIKE escaping, and the one paging routine
// (limit + 1 rows: the extra row only says whether another page follows).
import type { SqlDriver, SqlParam, SqlRow } from '../dialects/driver';
import type { Page, PageRequest } from '../types';

const MAX_PAGE = 1000;

/** Builds a statement with bound parameters and the dialect's placeholders. */
export class Sql {
  /** The parameters bound so far, in placeholder order. */
  readonly params: SqlParam[] = [];
  constructor(private readonly driver: SqlDriver) {}
  /** Adds a parameter, returns its placeholder. */
  p(value: SqlParam): string {
    this.params.push(value);
    return this.driver.placeholder(this.params.length);
  }
  /** `IN (…)` list of placeholders. */
  in(values: readonly string[]): string {
    return `(${values.map((v) => this.p(v)).join(', ')})`;
  }
}

/** Escapes LIKE wildcards with `!` (ESCAPE '!'), lower-cased, wrapped in `%…%`. */
export function likeContains(text: string): string {
  return `%${text.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/**
 * Runs one page of a query: `build` writes the statement into `sql` (its WHERE and ORDER BY); this appends
 * `LIMIT limit+1 OFFSET offset` (clamped: 1 to 1000 rows, offset ≥ 0) and maps the rows of the page.
 */
export async function fetchPage<T>(
  driver: SqlDriver,
  page: PageRequest,
  build: (sql: Sql) => string,
  run: (sql: Sql, text: string) => Promise<SqlRow[]>,
  map: (row: SqlRow) => T,
): Promise<Page<T>> {
  const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(page?.limit ?? 50)));
  const offset = Math.max(0, Math.floor(page?.offset ?? 0));
  const sql = new Sql(driver);
  const text = `${build(sql)} LIMIT ${sql.p(limit + 1)} OFFSET ${sql.p(offset)}`;
  const rows = await run(sql, text);
  return { items: rows.slice(0, limit).map(map), hasMore: rows.length > limit };
}
