import type { Config } from '../config/schema.js';
import type { Database } from '../storage/database.js';
import type { NlAnswer } from './answer.js';
import { askWithContext, type AskOptions } from './ask.js';

export interface BatchEvaluation {
  questions: number;
  /** Distinct canonical plans (and "why" subjects) among the answered questions. */
  plans: number;
  /** Answers the metric layer computed in this batch. */
  computed: number;
  /** Answers served from the semantic cache, repeats within the batch included. */
  fromCache: number;
}

/**
 * Many questions in one call, answered in order, each exactly as `askQuestion` answers it
 * (audited one by one, refusals recorded). Questions whose canonical plans are identical —
 * "rev by client q3 2024" and "revenue per customer in Q3 2024" — are computed once: the
 * first computes and fills the semantic cache, the others are answered from it (`cached:
 * true`). Plans that differ are run one after the other; within one plan the metric layer
 * already reads each fact source once for every measure that needs it.
 */
export async function askBatch(database: Database, config: Config, questions: readonly string[], options: Omit<AskOptions, 'previous' | 'auditDetails'>): Promise<{ answers: NlAnswer[]; evaluation: BatchEvaluation }> {
  const answers: NlAnswer[] = [];
  for (const [index, question] of questions.entries()) {
    answers.push((await askWithContext(database, config, question, { ...options, auditDetails: { batch: { index, of: questions.length } } })).answer);
  }
  const answered = answers.filter((a) => a.status === 'answered');
  return {
    answers,
    evaluation: {
      questions: questions.length,
      plans: new Set(answered.map((a) => JSON.stringify(a.plan ?? [a.columns, a.rows]))).size,
      computed: answered.filter((a) => !a.cached).length,
      fromCache: answers.filter((a) => a.cached).length,
    },
  };
}
