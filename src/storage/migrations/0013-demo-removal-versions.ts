import type { Kysely } from 'kysely';

/**
 * Demo data is marked on the versions that loaded it (`is_demo`, since 0001). Replacing it
 * (`import --replace-demo`) removes its rows as new dataset versions, which `removes_demo`
 * marks: demo data is present while an active demo version is newer than every active
 * removal. Rolling a removal back brings the demo rows, and the marker's effect, back.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('dataset_versions')
    .addColumn('removes_demo', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('dataset_versions').dropColumn('removes_demo').execute();
}
