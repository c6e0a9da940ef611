import type { UserTable } from '../storage/schema.js';

/**
 * Per-user client scoping: a user with a client scope (e.g. an account manager's analyst)
 * sees only those clients — in every analysis (the metric layer is always asked with the
 * scope as its client filter), in stored results and the review queue, and never the
 * portfolio totals of clients outside it or rejected import rows, which may belong to any
 * client. A client outside the scope is answered exactly like a client that does not
 * exist, so the scope does not reveal who else is a client.
 */

/** The client ids `user` may see, or null for every client. */
export function clientScopeOf(user: UserTable | null): string[] | null {
  if (!user || user.client_scope === null) return null;
  return JSON.parse(user.client_scope) as string[];
}

/** The client a stored result is about: `C1` or `C1:vendor:product`; null for portfolio results. */
export function subjectClient(kind: string, subject: string): string | null {
  if (kind === 'overview') return null;
  return kind === 'license' ? subject.split(':')[0]! : subject;
}

export function subjectInScope(kind: string, subject: string, scope: readonly string[] | null): boolean {
  if (scope === null) return true;
  const client = subjectClient(kind, subject);
  return client !== null && scope.includes(client);
}
