import { sql, type Kysely } from 'kysely';

/**
 * One row per retention run (operations/retention.ts), scheduled or from the CLI, dry runs
 * included: what it removed (or would have), which cut-off dates it applied and what it
 * could not remove. "Did retention run on schedule" is answered from here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('retention_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    /** RetentionCounts as JSON. */
    .addColumn('counts_json', 'text', (c) => c.notNull())
    /** The cut-off timestamp applied per category (null: kept forever) as JSON. */
    .addColumn('cutoffs_json', 'text', (c) => c.notNull())
    /** Files or rows that could not be removed, as a JSON array of one-line messages. */
    .addColumn('problems_json', 'text', (c) => c.notNull())
    .addCheckConstraint('retention_runs_flags', sql`dry_run in (0, 1)`)
    .execute();
  await db.schema.createIndex('retention_runs_started_at').on('retention_runs').columns(['dry_run', 'started_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('retention_runs').execute();
}
