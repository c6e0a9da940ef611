import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { importEdgeCaseMsp } from '../support/edge-case-msp.js';
import { engines } from '../support/test-database.js';
import { startApiTest, type ApiTest } from './api-test-app.js';

const quarter = 'from=2025-01-01&to=2025-03-31';

/** Confidence factor scores are a 0–1 quality score with three decimals (docs/METRICS.md), not money or a percentage. */
const notMoneyOrPercent = new Set(['score']);

/** Every number in a response body that has more than two decimals, with its path. */
function overlyPrecise(value: unknown, at = ''): string[] {
  if (typeof value === 'number') return Math.abs(value * 100 - Math.round(value * 100)) > 1e-6 ? [`${at}=${value}`] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => overlyPrecise(item, `${at}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, child]) => (notMoneyOrPercent.has(key) ? [] : overlyPrecise(child, `${at}.${key}`)));
  }
  return [];
}

function shown(response: LightMyRequestResponse, currency: string): Record<string, unknown> {
  assert.ok(response.statusCode === 200 || response.statusCode === 201, response.body);
  const body = response.json() as Record<string, unknown>;
  assert.equal(body.currency, currency, response.body.slice(0, 200));
  assert.deepEqual(overlyPrecise(body), []);
  assert.doesNotMatch(response.body, /-0(\.0+)?[,}\]]/, 'no -0');
  return body;
}

interface RunBody {
  clients: Array<{
    clientName: string;
    marginInterval: { low: number; high: number } | null;
    attribution: { value: number | null; baselineValue: number | null; contributions: Record<string, number> | null };
    explanation: string[];
    review: { resultId: string };
  }>;
}

for (const engine of engines) {
  describe(`numbers in API responses on ${engine}`, () => {
    let api: ApiTest;
    before(async () => {
      api = await startApiTest(engine, { 'display.currency': 'EUR' });
      await importEdgeCaseMsp(api.t);
      await api.app.ready();
    });
    after(async () => {
      await api.close();
    });
    const inject = (url: string, method: 'GET' | 'POST' = 'GET') =>
      api.app.inject({ method, url, ...(method === 'POST' ? { payload: { from: '2025-01-01', to: '2025-03-31' } } : {}) });

    test('every analytics response names the configured currency and has money and percentages to at most two decimals', async () => {
      for (const analysis of ['overview', 'profitability', 'licenses', 'utilization', 'trends']) {
        shown(await inject(`/api/v1/analytics/${analysis}?${quarter}`), 'EUR');
      }
    });

    test('the full run: intervals and attributions are rounded, the contributions still add up, texts use the currency', async () => {
      const run = shown(await inject('/api/v1/analytics/runs', 'POST'), 'EUR') as unknown as RunBody;
      const acme = run.clients.find((c) => c.clientName === 'Acme')!;
      // Exact: value 18.333…, baseline −23.75, contributions 191.0416…, −74.0972…, −74.8611….
      assert.deepEqual(acme.attribution, {
        metric: 'gross_margin_pct',
        value: 18.33,
        baselineValue: -23.75,
        contributions: { revenue: 191.04, labor_cost: -74.1, license_cost: -74.86 },
        reason: null,
      });
      for (const client of run.clients) {
        const { value, baselineValue, contributions } = client.attribution;
        if (!contributions) continue;
        const sum = Object.values(contributions).reduce((s, v) => s + v, 0);
        assert.equal(Math.round(sum * 100), Math.round((value! - baselineValue!) * 100), client.clientName);
      }
      const beta = run.clients.find((c) => c.clientName === 'Beta')!;
      assert.equal(beta.marginInterval?.low, -73.33);
      assert.match(beta.explanation.join(' '), /Revenue €300\.00 .* Gross profit -€195\.00, margin -65\.00 %/);
      assert.doesNotMatch(beta.explanation.join(' '), /\$|−\d|−€/);
      // Cached: the same document again, rounded the same way.
      shown(await inject('/api/v1/analytics/runs', 'POST'), 'EUR');
      const results = shown(await inject('/api/v1/results?kind=overview'), 'EUR') as { results: Array<{ id: string }> };
      shown(await inject(`/api/v1/results/${results.results[0]!.id}`), 'EUR');
      shown(await inject('/api/v1/reviews'), 'EUR');
    });
  });
}

describe('numbers in API responses: the currency defaults to USD', () => {
  let api: ApiTest;
  before(async () => {
    api = await startApiTest('sqlite');
    await importEdgeCaseMsp(api.t);
    await api.app.ready();
  });
  after(async () => {
    await api.close();
  });

  test('USD when display.currency is not set', async () => {
    const response = await api.app.inject({ method: 'GET', url: `/api/v1/analytics/overview?${quarter}` });
    shown(response, 'USD');
    const licenses = shown(await api.app.inject({ method: 'GET', url: `/api/v1/analytics/licenses?${quarter}` }), 'USD') as {
      positions: Array<{ recommendation: { text: string } }>;
    };
    assert.ok(licenses.positions.some((p) => /saves \$\d/.test(p.recommendation.text)));
  });
});
