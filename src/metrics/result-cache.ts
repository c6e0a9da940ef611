import type { Database } from '../storage/database.js';

/**
 * Recently answered plans, per open database, keyed by the plan, the settings that change
 * numbers and the dataset version. A new import or a rollback changes the version, so a
 * stale answer can never be served; several instances on one PostgreSQL database each see
 * the version change on their next query.
 */
const caches = new WeakMap<Database, Map<string, unknown>>();
const capacity = 256;

export function cachedResult<T>(database: Database, key: string): T | undefined {
  const cache = caches.get(database);
  const hit = cache?.get(key);
  if (hit === undefined) return undefined;
  // Refresh recency: a Map iterates in insertion order, so re-inserting makes it newest.
  cache!.delete(key);
  cache!.set(key, hit);
  return structuredClone(hit) as T;
}

export function storeResult(database: Database, key: string, value: unknown): void {
  let cache = caches.get(database);
  if (!cache) {
    cache = new Map();
    caches.set(database, cache);
  }
  cache.set(key, structuredClone(value));
  if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
}

/** Forgets every cached result of one database (benchmarks measure uncached answers with it). */
export function clearResults(database: Database): void {
  caches.delete(database);
}
