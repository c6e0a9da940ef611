import type { Kysely } from 'kysely';
import type { ClientAliasTable, DatabaseSchema } from '../storage/schema.js';
import type { ClientAliasStatus } from './client-index.js';

/** SQL of the `client_aliases` table (migration 0014); the rules are in client-aliases.ts. */

export type ClientAliasRow = ClientAliasTable;

/** What one import learnt about one client name. */
export interface ClientNameSighting {
  key: string;
  name: string;
  status: 'auto' | 'unmapped';
  clientId: string | null;
  rows: number;
}

export async function listClientAliases(db: Kysely<DatabaseSchema>, statuses?: readonly ClientAliasStatus[]): Promise<ClientAliasRow[]> {
  let query = db.selectFrom('client_aliases').selectAll();
  if (statuses) query = query.where('status', 'in', [...statuses]);
  const rows = await query.execute();
  // Sorted here, by code point: the engines' collations order case and spaces differently.
  return rows.map((row) => ({ ...row, rows_seen: Number(row.rows_seen) })).sort((a, b) => (a.alias_key < b.alias_key ? -1 : a.alias_key > b.alias_key ? 1 : 0));
}

export async function findClientAlias(db: Kysely<DatabaseSchema>, key: string): Promise<ClientAliasRow | null> {
  const row = await db.selectFrom('client_aliases').selectAll().where('alias_key', '=', key).executeTakeFirst();
  return row ? { ...row, rows_seen: Number(row.rows_seen) } : null;
}

/**
 * Records what an import met, inside the import's transaction. A person's decision
 * (confirmed, distinct) stands; an import's own finding (auto, unmapped) is replaced by
 * the newer one. Rows are added up over imports.
 */
export async function recordClientNameSightings(
  trx: Kysely<DatabaseSchema>,
  sightings: readonly ClientNameSighting[],
  by: { importId: string; actor: string; at: string },
): Promise<void> {
  for (const sighting of sightings) {
    const existing = await trx.selectFrom('client_aliases').select(['status', 'rows_seen']).where('alias_key', '=', sighting.key).executeTakeFirst();
    if (!existing) {
      await trx
        .insertInto('client_aliases')
        .values({
          alias_key: sighting.key,
          alias_name: sighting.name,
          client_id: sighting.clientId,
          status: sighting.status,
          rows_seen: sighting.rows,
          first_seen_import: by.importId,
          last_seen_import: by.importId,
          updated_at: by.at,
          updated_by: by.actor,
        })
        .execute();
      continue;
    }
    const decided = existing.status === 'confirmed' || existing.status === 'distinct';
    await trx
      .updateTable('client_aliases')
      .set({
        rows_seen: Number(existing.rows_seen) + sighting.rows,
        last_seen_import: by.importId,
        ...(decided ? {} : { status: sighting.status, client_id: sighting.clientId, updated_at: by.at, updated_by: by.actor }),
      })
      .where('alias_key', '=', sighting.key)
      .execute();
  }
}

/** A person's decision about a name: inserted when no import has met it yet. */
export async function saveClientAlias(
  trx: Kysely<DatabaseSchema>,
  alias: { key: string; name: string; clientId: string | null; status: ClientAliasStatus; actor: string; at: string },
): Promise<void> {
  const values = { client_id: alias.clientId, status: alias.status, updated_at: alias.at, updated_by: alias.actor };
  const updated = await trx.updateTable('client_aliases').set(values).where('alias_key', '=', alias.key).executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  await trx
    .insertInto('client_aliases')
    .values({ alias_key: alias.key, alias_name: alias.name, rows_seen: 0, first_seen_import: null, last_seen_import: null, ...values })
    .execute();
}

/** Names matched automatically and not yet confirmed, by the client they matched. */
export async function listAutomaticMatches(db: Kysely<DatabaseSchema>): Promise<Array<{ client_id: string; alias_name: string }>> {
  const rows = await db
    .selectFrom('client_aliases')
    .select(['client_id', 'alias_name'])
    .where('status', '=', 'auto')
    .where('client_id', 'is not', null)
    .orderBy('client_id')
    .orderBy('alias_name')
    .execute();
  return rows.map((row) => ({ client_id: row.client_id!, alias_name: row.alias_name }));
}
