import { sql, type Kysely } from 'kysely';

/**
 * Client names across sources (docs/IMPORTING.md, "Client names across sources"): each
 * spelling of a client name an import met without an exact match, and what became of it —
 * matched automatically (awaiting confirmation), confirmed or mapped by a person, unmapped,
 * or kept apart. One row per spelling (`alias_key`: case and spacing set aside).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('client_aliases')
    .addColumn('alias_key', 'text', (c) => c.primaryKey())
    .addColumn('alias_name', 'text', (c) => c.notNull())
    // No foreign key: a rollback may remove the client; the alias then resolves to nothing.
    .addColumn('client_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('auto', 'confirmed', 'unmapped', 'distinct')`))
    .addColumn('rows_seen', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('first_seen_import', 'text')
    .addColumn('last_seen_import', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('client_aliases_status').on('client_aliases').columns(['status', 'client_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('client_aliases').execute();
}
