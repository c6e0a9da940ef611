import type { Kysely } from 'kysely';

/**
 * Mapping profiles (docs/IMPORTING.md, "Mapping profiles"): a person's own mapping of a
 * header no preset knows onto a dataset's canonical fields, used again for the next file
 * with that header. `header_signature_json` is the header's normalised cells (a JSON array),
 * `mapping_json` the canonical field → header cell pairs (a JSON object).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('import_profiles')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('header_signature_json', 'text', (c) => c.notNull())
    .addColumn('mapping_json', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('import_profiles_dataset').on('import_profiles').column('dataset').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('import_profiles').execute();
}
