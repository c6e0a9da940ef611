import type { Config } from '../config/schema.js';
import { dimensionNames, measureNames, queryPlanSchema, type QueryPlan } from '../metrics/query-plan.js';
import type { Vocabulary } from './entities.js';
import type { LexiconMeasure } from './lexicon.js';
import { nameKey } from './tokenize.js';
import type { AnswerShape, QueryUnderstanding, Subject, Understanding } from './understanding.js';

/**
 * Optional local language model (`nl.llm.url`, off by default) for questions the grammar
 * could not map to a figure. The model is asked for a QueryPlan as JSON — never SQL, never
 * text to run — and its proposal is validated like any plan (queryPlanSchema, names checked
 * against the data). An accepted plan is answered with lower confidence and the explanation
 * says who proposed it; anything else (garbage, an invalid plan, a timeout, an error) leaves
 * the grammar's own clarify in place. Only a loopback address is ever contacted.
 */

export type LlmSettings = Config['nl']['llm'];

export interface LlmContext {
  vocabulary: Vocabulary;
  asOf: string;
}

/** How sure a plan the model proposed is taken to be: below anything the grammar reads. */
const PARSE_CONFIDENCE = 0.5;

/** The grammar's understanding, or — for an unmapped question with a model configured — the model's validated plan. */
export async function withLlmFallback(understanding: Understanding, question: string, settings: LlmSettings, context: LlmContext): Promise<Understanding> {
  if (understanding.kind !== 'clarify' || !understanding.unmapped || !settings.url) return understanding;
  const proposal = await proposePlan(question, settings, context);
  if (!proposal.ok) return { ...understanding, message: `${understanding.message} (The local language model proposed no usable plan: ${proposal.reason}.)` };
  return proposal.understanding;
}

type Proposal = { ok: true; understanding: QueryUnderstanding } | { ok: false; reason: string };

export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  } catch {
    return false;
  }
}

export async function proposePlan(question: string, settings: LlmSettings, context: LlmContext): Promise<Proposal> {
  if (!settings.url) return { ok: false, reason: 'no model configured' };
  if (!isLoopbackUrl(settings.url)) return { ok: false, reason: 'nl.llm.url is not on this machine (localhost only)' };
  const endpoint = new URL('v1/chat/completions', settings.url.endsWith('/') ? settings.url : `${settings.url}/`);
  let content: string;
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: settings.model,
        temperature: 0,
        response_format: { type: 'json_object' },
        messages: [
          { role: 'system', content: systemPrompt(context) },
          { role: 'user', content: question },
        ],
      }),
      signal: AbortSignal.timeout(settings.timeout_ms),
      redirect: 'error',
    });
    if (!response.ok) return { ok: false, reason: `the model answered HTTP ${response.status}` };
    const body = (await response.json()) as { choices?: Array<{ message?: { content?: unknown } }> };
    const text = body.choices?.[0]?.message?.content;
    if (typeof text !== 'string') return { ok: false, reason: 'the reply had no message content' };
    content = text;
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    return {
      ok: false,
      reason: name === 'TimeoutError' || name === 'AbortError' ? `no reply within ${settings.timeout_ms} ms` : 'the model could not be reached or sent no JSON',
    };
  }
  let json: unknown;
  try {
    // Models like to wrap JSON in a ``` fence; the first {...} is the plan.
    const start = content.indexOf('{');
    const end = content.lastIndexOf('}');
    json = JSON.parse(start >= 0 && end > start ? content.slice(start, end + 1) : content);
  } catch {
    return { ok: false, reason: 'the reply was not JSON' };
  }
  const parsed = queryPlanSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `the proposed plan is invalid (${issue.path.join('.') || 'plan'}: ${issue.message})` };
  }
  const plan = parsed.data;
  const resolved = resolveNames(plan, context.vocabulary);
  if (typeof resolved === 'string') return { ok: false, reason: resolved };
  if (plan.filters.from && plan.filters.from > context.asOf) return { ok: false, reason: 'the proposed period starts after the as-of date' };
  return { ok: true, understanding: understandingOf(resolved) };
}

/** Client names (or ids) in the plan → the ids the metric layer filters on; other names must exist as written. */
function resolveNames(plan: QueryPlan, vocabulary: Vocabulary): QueryPlan | string {
  const clients: string[] = [];
  for (const typed of plan.filters.clients ?? []) {
    const found = vocabulary.clients.find((c) => c.id === typed || nameKey(c.name) === nameKey(typed));
    if (!found) return `the proposed plan names an unknown client`;
    clients.push(found.id);
  }
  for (const kind of ['staff', 'products', 'vendors', 'industries'] as const) {
    const entityKind = kind === 'staff' ? 'staff' : kind === 'products' ? 'product' : kind === 'vendors' ? 'vendor' : 'industry';
    for (const typed of plan.filters[kind] ?? []) {
      if (!vocabulary.aliases.some((a) => a.entity.kind === entityKind && nameKey(a.entity.value) === nameKey(typed)))
        return `the proposed plan names an unknown ${entityKind}`;
    }
  }
  return clients.length ? { ...plan, filters: { ...plan.filters, clients } } : plan;
}

function understandingOf(plan: QueryPlan): QueryUnderstanding {
  const by = plan.groupBy[0];
  const subject: Subject | null =
    by === 'client' || by === 'staff' || by === 'industry' || by === 'vendor' || by === 'product' || by === 'month' || by === 'quarter' ? by : null;
  const shape: AnswerShape =
    subject === 'month' || subject === 'quarter' ? 'trend' : subject === null ? 'scalar' : plan.filters.thresholds?.length ? 'set' : 'ranking';
  const measure = plan.measures[0] as LexiconMeasure;
  const { from, to } = plan.filters;
  return {
    kind: 'query',
    plan,
    shape,
    measure,
    columns: plan.measures as LexiconMeasure[],
    subject,
    period: from && to ? { from, to, label: `${from} to ${to}` } : null,
    periodLabel: from && to ? `${from} to ${to}` : 'all data',
    entities: [],
    notes: [
      'this plan was proposed by the local language model (nl.llm.url), not understood by the grammar: it was validated, but check that it is what you asked',
    ],
    parseConfidence: PARSE_CONFIDENCE,
  };
}

function systemPrompt(context: LlmContext): string {
  const names = (kind: string): string =>
    [...new Set(context.vocabulary.aliases.filter((a) => a.entity.kind === kind).map((a) => a.entity.name))].slice(0, 200).join('; ');
  return [
    "You turn a question about a managed IT service provider's data into one JSON object, a QueryPlan, and nothing else.",
    'Shape: {"measures": [measure...], "groupBy": [dimension...], "filters": {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD", "clients": [client name...], "staff": [...], "products": [...], "vendors": [...], "industries": [...], "clientStatuses": ["active"|"inactive"|"churned"], "thresholds": [{"measure": m, "op": "<"|"<="|">"|">=", "value": n}]}, "sort": [{"by": measure or dimension, "direction": "asc"|"desc"}], "limit": n}.',
    `Measures: ${measureNames.join(', ')}.`,
    `Dimensions: ${dimensionNames.join(', ')}.`,
    `Today (the as-of date) is ${context.asOf}; periods never run past it. Percentages are 0-100.`,
    `Clients: ${names('client')}.`,
    `Staff: ${names('staff')}. Products: ${names('product')}. Vendors: ${names('vendor')}. Industries: ${names('industry')}.`,
    'If the question cannot be answered from these measures, reply {"measures": []}.',
  ].join('\n');
}
