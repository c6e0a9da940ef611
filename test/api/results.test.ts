import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AnalysisDocument } from '../../src/analytics/run-analysis.js';
import { importEdgeCaseMsp } from '../support/edge-case-msp.js';
import { errorOf, startApiTest, type ApiTest } from './api-test-app.js';

interface ResultBody {
  id: string;
  runId: string;
  kind: string;
  subject: string;
  subjectLabel: string;
  metric: string;
  value: number | null;
  confidence: number;
  reviewStatus: string;
  reasons: string[];
  datasetVersion: number;
  period: { from: string; to: string };
  createdAt: string;
  detail?: unknown;
}

interface ResultListBody {
  results: ResultBody[];
  total: number;
  limit: number;
  offset: number;
}

describe('stored analysis results over HTTP', () => {
  let api: ApiTest;
  let quarterRun: AnalysisDocument;
  let januaryRun: AnalysisDocument;
  before(async () => {
    api = await startApiTest('sqlite');
    await importEdgeCaseMsp(api.t);
    await api.app.ready();
    const january = await api.app.inject({ method: 'POST', url: '/api/v1/analytics/runs', payload: { from: '2025-01-01', to: '2025-01-31' } });
    januaryRun = january.json() as AnalysisDocument;
    // Runs store all their results at one instant; a later run's results are newer.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const quarter = await api.app.inject({ method: 'POST', url: '/api/v1/analytics/runs', payload: { from: '2025-01-01', to: '2025-03-31' } });
    assert.equal(quarter.statusCode, 201, quarter.body);
    quarterRun = quarter.json() as AnalysisDocument;
  });
  after(async () => {
    await api.close();
  });
  const list = async (query: string): Promise<ResultListBody> => {
    const response = await api.app.inject({ method: 'GET', url: `/api/v1/results${query}` });
    assert.equal(response.statusCode, 200, response.body);
    return response.json() as ResultListBody;
  };

  test('every result, newest run first, with parsed reasons and the period of its run', async () => {
    const body = await list('?limit=500');
    const perRun = (doc: AnalysisDocument) => doc.clients.length + doc.licenses.positions.length + 1;
    assert.equal(body.total, perRun(quarterRun) + perRun(januaryRun));
    assert.equal(body.results.length, body.total);
    assert.deepEqual([...new Set(body.results.map((r) => r.runId))], [quarterRun.runId, januaryRun.runId]);
    const beta = body.results.find((r) => r.runId === quarterRun.runId && r.subject === 'C2')!;
    assert.deepEqual(
      { ...beta, createdAt: undefined },
      {
        id: quarterRun.clients.find((c) => c.clientId === 'C2')!.review.resultId,
        runId: quarterRun.runId,
        kind: 'profitability',
        subject: 'C2',
        clientId: 'C2',
        subjectLabel: 'Beta',
        metric: 'gross_margin_pct',
        value: -65,
        confidence: quarterRun.clients.find((c) => c.clientId === 'C2')!.confidence.value,
        reviewStatus: 'pending_review',
        reasons: quarterRun.clients.find((c) => c.clientId === 'C2')!.review.reasons,
        datasetVersion: 5,
        period: { from: '2025-01-01', to: '2025-03-31' },
        createdAt: undefined,
        reviewedBy: null,
        reviewedAt: null,
        reviewComment: null,
      },
    );
    assert.equal('detail' in beta, false);
  });

  test("status=pending_review includes Beta's profitability and the over-assigned Zoom Pro license", async () => {
    const body = await list('?status=pending_review&version=5&limit=500');
    assert.ok(body.results.length > 0);
    assert.ok(body.results.every((r) => r.reviewStatus === 'pending_review' && r.datasetVersion === 5));
    const fromQuarter = body.results.filter((r) => r.runId === quarterRun.runId);
    const beta = fromQuarter.find((r) => r.kind === 'profitability' && r.subjectLabel === 'Beta');
    assert.ok(beta);
    assert.ok(beta.reasons.includes('negative margin (-65.00 %)'));
    const zoom = fromQuarter.find((r) => r.kind === 'license' && r.subject === 'C1:Zoom:Zoom Pro');
    assert.ok(zoom);
    assert.deepEqual(zoom.reasons, ['1 over-assigned seat']);
    assert.equal(zoom.value, 150);
  });

  test('filters by kind, subject and version; limit and offset page through the total', async () => {
    const licenses = await list('?kind=license&limit=500');
    assert.ok(licenses.results.length > 0 && licenses.results.every((r) => r.kind === 'license'));
    const beta = await list('?subject=C2&kind=profitability');
    assert.deepEqual(
      beta.results.map((r) => [r.runId, r.period.from, r.period.to]),
      [
        [quarterRun.runId, '2025-01-01', '2025-03-31'],
        [januaryRun.runId, '2025-01-01', '2025-01-31'],
      ],
    );
    assert.deepEqual(await list('?version=4'), { currency: 'USD', demo: false, results: [], total: 0, limit: 50, offset: 0 });
    const all = await list('?limit=500');
    const pages = [await list('?limit=4&offset=0'), await list('?limit=4&offset=4')];
    assert.deepEqual(
      pages.flatMap((p) => p.results.map((r) => r.id)),
      all.results.slice(0, 8).map((r) => r.id),
    );
    assert.ok(pages.every((p) => p.total === all.total && p.limit === 4));
  });

  test('a review decision made since is what the list shows', async () => {
    const zoomId = quarterRun.licenses.positions.find((p) => p.product === 'Zoom Pro')!.review.resultId;
    await api.t.database.kysely.updateTable('analytics_results').set({ review_status: 'approved' }).where('id', '=', zoomId).execute();
    const pending = await list('?status=pending_review&kind=license&limit=500');
    assert.equal(
      pending.results.some((r) => r.id === zoomId),
      false,
    );
    const approved = await list('?status=approved');
    assert.deepEqual(
      approved.results.map((r) => r.id),
      [zoomId],
    );
  });

  test('one result with its parsed detail', async () => {
    const betaId = quarterRun.clients.find((c) => c.clientId === 'C2')!.review.resultId;
    const response = await api.app.inject({ method: 'GET', url: `/api/v1/results/${betaId}` });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json() as ResultBody;
    assert.equal(body.id, betaId);
    assert.equal(body.subjectLabel, 'Beta');
    assert.deepEqual(body.detail, { grossProfit: -195, revenue: 300 });
  });

  test('an unknown result is 404 MM_NOT_FOUND; a bad filter is 400 MM_VALIDATION', async () => {
    const missing = await api.app.inject({ method: 'GET', url: '/api/v1/results/no-such-result' });
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), { error: { code: 'MM_NOT_FOUND', message: 'Result no-such-result does not exist.' } });
    const badStatus = await api.app.inject({ method: 'GET', url: '/api/v1/results?status=maybe' });
    assert.equal(badStatus.statusCode, 400);
    assert.match(errorOf(badStatus).message, /querystring\.status/);
    const badLimit = await api.app.inject({ method: 'GET', url: '/api/v1/results?limit=0' });
    assert.equal(badLimit.statusCode, 400);
    assert.equal(errorOf(badLimit).code, 'MM_VALIDATION');
  });

  test('both result routes declare data:read and are documented', async () => {
    const permissionOf = (method: string, url: string) => api.app.routePermissions.find((r) => r.method === method && r.url === url)?.permission;
    assert.equal(permissionOf('GET', '/api/v1/results'), 'data:read');
    assert.equal(permissionOf('GET', '/api/v1/results/:id'), 'data:read');
    const document = (await api.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string }>; responses: Record<string, unknown> }>>;
    };
    assert.deepEqual(document.paths['/api/v1/results']?.get?.parameters?.map((p) => p.name).sort(), [
      'kind',
      'limit',
      'offset',
      'status',
      'subject',
      'version',
    ]);
    assert.deepEqual(Object.keys(document.paths['/api/v1/results/{id}']?.get?.responses ?? {}).sort(), ['200', '400', '404', '500']);
  });
});
