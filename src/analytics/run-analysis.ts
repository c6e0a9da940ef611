import { createHash, randomUUID } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { Confidence } from '../explain/confidence.js';
import type { Interval } from '../explain/bootstrap.js';
import { appendAudit } from '../governance/audit-log.js';
import { decideReview, type ReviewDecision, type ReviewPolicy } from '../governance/review-policy.js';
import type { Period } from '../metrics/period.js';
import { countOf } from '../present/display-format.js';
import type { Database } from '../storage/database.js';
import type { AnalyticsResultTable } from '../storage/schema.js';
import { currentVersionNumber } from '../versions/versions-repository.js';
import { listAutomaticMatches } from '../ingest/client-aliases-repository.js';
import type { AnalysisFilters } from './analysis-filters.js';
import { clientInsights, type ClientInsight } from './client-insights.js';
import { findRunPayload, insertRun, listRunReviewStates } from './results-repository.js';
import { licenseEfficiency, type LicenseEfficiencyAnalysis, type LicensePositionRow } from './license-efficiency.js';
import { monthlyTrends, type TrendsAnalysis } from './monthly-trends.js';
import { portfolioOverview, type PortfolioOverview } from './portfolio-overview.js';
import { profitabilityByClient, type ProfitabilityRow } from './profitability.js';
import { staffUtilization, type StaffUtilizationAnalysis } from './staff-utilization.js';

/**
 * Part of every stored run's key: bump it whenever a calculation changes (confidence model,
 * attribution, recommendations), so runs stored by an older MoatMetrics are not served.
 */
export const analysisEngineVersion = 2;

export interface ReviewState extends ReviewDecision {
  resultId: string;
}

export type ClientResult = Omit<ProfitabilityRow, 'sums'> & ClientInsight & { review: ReviewState };
export type LicenseResult = LicensePositionRow & { review: ReviewState };

/** Everything `moatmetrics analyze` and `POST /api/v1/analytics/runs` return. */
export interface AnalysisDocument {
  runId: string;
  /** True when these numbers were computed earlier for the same plan and dataset version. */
  cached: boolean;
  version: number;
  period: Period;
  filters: AnalysisFilters;
  generatedAt: string;
  overview: PortfolioOverview & { confidence: Confidence; marginInterval: Interval | null; review: ReviewState };
  clients: ClientResult[];
  licenses: Omit<LicenseEfficiencyAnalysis, 'positions'> & { positions: LicenseResult[] };
  staff: StaffUtilizationAnalysis;
  trends: TrendsAnalysis;
  pendingReviews: number;
}

/**
 * Runs the full analysis for some filters, or returns the stored run for the same plan and
 * dataset version (results only change when data does). Each client's profitability, each
 * license position and the portfolio total become a reviewable result routed by the policy.
 */
export interface RunAnalysisOptions {
  filters?: AnalysisFilters;
  actor: string;
  review: ReviewPolicy;
  /** Today, for the recency of the data (config analytics.as_of overrides it); injectable for tests. */
  clock?: () => Date;
}

export async function runAnalysis(database: Database, config: Config, options: RunAnalysisOptions): Promise<AnalysisDocument> {
  const filters = normaliseFilters(options.filters ?? {});
  const version = await currentVersionNumber(database.kysely);
  // Confirming a name changes no dataset version, so the unconfirmed names are part of the
  // plan: a run stored while they waited is not served once they are confirmed.
  const unconfirmed = await unconfirmedNamesByClient(database);
  const planJson = JSON.stringify({
    kind: 'full',
    engine: analysisEngineVersion,
    filters,
    default_cost_rate: config.analytics.default_cost_rate,
    as_of: config.analytics.as_of,
    license_headroom_pct: config.analytics.license_headroom_pct,
    // Explanations and recommendations name amounts in this currency, so a run is kept per currency.
    currency: config.display.currency,
    review: options.review,
    ...(unconfirmed.size > 0 ? { unconfirmed_client_names: [...unconfirmed] } : {}),
  });
  const planHash = createHash('sha256').update(planJson).digest('hex');
  const stored = await findRunPayload(database.kysely, planHash, version);
  if (stored !== null) return withCurrentReviews(database, { ...(JSON.parse(stored) as AnalysisDocument), cached: true });

  const today = (options.clock ?? (() => new Date()))().toISOString().slice(0, 10);
  const document = await computeAnalysis(database, config, filters, version, config.analytics.as_of ?? today);
  const now = new Date().toISOString();
  const results: AnalyticsResultTable[] = [];
  const record = (
    kind: string,
    about: { clientId: string | null; subject: string; label: string },
    metric: string,
    value: number | null,
    confidence: number,
    decision: ReviewDecision,
    detail: unknown,
  ): ReviewState => {
    const id = randomUUID();
    const { clientId, subject, label } = about;
    results.push({
      id,
      run_id: document.runId,
      kind,
      // Its own column: client scope compares it for equality, never a prefix of the subject.
      client_id: clientId,
      subject,
      subject_label: label,
      metric,
      value,
      confidence,
      review_status: decision.status,
      review_reasons_json: JSON.stringify(decision.reasons),
      dataset_version: version,
      detail_json: JSON.stringify(detail),
      created_at: now,
      reviewed_by: null,
      reviewed_at: null,
      review_comment: null,
    });
    return { ...decision, resultId: id };
  };
  for (const client of document.clients) {
    const unconfirmedClientNames = unconfirmed.get(client.clientId) ?? [];
    const decision = decideReview({ confidence: client.confidence.value, grossMarginPct: client.grossMarginPct, unconfirmedClientNames }, options.review);
    const about = { clientId: client.clientId, subject: client.clientId, label: client.clientName };
    const detail = { grossProfit: client.grossProfit, revenue: client.revenue };
    client.review = record('profitability', about, 'gross_margin_pct', client.grossMarginPct, client.confidence.value, decision, detail);
  }
  for (const position of document.licenses.positions) {
    const unconfirmedClientNames = unconfirmed.get(position.clientId) ?? [];
    const decision = decideReview({ confidence: 1, overAssignedSeats: position.overAssignedSeats, unconfirmedClientNames }, options.review);
    const subject = `${position.clientId}:${position.vendor ?? ''}:${position.product}`;
    const about = { clientId: position.clientId, subject, label: `${position.product} for ${position.clientName}` };
    position.review = record('license', about, 'license_utilization_pct', position.utilizationPct, 1, decision, position.recommendation);
  }
  const overview = document.overview;
  const portfolio = { clientId: null, subject: 'portfolio', label: 'Portfolio' };
  // The portfolio adds up every client in the run: it waits for the names of any of them.
  const inRun = new Set(document.clients.map((client) => client.clientId));
  const portfolioNames = [...unconfirmed].filter(([clientId]) => inRun.has(clientId)).flatMap(([, names]) => names);
  const portfolioDecision = decideReview({ confidence: overview.confidence.value, unconfirmedClientNames: portfolioNames }, options.review);
  const { totals, confidence } = overview;
  overview.review = record('overview', portfolio, 'gross_margin_pct', totals.grossMarginPct, confidence.value, portfolioDecision, totals);
  document.pendingReviews = results.filter((r) => r.review_status === 'pending_review').length;

  try {
    await storeRun(database, document, results, { planHash, planJson, version, actor: options.actor, now, filters });
  } catch (error) {
    // The same plan on the same version finished first elsewhere (unique key): serve that one.
    const winner = await findRunPayload(database.kysely, planHash, version);
    if (winner === null) throw error;
    return withCurrentReviews(database, { ...(JSON.parse(winner) as AnalysisDocument), cached: true });
  }
  return document;
}

async function storeRun(
  database: Database,
  document: AnalysisDocument,
  results: AnalyticsResultTable[],
  run: { planHash: string; planJson: string; version: number; actor: string; now: string; filters: AnalysisFilters },
): Promise<void> {
  const { planHash, planJson, version, now, actor, filters } = run;
  await database.kysely.transaction().execute(async (trx) => {
    await insertRun(
      trx,
      {
        id: document.runId,
        kind: 'full',
        plan_hash: planHash,
        plan_json: planJson,
        dataset_version: version,
        period_from: document.period.from,
        period_to: document.period.to,
        payload_json: JSON.stringify(document),
        created_by: actor,
        created_at: now,
      },
      results,
    );
    // The stored run (and the results it sends to review) and its event commit together.
    await appendAudit(trx, {
      actor,
      action: 'analysis.run',
      target: document.runId,
      details: { version, period: document.period, filters, results: results.length, pendingReviews: document.pendingReviews },
    });
  });
}

async function computeAnalysis(database: Database, config: Config, filters: AnalysisFilters, version: number, asOf: string): Promise<AnalysisDocument> {
  const overview = await portfolioOverview(database, config, filters);
  const scoped = { ...filters, from: overview.period.from, to: overview.period.to };
  const profitability = await profitabilityByClient(database, config, scoped);
  const insights = await clientInsights(database, config, profitability.rows, { period: overview.period, version, filters: scoped, asOf });
  const licenses = await licenseEfficiency(database, config, scoped);
  const staff = await staffUtilization(database, config, scoped);
  const trends = await monthlyTrends(database, config, scoped);
  const pending: ReviewState = { status: 'pending_review', reasons: [], resultId: '' };
  const portfolio = portfolioConfidence(profitability.rows, insights);
  return {
    runId: randomUUID(),
    cached: false,
    version,
    period: overview.period,
    filters,
    generatedAt: new Date().toISOString(),
    overview: { ...overview, confidence: portfolio, marginInterval: null, review: pending },
    clients: profitability.rows.map(({ sums: _sums, ...row }) => ({ ...row, ...insights.get(row.clientId)!, review: pending })),
    licenses: { ...licenses, positions: licenses.positions.map((p) => ({ ...p, review: pending })) },
    staff,
    trends,
    pendingReviews: 0,
  };
}

/** The portfolio's confidence: each factor's score weighted by the clients' revenue share. */
function portfolioConfidence(rows: ProfitabilityRow[], insights: Map<string, ClientInsight>): Confidence {
  const total = rows.reduce((s, r) => s + Math.max(r.revenue, 0), 0);
  const weighted = rows.map((r) => ({
    weight: total > 0 ? Math.max(r.revenue, 0) / total : 1 / rows.length,
    confidence: insights.get(r.clientId)!.confidence,
  }));
  const first = weighted[0]?.confidence;
  if (!first) return { value: 0, factors: [] };
  const value = Math.round(weighted.reduce((s, w) => s + w.weight * w.confidence.value, 0) * 100) / 100;
  return {
    value,
    factors: first.factors.map((factor, i) => ({
      ...factor,
      score: Math.round(weighted.reduce((s, w) => s + w.weight * (w.confidence.factors[i]?.score ?? 1), 0) * 1000) / 1000,
      contribution: Math.round(weighted.reduce((s, w) => s + w.weight * (w.confidence.factors[i]?.contribution ?? 0), 0) * 100) / 100,
      detail: `revenue-weighted over ${countOf(rows.length, 'client')}`,
    })),
  };
}

/** Client names matched automatically and not yet confirmed, by the client they matched. */
async function unconfirmedNamesByClient(database: Database): Promise<Map<string, string[]>> {
  const byClient = new Map<string, string[]>();
  for (const match of await listAutomaticMatches(database.kysely)) {
    const names = byClient.get(match.client_id);
    if (names) names.push(match.alias_name);
    else byClient.set(match.client_id, [match.alias_name]);
  }
  return byClient;
}

/** Review decisions made after the run (approve, reject) replace the stored ones. */
async function withCurrentReviews(database: Database, document: AnalysisDocument): Promise<AnalysisDocument> {
  const rows = await listRunReviewStates(database.kysely, document.runId);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const refresh = (review: ReviewState): ReviewState => {
    const row = byId.get(review.resultId);
    return row ? { resultId: review.resultId, status: row.review_status, reasons: JSON.parse(row.review_reasons_json) as string[] } : review;
  };
  for (const client of document.clients) client.review = refresh(client.review);
  for (const position of document.licenses.positions) position.review = refresh(position.review);
  document.overview.review = refresh(document.overview.review);
  document.pendingReviews = rows.filter((r) => r.review_status === 'pending_review').length;
  return document;
}

function normaliseFilters(filters: AnalysisFilters): AnalysisFilters {
  const out: AnalysisFilters = {};
  if (filters.from) out.from = filters.from;
  if (filters.to) out.to = filters.to;
  if (filters.clients?.length) out.clients = [...filters.clients].sort();
  if (filters.industries?.length) out.industries = [...filters.industries].sort();
  return out;
}
