import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../../storage/schema.js';
import { clientNameKey } from './clients.js';

/** Every client's id, name and name key (an MSP has thousands at most): what time logs, invoices and licenses are matched against. */
export async function listClientKeys(db: Kysely<DatabaseSchema>): Promise<Array<{ client_id: string; client_name: string; client_name_key: string }>> {
  return db.selectFrom('clients').select(['client_id', 'client_name', 'client_name_key']).execute();
}

/** The client with this id, else the one with this name (ignoring case). */
export async function findClientByIdOrName(db: Kysely<DatabaseSchema>, idOrName: string): Promise<{ client_id: string; client_name: string } | null> {
  const byId = await db.selectFrom('clients').select(['client_id', 'client_name']).where('client_id', '=', idOrName).executeTakeFirst();
  if (byId) return byId;
  const byName = await db.selectFrom('clients').select(['client_id', 'client_name']).where('client_name_key', '=', clientNameKey(idOrName)).executeTakeFirst();
  return byName ?? null;
}
