import type { NlAnswer } from '../../nl/answer.js';

/** The fields an answer exposes, listed explicitly: nothing else of the answer leaves the server. */
export function presentAnswer(answer: NlAnswer) {
  return {
    status: answer.status,
    question: answer.question,
    plan: answer.plan as Record<string, unknown> | null,
    columns: answer.columns,
    rows: answer.rows,
    confidence: answer.confidence,
    explanation: answer.explanation,
    cached: answer.cached,
    suggestions: answer.suggestions,
    chart: answer.chart,
    review: answer.review,
  };
}
