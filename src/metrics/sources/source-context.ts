import { sql, type Expression, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { DatabaseSchema } from '../../storage/schema.js';
import type { Period } from '../period.js';
import type { DimensionName, QueryPlan } from '../query-plan.js';

/** What every fact source needs to build its SQL. */
export interface SourceContext {
  db: Kysely<DatabaseSchema>;
  period: Period;
  filters: QueryPlan['filters'];
  groupBy: DimensionName[];
  defaultCostRateCents: number;
  /** `false` sums the rows even where a monthly rollup could answer (tests, benchmarks). */
  useRollups?: boolean;
}

/** One aggregated row of a source: group values, display labels and integer sums. */
export interface SourceRow {
  dims: Partial<Record<DimensionName, string | null>>;
  labels: { client_name?: string; staff_name?: string };
  sums: Record<string, number>;
}

/**
 * Adds one `d_<dimension>` column per grouping dimension and groups by it: every source
 * does this the same way, with its own expression for each dimension.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each source's builder has its own tables and columns; the added columns are read back by name (toSourceRows).
export function groupByDimensions<Q extends SelectQueryBuilder<any, any, any>>(
  query: Q,
  groupBy: readonly DimensionName[],
  dims: Partial<Record<DimensionName, Expression<unknown>>>,
): Q {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above.
  let q = query as SelectQueryBuilder<any, any, any>;
  for (const dim of groupBy) {
    const expression = dims[dim]!;
    q = q.select(sql`${expression}`.as(`d_${dim}`)).groupBy(sql`${expression}`);
  }
  return q as Q;
}

/** `YYYY-MM` of a date column. */
export function monthOf(column: string): RawBuilder<string> {
  return sql<string>`substr(${sql.ref(column)}, 1, 7)`;
}

/** `YYYY-Qn` of a date column (calendar quarters). */
export function quarterOf(column: string): RawBuilder<string> {
  return sql<string>`substr(${sql.ref(column)}, 1, 4) || '-Q' || CAST((CAST(substr(${sql.ref(column)}, 6, 2) AS INTEGER) + 2) / 3 AS TEXT)`;
}

export function yearOf(column: string): RawBuilder<string> {
  return sql<string>`substr(${sql.ref(column)}, 1, 4)`;
}

/**
 * Turns the rows of a source query into SourceRows: group values from the `d_<dimension>`
 * columns, labels from `client_name` / `staff_name`, and the named sums as numbers.
 */
export function toSourceRows(rows: Array<Record<string, unknown>>, groupBy: readonly DimensionName[], sums: readonly string[]): SourceRow[] {
  return rows.map((row) => {
    const dims: SourceRow['dims'] = {};
    for (const d of groupBy) dims[d] = (row[`d_${d}`] as string | null) ?? null;
    const labels: SourceRow['labels'] = {};
    if (row.client_name) labels.client_name = row.client_name as string;
    if (row.staff_name) labels.staff_name = row.staff_name as string;
    const values: Record<string, number> = {};
    for (const name of sums) values[name] = toNumber(row[name]);
    return { dims, labels, sums: values };
  });
}

/** Rows from either engine: counts and sums arrive as numbers (see storage/database.ts). */
export function toNumber(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : Number(value);
}
