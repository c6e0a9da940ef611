import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../../storage/schema.js';

/** Every client's id and name key (an MSP has thousands at most): what time logs, invoices and licenses are matched against. */
export async function listClientKeys(db: Kysely<DatabaseSchema>): Promise<Array<{ client_id: string; client_name_key: string }>> {
  return db.selectFrom('clients').select(['client_id', 'client_name_key']).execute();
}
