import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/schema.js';

/** The SQL of the policy last in use: one app_meta entry holding JSON `{sha256, file}`. */

const POLICY_KEY = 'policy_in_use';

/** The entry as stored, or undefined when no policy has been recorded yet. */
export async function readPolicyInUse(db: Kysely<DatabaseSchema>): Promise<string | undefined> {
  const stored = await db.selectFrom('app_meta').select('value').where('key', '=', POLICY_KEY).executeTakeFirst();
  return stored?.value;
}

/** Replaces the entry (`exists`: it was read in this transaction) or creates it. */
export async function storePolicyInUse(db: Kysely<DatabaseSchema>, value: string, exists: boolean): Promise<void> {
  if (exists) await db.updateTable('app_meta').set({ value }).where('key', '=', POLICY_KEY).execute();
  else await db.insertInto('app_meta').values({ key: POLICY_KEY, value }).execute();
}
