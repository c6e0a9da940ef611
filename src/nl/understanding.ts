import type { QueryPlanInput } from '../metrics/query-plan.js';
import type { Entity } from './entities.js';
import type { LexiconMeasure } from './lexicon.js';
import type { NlPeriod } from './periods.js';

/**
 * What the parser made of a question, before anything is run: a validated-to-be QueryPlan
 * with the shape its answer takes, a "why" to explain, or a reason to ask back or refuse.
 * Later stages (follow-ups, the semantic cache, a local LLM's proposals) produce and
 * consume this same type.
 */

/**
 * How the rows of an answer read: one number, an ordered list, a set, months in order, a
 * count of rows, or the mean of the rows ("average hours per client": the grouped plan's
 * values averaged over the clients that have one, or over every month of the period).
 */
export type AnswerShape = 'scalar' | 'ranking' | 'set' | 'trend' | 'count_rows' | 'mean_rows';

/** What the rows of a grouped answer are. */
export type Subject = 'client' | 'staff' | 'industry' | 'vendor' | 'product' | 'month' | 'quarter';

export interface QueryUnderstanding {
  kind: 'query';
  plan: QueryPlanInput;
  shape: AnswerShape;
  /** The measure answered (as the lexicon names it; `overdue_amount` runs as `outstanding`). */
  measure: LexiconMeasure;
  /** The metric-layer measures shown, in column order. */
  columns: LexiconMeasure[];
  subject: Subject | null;
  period: NlPeriod | null;
  /** "Q3 2024", "all data". */
  periodLabel: string;
  /** The names matched, for the explanation ("'Ceedar Foods' read as Cedar Foods Group"). */
  entities: Array<{ typed: string; entity: Entity; how: 'exact' | 'typo' | 'partial' }>;
  /** Readings worth telling ("top 10 assumed: no number given"). */
  notes: string[];
  /** 0–1: how sure the parser is that this is what was asked. */
  parseConfidence: number;
}

export interface WhyUnderstanding {
  kind: 'why';
  client: Entity;
  period: NlPeriod | null;
  periodLabel: string;
  entities: QueryUnderstanding['entities'];
  notes: string[];
  parseConfidence: number;
}

export interface ClarifyUnderstanding {
  kind: 'clarify';
  message: string;
  suggestions: string[];
  /** True when the grammar found no figure to answer: the one case a local LLM may be asked (llm-fallback.ts). */
  unmapped?: boolean;
}

export interface RefusedUnderstanding {
  kind: 'refused';
  /** Safety reason code (safety.ts). */
  reason: string;
  message: string;
}

export type Understanding = QueryUnderstanding | WhyUnderstanding | ClarifyUnderstanding | RefusedUnderstanding;
