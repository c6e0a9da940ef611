import { sql, type SqlBool } from 'kysely';
import type { Period } from '../period.js';

/**
 * How a period reads the monthly rollups (migration 0004) and stays exact.
 *
 * Every rollup group is one key × one calendar month and knows the first and last date it
 * holds. A group whose dates lie inside P is read whole — that is every group of a month P
 * covers completely, and also the groups of an edge month that happen to have no rows
 * outside P (the default period runs from the first to the last date in the data, so its
 * edge months are usually of this kind). A group that straddles an edge of P is summed
 * again from its rows, for the part of the month inside P only.
 */

/** A month P covers only in part, with the part of it inside P. */
export interface EdgeMonth {
  month: string;
  from: string;
  to: string;
}

/** The (at most two) calendar months that P starts or ends inside of. */
export function edgeMonths(period: Period): EdgeMonth[] {
  const first = period.from.slice(0, 7);
  const last = period.to.slice(0, 7);
  const edges: EdgeMonth[] = [];
  if (first === last) {
    if (period.from !== monthStart(first) || period.to !== monthEnd(first)) edges.push({ month: first, from: period.from, to: period.to });
    return edges;
  }
  if (period.from !== monthStart(first)) edges.push({ month: first, from: period.from, to: monthEnd(first) });
  if (period.to !== monthEnd(last)) edges.push({ month: last, from: monthStart(last), to: period.to });
  return edges;
}

function monthStart(month: string): string {
  return `${month}-01`;
}

function monthEnd(month: string): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(year, mon, 0)).getUTCDate();
  return `${month}-${String(days).padStart(2, '0')}`;
}

/** Rollup groups whose rows all lie inside P (`r` is the rollup's alias). */
export function groupInside(period: Period) {
  return sql<SqlBool>`(r.first_date >= ${period.from} AND r.last_date <= ${period.to})`;
}

/** Rollup groups of edge month `edge` with rows both inside and outside P. */
export function groupStraddles(period: Period, edge: EdgeMonth) {
  return sql<SqlBool>`(r.month = ${edge.month} AND r.first_date <= ${edge.to} AND r.last_date >= ${edge.from} AND NOT ${groupInside(period)})`;
}

/**
 * The edge months where some rollup group of `table` (as narrowed by `narrow`) straddles
 * the period. Asked first, so a period whose edge groups all lie inside it (the usual case)
 * is answered from the rollup alone, as one simple query the engines can stream.
 */
export async function straddledEdges<Q extends { execute(): Promise<unknown[]> }>(period: Period, probe: (edge: EdgeMonth) => Q): Promise<EdgeMonth[]> {
  const edges = edgeMonths(period);
  const found = await Promise.all(edges.map(async (edge) => (await probe(edge).execute()).length > 0));
  return edges.filter((_, i) => found[i]);
}

/** The month label of an edge part, typed for both engines' UNION ALL. */
export function monthLiteral(edge: EdgeMonth) {
  return sql<string>`CAST(${edge.month} AS TEXT)`;
}
