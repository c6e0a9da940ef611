import type { Kysely } from 'kysely';

/**
 * The client every stored analytics result (and so every review) is about, as its own
 * column: per-user client scope filters on `client_id = …` instead of reading the client
 * out of the subject key. A license subject is `clientId:vendor:product`, and a client id
 * may itself contain `:` (`C0001:sub`), so no parse of the key can tell whose it is.
 *
 * Backfill, from what runAnalysis stored: profitability subjects are the client id itself;
 * license results are matched through their run's payload, which lists every license
 * position with its client id and the id of the result recorded for it. A license result
 * its run does not account for stays NULL, which no client scope matches (fail closed);
 * portfolio results are about no client and stay NULL too.
 */

/** The tables as this migration knows them (self-contained: later schema changes must not change it). */
interface Tables {
  analytics_runs: { id: string; payload_json: string };
  analytics_results: { id: string; run_id: string; kind: string; subject: string; client_id: string | null };
}

interface StoredPayload {
  licenses?: { positions?: Array<{ clientId?: unknown; review?: { resultId?: unknown } }> };
}

/** Updates per statement, well below SQLite's and PostgreSQL's bound-parameter limits. */
const BATCH = 500;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('analytics_results').addColumn('client_id', 'text').execute();
  const tables = db as unknown as Kysely<Tables>;
  await tables
    .updateTable('analytics_results')
    .set((eb) => ({ client_id: eb.ref('subject') }))
    .where('kind', '=', 'profitability')
    .execute();

  const runs = await tables.selectFrom('analytics_results').select('run_id').distinct().where('kind', '=', 'license').execute();
  for (const { run_id: runId } of runs) {
    // One payload at a time: a run's payload holds the whole analysis document.
    const run = await tables.selectFrom('analytics_runs').select('payload_json').where('id', '=', runId).executeTakeFirst();
    const byClient = new Map<string, string[]>();
    for (const position of licensePositions(run?.payload_json)) {
      const { clientId } = position;
      const resultId = position.review?.resultId;
      if (typeof clientId !== 'string' || typeof resultId !== 'string') continue;
      byClient.set(clientId, [...(byClient.get(clientId) ?? []), resultId]);
    }
    for (const [clientId, resultIds] of byClient) {
      for (let i = 0; i < resultIds.length; i += BATCH) {
        await tables
          .updateTable('analytics_results')
          .set({ client_id: clientId })
          .where('run_id', '=', runId)
          .where('kind', '=', 'license')
          .where('id', 'in', resultIds.slice(i, i + BATCH))
          .execute();
      }
    }
  }
  await db.schema.createIndex('analytics_results_client').on('analytics_results').columns(['client_id', 'kind']).execute();
}

function licensePositions(payloadJson: string | undefined): NonNullable<NonNullable<StoredPayload['licenses']>['positions']> {
  if (payloadJson === undefined) return [];
  try {
    const positions = (JSON.parse(payloadJson) as StoredPayload | null)?.licenses?.positions;
    return Array.isArray(positions) ? positions : [];
  } catch {
    return [];
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('analytics_results_client').execute();
  await db.schema.alterTable('analytics_results').dropColumn('client_id').execute();
}
