import { sql, type Kysely } from 'kysely';

/** Clients, staff, invoices, time logs, licenses, versions, imports and the undo log. */
// Migrations are written against Kysely<unknown>: they must not depend on today's types.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('app_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('dataset_versions')
    .addColumn('number', 'integer', (c) => c.primaryKey())
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('import_id', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('rows_added', 'integer', (c) => c.notNull())
    .addColumn('rows_updated', 'integer', (c) => c.notNull())
    .addColumn('rows_unchanged', 'integer', (c) => c.notNull())
    .addColumn('rows_rejected', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'rolled_back')`))
    .addColumn('rolled_back_at', 'text')
    .addColumn('rolled_back_by', 'text')
    .addColumn('is_demo', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('file_bytes', 'bigint', (c) => c.notNull())
    .addColumn('encoding', 'text')
    .addColumn('delimiter', 'text')
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version_number', 'integer')
    .addColumn('rows_total', 'bigint', (c) => c.notNull())
    .addColumn('rows_added', 'bigint', (c) => c.notNull())
    .addColumn('rows_updated', 'bigint', (c) => c.notNull())
    .addColumn('rows_unchanged', 'bigint', (c) => c.notNull())
    .addColumn('rows_rejected', 'bigint', (c) => c.notNull())
    .addColumn('error_count', 'bigint', (c) => c.notNull())
    .addColumn('errors_json', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .addColumn('rejects_file', 'text')
    .execute();
  await db.schema.createIndex('imports_started_at').on('imports').column('started_at').execute();

  await db.schema
    .createTable('row_undo')
    .addColumn('version_number', 'integer', (c) => c.notNull())
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('row_key', 'text', (c) => c.notNull())
    .addColumn('prior_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('row_undo_pk', ['version_number', 'dataset', 'row_key'])
    .execute();

  await db.schema
    .createTable('clients')
    .addColumn('client_id', 'text', (c) => c.primaryKey())
    .addColumn('client_name', 'text', (c) => c.notNull())
    .addColumn('client_name_key', 'text', (c) => c.notNull().unique())
    .addColumn('industry', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'inactive', 'churned')`))
    .addColumn('contract_value_cents', 'bigint')
    .addColumn('onboarded_on', 'text')
    .addColumn('churned_on', 'text')
    .addColumn('version_number', 'integer', (c) => c.notNull())
    .addColumn('source_line', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('staff')
    .addColumn('staff_key', 'text', (c) => c.primaryKey())
    .addColumn('staff_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text')
    .addColumn('cost_rate_cents', 'bigint')
    .addColumn('weekly_capacity_hours', 'double precision', (c) => c.notNull())
    .addColumn('version_number', 'integer', (c) => c.notNull())
    .addColumn('source_line', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('invoices')
    .addColumn('invoice_id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.client_id'))
    .addColumn('invoice_date', 'text', (c) => c.notNull())
    .addColumn('due_date', 'text')
    .addColumn('total_cents', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('paid', 'pending', 'overdue', 'void', 'draft')`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('version_number', 'integer', (c) => c.notNull())
    .addColumn('source_line', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invoices_client_date').on('invoices').columns(['client_id', 'invoice_date']).execute();

  await db.schema
    .createTable('time_logs')
    .addColumn('log_id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.client_id'))
    .addColumn('staff_key', 'text', (c) => c.notNull())
    .addColumn('staff_name', 'text', (c) => c.notNull())
    .addColumn('work_date', 'text', (c) => c.notNull())
    .addColumn('hours_milli', 'integer', (c) => c.notNull().check(sql`hours_milli > 0 and hours_milli <= 24000`))
    .addColumn('rate_cents', 'bigint')
    .addColumn('billable', 'integer', (c) => c.notNull())
    .addColumn('ticket', 'text')
    .addColumn('work_type', 'text')
    .addColumn('notes', 'text')
    .addColumn('version_number', 'integer', (c) => c.notNull())
    .addColumn('source_line', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('time_logs_client_date').on('time_logs').columns(['client_id', 'work_date']).execute();

  await db.schema
    .createTable('licenses')
    .addColumn('license_id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.client_id'))
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('vendor', 'text')
    .addColumn('seats_purchased', 'integer', (c) => c.notNull().check(sql`seats_purchased >= 0`))
    .addColumn('seats_used', 'integer', (c) => c.notNull().check(sql`seats_used >= 0`))
    .addColumn('cost_per_seat_cents', 'bigint')
    .addColumn('total_cost_cents', 'bigint')
    .addColumn('price_per_seat_cents', 'bigint')
    .addColumn('billing_term', 'text')
    .addColumn('renewal_date', 'text')
    .addColumn('start_date', 'text')
    .addColumn('end_date', 'text')
    .addColumn('version_number', 'integer', (c) => c.notNull())
    .addColumn('source_line', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('licenses_client').on('licenses').column('client_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['licenses', 'time_logs', 'invoices', 'staff', 'clients', 'row_undo', 'imports', 'dataset_versions', 'app_meta']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
