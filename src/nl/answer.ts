import type { QueryPlan } from '../metrics/query-plan.js';
import { monthsOf } from '../metrics/period.js';
import type { MetricResult, MetricRow } from '../metrics/run-query.js';
import { countOf, displayFormat, type DisplayFormat } from '../present/display-format.js';
import { roundHalfAwayFromZero } from '../present/rounding.js';
import type { AnswerReview } from './answer-review.js';
import { chartFor, type VegaLiteSpec } from './chart.js';
import { planMeasure } from './grammar.js';
import { entryOf, type LexiconMeasure } from './lexicon.js';
import type { ClarifyUnderstanding, QueryUnderstanding, RefusedUnderstanding, Subject } from './understanding.js';

/**
 * The answer to a question, as `moatmetrics ask --json` prints it and the API will return
 * it: numbers as JSON numbers (money to the cent, percentages 0–100), months `YYYY-MM`,
 * names as in the data, and a chart to draw or null.
 */
export interface NlAnswer {
  status: 'answered' | 'clarify' | 'refused';
  question: string;
  plan: QueryPlan | null;
  columns: string[];
  rows: Array<Array<string | number | null>>;
  /** Parse confidence × data confidence (0–1), null when nothing was answered. */
  confidence: number | null;
  explanation: string;
  cached: boolean;
  suggestions: string[];
  chart: VegaLiteSpec | null;
  /** How the review policy treats the answer (answer-review.ts); null when nothing was answered. */
  review: AnswerReview | null;
}

const subjectColumn: Record<Subject, string> = {
  client: 'client',
  staff: 'staff',
  industry: 'industry',
  vendor: 'vendor',
  product: 'product',
  month: 'month',
  quarter: 'quarter',
};

export function clarifyAnswer(question: string, understanding: ClarifyUnderstanding | RefusedUnderstanding): NlAnswer {
  return {
    status: understanding.kind === 'refused' ? 'refused' : 'clarify',
    question,
    plan: null,
    columns: [],
    rows: [],
    confidence: null,
    explanation: understanding.message,
    cached: false,
    suggestions: understanding.kind === 'clarify' ? understanding.suggestions : [],
    chart: null,
    review: null,
  };
}

/** The value of a measure for display: money and percentages to 2 decimals, hours to 2, counts whole. */
export function presentValue(measure: LexiconMeasure, value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const unit = entryOf(measure).unit;
  return unit === 'count' ? value : roundHalfAwayFromZero(value, 2);
}

function labelOf(row: MetricRow, subject: Subject): string | null {
  if (subject === 'client') return row.client_name ?? row.client ?? null;
  if (subject === 'staff') return row.staff_name ?? row.staff ?? null;
  return (row[subject] as string | null | undefined) ?? null;
}

export function formatValue(measure: LexiconMeasure, value: number | null, format: DisplayFormat): string {
  const unit = entryOf(measure).unit;
  if (value === null) return '—';
  if (unit === 'money') return format.money(value);
  if (unit === 'percent') return format.percent(value);
  if (unit === 'hours') return format.hours(value);
  return value.toLocaleString('en-US');
}

/** Rows, columns, explanation and chart of a query's result. */
export function queryAnswer(
  question: string,
  understanding: QueryUnderstanding,
  result: MetricResult,
  confidence: { parse: number; data: number },
  currency: string,
  cached = false,
): NlAnswer {
  const format = displayFormat(currency);
  const { shape, subject, measure } = understanding;
  const entry = entryOf(measure);
  const columns: string[] = [];
  let rows: NlAnswer['rows'];
  const valueColumns = understanding.columns;
  const scope = scopeText(understanding);
  let summary: string;

  if (shape === 'count_rows') {
    const noun = subject === 'staff' ? 'staff member' : (subject ?? 'client');
    const names = result.rows.map((row) => labelOf(row, subject ?? 'client')).filter((n): n is string => n !== null);
    columns.push(subject === 'staff' ? 'staff' : 'clients');
    rows = [[result.rows.length]];
    const shown = names.slice(0, 20).join(', ');
    summary = `${countOf(result.rows.length, noun)}${scope} ${conditionText(understanding)} in ${understanding.periodLabel}${names.length ? `: ${shown}${names.length > 20 ? ', …' : ''}` : ''}.`;
  } else if (shape === 'mean_rows') {
    // Over every month of the period (a month without any counts as 0), or over the rows that have a value.
    const values = result.rows.map((row) => row[planMeasure(measure)]).filter((v): v is number => typeof v === 'number' && v !== 0);
    const over = subject === 'month' ? monthsOf(result.period).length : values.length;
    const total = values.reduce((sum, v) => sum + v, 0);
    const mean = over > 0 ? Math.round((total / over) * 100) / 100 : null;
    columns.push(`average ${entry.label} per ${subject === 'staff' ? 'staff member' : subject}`);
    rows = [[presentValue(measure, mean)]];
    summary = `Average ${entry.label} per ${subject === 'staff' ? 'staff member' : subject}${scope}, ${understanding.periodLabel}: ${formatValue(measure, mean, format)} (${formatValue(measure, total, format)} over ${over} ${subject === 'month' ? 'months' : subject === 'staff' ? 'staff members' : subjectPlural(subject!)}).`;
  } else if (subject === null) {
    const row = result.rows[0] ?? {};
    for (const m of valueColumns) columns.push(entryOf(m).label);
    rows = [valueColumns.map((m) => presentValue(m, row[planMeasure(m)]))];
    summary = `${cap(entry.label)}${scope}, ${understanding.periodLabel}: ${formatValue(measure, presentValue(measure, row[planMeasure(measure)]), format)}.`;
  } else {
    columns.push(subjectColumn[subject], ...valueColumns.map((m) => entryOf(m).label));
    let source = result.rows;
    if (shape === 'trend' && subject === 'month') source = fillMonths(result, valueColumns);
    rows = source.map((row) => [labelOf(row, subject), ...valueColumns.map((m) => presentValue(m, row[planMeasure(m)]))]);
    const first = rows[0];
    const what =
      shape === 'trend'
        ? `${entry.label} by ${subject}`
        : shape === 'set'
          ? `${subjectPlural(subject)} ${conditionText(understanding)}`
          : `${entry.label} by ${subject}`;
    summary = `${cap(what)}${scope}, ${understanding.periodLabel}: ${countOf(rows.length, 'row')}${first && shape !== 'trend' && shape !== 'set' ? `; first ${first[0]} at ${formatValue(measure, first[1] as number | null, format)}` : ''}.`;
  }

  const overall = Math.round(confidence.parse * confidence.data * 100) / 100;
  const lines = [summary, `${cap(entry.definition)}.`];
  for (const note of understanding.notes) lines.push(`Note: ${note}.`);
  for (const assumption of result.assumptions) lines.push(`Assumption: ${assumption}.`);
  lines.push(
    `Confidence ${overall.toFixed(2)} (understanding ${confidence.parse.toFixed(2)} × data ${confidence.data.toFixed(2)}); dataset version ${result.version}.`,
  );
  return {
    status: 'answered',
    question,
    plan: result.plan,
    columns,
    rows,
    confidence: overall,
    explanation: lines.join(' '),
    cached,
    suggestions: [],
    chart: chartFor(shape, columns, rows),
    review: null,
  };
}

/** Every month of the period in calendar order: a month without data is 0 for sums and unknown for ratios. */
function fillMonths(result: MetricResult, measures: LexiconMeasure[]): MetricRow[] {
  const byMonth = new Map(result.rows.map((row) => [row.month ?? '', row]));
  return monthsOf(result.period).map(({ label }) => {
    const found = byMonth.get(label);
    if (found) return found;
    const empty: MetricRow = { month: label };
    for (const m of measures) empty[planMeasure(m)] = entryOf(m).additive ? 0 : null;
    return empty;
  });
}

function scopeText(understanding: QueryUnderstanding): string {
  const filters = understanding.plan.filters ?? {};
  const names = understanding.entities.map((e) => e.entity.name);
  const parts: string[] = [];
  if (names.length) parts.push(names.join(', '));
  if (filters.clientStatuses?.length) parts.push(`${filters.clientStatuses.join('/')} clients`);
  if (filters.invoiceStatuses?.length && understanding.measure !== 'overdue_amount') parts.push(`${filters.invoiceStatuses.join('/')} invoices`);
  return parts.length ? ` for ${parts.join('; ')}` : '';
}

function conditionText(understanding: QueryUnderstanding): string {
  const thresholds = understanding.plan.filters?.thresholds ?? [];
  if (thresholds.length === 0) return '';
  return `with ${thresholds.map((t) => (t.measure === 'gross_profit' && t.op === '<' && t.value === 0 ? 'negative gross profit (lost money)' : `${entryOf(t.measure).label} ${t.op} ${t.value}`)).join(' and ')}`;
}

function subjectPlural(subject: Subject): string {
  return subject === 'staff' ? 'staff' : subject === 'industry' ? 'industries' : `${subject}s`;
}

const cap = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
