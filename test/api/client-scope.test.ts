import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiToken } from '../../src/auth/api-tokens.js';
import { createUser, requireUser } from '../../src/auth/users.js';
import { loadPolicy } from '../../src/governance/policy.js';
import { importEdgeCaseMsp } from '../support/edge-case-msp.js';
import { engines } from '../support/test-database.js';
import { errorOf, startApiTest, type ApiTest } from './api-test-app.js';

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
      for (const [username, role] of [['sam', 'analyst'], ['rita', 'reviewer']] as const) {
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
      assert.equal((await api.app.inject({ method: 'POST', url: '/api/v1/analytics/runs', payload: { from: '2025-01-01', to: '2025-03-31' } })).statusCode, 201);
    });
    after(async () => {
      await api.close();
    });

    test('every analysis answers for the scoped clients only; others look like they do not exist', async () => {
      const profitability = (await api.app.inject({ method: 'GET', url: `/api/v1/analytics/profitability?${quarter}`, headers: sam })).json() as { rows: Array<{ clientName: string }> };
      assert.deepEqual(profitability.rows.map((r) => r.clientName).sort(), ['Acme', 'Cobalt']);
      const overview = (await api.app.inject({ method: 'GET', url: `/api/v1/analytics/overview?${quarter}`, headers: sam })).json() as { totals: { revenue: number; clientCount: number } };
      assert.equal(overview.totals.revenue, 1800, 'Acme 1800 + Cobalt 0, not the portfolio 2500');
      const outside = await api.app.inject({ method: 'GET', url: `/api/v1/analytics/profitability?${quarter}&client=Beta`, headers: sam });
      const unknown = await api.app.inject({ method: 'GET', url: `/api/v1/analytics/profitability?${quarter}&client=Nobody`, headers: sam });
      assert.equal(errorOf(outside).message.replace('Beta', 'X'), errorOf(unknown).message.replace('Nobody', 'X'));
      const licenses = (await api.app.inject({ method: 'GET', url: `/api/v1/analytics/licenses?${quarter}`, headers: sam })).json() as { positions: Array<{ clientName: string }> };
      assert.deepEqual([...new Set(licenses.positions.map((p) => p.clientName))].sort(), ['Acme', 'Cobalt']);
      const run = (await api.app.inject({ method: 'POST', url: '/api/v1/analytics/runs', headers: sam, payload: { from: '2025-01-01', to: '2025-03-31' } })).json() as { clients: Array<{ clientName: string }> };
      assert.deepEqual(run.clients.map((c) => c.clientName).sort(), ['Acme', 'Cobalt']);
    });

    test('stored results and the review queue hold only scoped clients; others are not found', async () => {
      const results = (await api.app.inject({ method: 'GET', url: '/api/v1/results?limit=500', headers: sam })).json() as { results: Array<{ kind: string; subject: string }> };
      assert.ok(results.results.length > 0);
      assert.ok(results.results.every((r) => r.kind !== 'overview' && ['C1', 'C3'].includes(r.subject.split(':')[0]!)), JSON.stringify(results.results.map((r) => r.subject)));
      const all = (await api.app.inject({ method: 'GET', url: '/api/v1/results?limit=500' })).json() as { results: Array<{ id: string; subject: string; kind: string }> };
      const beta = all.results.find((r) => r.subject === 'C2' && r.kind === 'profitability')!;
      assert.equal((await api.app.inject({ method: 'GET', url: `/api/v1/results/${beta.id}`, headers: sam })).statusCode, 404);
      const queue = (await api.app.inject({ method: 'GET', url: '/api/v1/reviews?limit=500', headers: rita })).json() as { results: Array<{ subject: string }> };
      assert.ok(queue.results.every((r) => ['C1', 'C3'].includes(r.subject.split(':')[0]!)));
      assert.equal(errorOf(await api.app.inject({ method: 'POST', url: `/api/v1/reviews/${beta.id}/approve`, headers: rita, payload: { comment: 'not mine to see' } })).code, 'MM_NOT_FOUND');
    });

    test('rejected import rows, which may name any client, are withheld', async () => {
      const upload = await api.app.inject({ method: 'POST', url: '/api/v1/imports/time_logs?mode=lenient', headers: { 'content-type': 'text/csv' }, payload: 'log_id,client_id,staff_name,date,hours\nX1,C2,Ann,2025-01-05,-1\nX2,C1,Ann,2025-01-06,1\n' });
      const id = (upload.json() as { id: string }).id;
      assert.equal(errorOf(await api.app.inject({ method: 'GET', url: `/api/v1/imports/${id}/rejects`, headers: sam })).code, 'MM_FORBIDDEN');
      const record = (await api.app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: sam })).json() as { errors: unknown[]; rows: { rejected: number } };
      assert.deepEqual([record.errors, record.rows.rejected], [[], 1]);
      assert.equal(((await api.app.inject({ method: 'GET', url: `/api/v1/imports/${id}` })).json() as { errors: unknown[] }).errors.length, 1, 'unscoped users still see them');
    });
  });
}
