import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/schema.js';

/**
 * An intact hash chain proves that no recorded event was changed or removed; it cannot
 * show that a change was never recorded at all. These checks read the changes themselves —
 * dataset versions, review decisions, users and their password changes — and name each one
 * that has no audit event, so a gap is reported instead of hidden behind "intact".
 */
export interface AuditGap {
  kind: 'dataset_version' | 'review_decision' | 'user' | 'password_change';
  subject: string;
  problem: string;
}

export async function findAuditGaps(db: Kysely<DatabaseSchema>): Promise<AuditGap[]> {
  const gaps: AuditGap[] = [];

  // Each change is read before the events that record it: a change commits together with its
  // event, so one committed in between is seen with its event, never as a gap.
  const versions = await db.selectFrom('dataset_versions').select(['number', 'dataset', 'created_by', 'created_at']).orderBy('number').execute();
  const imported = new Set<number>();
  const importEvents = await db.selectFrom('audit_events').select('details_json').where('action', '=', 'import.run').where('outcome', '=', 'success').execute();
  for (const event of importEvents) {
    const version = parseDetails(event.details_json).version;
    if (typeof version === 'number') imported.add(version);
  }
  // `import --replace-demo` removes the demo data as new versions, all named by one event.
  const demoRemovals = await db
    .selectFrom('audit_events')
    .select('details_json')
    .where('action', '=', 'demo.remove')
    .where('outcome', '=', 'success')
    .execute();
  for (const event of demoRemovals) {
    const removals = parseDetails(event.details_json).versions;
    if (Array.isArray(removals)) for (const version of removals) if (typeof version === 'number') imported.add(version);
  }
  for (const version of versions) {
    if (imported.has(Number(version.number))) continue;
    gaps.push({
      kind: 'dataset_version',
      subject: `version ${version.number}`,
      problem: `dataset version ${version.number} (${version.dataset}, by ${version.created_by} at ${version.created_at}) has no import.run (or demo.remove) audit event`,
    });
  }

  const decided = await db
    .selectFrom('analytics_results')
    .select(['id', 'review_status', 'reviewed_by', 'reviewed_at'])
    .where('review_status', 'in', ['approved', 'rejected'])
    .where('reviewed_by', 'is not', null)
    .execute();
  if (decided.length > 0) {
    const decisionEvents = await db.selectFrom('audit_events').select('target').where('action', 'in', ['review.approve', 'review.reject']).execute();
    const recorded = new Set(decisionEvents.map((e) => e.target));
    for (const result of decided) {
      if (recorded.has(result.id)) continue;
      gaps.push({
        kind: 'review_decision',
        subject: `result ${result.id}`,
        problem: `result ${result.id} was ${result.review_status} by ${result.reviewed_by} at ${result.reviewed_at} without a review audit event`,
      });
    }
  }

  const users = await db.selectFrom('users').select(['username', 'created_at', 'created_by', 'password_changed_at']).execute();
  const userEvents = await db
    .selectFrom('audit_events')
    .select(['action', 'target'])
    .where('action', 'in', ['user.create', 'auth.password_change', 'user.password_reset'])
    .where('outcome', '=', 'success')
    .execute();
  const created = new Set(userEvents.filter((e) => e.action === 'user.create').map((e) => e.target));
  const passwordChanged = new Set(userEvents.filter((e) => e.action !== 'user.create').map((e) => e.target));
  for (const user of users) {
    if (!created.has(user.username)) {
      gaps.push({
        kind: 'user',
        subject: `user ${user.username}`,
        problem: `user '${user.username}' (created by ${user.created_by} at ${user.created_at}) has no user.create audit event`,
      });
    }
    if (user.password_changed_at !== user.created_at && !passwordChanged.has(user.username)) {
      gaps.push({
        kind: 'password_change',
        subject: `user ${user.username}`,
        problem: `the password of '${user.username}' changed at ${user.password_changed_at} without a password change or reset audit event`,
      });
    }
  }
  return gaps;
}

function parseDetails(json: string): Record<string, unknown> {
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    // An event that no longer parses is the chain check's to report.
    return {};
  }
}
