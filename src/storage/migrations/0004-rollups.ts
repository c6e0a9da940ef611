import type { Kysely } from 'kysely';

/**
 * Monthly rollups the metric layer reads instead of millions of rows (maintained by
 * metrics/rollups/maintain-rollups.ts inside every import and rollback transaction):
 * - time logs per client × month, with burdened labor already multiplied out for staff
 *   with a cost rate and the hours of staff without one kept apart (the default rate is
 *   configuration, applied at query time);
 * - time logs per staff × month (labor is joined to the staff rate at query time);
 * - invoices per client × month, summed the way DESIGN section 4 defines revenue,
 *   collected and outstanding.
 * Each group keeps the first and last date it holds, so a period that starts or ends
 * inside a month still reads whole groups when they lie inside it, and only the groups
 * that straddle an edge are summed again from the rows.
 *
 * The time-log index now leads with (client, date): refreshing a client's months and
 * summing an edge month are range reads on it. It replaces the (client, staff, date)
 * index, whose order only served the row-level labor query the rollups retire.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('time_logs_client_covering').execute();
  await db.schema
    .createIndex('time_logs_client_date_covering')
    .on('time_logs')
    .columns(['client_id', 'work_date', 'staff_key', 'billable', 'hours_milli'])
    .execute();

  await db.schema
    .createTable('rollup_time_client_month')
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('hours_milli', 'bigint', (c) => c.notNull())
    .addColumn('billable_milli', 'bigint', (c) => c.notNull())
    /** Σ milli-hours × cost_rate_cents over staff with a cost rate. */
    .addColumn('labor_known_millicents', 'bigint', (c) => c.notNull())
    /** Milli-hours of staff without a cost rate (or missing from the staff list). */
    .addColumn('default_rate_milli', 'bigint', (c) => c.notNull())
    .addColumn('log_count', 'bigint', (c) => c.notNull())
    /** Entries over 12 hours (metrics/sources/fact-sums.ts): the confidence's outlier factor. */
    .addColumn('long_log_count', 'bigint', (c) => c.notNull())
    .addColumn('first_date', 'text', (c) => c.notNull())
    .addColumn('last_date', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_time_client_month_pk', ['client_id', 'month'])
    .execute();

  await db.schema
    .createTable('rollup_time_staff_month')
    .addColumn('staff_key', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('hours_milli', 'bigint', (c) => c.notNull())
    .addColumn('billable_milli', 'bigint', (c) => c.notNull())
    .addColumn('log_count', 'bigint', (c) => c.notNull())
    .addColumn('long_log_count', 'bigint', (c) => c.notNull())
    .addColumn('first_date', 'text', (c) => c.notNull())
    .addColumn('last_date', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_time_staff_month_pk', ['staff_key', 'month'])
    .execute();

  /** The display name time logs give each staff key (the greatest, as MAX() would). */
  await db.schema
    .createTable('rollup_staff_name')
    .addColumn('staff_key', 'text', (c) => c.primaryKey())
    .addColumn('staff_name', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('rollup_invoice_client_month')
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('revenue_cents', 'bigint', (c) => c.notNull())
    .addColumn('collected_cents', 'bigint', (c) => c.notNull())
    .addColumn('outstanding_cents', 'bigint', (c) => c.notNull())
    .addColumn('invoice_count', 'bigint', (c) => c.notNull())
    .addColumn('invoice_rows', 'bigint', (c) => c.notNull())
    .addColumn('first_date', 'text', (c) => c.notNull())
    .addColumn('last_date', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_invoice_client_month_pk', ['client_id', 'month'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['rollup_invoice_client_month', 'rollup_staff_name', 'rollup_time_staff_month', 'rollup_time_client_month']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropIndex('time_logs_client_date_covering').execute();
  await db.schema
    .createIndex('time_logs_client_covering')
    .on('time_logs')
    .columns(['client_id', 'staff_key', 'work_date', 'billable', 'hours_milli'])
    .execute();
}
