import { clientInsights } from '../analytics/client-insights.js';
import { profitabilityByClient } from '../analytics/profitability.js';
import type { Config } from '../config/schema.js';
import { roundHalfAwayFromZero } from '../present/rounding.js';
import type { Database } from '../storage/database.js';
import type { NlAnswer } from './answer.js';
import type { WhyUnderstanding } from './understanding.js';

/**
 * "Why is Acme's margin low?": the client's margin against the portfolio's median client,
 * split exactly between revenue, labor cost and license cost by the Shapley attribution the
 * analyses use (src/explain/shapley.ts, via analytics/client-insights.ts).
 */

/** What the data says, whatever the wording of the question: what the semantic cache keeps. */
export type WhyFacts =
  { found: false } | { found: true; columns: string[]; rows: NlAnswer['rows']; explanation: string[]; dataConfidence: number; chart: NlAnswer['chart'] };

/** `clientScope`: the caller's clients; the median client is then the median of those. */
export async function whyFacts(
  database: Database,
  config: Config,
  understanding: WhyUnderstanding,
  asOf: string,
  clientScope: readonly string[] | null,
): Promise<WhyFacts> {
  const filters = {
    ...(understanding.period ? { from: understanding.period.from, to: understanding.period.to } : {}),
    ...(clientScope ? { clients: [...clientScope] } : {}),
  };
  const profitability = await profitabilityByClient(database, config, filters);
  const insights = await clientInsights(database, config, profitability.rows, { period: profitability.period, version: profitability.version, filters, asOf });
  const row = profitability.rows.find((r) => r.clientId === understanding.client.value);
  const insight = insights.get(understanding.client.value);
  if (!row || !insight) return { found: false };
  const { attribution } = insight;
  const rows: NlAnswer['rows'] = [
    [
      'gross margin %',
      roundHalfAwayFromZero(row.grossMarginPct ?? 0, 2),
      attribution.baselineValue === null ? null : roundHalfAwayFromZero(attribution.baselineValue, 2),
    ],
  ];
  if (attribution.contributions) {
    for (const [driver, points] of Object.entries(attribution.contributions))
      rows.push([`${driver.replace('_', ' ')} (points)`, roundHalfAwayFromZero(points as number, 2), null]);
  }
  return {
    found: true,
    columns: ['item', understanding.client.name, 'median client'],
    rows,
    explanation: [...insight.explanation, ...(attribution.reason ? [attribution.reason] : [])],
    dataConfidence: insight.confidence.value,
    chart: attribution.contributions
      ? {
          $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
          data: {
            values: Object.entries(attribution.contributions).map(([driver, points]) => ({
              driver: driver.replace('_', ' '),
              points: roundHalfAwayFromZero(points as number, 2),
            })),
          },
          mark: 'bar',
          encoding: {
            y: { field: 'driver', type: 'nominal', sort: null },
            x: { field: 'points', type: 'quantitative', title: 'margin points vs median client' },
          },
        }
      : null,
  };
}

export function whyAnswer(question: string, understanding: WhyUnderstanding, facts: WhyFacts, cached: boolean): NlAnswer {
  if (!facts.found) {
    return {
      status: 'clarify',
      question,
      plan: null,
      columns: [],
      rows: [],
      confidence: null,
      explanation: `There is no data for ${understanding.client.name} in ${understanding.periodLabel}.`,
      cached,
      suggestions: [],
      chart: null,
      review: null,
    };
  }
  const confidence = Math.round(understanding.parseConfidence * facts.dataConfidence * 100) / 100;
  const notes = understanding.notes.map((n) => `Note: ${n}.`);
  return {
    status: 'answered',
    question,
    plan: null,
    columns: facts.columns,
    rows: facts.rows,
    confidence,
    explanation: [...facts.explanation, ...notes].join(' '),
    cached,
    suggestions: [],
    chart: facts.chart,
    review: null,
  };
}
