import type { Kysely } from 'kysely';

/**
 * Who decided a result, when and why (the review workflow), and security events: refused
 * logins, forbidden calls, rejected uploads and suspicious input, kept apart from the audit
 * trail so an attack cannot flood the record of what people actually did.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('analytics_results').addColumn('reviewed_by', 'text').execute();
  await db.schema.alterTable('analytics_results').addColumn('reviewed_at', 'text').execute();
  await db.schema.alterTable('analytics_results').addColumn('review_comment', 'text').execute();

  await db.schema
    .createTable('security_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    /** login_refused, auth_invalid, auth_missing, forbidden, rate_limited, upload_rejected, suspicious_input */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor', 'text')
    .addColumn('ip', 'text')
    .addColumn('method', 'text')
    .addColumn('route', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('security_events_time').on('security_events').columns(['occurred_at', 'kind']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('security_events').execute();
  for (const column of ['review_comment', 'reviewed_at', 'reviewed_by']) await db.schema.alterTable('analytics_results').dropColumn(column).execute();
}
