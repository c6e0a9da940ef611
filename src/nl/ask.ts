import type { Config } from '../config/schema.js';
import { isMmError, type MmError } from '../errors.js';
import { enqueueAudit } from '../governance/audit-log.js';
import { reviewPolicySchema, type ReviewPolicy } from '../governance/review-policy.js';
import { recordSecurityEvent } from '../governance/security-events.js';
import type { Period } from '../metrics/period.js';
import type { QueryPlan } from '../metrics/query-plan.js';
import { runQuery, type MetricResult } from '../metrics/run-query.js';
import { dataDateRange } from '../metrics/sources/data-date-range.js';
import type { Database } from '../storage/database.js';
import { currentVersionNumber } from '../versions/versions-repository.js';
import { dataConfidence } from './answer-confidence.js';
import { reviewOfAnswer, reviewSentence } from './answer-review.js';
import { queueAnswerForReview } from './answer-review-queue.js';
import { clarifyAnswer, queryAnswer, type NlAnswer } from './answer.js';
import { canonicalPlan } from './canonical-plan.js';
import { buildVocabulary, type Entity, type Vocabulary } from './entities.js';
import { readFollowUp, refinementText, type ConversationTurn } from './follow-up.js';
import { understand } from './grammar.js';
import { withLlmFallback } from './llm-fallback.js';
import { questionCacheOf, questionKeyText, type RememberedQuestion } from './question-cache.js';
import { checkQuestion } from './safety.js';
import { semanticCacheOf } from './semantic-cache.js';
import type { QueryUnderstanding, Understanding, WhyUnderstanding } from './understanding.js';
import { readVocabulary, scopedVocabularyRows, type VocabularyRows } from './vocabulary-repository.js';
import { whyAnswer, whyFacts, type WhyFacts } from './why-answer.js';

export interface AskOptions {
  /** Anchor for relative periods; default config `analytics.as_of`, else the latest data date. */
  asOf?: string;
  /** Who asks, for the audit trail (`cli:<user>`, a user name). */
  actor: string;
  /** Where the question came from, for a security event (`cli ask`, `POST /api/v1/ask`). */
  route?: string;
  ip?: string | null;
  /** The caller's client scope (null or absent: every client). */
  clientScope?: readonly string[] | null;
  /** The previous turn of the conversation this question follows up. */
  previous?: ConversationTurn | null;
  /** Answers below its `review_below` are marked pending review; default the policy's defaults. */
  review?: ReviewPolicy;
  /** Extra audit details (`{ batch: 3 }`). */
  auditDetails?: Record<string, unknown>;
  /** Results a batch computed together, by canonical plan (JSON): used instead of running the plan again. */
  precomputed?: ReadonlyMap<string, MetricResult | MmError>;
  /** The question as a batch already understood it (`prepareBatch`): not read a second time. */
  prepared?: PreparedQuestion;
}

export interface AskOutcome {
  answer: NlAnswer;
  /** What a conversation keeps for a follow-up; null when nothing was answered. */
  turn: ConversationTurn | null;
}

/** The phrasing-free part of an answer: what the semantic cache keeps. */
type CachedFacts = { kind: 'query'; result: MetricResult; data: number } | { kind: 'why'; facts: WhyFacts };

/** Names of the current data, built once per database and dataset version (and per client scope). */
const vocabularies = new WeakMap<Database, { version: number; rows: VocabularyRows; scoped: Map<string, Vocabulary> }>();

async function vocabularyFor(database: Database, version: number, scope: readonly string[] | null): Promise<Vocabulary> {
  let known = vocabularies.get(database);
  if (!known || known.version !== version) {
    known = { version, rows: await readVocabulary(database.kysely), scoped: new Map() };
    vocabularies.set(database, known);
  }
  const key = scope ? JSON.stringify([...scope].sort()) : '*';
  let vocabulary = known.scoped.get(key);
  if (!vocabulary) {
    vocabulary = buildVocabulary(scope ? scopedVocabularyRows(known.rows, scope) : known.rows);
    // A handful of scopes per dataset version; a new version starts the map again.
    known.scoped.set(key, vocabulary);
  }
  return vocabulary;
}

const defaultReviewPolicy = reviewPolicySchema.parse({});

/**
 * Answers one plain-English question from the current data: understood by the grammar
 * (src/nl/grammar.ts), run as a validated QueryPlan by the metric layer, explained, and
 * audited (`nl.ask`). A refused question is also a security event. The one entry point
 * for the CLI, the evaluation harness and the HTTP API.
 */
export async function askQuestion(database: Database, config: Config, question: string, options: AskOptions): Promise<NlAnswer> {
  return (await askWithContext(database, config, question, options)).answer;
}

/** askQuestion with what a conversation needs: the previous turn in, the new turn out. */
export async function askWithContext(database: Database, config: Config, question: string, options: AskOptions): Promise<AskOutcome> {
  const prepared = options.prepared ?? (await prepare(database, config, question, options));
  const { context, understanding, refinement } = prepared;
  const { version, asOf, scope } = context;
  const answered = await answerFor(context, question, prepared, options.precomputed);
  let answer = answered.answer;
  if (refinement) answer = { ...answer, explanation: `${refinementText(refinement)} ${answer.explanation}` };
  let review = answer.status === 'answered' ? reviewOfAnswer(answer.confidence, options.review ?? defaultReviewPolicy) : null;
  if (review?.status === 'pending_review' && answered.about) {
    // Low confidence routes to review like any result: stored once per question and data, decided by a reviewer.
    const { key, period, clientId } = answered.about;
    try {
      const stored = await queueAnswerForReview(database, { key, answer, review, version, asOf, period, clientId, actor: options.actor });
      review = { status: stored.reviewStatus, reasons: stored.reasons, resultId: stored.id, reviewedBy: stored.reviewedBy };
    } catch (error) {
      // Another process holds SQLite's write lock (an import): the answer still goes out, marked pending, unqueued.
      if (!isMmError(error) || error.code !== 'MM_DATABASE_BUSY') throw error;
    }
  }
  answer = { ...answer, review };
  const reviewText = review ? reviewSentence(review) : null;
  if (reviewText) answer.explanation = `${answer.explanation}${/[.!?]$/.test(answer.explanation) ? '' : '.'} ${reviewText}`;

  if (understanding.kind === 'refused') {
    await recordSecurityEvent(database.kysely, {
      kind: 'suspicious_input',
      actor: options.actor,
      ip: options.ip ?? null,
      route: options.route ?? 'nl.ask',
      detail: `question refused: ${understanding.reason} (${question.length} characters)`,
    });
  }
  enqueueAudit(database.kysely, {
    actor: options.actor,
    action: 'nl.ask',
    target: answer.status,
    outcome: answer.status === 'refused' ? 'denied' : 'success',
    details:
      understanding.kind === 'refused'
        ? { status: answer.status, reason: understanding.reason, length: question.length, ...options.auditDetails }
        : {
            status: answer.status,
            question: question.slice(0, 500),
            plan: answer.plan,
            asOf,
            version,
            cached: answer.cached,
            ...(scope ? { clientScope: [...scope] } : {}),
            ...(refinement ? { followUp: refinement.changed } : {}),
            ...(review ? { review: review.status } : {}),
            ...(review?.resultId ? { resultId: review.resultId } : {}),
            ...options.auditDetails,
          },
  });
  const turn =
    answer.status === 'answered' && (understanding.kind === 'query' || understanding.kind === 'why')
      ? { understanding, asOf, leadingClient: answered.leadingClient }
      : null;
  return { answer, turn };
}

export interface PreparedQuestion {
  context: AnswerContext;
  understanding: Understanding;
  refinement: { kept: string[]; changed: string[] } | null;
  /** The plan a query runs (`runnablePlan`); null for anything else or a plan the metric layer refuses. */
  plan: QueryPlan | null;
  /** Its entry in the question cache, when it has one: the built answer is kept there. */
  remembered: RememberedQuestion | null;
}

/**
 * The question understood (and, for a follow-up, refined) against the current data. A
 * question asked again in the same words on the same data is not parsed again
 * (question-cache.ts): only the dataset version is read, to know the data is the same.
 */
async function prepare(database: Database, config: Config, question: string, options: AskOptions): Promise<PreparedQuestion> {
  const version = await currentVersionNumber(database.kysely);
  const range = await dataDateRange(database, version);
  const asOf = options.asOf ?? config.analytics.as_of ?? range.to ?? new Date().toISOString().slice(0, 10);
  const scope = options.clientScope ?? null;
  const context: AnswerContext = { database, config, version, range, asOf, scope };
  const questions = questionCacheOf(database);
  // A refusal is never remembered, so the payload check runs on every asking (and parsing repeats it).
  const key = checkQuestion(question) === null ? questionKey(question, context, options.previous ?? null) : null;
  const remembered = key === null ? undefined : questions.get(version, key);
  if (remembered) return { context, understanding: remembered.understanding, refinement: remembered.refinement, plan: remembered.plan, remembered };

  const vocabulary = await vocabularyFor(database, version, scope);
  let understanding = understand(question, { vocabulary, asOf });
  let refinement: PreparedQuestion['refinement'] = null;
  if (options.previous) {
    const followUp = readFollowUp(question, understanding, options.previous, { vocabulary, asOf });
    understanding = followUp.understanding;
    refinement = followUp.refinement;
  }
  // Only a question the grammar could not map at all goes to the local model (off by default).
  const grammars = understanding;
  understanding = await withLlmFallback(understanding, question, config.nl.llm, { vocabulary, asOf });
  const plan = understanding.kind === 'query' ? runnablePlan(context, understanding) : null;
  // A model's proposal is not the grammar's reading: it is asked again, not remembered.
  const readByGrammar = understanding === grammars;
  let entry: RememberedQuestion | null = null;
  if (key !== null && readByGrammar && understanding.kind !== 'refused') {
    entry = { understanding, refinement, plan };
    questions.set(version, key, entry);
  }
  return { context, understanding, refinement, plan, remembered: entry };
}

/**
 * What, besides the dataset version, decides how a question reads: its words, the as-of
 * date, the scope's names, the turn it follows, and whether a local model would be asked
 * (a question the grammar cannot map is remembered only while none is configured).
 */
function questionKey(question: string, context: AnswerContext, previous: ConversationTurn | null): string {
  const { asOf, scope, config } = context;
  return JSON.stringify([questionKeyText(question), asOf, scope ? [...scope].sort() : null, previous, config.nl.llm.url ?? null]);
}

/**
 * Every question of a batch understood once, with the plan it will run (null for a "why",
 * a clarify or a refusal) and whether the semantic cache holds that plan already: what the
 * batch computes together before answering (batch.ts), and what the answers then reuse.
 */
export async function prepareBatch(
  database: Database,
  config: Config,
  questions: readonly string[],
  options: AskOptions,
): Promise<Array<{ prepared: PreparedQuestion; plan: QueryPlan | null; cached: boolean }>> {
  const out: Array<{ prepared: PreparedQuestion; plan: QueryPlan | null; cached: boolean }> = [];
  for (const question of questions) {
    const prepared = await prepare(database, config, question, options);
    const { context, plan } = prepared;
    out.push({ prepared, plan, cached: plan !== null && semanticCacheOf<CachedFacts>(database).has(context.version, cacheKey(context, plan)) });
  }
  return out;
}

interface AnswerContext {
  database: Database;
  config: Config;
  version: number;
  range: { from: string | null; to: string | null };
  asOf: string;
  scope: readonly string[] | null;
}

/** The semantic cache key: the canonical plan (or the client and period of a "why"), the as-of date, the scope and the settings that change numbers. */
function cacheKey(context: AnswerContext, what: unknown): string {
  const { config, asOf, scope } = context;
  return JSON.stringify([what, asOf, scope ? [...scope].sort() : null, config.analytics.default_cost_rate, config.display.currency]);
}

async function answerFor(context: AnswerContext, question: string, prepared: PreparedQuestion, precomputed?: AskOptions['precomputed']): Promise<Answered> {
  const { understanding } = prepared;
  if (understanding.kind === 'refused' || understanding.kind === 'clarify') return { answer: clarifyAnswer(question, understanding), leadingClient: null };
  if (understanding.kind === 'why') return answerWhy(context, question, understanding);
  return answerQuery(context, question, understanding, prepared, precomputed);
}

/** An answer, whom a following "why?" is about, and what identifies it in the review queue (answered questions only). */
interface Answered {
  answer: NlAnswer;
  leadingClient: Entity | null;
  about?: { key: string; period: Period; clientId: string | null };
}

async function answerWhy(context: AnswerContext, question: string, understanding: WhyUnderstanding): Promise<Answered> {
  const { database, config, version, asOf, scope } = context;
  const cache = semanticCacheOf<CachedFacts>(database);
  const period = understanding.period ? [understanding.period.from, understanding.period.to] : [context.range.from, context.range.to];
  const key = cacheKey(context, ['why', understanding.client.value, period]);
  const about = { key, period: { from: period[0] ?? asOf, to: period[1] ?? asOf }, clientId: understanding.client.value };
  const hit = cache.get(version, key);
  if (hit?.kind === 'why') return { answer: whyAnswer(question, understanding, hit.facts, true), leadingClient: understanding.client, about };
  const facts = await whyFacts(database, config, understanding, asOf, scope);
  cache.set(version, key, { kind: 'why', facts });
  return { answer: whyAnswer(question, understanding, facts, false), leadingClient: understanding.client, about };
}

/** The plan a query understanding runs as: up to the as-of date, within the caller's scope, canonical. */
function runnablePlan(context: AnswerContext, understanding: QueryUnderstanding): QueryPlan | null {
  const { range, asOf, scope } = context;
  const filters = { ...understanding.plan.filters };
  // A period never runs past the as-of date, also when the question names none.
  if (!filters.to && range.to && asOf < range.to) filters.to = asOf;
  // A scoped caller's every question is about their clients only (their totals, their rankings).
  if (scope) filters.clients = (filters.clients ?? [...scope]).filter((id) => scope.includes(id));
  return canonicalPlan({ ...understanding.plan, filters }, range);
}

async function answerQuery(
  context: AnswerContext,
  question: string,
  understanding: QueryUnderstanding,
  prepared: Pick<PreparedQuestion, 'plan' | 'remembered'>,
  precomputed?: AskOptions['precomputed'],
): Promise<Answered> {
  const { database, config, version, range, asOf, scope } = context;
  const { plan, remembered } = prepared;
  if (!plan) return { answer: cannotAnswer(question, 'the question does not make a valid plan'), leadingClient: null };
  if (scope && plan.filters.clients?.length === 0) {
    return {
      answer: clarifyAnswer(question, { kind: 'clarify', message: 'None of the clients this question is about is one you can see.', suggestions: [] }),
      leadingClient: null,
    };
  }
  const cache = semanticCacheOf<CachedFacts>(database);
  const key = cacheKey(context, plan);
  const hit = cache.get(version, key);
  let facts: CachedFacts & { kind: 'query' };
  let cached = false;
  if (hit?.kind === 'query') {
    facts = hit;
    cached = true;
  } else {
    try {
      const computed = precomputed?.get(JSON.stringify(plan));
      if (computed && isMmError(computed)) throw computed;
      const result = computed ?? (await runQuery(database, config, plan, { version }));
      facts = { kind: 'query', result, data: dataConfidence(result, asOf, range.to) };
    } catch (error) {
      // A plan the data cannot answer ("revenue by staff") is a question to ask back, not a failure.
      if (isMmError(error) && error.code === 'MM_QUERY_INVALID') return { answer: cannotAnswer(question, error.message), leadingClient: null };
      throw error;
    }
    cache.set(version, key, facts);
  }
  const currency = config.display.currency;
  const built = remembered?.built;
  let answer: NlAnswer;
  if (built && built.facts === facts && built.currency === currency) {
    // The same words read the same way, answered from the same entry: the same answer, this asking's text.
    answer = { ...built.answer, question, cached };
  } else {
    answer = { ...queryAnswer(question, understanding, facts.result, { parse: understanding.parseConfidence, data: facts.data }, currency, cached), plan };
    if (remembered) remembered.built = { facts, currency, answer };
  }
  const clients = plan.filters.clients ?? [];
  const about = {
    key,
    period: { from: plan.filters.from ?? range.from ?? asOf, to: plan.filters.to ?? asOf },
    clientId: clients.length === 1 ? clients[0]! : null,
  };
  return { answer, leadingClient: leadingClientOf(understanding, facts.result), about };
}

function cannotAnswer(question: string, why: string): NlAnswer {
  return clarifyAnswer(question, { kind: 'clarify', message: `That cannot be answered from this data: ${why}.`, suggestions: [] });
}

/** The client of the first row, when the rows are clients: whom a following "why?" is about. */
function leadingClientOf(understanding: QueryUnderstanding, result: MetricResult): Entity | null {
  const first = result.rows[0];
  if (understanding.subject !== 'client' || !first?.client) return null;
  return { kind: 'client', value: first.client, name: first.client_name ?? first.client };
}
