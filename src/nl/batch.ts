import type { Config } from '../config/schema.js';
import { runQueries } from '../metrics/run-query.js';
import type { Database } from '../storage/database.js';
import type { NlAnswer } from './answer.js';
import { askWithContext, prepareBatch, type AskOptions } from './ask.js';

export interface BatchEvaluation {
  questions: number;
  /** Distinct canonical plans (and "why" subjects) among the answered questions. */
  plans: number;
  /** Answers the metric layer computed in this batch. */
  computed: number;
  /** Times the fact sources were read for the computed plans: plans needing the same sums share one pass. */
  sourcePasses: number;
  /** Answers served from the semantic cache, repeats within the batch included. */
  fromCache: number;
}

/**
 * Many questions in one call, answered in order, each exactly as `askQuestion` answers it
 * (audited one by one, refusals recorded). Before answering, the plans of all questions that
 * the semantic cache does not hold are computed together by the metric layer (`runQueries`):
 * identical canonical plans once, and plans that read the same sources under the same
 * grouping, filters and period — "revenue by client", "top 5 clients by revenue", "clients
 * with revenue over $10k" — from one pass over those sources. The first question of an
 * identical plan is then answered from that computation and the others from the semantic
 * cache (`cached: true`).
 */
export async function askBatch(
  database: Database,
  config: Config,
  questions: readonly string[],
  options: Omit<AskOptions, 'previous' | 'auditDetails' | 'precomputed' | 'prepared'>,
): Promise<{ answers: NlAnswer[]; evaluation: BatchEvaluation }> {
  const planned = await prepareBatch(database, config, questions, options);
  const toCompute = [...new Map(planned.flatMap(({ plan, cached }) => (plan !== null && !cached ? [[JSON.stringify(plan), plan] as const] : []))).entries()];
  const { results, sourcePasses } = await runQueries(
    database,
    config,
    toCompute.map(([, plan]) => plan),
  );
  const precomputed = new Map(toCompute.map(([key], i) => [key, results[i]!]));

  const answers: NlAnswer[] = [];
  for (const [index, question] of questions.entries()) {
    answers.push(
      (
        await askWithContext(database, config, question, {
          ...options,
          precomputed,
          prepared: planned[index]!.prepared,
          auditDetails: { batch: { index, of: questions.length } },
        })
      ).answer,
    );
  }
  const answered = answers.filter((a) => a.status === 'answered');
  return {
    answers,
    evaluation: {
      questions: questions.length,
      plans: new Set(answered.map((a) => JSON.stringify(a.plan ?? [a.columns, a.rows]))).size,
      computed: answered.filter((a) => !a.cached).length,
      sourcePasses,
      fromCache: answers.filter((a) => a.cached).length,
    },
  };
}
