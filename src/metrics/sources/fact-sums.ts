import { sql } from 'kysely';

/**
 * The integer sums each fact table contributes (DESIGN section 4), written once: the
 * metric sources and the rollup refresh both use them, so a rollup holds exactly what
 * summing the rows would give.
 */

/**
 * Invoice sums in cents over rows aliased `alias`: revenue excludes void and draft,
 * collected is paid only, outstanding is pending + overdue; credit notes count with their
 * sign. `invoice_count` counts the invoices revenue includes, `invoice_rows` all of them.
 */
export function invoiceSums(alias: string) {
  const status = sql.ref(`${alias}.status`);
  const total = sql.ref(`${alias}.total_cents`);
  return [
    sql<number>`SUM(CASE WHEN ${status} NOT IN ('void', 'draft') THEN ${total} ELSE 0 END)`.as('revenue_cents'),
    sql<number>`SUM(CASE WHEN ${status} = 'paid' THEN ${total} ELSE 0 END)`.as('collected_cents'),
    sql<number>`SUM(CASE WHEN ${status} IN ('pending', 'overdue') THEN ${total} ELSE 0 END)`.as('outstanding_cents'),
    sql<number>`SUM(CASE WHEN ${status} NOT IN ('void', 'draft') THEN 1 ELSE 0 END)`.as('invoice_count'),
    sql<number>`COUNT(*)`.as('invoice_rows'),
  ] as const;
}

/**
 * A single time entry longer than this (milli-hours) is flagged as unusual: a timer left
 * running, or several days booked as one entry. Real entries are minutes to a few hours.
 */
export const LONG_TIME_LOG_MILLI = 12_000;

/**
 * Time-log sums over rows `t` left-joined to staff `s`: milli-hours, billable milli-hours,
 * labor of staff with a cost rate (milli-hours × cents), the milli-hours of staff without
 * one (costed at the configured default rate later), the row count and the count of
 * entries over LONG_TIME_LOG_MILLI.
 */
export function timeLogSums() {
  return [
    sql<number>`SUM(t.hours_milli)`.as('hours_milli'),
    sql<number>`SUM(CASE WHEN t.billable = 1 THEN t.hours_milli ELSE 0 END)`.as('billable_milli'),
    sql<number>`SUM(CASE WHEN s.cost_rate_cents IS NULL THEN 0 ELSE t.hours_milli * s.cost_rate_cents END)`.as('labor_known_millicents'),
    sql<number>`SUM(CASE WHEN s.cost_rate_cents IS NULL THEN t.hours_milli ELSE 0 END)`.as('default_rate_milli'),
    sql<number>`COUNT(*)`.as('log_count'),
    longLogCount(),
  ] as const;
}

export function longLogCount() {
  return sql<number>`SUM(CASE WHEN t.hours_milli > ${sql.lit(LONG_TIME_LOG_MILLI)} THEN 1 ELSE 0 END)`.as('long_log_count');
}

/** Hours per staff member, without labor (the rate is joined per staff later). */
export function staffHourSums() {
  return [
    sql<number>`SUM(t.hours_milli)`.as('hours_milli'),
    sql<number>`SUM(CASE WHEN t.billable = 1 THEN t.hours_milli ELSE 0 END)`.as('billable_milli'),
    sql<number>`COUNT(*)`.as('log_count'),
    longLogCount(),
  ] as const;
}
