import { findFirstRunAdmin, listUserRoles } from '../auth/users-repository.js';
import type { Config } from '../config/schema.js';
import { latestBackup } from './backups-repository.js';
import { latestRetentionRun } from './retention-runs-repository.js';
import { countOf } from '../present/display-format.js';
import type { Database } from '../storage/database.js';
import { verifyAuditTrail } from '../governance/audit-verify.js';
import { roles, type Policy } from '../governance/policy.js';

/**
 * Compliance status: each check is verified against the installation at the moment it is
 * asked — the audit chain is walked, the retention and backup records are read, the users
 * table is inspected — and reports pass or fail with the evidence it saw. Nothing here
 * repeats what the configuration merely claims.
 */
export interface ComplianceCheck {
  name: string;
  title: string;
  passed: boolean;
  evidence: string;
}

export interface ComplianceReport {
  checkedAt: string;
  passed: boolean;
  checks: ComplianceCheck[];
}

const loopbackHosts = new Set(['127.0.0.1', '::1', 'localhost']);

export async function complianceReport(database: Database, config: Config, policy: Policy, now = new Date()): Promise<ComplianceReport> {
  const db = database.kysely;
  const checks: ComplianceCheck[] = [];
  const hoursAgo = (iso: string): number => (now.getTime() - Date.parse(iso)) / 3_600_000;

  const chain = await verifyAuditTrail(db);
  checks.push({
    name: 'audit_chain_intact',
    title: 'The audit trail is intact',
    passed: chain.chainOk,
    evidence: chain.chainOk
      ? chain.head
        ? `${countOf(chain.checked, 'event')} verified; head ${chain.head.seq} ${chain.head.hash.slice(0, 16)}…`
        : 'no events yet'
      : `broken at event ${chain.firstBadSeq}: ${chain.problem}`,
  });
  checks.push({
    name: 'audit_covers_changes',
    title: 'Every dataset version, review decision, user and password change has its audit event',
    passed: chain.gaps.length === 0,
    evidence:
      chain.gaps.length === 0
        ? 'every dataset version, review decision, user and password change was found in the audit trail'
        : `${chain.gaps.length} without an event: ${chain.gaps
            .slice(0, 5)
            .map((gap) => gap.problem)
            .join('; ')}${chain.gaps.length > 5 ? '; …' : ''}`,
  });

  const retention = await latestRetentionRun(db);
  const allowedHours = policy.retention.run_every_hours * 1.5;
  checks.push({
    name: 'retention_on_schedule',
    title: `The retention job ran within the last ${allowedHours} h (every ${policy.retention.run_every_hours} h, with slack)`,
    passed: retention !== null && !retention.dryRun && hoursAgo(retention.finishedAt) <= allowedHours,
    evidence: retention
      ? `last ${retention.dryRun ? 'dry ' : ''}run finished ${retention.finishedAt} (${hoursAgo(retention.finishedAt).toFixed(1)} h ago) by ${retention.actor}`
      : 'the retention job has never run',
  });

  const backup = await latestBackup(db);
  const maxAge = policy.compliance.backup_max_age_hours;
  checks.push({
    name: 'backup_recent_and_encrypted',
    title: `The latest backup is at most ${maxAge} h old and encrypted`,
    passed: backup !== null && backup.encrypted && hoursAgo(backup.createdAt) <= maxAge,
    evidence: backup
      ? `latest backup ${backup.createdAt} (${hoursAgo(backup.createdAt).toFixed(1)} h ago), ${backup.encrypted ? 'encrypted (AES-256-GCM)' : 'NOT encrypted'}: ${backup.file}`
      : 'no backup has been made (moatmetrics backup <file> --passphrase-stdin)',
  });

  const exposed = !loopbackHosts.has(config.server.host);
  checks.push({
    name: 'secure_cookies_when_exposed',
    title: 'Session cookies are HTTPS-only whenever the server is reachable from other machines',
    passed: !exposed || config.server.secure_cookies,
    evidence: exposed
      ? `listening on ${config.server.host}; server.secure_cookies is ${config.server.secure_cookies} (put MoatMetrics behind TLS and set it to true)`
      : `listening on ${config.server.host} only (this machine); server.secure_cookies is ${config.server.secure_cookies}`,
  });

  const firstAdmin = await findFirstRunAdmin(db);
  checks.push({
    name: 'first_run_password_changed',
    title: 'The first-run admin no longer uses the one-time password printed at first start',
    passed: firstAdmin === undefined || firstAdmin.must_change_password === 0,
    evidence: firstAdmin
      ? firstAdmin.must_change_password === 0
        ? `'${firstAdmin.username}' set its own password (${firstAdmin.password_changed_at === firstAdmin.created_at ? 'from MOATMETRICS_ADMIN_PASSWORD at first start' : `changed ${firstAdmin.password_changed_at}`})`
        : `'${firstAdmin.username}' still has the one-time password from first start`
      : 'no first-run admin (users were created another way)',
  });

  const users = await listUserRoles(db);
  const defined = new Set(roles.filter((r) => policy.roles[r]));
  const roleless = users.filter((u) => !defined.has(u.role as (typeof roles)[number]));
  checks.push({
    name: 'every_user_has_a_role',
    title: 'Every user has a role the policy defines',
    passed: roleless.length === 0,
    evidence:
      roleless.length === 0
        ? `${countOf(users.length, 'user')}, each with one of: ${[...defined].join(', ')}`
        : `without a valid role: ${roleless.map((u) => `${u.username} (${u.role || 'none'})`).join(', ')}`,
  });

  return { checkedAt: now.toISOString(), passed: checks.every((c) => c.passed), checks };
}
