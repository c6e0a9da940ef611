import type { MeasureName, QueryPlanInput, Threshold } from '../metrics/query-plan.js';
import { readEntities, type Entity, type EntityKind } from './entities.js';
import { planMeasure, type GrammarContext } from './grammar.js';
import { entryOf, measurePatterns, type LexiconMeasure } from './lexicon.js';
import { readPeriod, type NlPeriod } from './periods.js';
import { readLimit, readThresholds } from './thresholds.js';
import { consume, normalizeQuestion } from './tokenize.js';
import type { QueryUnderstanding, Understanding, WhyUnderstanding } from './understanding.js';

/**
 * Follow-ups: "and last year?", "only healthcare", "top 10 instead", "what about hours?",
 * "why?" — a fragment that refines the previous question of a conversation rather than
 * standing alone. The previous understanding is kept and only what the fragment names is
 * changed (period, names of one kind, row count and direction, thresholds, the measure);
 * the caller tells the asker what was kept and what was changed.
 *
 * A question that the grammar understands on its own is a new question, unless it reads as
 * a follow-up ("and…", "what about…", "only…", "…instead"): "hours for Acme in 2024" in a
 * conversation is answered as written.
 */

/** What a conversation remembers of its last answered question. Plain JSON (the CLI stores it in a file). */
export interface ConversationTurn {
  understanding: QueryUnderstanding | WhyUnderstanding;
  asOf: string;
  /** The client of the first row of the last answer, when its rows were clients: whom "why?" is about. */
  leadingClient: Entity | null;
}

export interface FollowUpReading {
  understanding: Understanding;
  /** Null when the question was taken as a new question. */
  refinement: { kept: string[]; changed: string[] } | null;
}

const followUpMarker =
  /^\s*(and|but|also|plus|so|what about|how about|what if|now|then|ok|okay|same|only|just|instead|except|excluding|without|why|and why)\b|\b(instead|too|as well|same again|rather)\s*$/;
/** Measure words a name must not swallow ("Margo" is not "margin"). */
const measureWords = new Set(['revenue', 'margin', 'profit', 'hours', 'utilization', 'waste', 'cost', 'sales', 'billable', 'outstanding', 'overdue']);
const filterOf: Record<EntityKind, 'clients' | 'staff' | 'products' | 'vendors' | 'industries'> = {
  client: 'clients',
  staff: 'staff',
  product: 'products',
  vendor: 'vendors',
  industry: 'industries',
};
const kindLabel: Record<EntityKind, string> = { client: 'client', staff: 'staff member', product: 'product', vendor: 'vendor', industry: 'industry' };

/** The understanding to answer `question` with, given the previous turn of its conversation. */
export function readFollowUp(question: string, standalone: Understanding, previous: ConversationTurn, context: GrammarContext): FollowUpReading {
  const asWritten: FollowUpReading = { understanding: standalone, refinement: null };
  if (standalone.kind === 'refused' || standalone.kind === 'why') return asWritten;
  const normalized = normalizeQuestion(question);
  if (standalone.kind === 'query' && !followUpMarker.test(normalized)) return asWritten;

  const periodReading = readPeriod(normalized, context.asOf);
  if (periodReading.kind === 'after_as_of') return asWritten;
  const entityReading = readEntities(periodReading.text, context.vocabulary, measureWords);
  if (entityReading.ambiguous.length > 0) return asWritten;
  const thresholdReading = readThresholds(entityReading.text);
  const limitReading = readLimit(thresholdReading.text);
  let text = limitReading.text;
  const measures: LexiconMeasure[] = [];
  for (const { measure, pattern } of measurePatterns) {
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) {
      if (!measures.includes(measure)) measures.push(measure);
      text = consume(text, match.index, match.index + match[0].length);
    }
  }
  const period: NlPeriod | null | undefined = periodReading.kind === 'period' ? periodReading.period : periodReading.kind === 'all' ? null : undefined;
  const fragment: Fragment = {
    period,
    entities: entityReading.matches.map((m) => ({ typed: m.typed, entity: m.entity, how: m.how })),
    thresholds: thresholdReading.thresholds,
    limit: limitReading.limit,
    measure: measures[0] ?? null,
    why: /\bwhy\b/.test(text),
    direction: /\b(bottom|lowest|least|fewest|smallest)\b/.test(text)
      ? 'low'
      : /\bworst\b/.test(text)
        ? 'worst'
        : /\bbest\b/.test(text)
          ? 'best'
          : /\b(highest|most|largest|biggest)\b/.test(text)
            ? 'high'
            : /\b(top|first)\b/.test(text)
              ? 'top'
              : null,
  };
  const refined = previous.understanding.kind === 'why' ? refineWhy(previous.understanding, fragment) : refineQuery(previous, fragment);
  return refined ?? asWritten;
}

interface Fragment {
  /** undefined: not named; null: "overall". */
  period: NlPeriod | null | undefined;
  entities: QueryUnderstanding['entities'];
  thresholds: ReturnType<typeof readThresholds>['thresholds'];
  limit: number | null;
  measure: LexiconMeasure | null;
  why: boolean;
  /** "top 10" keeps a ranking's order; "worst" and "best" depend on the measure. */
  direction: 'low' | 'high' | 'worst' | 'best' | 'top' | null;
}

function periodLabelOf(period: NlPeriod | null): string {
  return period ? `${period.label} (${period.from} to ${period.to})` : 'all data';
}

function refineWhy(previous: WhyUnderstanding, fragment: Fragment): FollowUpReading | null {
  const changed: string[] = [];
  const kept: string[] = [];
  let { client, period, periodLabel } = previous;
  const named = fragment.entities.find((e) => e.entity.kind === 'client');
  if (named) {
    client = named.entity;
    changed.push(`the client to ${client.name}`);
  } else kept.push(`the client ${client.name}`);
  if (fragment.period !== undefined) {
    period = fragment.period;
    periodLabel = periodLabelOf(period);
    changed.push(`the period to ${period ? period.label : 'all data'}`);
  } else kept.push(`the period ${previous.period ? previous.period.label : 'all data'}`);
  if (changed.length === 0) return null;
  const understanding: WhyUnderstanding = {
    ...previous,
    client,
    period,
    periodLabel,
    entities: named ? [named] : previous.entities,
    parseConfidence: followUpConfidence(previous.parseConfidence),
  };
  return { understanding, refinement: { kept, changed } };
}

function refineQuery(previous: ConversationTurn, fragment: Fragment): FollowUpReading | null {
  const before = previous.understanding as QueryUnderstanding;
  const changed: string[] = [];
  const kept: string[] = [];

  if (fragment.why) {
    const named = fragment.entities.find((e) => e.entity.kind === 'client')?.entity;
    const filtered = before.entities.filter((e) => e.entity.kind === 'client');
    const client = named ?? (filtered.length === 1 ? filtered[0]!.entity : previous.leadingClient);
    if (!client)
      return {
        understanding: { kind: 'clarify', message: 'Which client should I explain? e.g. "why is Acme\'s margin low?"', suggestions: [] },
        refinement: null,
      };
    const period = fragment.period !== undefined ? fragment.period : before.period;
    const why: WhyUnderstanding = {
      kind: 'why',
      client,
      period,
      periodLabel: periodLabelOf(period),
      entities: [{ typed: client.name, entity: client, how: 'exact' }],
      notes: [],
      parseConfidence: followUpConfidence(before.parseConfidence),
    };
    return {
      understanding: why,
      refinement: {
        kept: [`the client ${client.name}`, `the period ${period ? period.label : 'all data'}`],
        changed: ['the question to why its margin is what it is'],
      },
    };
  }

  const plan: QueryPlanInput = structuredClone(before.plan);
  const filters = { ...(plan.filters ?? {}) };
  let { measure, columns, shape, subject, period, periodLabel } = before;
  let entities = [...before.entities];
  const notes = [...before.notes];

  if (fragment.period !== undefined) {
    period = fragment.period;
    periodLabel = periodLabelOf(period);
    if (period) {
      filters.from = period.from;
      filters.to = period.to;
    } else {
      delete filters.from;
      delete filters.to;
    }
    changed.push(`the period to ${period ? period.label : 'all data'}`);
  } else kept.push(`the period ${before.period ? before.period.label : 'all data'}`);

  const kinds = [...new Set(fragment.entities.map((e) => e.entity.kind))];
  for (const kind of kinds) {
    const named = fragment.entities.filter((e) => e.entity.kind === kind);
    filters[filterOf[kind]] = named.map((e) => e.entity.value);
    entities = [...entities.filter((e) => e.entity.kind !== kind), ...named];
    changed.push(`the ${kindLabel[kind]} to ${named.map((e) => e.entity.name).join(', ')}`);
  }
  const keptNames = entities.filter((e) => !kinds.includes(e.entity.kind)).map((e) => e.entity.name);
  if (keptNames.length) kept.push(keptNames.join(', '));

  if (fragment.measure && planMeasure(fragment.measure) !== planMeasure(measure)) {
    const old = measure;
    measure = fragment.measure;
    columns = [measure, ...columns.slice(1).filter((m) => m !== measure)];
    plan.measures = [...new Set(columns.map(planMeasure))];
    plan.sort = plan.sort?.map((s) => (s.by === planMeasure(old) ? { ...s, by: planMeasure(measure) } : s));
    if (measure === 'overdue_amount') filters.invoiceStatuses = ['overdue'];
    else if (old === 'overdue_amount') delete filters.invoiceStatuses;
    changed.push(`the figure to ${entryOf(measure).label}`);
  } else kept.push(entryOf(measure).label);

  if (fragment.thresholds.length > 0) {
    filters.thresholds = fragment.thresholds.map((reading): Threshold => {
      const fits = reading.unit === 'none' || entryOf(measure).unit === reading.unit || (reading.unit === 'seats' && entryOf(measure).unit === 'count');
      const target: MeasureName = reading.fixedMeasure ? planMeasure(reading.fixedMeasure) : fits ? planMeasure(measure) : defaultMeasureOf(reading.unit);
      return { measure: target, op: reading.op, value: reading.value };
    });
    for (const t of filters.thresholds) if (!plan.measures.includes(t.measure)) plan.measures = [...plan.measures, t.measure];
    if (!plan.groupBy?.length) {
      plan.groupBy = ['client'];
      subject = 'client';
    }
    if (fragment.limit === null) shape = 'set';
    changed.push(`the condition to ${filters.thresholds.map((t) => `${entryOf(t.measure).label} ${t.op} ${t.value}`).join(' and ')}`);
  }

  const ranked = plan.groupBy?.length && subject !== null && shape === 'ranking';
  const lowerIsBetter = Boolean(entryOf(measure).lowerIsBetter);
  const direction: 'asc' | 'desc' | null =
    fragment.direction === 'low'
      ? 'asc'
      : fragment.direction === 'high'
        ? 'desc'
        : fragment.direction === 'worst'
          ? lowerIsBetter
            ? 'desc'
            : 'asc'
          : fragment.direction === 'best'
            ? lowerIsBetter
              ? 'asc'
              : 'desc'
            : fragment.direction === 'top' && !ranked
              ? 'desc'
              : null;
  if (fragment.limit !== null || direction) {
    if (!plan.groupBy?.length || subject === null || shape === 'scalar') {
      // "top 10 instead" after a total: the total's clients, highest first.
      plan.groupBy = ['client'];
      subject = 'client';
      plan.sort = [{ by: planMeasure(measure), direction: direction ?? 'desc' }];
      changed.push(`the answer to one row per client, ${direction === 'asc' ? 'lowest' : 'highest'} first`);
    } else if (direction && plan.sort?.[0] && plan.sort[0].direction !== direction) {
      plan.sort = [{ ...plan.sort[0], direction }, ...plan.sort.slice(1)];
      changed.push(direction === 'asc' ? 'the order to lowest first' : 'the order to highest first');
    }
    shape = 'ranking';
    if (fragment.limit !== null) {
      if (plan.limit !== fragment.limit) changed.push(`the number of rows to ${fragment.limit}`);
      plan.limit = fragment.limit;
    }
  } else if (plan.limit) kept.push(`${plan.limit} rows`);

  if (changed.length === 0) return null;
  if (subject) kept.push(`one row per ${subject}`);
  plan.filters = filters;
  const understanding: QueryUnderstanding = {
    ...before,
    plan,
    measure,
    columns,
    shape,
    subject,
    period,
    periodLabel,
    entities,
    notes,
    parseConfidence: followUpConfidence(before.parseConfidence),
  };
  return { understanding, refinement: { kept, changed } };
}

function defaultMeasureOf(unit: string): MeasureName {
  return unit === 'hours' ? 'hours' : unit === 'percent' ? 'gross_margin_pct' : unit === 'seats' ? 'unused_seats' : 'revenue';
}

/** A follow-up is read from less text than a full question: a little less sure. */
function followUpConfidence(previous: number): number {
  return Math.round(Math.max(0.3, previous - 0.05) * 100) / 100;
}

/** "Follow-up: changed the period to 2024; kept gross margin %, one row per client." */
export function refinementText(refinement: { kept: string[]; changed: string[] }): string {
  return `Follow-up: changed ${refinement.changed.join(', ')}${refinement.kept.length ? `; kept ${refinement.kept.join(', ')}` : ''}.`;
}
