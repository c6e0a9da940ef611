import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { AnalysisDocument } from '../../src/analytics/run-analysis.js';
import { importEdgeCaseMsp } from '../support/edge-case-msp.js';
import { engines } from '../support/test-database.js';
import { errorOf, startApiTest, type ApiTest } from './api-test-app.js';

const quarter = 'from=2025-01-01&to=2025-03-31';

interface ProfitabilityBody {
  period: { from: string; to: string };
  version: number;
  rows: Array<{
    clientId: string;
    clientName: string;
    grossMarginPct: number | null;
    band: string | null;
    review: { status: string; reasons: string[]; resultId: string } | null;
  }>;
}

/** The API over the hand-computed edge-case MSP (dataset version 5). */
async function startEdgeCaseApi(engine: 'sqlite' | 'postgres'): Promise<ApiTest> {
  const api = await startApiTest(engine);
  await importEdgeCaseMsp(api.t);
  await api.app.ready();
  return api;
}

function margins(response: LightMyRequestResponse): Array<[string, number | null, string | null]> {
  assert.equal(response.statusCode, 200, response.body);
  return (response.json() as ProfitabilityBody).rows.map((r) => [r.clientName, r.grossMarginPct, r.band]);
}

for (const engine of engines) {
  describe(`analytics over HTTP on ${engine}`, () => {
    let api: ApiTest;
    before(async () => {
      api = await startEdgeCaseApi(engine);
    });
    after(async () => {
      await api.close();
    });
    const get = (url: string) => api.app.inject({ method: 'GET', url });
    const run = (payload?: Record<string, unknown>) => api.app.inject({ method: 'POST', url: '/api/v1/analytics/runs', ...(payload ? { payload } : {}) });

    test('profitability for the quarter: the hand-computed margins, worst first, no internal sums, no review before a run', async () => {
      const response = await get(`/api/v1/analytics/profitability?${quarter}`);
      assert.deepEqual(margins(response), [
        ['Beta', -65, 'losing_money'],
        ['Acme', 18.33, 'at_risk'],
        ['Delta', 100, 'healthy'],
        ['Cobalt', null, null],
      ]);
      const body = response.json() as ProfitabilityBody;
      assert.deepEqual(body.period, { from: '2025-01-01', to: '2025-03-31' });
      assert.equal(body.version, 5);
      assert.equal(response.body.includes('sums'), false);
      assert.deepEqual(
        body.rows.map((r) => r.review),
        [null, null, null, null],
      );
    });

    test('overview for the quarter: revenue 2500, gross profit 340', async () => {
      const response = await get(`/api/v1/analytics/overview?${quarter}`);
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json() as {
        version: number;
        totals: { revenue: number; grossProfit: number; clientCount: number };
        losingClients: Array<{ clientName: string }>;
      };
      assert.equal(body.version, 5);
      assert.equal(body.totals.revenue, 2500);
      assert.equal(body.totals.grossProfit, 340);
      assert.equal(body.totals.clientCount, 4);
      assert.deepEqual(
        body.losingClients.map((c) => c.clientName),
        ['Beta', 'Cobalt'],
      );
      assert.equal((body as unknown as { review: unknown }).review, null, 'no review before a run stored one');
    });

    test('a run is computed once (201), then served from the store (200) with the same runId', async () => {
      const first = await run({ from: '2025-01-01', to: '2025-03-31' });
      assert.equal(first.statusCode, 201, first.body);
      const computed = first.json() as AnalysisDocument;
      assert.equal(computed.cached, false);
      assert.equal(computed.version, 5);
      assert.equal(computed.overview.totals.revenue, 2500);
      const again = await run({ from: '2025-01-01', to: '2025-03-31' });
      assert.equal(again.statusCode, 200, again.body);
      const stored = again.json() as AnalysisDocument;
      assert.equal(stored.cached, true);
      assert.equal(stored.runId, computed.runId);
      assert.deepEqual(
        stored.clients.map((c) => c.grossMarginPct),
        [-65, 18.33, 100, null],
      );

      // Profitability now carries each client's stored review: the same result ids the run returned.
      const profitability = (await get(`/api/v1/analytics/profitability?${quarter}`)).json() as ProfitabilityBody;
      const beta = profitability.rows.find((r) => r.clientName === 'Beta')!;
      assert.equal(beta.review?.status, 'pending_review');
      assert.ok(beta.review.reasons.includes('negative margin (-65.00 %)'), beta.review.reasons.join('; '));
      assert.deepEqual(
        profitability.rows.map((r) => r.review?.resultId),
        profitability.rows.map((r) => computed.clients.find((c) => c.clientId === r.clientId)!.review.resultId),
      );
      // Another period's numbers differ, so the quarter's reviews do not label them.
      const january = (await get('/api/v1/analytics/profitability?from=2025-01-01&to=2025-01-31')).json() as ProfitabilityBody;
      assert.deepEqual(
        january.rows.map((r) => r.review),
        january.rows.map(() => null),
      );
    });

    test("results filtered by pending_review include Beta's margin and the over-assigned Zoom Pro seats", async () => {
      const response = await get('/api/v1/results?status=pending_review&limit=500');
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json() as {
        results: Array<{ kind: string; subject: string; subjectLabel: string; value: number | null; reviewStatus: string; reasons: string[] }>;
        total: number;
      };
      assert.ok(body.results.every((r) => r.reviewStatus === 'pending_review'));
      assert.equal(body.total, body.results.length);
      const beta = body.results.find((r) => r.kind === 'profitability' && r.subject === 'C2');
      assert.ok(beta, JSON.stringify(body.results.map((r) => r.subject)));
      assert.equal(beta.value, -65);
      const zoom = body.results.find((r) => r.kind === 'license' && r.subject === 'C1:Zoom:Zoom Pro');
      assert.ok(zoom);
      assert.equal(zoom.subjectLabel, 'Zoom Pro for Acme');
      assert.deepEqual(zoom.reasons, ['1 over-assigned seat']);
    });

    test('after a run, GET licenses labels the over-assigned position as pending review', async () => {
      const response = await get('/api/v1/analytics/licenses?from=2025-01-01&to=2025-03-31');
      assert.equal(response.statusCode, 200, response.body);
      const positions = (response.json() as { positions: Array<{ product: string; clientName: string; review: { status: string; reasons: string[] } | null }> })
        .positions;
      const zoom = positions.find((p) => p.product === 'Zoom Pro')!;
      assert.deepEqual([zoom.review?.status, zoom.review?.reasons], ['pending_review', ['1 over-assigned seat']]);
      const e3 = positions.find((p) => p.product === 'Microsoft 365 E3' && p.clientName === 'Acme')!;
      assert.equal(e3.review?.status, 'auto_approved');
      const overview = (await get('/api/v1/analytics/overview?from=2025-01-01&to=2025-03-31')).json() as {
        review: { status: string; reasons: string[] } | null;
      };
      // The tiny fixture's portfolio confidence is far below 0.7: the total waits for a reviewer too.
      assert.equal(overview.review?.status, 'pending_review');
      assert.match(overview.review!.reasons[0]!, /^confidence 0\.\d\d below 0\.7$/);
      const otherPeriod = await get('/api/v1/analytics/licenses?from=2025-01-01&to=2025-02-28');
      assert.ok((otherPeriod.json() as { positions: Array<{ review: unknown }> }).positions.every((p) => p.review === null));
    });

    test('identical runs started together all answer with the one stored run', async () => {
      const responses = await Promise.all([1, 2, 3].map(() => run({ clients: ['Acme'] })));
      for (const response of responses) assert.ok(response.statusCode === 201 || response.statusCode === 200, response.body);
      const runIds = new Set(responses.map((r) => (r.json() as AnalysisDocument).runId));
      assert.equal(runIds.size, 1);
      assert.equal(responses.filter((r) => r.statusCode === 201).length, 1);
    });
  });
}

describe('analytics over HTTP: filters, the other analyses, validation', () => {
  let api: ApiTest;
  before(async () => {
    api = await startEdgeCaseApi('sqlite');
  });
  after(async () => {
    await api.close();
  });
  const get = (url: string) => api.app.inject({ method: 'GET', url });

  test('clients by name case-insensitively or by id, repeated or comma-separated', async () => {
    assert.deepEqual(margins(await get(`/api/v1/analytics/profitability?${quarter}&client=beta&client=ACME`)), [
      ['Beta', -65, 'losing_money'],
      ['Acme', 18.33, 'at_risk'],
    ]);
    assert.deepEqual(margins(await get(`/api/v1/analytics/profitability?${quarter}&client=Beta,C4`)), [
      ['Beta', -65, 'losing_money'],
      ['Delta', 100, 'healthy'],
    ]);
    const overview = (await get(`/api/v1/analytics/overview?${quarter}&client=acme`)).json() as { totals: { revenue: number } };
    assert.equal(overview.totals.revenue, 1800);
  });

  test('industries case-insensitively', async () => {
    assert.deepEqual(margins(await get(`/api/v1/analytics/profitability?${quarter}&industry=legal`)), [
      ['Beta', -65, 'losing_money'],
      ['Delta', 100, 'healthy'],
    ]);
    assert.deepEqual(margins(await get(`/api/v1/analytics/profitability?${quarter}&industry=RETAIL,healthcare`)), [
      ['Acme', 18.33, 'at_risk'],
      ['Cobalt', null, null],
    ]);
  });

  test('an unknown client or industry is MM_VALIDATION naming it', async () => {
    const response = await get(`/api/v1/analytics/profitability?${quarter}&client=Acme&client=Zeta`);
    assert.equal(response.statusCode, 400);
    const error = errorOf(response);
    assert.equal(error.code, 'MM_VALIDATION');
    assert.match(error.message, /querystring\.client: no client has the id or name 'Zeta'/);
    assert.deepEqual(
      (error.details as { issues: Array<{ location: string; path: string }> }).issues.map((i) => [i.location, i.path]),
      [['querystring', 'client']],
    );
    const industry = await get('/api/v1/analytics/licenses?industry=Mining');
    assert.equal(industry.statusCode, 400);
    assert.match(errorOf(industry).message, /querystring\.industry: no client is in the industry 'Mining'/);
    const body = await api.app.inject({ method: 'POST', url: '/api/v1/analytics/runs', payload: { clients: ['Nobody'] } });
    assert.equal(body.statusCode, 400);
    assert.match(errorOf(body).message, /body\.clients: no client has the id or name 'Nobody'/);
  });

  test('a bad date, or from after to, is a 400 in the error shape naming the parameter', async () => {
    for (const [query, parameter] of [
      ['from=2025-13-01', 'from'],
      ['to=31/03/2025', 'to'],
      ['from=2025-02-30', 'from'],
      ['from=2025-03-01&to=2025-01-31', 'from'],
    ] as const) {
      const response = await get(`/api/v1/analytics/overview?${query}`);
      assert.equal(response.statusCode, 400, query);
      const error = errorOf(response);
      assert.equal(error.code, 'MM_VALIDATION');
      assert.match(error.message, new RegExp(`querystring\\.${parameter}`), query);
    }
    const body = await api.app.inject({ method: 'POST', url: '/api/v1/analytics/runs', payload: { from: 'soon' } });
    assert.equal(body.statusCode, 400);
    assert.match(errorOf(body).message, /body\.from/);
    const unknownField = await api.app.inject({ method: 'POST', url: '/api/v1/analytics/runs', payload: { client: ['Acme'] } });
    assert.equal(unknownField.statusCode, 400);
    assert.equal(errorOf(unknownField).code, 'MM_VALIDATION');
  });

  test('licenses, utilization and trends: the hand-computed figures', async () => {
    const licenses = (await get(`/api/v1/analytics/licenses?${quarter}`)).json() as {
      totalMonthlyWaste: number;
      totalMonthlySavings: number;
      positions: Array<{ product: string; band: string | null }>;
    };
    assert.equal(licenses.totalMonthlyWaste, 125);
    assert.equal(licenses.totalMonthlySavings, 90);
    assert.equal(licenses.positions.find((p) => p.product === 'Zoom Pro')?.band, 'over_assigned');
    const utilization = (await get(`/api/v1/analytics/utilization?${quarter}`)).json() as {
      overall: unknown;
      rows: Array<{ staffName: string; utilizationPct: number }>;
    };
    assert.deepEqual(utilization.overall, { utilizationPct: 1.79, billableRatioPct: 90.2, band: 'under_used' });
    assert.deepEqual(
      utilization.rows.map((r) => [r.staffName, r.utilizationPct]),
      [
        ['Bob', 3.89],
        ['Ann', 1.94],
        ['Cy', 0.58],
      ],
    );
    const trends = (await get('/api/v1/analytics/trends?from=2024-12-01&to=2025-03-31')).json() as {
      rows: Array<{ month: string; revenue: number; grossProfit: number }>;
    };
    assert.deepEqual(
      trends.rows.map((r) => [r.month, r.revenue, r.grossProfit]),
      [
        ['2024-12', 0, -290],
        ['2025-01', 1300, 240],
        ['2025-02', 1400, 755],
        ['2025-03', -200, -655],
      ],
    );
  });

  test('a run without a body analyses everything; names resolve to the same plan as ids', async () => {
    const everything = await api.app.inject({ method: 'POST', url: '/api/v1/analytics/runs' });
    assert.equal(everything.statusCode, 201, everything.body);
    assert.deepEqual((everything.json() as AnalysisDocument).filters, {});
    const byName = await api.app.inject({ method: 'POST', url: '/api/v1/analytics/runs', payload: { clients: ['beta'], industries: ['LEGAL'] } });
    assert.equal(byName.statusCode, 201, byName.body);
    const document = byName.json() as AnalysisDocument;
    assert.deepEqual(document.filters, { clients: ['C2'], industries: ['Legal'] });
    const byId = await api.app.inject({ method: 'POST', url: '/api/v1/analytics/runs', payload: { clients: ['C2'], industries: ['Legal'] } });
    assert.equal(byId.statusCode, 200);
    assert.equal((byId.json() as AnalysisDocument).runId, document.runId);
  });

  test('every analytics route declares its permission and is documented with its response schema', async () => {
    const permissionOf = (method: string, url: string) => api.app.routePermissions.find((r) => r.method === method && r.url === url)?.permission;
    for (const name of ['overview', 'profitability', 'licenses', 'utilization', 'trends'])
      assert.equal(permissionOf('GET', `/api/v1/analytics/${name}`), 'data:read', name);
    assert.equal(permissionOf('POST', '/api/v1/analytics/runs'), 'analytics:run');
    const document = (await get('/docs/json')).json() as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: Array<{ name: string }>;
            responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }>;
          }
        >
      >;
    };
    for (const name of ['overview', 'profitability', 'licenses', 'utilization', 'trends']) {
      const route = document.paths[`/api/v1/analytics/${name}`]?.get;
      assert.ok(route, `${name} missing from the OpenAPI document`);
      assert.deepEqual(route.parameters?.map((p) => p.name).sort(), ['client', 'from', 'industry', 'to']);
      assert.ok(route.responses['200']?.content?.['application/json']?.schema.properties?.version, `${name}: no typed 200 response`);
    }
    const runs = document.paths['/api/v1/analytics/runs']?.post;
    assert.ok(runs);
    assert.deepEqual(Object.keys(runs.responses).sort(), ['200', '201', '400', '500']);
    assert.ok(runs.responses['201']?.content?.['application/json']?.schema.properties?.clients);
  });
});
