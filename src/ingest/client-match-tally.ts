import type { ClientNameSighting } from './client-aliases-repository.js';
import type { ClientNameCount } from './client-index.js';
import type { ClientMatchReport } from './import-report.js';

/**
 * Adds up, over an import's batches, the client names its rows matched loosely or not at
 * all (client-index.ts counts them per batch, on whichever thread reads the file), for the
 * import report and for `client_aliases`.
 */
/** Distinct client names one import lists and records at most. */
export const MAX_CLIENT_NAMES = 1000;

export class ClientMatchTally {
  readonly #names = new Map<string, ClientNameCount>();

  add(counts: readonly ClientNameCount[] | undefined): void {
    for (const count of counts ?? []) {
      const known = this.#names.get(count.key);
      if (known) known.rows += count.rows;
      // A file of garbage could name a million clients: their rows are rejected and in the
      // rejects file all the same, but only the first names are listed and remembered.
      else if (this.#names.size < MAX_CLIENT_NAMES) this.#names.set(count.key, { ...count, candidates: [...count.candidates] });
    }
  }

  /** Forgets a pass that is read again from the start. */
  reset(): void {
    this.#names.clear();
  }

  /** `clientNames`: each client id's stored name. Most rows first. */
  report(clientNames: ReadonlyMap<string, string>): ClientMatchReport {
    const counts = [...this.#names.values()].sort((a, b) => b.rows - a.rows || a.name.localeCompare(b.name));
    return {
      automatic: counts
        .filter((count) => count.outcome === 'automatic')
        .map((count) => ({ name: count.name, clientId: count.clientId!, clientName: clientNames.get(count.clientId!) ?? count.clientId!, rows: count.rows })),
      unmapped: counts.filter((count) => count.outcome === 'unmapped').map((count) => ({ name: count.name, rows: count.rows, candidates: count.candidates })),
    };
  }

  /** What `client_aliases` records: automatic matches only when their rows were loaded. */
  sightings(options: { loaded: boolean }): ClientNameSighting[] {
    return [...this.#names.values()]
      .filter((count) => options.loaded || count.outcome === 'unmapped')
      .map((count) => ({
        key: count.key,
        name: count.name,
        status: count.outcome === 'automatic' ? 'auto' : 'unmapped',
        clientId: count.clientId,
        rows: count.rows,
      }));
  }
}
