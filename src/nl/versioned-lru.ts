/** What a `VersionedLru` tells its owner, for counters. */
export interface LruEvents {
  hit?(): void;
  miss?(): void;
  /** An entry dropped because the cache was full. */
  evict?(): void;
  /** A non-empty cache emptied because a new dataset version was asked for. */
  invalidate?(): void;
}

/**
 * A bounded map from key to entry within one dataset version: the first lookup for another
 * version empties it (an import or rollback made new data), and when full the least recently
 * used entry goes first (a Map iterates in insertion order: re-inserting an entry makes it the
 * most recent). The caches of answers (semantic-cache.ts) and of questions (question-cache.ts)
 * are both this, with their own counters.
 */
export class VersionedLru<T> {
  private entries = new Map<string, T>();
  private version: number | null = null;

  constructor(
    readonly capacity: number,
    private readonly events: LruEvents = {},
  ) {}

  /** The entry for `key` on dataset `version`; counts a hit or a miss. */
  get(version: number, key: string): T | undefined {
    this.useVersion(version);
    const found = this.entries.get(key);
    if (found === undefined) {
      this.events.miss?.();
      return undefined;
    }
    this.events.hit?.();
    this.entries.delete(key);
    this.entries.set(key, found);
    return found;
  }

  /** Whether `key` is held for `version`, without counting a hit or a miss or refreshing it. */
  has(version: number, key: string): boolean {
    return this.version === version && this.entries.has(key);
  }

  set(version: number, key: string, value: T): void {
    this.useVersion(version);
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
      this.events.evict?.();
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Forgets every entry (benchmarks time the uncached path with it; counters are kept). */
  clear(): void {
    this.entries.clear();
  }

  private useVersion(version: number): void {
    if (this.version === version) return;
    if (this.version !== null && this.entries.size > 0) this.events.invalidate?.();
    this.entries.clear();
    this.version = version;
  }
}
