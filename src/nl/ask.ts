import type { Config } from '../config/schema.js';
import { isMmError } from '../errors.js';
import { enqueueAudit } from '../governance/audit-log.js';
import { recordSecurityEvent } from '../governance/security-events.js';
import { runQuery } from '../metrics/run-query.js';
import { dataDateRange } from '../metrics/sources/data-date-range.js';
import type { Database } from '../storage/database.js';
import { currentVersionNumber } from '../versions/versions-repository.js';
import { dataConfidence } from './answer-confidence.js';
import { clarifyAnswer, queryAnswer, type NlAnswer } from './answer.js';
import { buildVocabulary, type Vocabulary } from './entities.js';
import { understand } from './grammar.js';
import { withLlmFallback } from './llm-fallback.js';
import type { Understanding } from './understanding.js';
import { readVocabulary } from './vocabulary-repository.js';
import { whyAnswer } from './why-answer.js';

export interface AskOptions {
  /** Anchor for relative periods; default config `analytics.as_of`, else the latest data date. */
  asOf?: string;
  /** Who asks, for the audit trail (`cli:<user>`, a user name). */
  actor: string;
  /** Where the question came from, for a security event (`cli ask`, `POST /api/v1/ask`). */
  route?: string;
  ip?: string | null;
}

/** Names of the current data, built once per database and dataset version. */
const vocabularies = new WeakMap<Database, { version: number; vocabulary: Vocabulary }>();

async function vocabularyFor(database: Database, version: number): Promise<Vocabulary> {
  const known = vocabularies.get(database);
  if (known && known.version === version) return known.vocabulary;
  const vocabulary = buildVocabulary(await readVocabulary(database.kysely));
  vocabularies.set(database, { version, vocabulary });
  return vocabulary;
}

/**
 * Answers one plain-English question from the current data: understood by the grammar
 * (src/nl/grammar.ts), run as a validated QueryPlan by the metric layer, explained, and
 * audited (`nl.ask`). A refused question is also a security event. The one entry point
 * for the CLI, the evaluation harness and (later) the HTTP API.
 */
export async function askQuestion(database: Database, config: Config, question: string, options: AskOptions): Promise<NlAnswer> {
  const version = await currentVersionNumber(database.kysely);
  const range = await dataDateRange(database, version);
  const asOf = options.asOf ?? config.analytics.as_of ?? range.to ?? new Date().toISOString().slice(0, 10);
  const vocabulary = await vocabularyFor(database, version);
  const understanding = await withLlmFallback(understand(question, { vocabulary, asOf }), question, config.nl.llm, { vocabulary, asOf });
  const answer = await answerFor(database, config, question, understanding, asOf, range.to);
  if (understanding.kind === 'refused') {
    await recordSecurityEvent(database.kysely, { kind: 'suspicious_input', actor: options.actor, ip: options.ip ?? null, route: options.route ?? 'nl.ask', detail: `question refused: ${understanding.reason} (${question.length} characters)` });
  }
  enqueueAudit(database.kysely, {
    actor: options.actor,
    action: 'nl.ask',
    target: answer.status,
    outcome: answer.status === 'refused' ? 'denied' : 'success',
    details:
      understanding.kind === 'refused'
        ? { status: answer.status, reason: understanding.reason, length: question.length }
        : { status: answer.status, question: question.slice(0, 500), plan: answer.plan, asOf, version },
  });
  return answer;
}

async function answerFor(database: Database, config: Config, question: string, understanding: Understanding, asOf: string, dataTo: string | null): Promise<NlAnswer> {
  if (understanding.kind === 'refused' || understanding.kind === 'clarify') return clarifyAnswer(question, understanding);
  if (understanding.kind === 'why') return whyAnswer(database, config, question, understanding, asOf);
  const plan = { ...understanding.plan, filters: { ...understanding.plan.filters } };
  // A period never runs past the as-of date, also when the question names none.
  if (!plan.filters.to && dataTo && asOf < dataTo) plan.filters.to = asOf;
  try {
    const result = await runQuery(database, config, plan);
    return queryAnswer(question, understanding, result, { parse: understanding.parseConfidence, data: dataConfidence(result, asOf, dataTo) }, config.display.currency);
  } catch (error) {
    // A plan the data cannot answer ("revenue by staff") is a question to ask back, not a failure.
    if (isMmError(error) && error.code === 'MM_QUERY_INVALID') {
      return clarifyAnswer(question, { kind: 'clarify', message: `That cannot be answered from this data: ${error.message}.`, suggestions: [] });
    }
    throw error;
  }
}
