import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/schema.js';
import { appendAudit } from './audit-log.js';

const POLICY_KEY = 'policy_in_use';

/**
 * The policy is a file, edited outside MoatMetrics. Each process that starts with a policy
 * whose content differs from the one last in use records the change in the audit trail
 * (`policy.change`, with both SHA-256 hashes and the file), so who could do what, and since
 * when, can be proven afterwards.
 */
export async function notePolicyInUse(db: Kysely<DatabaseSchema>, loaded: { file: string; sha256: string }, actor: string): Promise<boolean> {
  const stored = await db.selectFrom('app_meta').select('value').where('key', '=', POLICY_KEY).executeTakeFirst();
  const previous = stored ? (JSON.parse(stored.value) as { sha256: string; file: string }) : null;
  if (previous?.sha256 === loaded.sha256) return false;
  const value = JSON.stringify({ sha256: loaded.sha256, file: loaded.file });
  if (stored) await db.updateTable('app_meta').set({ value }).where('key', '=', POLICY_KEY).execute();
  else await db.insertInto('app_meta').values({ key: POLICY_KEY, value }).execute();
  await appendAudit(db, { actor, action: previous ? 'policy.change' : 'policy.first_use', target: loaded.file, details: { from: previous?.sha256 ?? null, to: loaded.sha256 } });
  return true;
}
