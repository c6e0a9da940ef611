import type { Kysely } from 'kysely';

/**
 * A license position can be put together from several vendor files (issue 11): the seats
 * bought at the vendor (Partner Center, Pax8), the seats assigned in the tenant (Microsoft
 * Graph, the admin centre) and the seats billed to the client (a PSA's agreement additions).
 * `sources` lists which of those kinds a row's figures come from (`vendor,tenant`; null for a
 * canonical row, which states them all), so that the three-way reconciliation compares only
 * what was observed; `seats_billed` is the quantity invoiced to the client.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('licenses').addColumn('seats_billed', 'integer').execute();
  await db.schema.alterTable('licenses').addColumn('sources', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('licenses').dropColumn('sources').execute();
  await db.schema.alterTable('licenses').dropColumn('seats_billed').execute();
}
