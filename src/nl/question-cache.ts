import type { QueryPlan } from '../metrics/query-plan.js';
import type { Database } from '../storage/database.js';
import type { NlAnswer } from './answer.js';
import type { Understanding } from './understanding.js';

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

export class QuestionCache {
  private entries = new Map<string, RememberedQuestion>();
  private version: number | null = null;
  /** Questions found (not parsed again) and not found, since the cache was made. */
  hits = 0;
  misses = 0;

  constructor(readonly capacity = DEFAULT_QUESTION_CACHE_ENTRIES) {}

  get(version: number, key: string): RememberedQuestion | undefined {
    this.useVersion(version);
    const found = this.entries.get(key);
    if (found === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-inserted: a Map iterates in insertion order, so this is now the most recently used.
    this.entries.delete(key);
    this.entries.set(key, found);
    return found;
  }

  set(version: number, key: string, value: RememberedQuestion): void {
    this.useVersion(version);
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Forgets every question (benchmarks time the uncached path with it). */
  clear(): void {
    this.entries.clear();
  }

  private useVersion(version: number): void {
    if (this.version === version) return;
    this.entries.clear();
    this.version = version;
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
