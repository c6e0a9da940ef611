import path from 'node:path';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/schema.js';
import { appendAudit } from './audit-log.js';
import { readPolicyInUse, storePolicyInUse } from './policy-history-repository.js';

/**
 * The policy is a file, edited outside MoatMetrics. Each process that starts with a policy
 * whose content differs from the one last in use records the change in the audit trail
 * (`policy.change`, with both SHA-256 hashes and the file), so who could do what, and since
 * when, can be proven afterwards.
 */
export async function notePolicyInUse(database: Kysely<DatabaseSchema>, loaded: { file: string; sha256: string }, actor: string): Promise<boolean> {
  // Usually unchanged: a plain read, so a command started during a long import need not wait for the write lock.
  const stored = await readPolicyInUse(database);
  if (stored !== undefined && (JSON.parse(stored) as { sha256: string }).sha256 === loaded.sha256) return false;
  // Read again, record and audit in one transaction: two processes starting at once record the change once.
  return database.transaction().execute((db) => notePolicyInTransaction(db, loaded, actor));
}

async function notePolicyInTransaction(db: Kysely<DatabaseSchema>, loaded: { file: string; sha256: string }, actor: string): Promise<boolean> {
  const stored = await readPolicyInUse(db);
  const previous = stored !== undefined ? (JSON.parse(stored) as { sha256: string; file: string }) : null;
  if (previous?.sha256 === loaded.sha256) return false;
  const file = policyFileLabel(loaded.file);
  const value = JSON.stringify({ sha256: loaded.sha256, file });
  await storePolicyInUse(db, value, stored !== undefined);
  const action = previous ? 'policy.change' : 'policy.first_use';
  await appendAudit(db, { actor, action, target: file, details: { from: previous?.sha256 ?? null, to: loaded.sha256 } });
  return true;
}

/**
 * How the audit trail names a policy file: relative to the working directory when it is
 * inside it (`config/policies/default.yaml`), otherwise its file name alone. Never the
 * absolute path, which tells whoever reads an audit export how the server's disk is laid
 * out; the SHA-256 in the event identifies the content exactly.
 */
export function policyFileLabel(file: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, file);
  const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  return inside ? relative.split(path.sep).join('/') : path.basename(file);
}
