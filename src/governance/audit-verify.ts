import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/schema.js';
import { findAuditGaps, type AuditGap } from './audit-coverage-repository.js';
import { verifyAuditChain, type AuditVerification } from './audit-log.js';

export interface AuditTrailVerification extends AuditVerification {
  /** True only when the chain holds and every change has its event. */
  ok: boolean;
  chainOk: boolean;
  /** Changes (dataset versions, review decisions, users, password changes) without their event. */
  gaps: AuditGap[];
}

/** `audit verify`, `GET /audit/verify` and the compliance check: the chain, then its coverage. */
export async function verifyAuditTrail(db: Kysely<DatabaseSchema>): Promise<AuditTrailVerification> {
  const chain = await verifyAuditChain(db);
  const gaps = await findAuditGaps(db);
  return { ...chain, chainOk: chain.ok, ok: chain.ok && gaps.length === 0, gaps };
}

/** One line for a person: what is wrong first, how many more. */
export function describeAuditProblems(result: AuditTrailVerification): string {
  const parts: string[] = [];
  if (!result.chainOk) parts.push(`audit chain broken at event ${result.firstBadSeq}: ${result.problem} (${result.checked} events before it verified)`);
  if (result.gaps.length > 0) {
    const more = result.gaps.length - 1;
    parts.push(
      `${result.gaps.length === 1 ? 'a change has' : `${result.gaps.length} changes have`} no audit event: ${result.gaps[0]!.problem}${more > 0 ? ` (and ${more} more)` : ''}`,
    );
  }
  return parts.join('; ');
}
