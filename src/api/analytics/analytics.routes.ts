import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { resolveAnalysisFilters, type AnalysisFilters, type FilterInput } from '../../analytics/analysis-filters.js';
import { licenseEfficiency } from '../../analytics/license-efficiency.js';
import { licenseReconciliation } from '../../analytics/license-reconciliation.js';
import { monthlyTrends } from '../../analytics/monthly-trends.js';
import { portfolioOverview } from '../../analytics/portfolio-overview.js';
import { profitabilityByClient } from '../../analytics/profitability.js';
import { latestReviews } from '../../analytics/results-repository.js';
import { runAnalysis, type AnalysisDocument } from '../../analytics/run-analysis.js';
import { staffUtilization } from '../../analytics/staff-utilization.js';
import { clientScopeOf } from '../../auth/client-scope.js';
import type { Config } from '../../config/schema.js';
import type { Policy } from '../../governance/policy.js';
import type { ReviewPolicy } from '../../governance/review-policy.js';
import type { Period } from '../../metrics/period.js';
import { auditDataRead } from '../../governance/data-reads.js';
import { demoDataPresent } from '../../ingest/demo-data-repository.js';
import type { Database } from '../../storage/database.js';
import { commonErrorResponses, validationError } from '../error-handler.js';
import {
  presentAnalysisDocument,
  presentLicenses,
  presentOverview,
  presentProfitability,
  presentStaffUtilization,
  presentTrends,
} from './analytics.presenter.js';
import {
  analysisQuerySchema,
  analysisRunBodySchema,
  presentedAnalysisDocumentSchema,
  presentedLicenseEfficiencySchema,
  presentedOverviewSchema,
  presentedStaffUtilizationSchema,
  presentedTrendsSchema,
  profitabilityResponseSchema,
  withDemoFlag,
  type AnalysisQuery,
} from './analytics.schema.js';
import { presentedLicenseReconciliationSchema } from './license-reconciliation.schema.js';

export interface AnalyticsRoutesOptions {
  config: Config;
  database: Database;
  policy: Policy;
}

const tags = ['analytics'];
const filterDescription =
  'Filters: `from`, `to` (YYYY-MM-DD), `client` (id or name, case-insensitive) and `industry`, each repeatable or comma-separated. ' +
  'The numbers are computed on the current dataset version, which the response names.';

/** Mounted at /api/v1/analytics. */
export const analyticsRoutes: FastifyPluginAsyncZod<AnalyticsRoutesOptions> = async (app, { config, database, policy }) => {
  const currency = config.display.currency;
  const filtersOf = (query: AnalysisQuery, request: FastifyRequest) =>
    resolveFilters(
      database,
      { from: query.from, to: query.to, clients: query.client, industries: query.industry },
      { location: 'querystring', clients: 'client', industries: 'industry' },
      clientScopeOf(request.user),
    );
  // The reviews stored for what an analysis shows; a scoped caller's never include other clients' results.
  const reviewsOf = (kind: string, { version, period }: { version: number; period: Period }, request: FastifyRequest) =>
    latestReviews(database.kysely, { kind, datasetVersion: version, period, clientScope: clientScopeOf(request.user) });
  // Every analytics read is audited (DESIGN section 7) without waiting for the writer.
  const audited = <T extends { version: number; period: Period }>(what: string, request: FastifyRequest, filters: AnalysisFilters, analysis: T): T => {
    const via = `${request.method} ${request.routeOptions.url ?? request.url}`;
    auditDataRead(database.kysely, {
      actor: request.actor,
      what: `analytics.${what}`,
      via,
      filters: { ...filters },
      datasetVersion: analysis.version,
      period: analysis.period,
    });
    return analysis;
  };

  app.get(
    '/overview',
    {
      config: { permission: 'data:read' },
      schema: {
        summary: 'Portfolio totals, clients per margin band and the clients losing money',
        description: filterDescription,
        tags,
        querystring: analysisQuerySchema,
        response: { 200: withDemoFlag(presentedOverviewSchema), ...commonErrorResponses },
      },
    },
    async (request) => {
      const filters = await filtersOf(request.query, request);
      const analysis = audited('overview', request, filters, await portfolioOverview(database, config, filters));
      const reviews = await reviewsOf('overview', analysis, request);
      return { ...presentOverview(analysis, reviews, currency), demo: await demoDataPresent(database.kysely) };
    },
  );

  app.get(
    '/profitability',
    {
      config: { permission: 'data:read' },
      schema: {
        summary: 'Revenue, costs, gross profit, margin and band per client, worst margin first',
        description: `${filterDescription} Each row carries the client's current review for this period and version once an analysis run (POST /api/v1/analytics/runs) stored one; otherwise \`review\` is null.`,
        tags,
        querystring: analysisQuerySchema,
        response: { 200: withDemoFlag(profitabilityResponseSchema), ...commonErrorResponses },
      },
    },
    async (request) => {
      const filters = await filtersOf(request.query, request);
      const analysis = audited('profitability', request, filters, await profitabilityByClient(database, config, filters));
      const reviews = await reviewsOf('profitability', analysis, request);
      return { ...presentProfitability(analysis, reviews, currency), demo: await demoDataPresent(database.kysely) };
    },
  );

  app.get(
    '/licenses',
    {
      config: { permission: 'data:read' },
      schema: {
        summary: 'License utilization, unused and over-assigned seats, monthly waste and reclaim recommendations',
        description: filterDescription,
        tags,
        querystring: analysisQuerySchema,
        response: { 200: withDemoFlag(presentedLicenseEfficiencySchema), ...commonErrorResponses },
      },
    },
    async (request) => {
      const filters = await filtersOf(request.query, request);
      const analysis = audited('licenses', request, filters, await licenseEfficiency(database, config, filters));
      const reviews = await reviewsOf('license', analysis, request);
      return { ...presentLicenses(analysis, reviews, currency), demo: await demoDataPresent(database.kysely) };
    },
  );

  app.get(
    '/license-reconciliation',
    {
      config: { permission: 'data:read' },
      schema: {
        summary:
          'Seats bought at the vendor vs assigned in the tenant vs billed to the client, per client and product, with the monthly money of each difference',
        description:
          'Filters: `client` (id or name) and `industry`, repeatable or comma-separated; `from`/`to` are accepted and do not apply (positions are current). ' +
          'Only positions with a difference are listed, largest monthly impact first (docs/IMPORTING.md, Three-way license reconciliation).',
        tags,
        querystring: analysisQuerySchema,
        response: { 200: presentedLicenseReconciliationSchema, ...commonErrorResponses },
      },
    },
    async (request) => {
      const filters = await filtersOf(request.query, request);
      const result = await licenseReconciliation(database, filters);
      const via = `${request.method} ${request.routeOptions.url ?? request.url}`;
      auditDataRead(database.kysely, {
        actor: request.actor,
        what: 'analytics.license_reconciliation',
        via,
        filters: { ...filters },
        datasetVersion: result.version,
      });
      return { currency, ...result, demo: await demoDataPresent(database.kysely) };
    },
  );

  app.get(
    '/utilization',
    {
      config: { permission: 'data:read' },
      schema: {
        summary: 'Staff utilization and billable ratio, busiest first, and the overall figure',
        description: filterDescription,
        tags,
        querystring: analysisQuerySchema,
        response: { 200: withDemoFlag(presentedStaffUtilizationSchema), ...commonErrorResponses },
      },
    },
    async (request) => {
      const filters = await filtersOf(request.query, request);
      const presented = presentStaffUtilization(audited('utilization', request, filters, await staffUtilization(database, config, filters)), currency);
      return { ...presented, demo: await demoDataPresent(database.kysely) };
    },
  );

  app.get(
    '/trends',
    {
      config: { permission: 'data:read' },
      schema: {
        summary: 'Month by month revenue, costs, profit, margin, hours and billable ratio',
        description: filterDescription,
        tags,
        querystring: analysisQuerySchema,
        response: { 200: withDemoFlag(presentedTrendsSchema), ...commonErrorResponses },
      },
    },
    async (request) => {
      const filters = await filtersOf(request.query, request);
      const presented = presentTrends(audited('trends', request, filters, await monthlyTrends(database, config, filters)), currency);
      return { ...presented, demo: await demoDataPresent(database.kysely) };
    },
  );

  app.post(
    '/runs',
    {
      config: { permission: 'analytics:run' },
      schema: {
        summary: 'Run the full analysis (confidence, explanation, attribution, review routing) and store its results',
        description:
          'The same filters on the same dataset version are answered from the stored run (200, `cached: true`, the same `runId`), ' +
          'with review decisions made since; otherwise the analysis is computed and stored (201).',
        tags,
        body: analysisRunBodySchema,
        response: {
          201: withDemoFlag(presentedAnalysisDocumentSchema).describe('Computed and stored'),
          200: withDemoFlag(presentedAnalysisDocumentSchema).describe('The stored run for the same plan and dataset version'),
          ...commonErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const filters = await resolveFilters(
        database,
        request.body ?? {},
        { location: 'body', clients: 'clients', industries: 'industries' },
        clientScopeOf(request.user),
      );
      const document = await runAnalysisOnce(database, config, { filters, actor: request.actor, review: policy.review });
      // A new run is audited as analysis.run; serving a stored one is a read of it.
      if (document.cached) {
        const { version: datasetVersion, period, runId: target } = document;
        auditDataRead(database.kysely, {
          actor: request.actor,
          what: 'analysis.run',
          via: 'POST /api/v1/analytics/runs',
          filters: { ...filters },
          datasetVersion,
          period,
          target,
        });
      }
      const demo = await demoDataPresent(database.kysely);
      return reply.status(document.cached ? 200 : 201).send({ ...presentAnalysisDocument(document, currency), demo });
    },
  );
};

/**
 * Two identical runs started together (a double-clicked button) both compute, and the
 * second to store hits the (plan, dataset version) unique key. The first one's stored run
 * is then the answer: asking again serves it, as it would have a moment later.
 */
async function runAnalysisOnce(
  database: Database,
  config: Config,
  options: { filters: AnalysisFilters; actor: string; review: ReviewPolicy },
): Promise<AnalysisDocument> {
  try {
    return await runAnalysis(database, config, options);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return runAnalysis(database, config, options);
  }
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // PostgreSQL unique_violation; better-sqlite3's extended result code.
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** The shared resolver, with an unknown value refused as a validation error of this request's field. */
async function resolveFilters(
  database: Database,
  input: FilterInput,
  names: { location: string; clients: string; industries: string },
  scope: readonly string[] | null,
): Promise<AnalysisFilters> {
  const resolved = await resolveAnalysisFilters(database, input, scope);
  if (!resolved.ok)
    throw validationError(
      names.location,
      resolved.problems.map((problem) => ({ path: [names[problem.field]], message: problem.message })),
    );
  return resolved.filters;
}
