import { sql, type Kysely } from 'kysely';

/** Stored analysis runs (cached per plan and dataset version) and their reviewable results. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('analytics_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    /** sha256 of the canonical JSON of (kind, filters, settings that change numbers). */
    .addColumn('plan_hash', 'text', (c) => c.notNull())
    .addColumn('plan_json', 'text', (c) => c.notNull())
    .addColumn('dataset_version', 'integer', (c) => c.notNull())
    .addColumn('period_from', 'text', (c) => c.notNull())
    .addColumn('period_to', 'text', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('analytics_runs_plan_version', ['plan_hash', 'dataset_version'])
    .execute();

  await db.schema
    .createTable('analytics_results')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull().references('analytics_runs.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    /** What the result is about: a client id, `client:product`, a staff key, or `portfolio`. */
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('subject_label', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('confidence', 'double precision', (c) => c.notNull())
    .addColumn('review_status', 'text', (c) =>
      c.notNull().check(sql`review_status in ('auto_approved', 'approved_with_note', 'pending_review', 'approved', 'rejected')`),
    )
    .addColumn('review_reasons_json', 'text', (c) => c.notNull())
    .addColumn('dataset_version', 'integer', (c) => c.notNull())
    .addColumn('detail_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('analytics_results_status').on('analytics_results').columns(['review_status', 'kind']).execute();
  await db.schema.createIndex('analytics_results_run').on('analytics_results').column('run_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('analytics_results').ifExists().execute();
  await db.schema.dropTable('analytics_runs').ifExists().execute();
}
