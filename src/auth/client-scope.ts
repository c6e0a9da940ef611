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
