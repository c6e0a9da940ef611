import type { Database } from '../storage/database.js';
import { VersionedLru } from './versioned-lru.js';

/**
 * Answers already computed, keyed by what was asked rather than how: the canonical plan
 * (canonical-plan.ts), the as-of date, the caller's client scope and the settings that
 * change numbers, within one dataset version. Two phrasings of one question share an
 * entry; "top 5" and "top 10" never do. What is stored is the phrasing-free part of an
 * answer (the metric result and its data confidence); the answer's wording (readings of
 * names, notes) is rebuilt for each question.
 *
 * Every import and rollback makes a new dataset version: the first lookup that sees it
 * empties the cache, so nothing computed on older data is ever served. Bounded: the least
 * recently used entry goes first.
 */

export const DEFAULT_SEMANTIC_CACHE_ENTRIES = 500;

/** Process-wide counters for GET /metrics (every database's cache counts). */
const counters = { hits: 0, misses: 0, evictions: 0, invalidations: 0 };

export class SemanticCache<T> extends VersionedLru<T> {
  constructor(capacity = DEFAULT_SEMANTIC_CACHE_ENTRIES) {
    super(capacity, {
      hit: () => counters.hits++,
      miss: () => counters.misses++,
      evict: () => counters.evictions++,
      invalidate: () => counters.invalidations++,
    });
  }
}

const caches = new WeakMap<Database, SemanticCache<unknown>>();

/** The cache of one open database. */
export function semanticCacheOf<T>(database: Database): SemanticCache<T> {
  let cache = caches.get(database);
  if (!cache) {
    cache = new SemanticCache();
    caches.set(database, cache);
  }
  return cache as SemanticCache<T>;
}

export function semanticCacheCounters(): Readonly<typeof counters> {
  return { ...counters };
}

/** The counters in the Prometheus text format, for GET /metrics. */
export function semanticCachePrometheusText(): string {
  return [
    '# HELP moatmetrics_nl_cache_hits_total Questions answered from the semantic cache (same canonical plan, dataset version, as-of date and scope) since the process started.',
    '# TYPE moatmetrics_nl_cache_hits_total counter',
    `moatmetrics_nl_cache_hits_total ${counters.hits}`,
    '# HELP moatmetrics_nl_cache_misses_total Questions whose plan was computed because the semantic cache did not hold it.',
    '# TYPE moatmetrics_nl_cache_misses_total counter',
    `moatmetrics_nl_cache_misses_total ${counters.misses}`,
    '# HELP moatmetrics_nl_cache_evictions_total Entries dropped because the cache was full (least recently used first).',
    '# TYPE moatmetrics_nl_cache_evictions_total counter',
    `moatmetrics_nl_cache_evictions_total ${counters.evictions}`,
    '# HELP moatmetrics_nl_cache_invalidations_total Times the cache was emptied because an import or rollback made a new dataset version.',
    '# TYPE moatmetrics_nl_cache_invalidations_total counter',
    `moatmetrics_nl_cache_invalidations_total ${counters.invalidations}`,
    '',
  ].join('\n');
}
