import type { Kysely } from 'kysely';
import { clientNameKey } from '../ingest/datasets/clients.js';
import type { DatabaseSchema } from '../storage/schema.js';

/** Clients whose id is one of `wanted`, or whose name is one of them case-insensitively. */
export async function findClientsByIdOrName(db: Kysely<DatabaseSchema>, wanted: string[]): Promise<Array<{ clientId: string; nameKey: string }>> {
  if (wanted.length === 0) return [];
  const rows = await db
    .selectFrom('clients')
    .select(['client_id', 'client_name_key'])
    .where((eb) => eb.or([eb('client_id', 'in', wanted), eb('client_name_key', 'in', wanted.map(clientNameKey))]))
    .execute();
  return rows.map((row) => ({ clientId: row.client_id, nameKey: row.client_name_key }));
}

/**
 * Every industry as stored (a short list): compared in JS because SQLite's lower() folds ASCII only.
 * With a client scope, only the industries of those clients: the others' industries are not the caller's to learn.
 */
export async function listIndustries(db: Kysely<DatabaseSchema>, scope: readonly string[] | null = null): Promise<string[]> {
  if (scope?.length === 0) return [];
  let query = db.selectFrom('clients').select('industry').distinct().where('industry', 'is not', null);
  if (scope) query = query.where('client_id', 'in', [...scope]);
  const rows = await query.execute();
  return rows.map((row) => row.industry).filter((industry): industry is string => industry !== null);
}
