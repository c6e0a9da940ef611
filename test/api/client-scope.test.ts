import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiToken } from '../../src/auth/api-tokens.js';
import { createUser, requireUser } from '../../src/auth/users.js';
import { loadPolicy } from '../../src/governance/policy.js';
import { importEdgeCaseMsp } from '../support/edge-case-msp.js';
import { engines } from '../support/test-database.js';
import { csvUpload, errorOf, startApiTest, type ApiTest } from './api-test-app.js';

/** The edge-case MSP (Acme C1, Beta C2, Cobalt C3, Delta C4); Sam may see Acme and Cobalt only. */
const { policy } = loadPolicy(null);
const quarter = 'from=2025-01-01&to=2025-03-31';

for (const engine of engines) {
  describe(`per-user client scope on ${engine}`, () => {
    let api: ApiTest;
    let sam: { authorization: string };
    let rita: { authorization: string };
    before(async () => {
      api = await startApiTest(engine);
      await api.app.ready();
      await importEdgeCaseMsp(api.t);
      const db = api.t.database.kysely;
      for (const [username, role] of [
        ['sam', 'analyst'],
        ['rita', 'reviewer'],
      ] as const) {
        await createUser(db, policy, { username, role, password: 'long enough password 1', createdBy: 'test' });
      }
      sam = { authorization: `Bearer ${(await createApiToken(db, policy, await requireUser(db, 'sam'), { name: 't', actor: 'test' })).token}` };
      rita = { authorization: `Bearer ${(await createApiToken(db, policy, await requireUser(db, 'rita'), { name: 't', actor: 'test' })).token}` };
      const typo = await api.app.inject({ method: 'PATCH', url: '/api/v1/users/sam', payload: { clientScope: ['C1', 'C9'] } });
      assert.equal(errorOf(typo).message, "client scope: no client has the id 'C9'");
      for (const who of ['sam', 'rita']) {
        const scoped = await api.app.inject({ method: 'PATCH', url: `/api/v1/users/${who}`, payload: { clientScope: ['C1', 'C3'] } });
        assert.deepEqual(scoped.json().clientScope, ['C1', 'C3']);
      }
      // A full, unscoped run by the admin, so there are results about every client.
      assert.equal(
        (await api.app.inject({ method: 'POST', url: '/api/v1/analytics/runs', payload: { from: '2025-01-01', to: '2025-03-31' } })).statusCode,
        201,
      );
    });
    after(async () => {
      await api.close();
    });

    test('every analysis answers for the scoped clients only; others look like they do not exist', async () => {
      const profitability = (await api.app.inject({ method: 'GET', url: `/api/v1/analytics/profitability?${quarter}`, headers: sam })).json() as {
        rows: Array<{ clientName: string }>;
      };
      assert.deepEqual(profitability.rows.map((r) => r.clientName).sort(), ['Acme', 'Cobalt']);
      const overview = (await api.app.inject({ method: 'GET', url: `/api/v1/analytics/overview?${quarter}`, headers: sam })).json() as {
        totals: { revenue: number; clientCount: number };
      };
      assert.equal(overview.totals.revenue, 1800, 'Acme 1800 + Cobalt 0, not the portfolio 2500');
      const outside = await api.app.inject({ method: 'GET', url: `/api/v1/analytics/profitability?${quarter}&client=Beta`, headers: sam });
      const unknown = await api.app.inject({ method: 'GET', url: `/api/v1/analytics/profitability?${quarter}&client=Nobody`, headers: sam });
      assert.equal(errorOf(outside).message.replace('Beta', 'X'), errorOf(unknown).message.replace('Nobody', 'X'));
      const licenses = (await api.app.inject({ method: 'GET', url: `/api/v1/analytics/licenses?${quarter}`, headers: sam })).json() as {
        positions: Array<{ clientName: string }>;
      };
      assert.deepEqual([...new Set(licenses.positions.map((p) => p.clientName))].sort(), ['Acme', 'Cobalt']);
      const run = (
        await api.app.inject({ method: 'POST', url: '/api/v1/analytics/runs', headers: sam, payload: { from: '2025-01-01', to: '2025-03-31' } })
      ).json() as { clients: Array<{ clientName: string }> };
      assert.deepEqual(run.clients.map((c) => c.clientName).sort(), ['Acme', 'Cobalt']);
    });

    test('stored results and the review queue hold only scoped clients; others are not found', async () => {
      const results = (await api.app.inject({ method: 'GET', url: '/api/v1/results?limit=500', headers: sam })).json() as {
        results: Array<{ kind: string; subject: string }>;
      };
      assert.ok(results.results.length > 0);
      assert.ok(
        results.results.every((r) => r.kind !== 'overview' && ['C1', 'C3'].includes(r.subject.split(':')[0]!)),
        JSON.stringify(results.results.map((r) => r.subject)),
      );
      const all = (await api.app.inject({ method: 'GET', url: '/api/v1/results?limit=500' })).json() as {
        results: Array<{ id: string; subject: string; kind: string }>;
      };
      const beta = all.results.find((r) => r.subject === 'C2' && r.kind === 'profitability')!;
      assert.equal((await api.app.inject({ method: 'GET', url: `/api/v1/results/${beta.id}`, headers: sam })).statusCode, 404);
      const queue = (await api.app.inject({ method: 'GET', url: '/api/v1/reviews?limit=500', headers: rita })).json() as {
        results: Array<{ subject: string }>;
      };
      assert.ok(queue.results.every((r) => ['C1', 'C3'].includes(r.subject.split(':')[0]!)));
      assert.equal(
        errorOf(await api.app.inject({ method: 'POST', url: `/api/v1/reviews/${beta.id}/approve`, headers: rita, payload: { comment: 'not mine to see' } }))
          .code,
        'MM_NOT_FOUND',
      );
    });

    test('rejected import rows, which may name any client, are withheld', async () => {
      const upload = await api.app.inject({
        method: 'POST',
        url: '/api/v1/imports/time_logs?mode=lenient',
        headers: { 'content-type': 'text/csv' },
        payload: 'log_id,client_id,staff_name,date,hours\nX1,C2,Ann,2025-01-05,-1\nX2,C1,Ann,2025-01-06,1\n',
      });
      const id = (upload.json() as { id: string }).id;
      assert.equal(errorOf(await api.app.inject({ method: 'GET', url: `/api/v1/imports/${id}/rejects`, headers: sam })).code, 'MM_FORBIDDEN');
      const record = (await api.app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: sam })).json() as {
        errors: unknown[];
        rows: { rejected: number };
      };
      assert.deepEqual([record.errors, record.rows.rejected], [[], 1]);
      assert.equal(
        ((await api.app.inject({ method: 'GET', url: `/api/v1/imports/${id}` })).json() as { errors: unknown[] }).errors.length,
        1,
        'unscoped users still see them',
      );
    });
  });
}

/**
 * Issue 8 items 2 and 11: a client whose id starts with another's and a colon (`C0001:sub`,
 * a hidden subsidiary) is a different client. Its over-assigned license must not leak to a
 * user scoped to `C0001` through stored results or the review queue, and its industry must
 * not be confirmed to that user either.
 */
const subsidiaryMsp = {
  clients: ['client_id,client_name,industry', 'C0001,Main Ltd,Retail', 'C0001:sub,Hidden Subsidiary Ltd,Legal', ''].join('\n'),
  invoices: ['invoice_id,client_id,invoice_date,total_amount,status', 'I1,C0001,2025-01-31,1000.00,paid', 'I2,C0001:sub,2025-01-31,500.00,paid', ''].join('\n'),
  time_logs: 'log_id,client_id,staff_name,date,hours,billable\nT1,C0001,Ann,2025-01-10,2,true\nT2,C0001:sub,Ann,2025-01-11,1,true\n',
  // All over-assigned, so the policy sends every license result to review. L3 is C0001's, but its subject
  // (client:vendor:product) is spelled exactly like L2's: `C0001:sub:Microsoft:Microsoft 365 E3`.
  licenses: [
    'license_id,client_id,product,vendor,seats_purchased,seats_used,cost_per_seat',
    'L1,C0001,Microsoft 365 E3,Microsoft,10,12,20.00',
    'L2,C0001:sub,Microsoft 365 E3,Microsoft,5,9,20.00',
    'L3,C0001,Microsoft:Microsoft 365 E3,sub,5,9,20.00',
    '',
  ].join('\n'),
};

for (const engine of engines) {
  describe(`client scope with ':' in client ids on ${engine}`, () => {
    let api: ApiTest;
    let rita: { authorization: string };
    let sam: { authorization: string };
    type Listed = { results: Array<{ id: string; subjectLabel: string; clientId?: string | null; reviewStatus: string }> };
    type Positions = { positions: Array<{ clientId: string; product: string; review: { resultId: string } | null }> };
    const period = 'from=2025-01-01&to=2025-01-31';
    /** As the admin unless `as` says otherwise. */
    const get = (url: string, as?: { authorization: string }) => api.app.inject({ method: 'GET', url, ...(as ? { headers: as } : {}) });
    const post = (url: string, payload: object, as?: { authorization: string }) =>
      api.app.inject({ method: 'POST', url, payload, ...(as ? { headers: as } : {}) });

    before(async () => {
      api = await startApiTest(engine);
      await api.app.ready();
      for (const [dataset, csv] of Object.entries(subsidiaryMsp)) {
        const upload = await api.app.inject(csvUpload(`/api/v1/imports/${dataset}`, csv));
        assert.equal(upload.statusCode, 201, upload.body);
      }
      const db = api.t.database.kysely;
      const tokens: Record<string, { authorization: string }> = {};
      for (const [username, role] of [
        ['sam', 'analyst'],
        ['rita', 'reviewer'],
      ] as const) {
        await createUser(db, policy, { username, role, password: 'long enough password 1', createdBy: 'test' });
        const { token } = await createApiToken(db, policy, await requireUser(db, username), { name: 't', actor: 'test' });
        tokens[username] = { authorization: `Bearer ${token}` };
        const scoped = await api.app.inject({ method: 'PATCH', url: `/api/v1/users/${username}`, payload: { clientScope: ['C0001'] } });
        assert.equal(scoped.statusCode, 200);
      }
      [sam, rita] = [tokens.sam!, tokens.rita!];
      assert.equal((await post('/api/v1/analytics/runs', { from: '2025-01-01', to: '2025-01-31' })).statusCode, 201);
    });
    after(async () => {
      await api.close();
    });

    test("results and the review queue hold only C0001's results, not C0001:sub's", async () => {
      const all = (await get('/api/v1/results?kind=license')).json() as Listed;
      const licenses = all.results.map((r) => [r.subjectLabel, r.reviewStatus]).sort();
      assert.deepEqual(licenses, [
        ['Microsoft 365 E3 for Hidden Subsidiary Ltd', 'pending_review'],
        ['Microsoft 365 E3 for Main Ltd', 'pending_review'],
        ['Microsoft:Microsoft 365 E3 for Main Ltd', 'pending_review'],
      ]);
      const lists = ['results?kind=license', 'results?limit=500', 'reviews?limit=500', 'reviews?kind=license'];
      for (const url of lists.map((list) => `/api/v1/${list}`)) {
        const seen = (await get(url, rita)).json() as Listed;
        assert.ok(seen.results.length > 0, url);
        const labels = seen.results.map((r) => r.subjectLabel);
        assert.ok(
          labels.every((label) => !label.includes('Hidden Subsidiary')),
          `${url}: ${JSON.stringify(labels)}`,
        );
        assert.deepEqual([...new Set(seen.results.map((r) => r.clientId))], ['C0001'], url);
      }
    });

    test("C0001:sub's license result cannot be read or decided by a reviewer scoped to C0001; C0001's can", async () => {
      const all = (await get('/api/v1/results?kind=license')).json() as Listed;
      const hidden = all.results.find((r) => r.subjectLabel.endsWith('Hidden Subsidiary Ltd'))!;
      const own = all.results.find((r) => r.subjectLabel === 'Microsoft 365 E3 for Main Ltd')!;
      const approve = await post(`/api/v1/reviews/${hidden.id}/approve`, { comment: 'not mine to see' }, rita);
      assert.equal(approve.statusCode, 404, approve.body);
      assert.equal(errorOf(approve).code, 'MM_NOT_FOUND');
      assert.equal(errorOf(await get(`/api/v1/results/${hidden.id}`, rita)).code, 'MM_NOT_FOUND');
      const stillPending = (await get(`/api/v1/results/${hidden.id}`)).json() as { reviewStatus: string };
      assert.equal(stillPending.reviewStatus, 'pending_review');
      const mine = await post(`/api/v1/reviews/${own.id}/approve`, { comment: 'seats reassigned' }, rita);
      assert.equal(mine.statusCode, 200, mine.body);
    });

    test('the licenses analysis labels each position with its own review, even where two subjects are spelled alike', async () => {
      const labelOf = async (id: string) => ((await get(`/api/v1/results/${id}`)).json() as { subjectLabel: string }).subjectLabel;
      const everyone = (await get(`/api/v1/analytics/licenses?${period}`)).json() as Positions;
      assert.equal(everyone.positions.length, 3);
      for (const { clientId, product, review } of everyone.positions) {
        const clientName = clientId === 'C0001' ? 'Main Ltd' : 'Hidden Subsidiary Ltd';
        assert.equal(await labelOf(review!.resultId), `${product} for ${clientName}`, `${clientId} ${product}`);
      }
      const scoped = (await get(`/api/v1/analytics/licenses?${period}`, sam)).json() as Positions;
      assert.deepEqual(
        scoped.positions.map((p) => p.clientId),
        ['C0001', 'C0001'],
      );
      for (const { product, review } of scoped.positions) {
        if (review) assert.equal(await labelOf(review.resultId), `${product} for Main Ltd`);
      }
    });

    test('an industry only clients outside the scope are in is answered exactly like an unknown one', async () => {
      const profitability = (industry: string, as?: { authorization: string }) => get(`/api/v1/analytics/profitability?${period}&industry=${industry}`, as);
      const outside = await profitability('Legal', sam);
      const unknown = await profitability('Zzzzz', sam);
      assert.equal(outside.statusCode, unknown.statusCode);
      assert.equal(outside.statusCode, 400);
      assert.equal(outside.body.replaceAll('Legal', 'X'), unknown.body.replaceAll('Zzzzz', 'X'));
      const ranAsRun = await post('/api/v1/analytics/runs', { industries: ['legal'] }, sam);
      assert.equal(ranAsRun.statusCode, 400);
      assert.match(errorOf(ranAsRun).message, /no client is in the industry 'legal'/);
      const inside = await profitability('Retail', sam);
      assert.equal(inside.statusCode, 200, inside.body);
      assert.equal((await profitability('Legal')).statusCode, 200, 'unscoped users still filter by it');
    });
  });
}
