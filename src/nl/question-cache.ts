import type { QueryPlan } from '../metrics/query-plan.js';
import type { Database } from '../storage/database.js';
import type { NlAnswer } from './answer.js';
import type { Understanding } from './understanding.js';
import { VersionedLru } from './versioned-lru.js';

/**
 * The front of the semantic cache: a question asked again in the same words (spaces aside)
 * is not parsed again. Keyed by the question text, the as-of date, the caller's client scope
 * (their names are the only ones they can be read as), the follow-up context and the local
 * model's settings, within one dataset version (the names and the data range a question is
 * read against); it holds what the question was understood as and the plan that runs, so
 * the answer still comes from the semantic cache (semantic-cache.ts), whose entry different
 * phrasings share and whose hit and miss counters stay those of every answered question.
 *
 * What the grammar read is kept, a question to ask back (with its "did you mean" search, the
 * slowest part of parsing) included. A refusal is not: the payload check runs on every
 * asking (each is a security event), and a question only goes to the cache once it passed.
 * Nor is a local model's proposal: the model is asked again.
 */

export interface RememberedQuestion {
  understanding: Understanding;
  refinement: { kept: string[]; changed: string[] } | null;
  /** The plan a query runs (ask.ts `runnablePlan`); null for a "why" or a plan the metric layer refuses. */
  plan: QueryPlan | null;
  /**
   * The answer last built for it, and from which semantic-cache entry (by identity) and
   * currency: asked again and answered from that same entry, the table, explanation and chart
   * are the same, so they are not built again (with thousands of rows, the longest step).
   */
  built?: { facts: object; currency: string; answer: NlAnswer };
}

/**
 * As many as the semantic cache holds: an entry keeps its built answer and the semantic entry
 * it came from, so a larger cache would keep results the semantic cache already let go.
 */
export const DEFAULT_QUESTION_CACHE_ENTRIES = 500;

export class QuestionCache extends VersionedLru<RememberedQuestion> {
  readonly #counts: { hits: number; misses: number };

  constructor(capacity = DEFAULT_QUESTION_CACHE_ENTRIES) {
    const counts = { hits: 0, misses: 0 };
    super(capacity, { hit: () => counts.hits++, miss: () => counts.misses++ });
    this.#counts = counts;
  }

  /** Questions found (not parsed again) since the cache was made. */
  get hits(): number {
    return this.#counts.hits;
  }

  /** Questions not found (parsed) since the cache was made. */
  get misses(): number {
    return this.#counts.misses;
  }
}

const caches = new WeakMap<Database, QuestionCache>();

/** The question cache of one open database. */
export function questionCacheOf(database: Database): QuestionCache {
  let cache = caches.get(database);
  if (!cache) {
    cache = new QuestionCache();
    caches.set(database, cache);
  }
  return cache;
}

/** The question as the key reads it: runs of spaces, tabs and line breaks are one space; case and every other character count. */
export function questionKeyText(question: string): string {
  return question.trim().replace(/[ \t\r\n]+/g, ' ');
}
