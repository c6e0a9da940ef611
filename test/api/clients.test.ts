import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiToken } from '../../src/auth/api-tokens.js';
import { createUser, requireUser } from '../../src/auth/users.js';
import { loadPolicy } from '../../src/governance/policy.js';
import { engines } from '../support/test-database.js';
import { csvUpload, errorOf, startApiTest, type ApiTest } from './api-test-app.js';

const { policy } = loadPolicy(null);
const clientsCsv = 'client_id,client_name\nacme,Acme Corp.\ndental-us,Acme Dental Inc.\ndental-ca,Acme Dental LLC\n';
const invoicesCsv =
  'invoice_id,client_name,invoice_date,amount\nI1,ACME Corporation,2025-01-05,100\nI2,Acme Dental,2025-01-06,50\nI3,Smith & Jones,2025-01-07,20\n';

for (const engine of engines) {
  describe(`client names over HTTP on ${engine}`, () => {
    let api: ApiTest;
    const bearer: Record<string, { authorization: string }> = {};
    let importId = '';
    before(async () => {
      api = await startApiTest(engine);
      await api.app.ready();
      const db = api.t.database.kysely;
      for (const [username, role] of [
        ['ana', 'analyst'],
        ['vera', 'viewer'],
      ] as const) {
        await createUser(db, policy, { username, role, password: 'long enough password 1', createdBy: 'test' });
        bearer[username] = {
          authorization: `Bearer ${(await createApiToken(db, policy, await requireUser(db, username), { name: 't', actor: 'test' })).token}`,
        };
      }
      assert.equal((await api.app.inject(csvUpload('/api/v1/imports/clients', clientsCsv))).statusCode, 201);
    });
    after(async () => {
      await api.close();
    });

    test('the import record carries clientMatches: automatic and unmapped names', async () => {
      const response = await api.app.inject(csvUpload('/api/v1/imports/invoices?mode=lenient', invoicesCsv, bearer.ana));
      assert.equal(response.statusCode, 201, response.body);
      const expected = {
        automatic: [{ name: 'ACME Corporation', clientId: 'acme', clientName: 'Acme Corp.', rows: 1 }],
        unmapped: [
          { name: 'Acme Dental', rows: 1, candidates: ['Acme Dental Inc.', 'Acme Dental LLC'] },
          { name: 'Smith & Jones', rows: 1, candidates: [] },
        ],
      };
      assert.deepEqual(response.json().clientMatches, expected);
      importId = response.json().id;
      assert.deepEqual((await api.app.inject({ method: 'GET', url: `/api/v1/imports/${importId}` })).json().clientMatches, expected);
    });

    test('list, map, confirm and unmap; viewers may list but not change; every change is audited', async () => {
      const listed = await api.app.inject({ method: 'GET', url: '/api/v1/clients/unmapped', headers: bearer.vera });
      assert.equal(listed.statusCode, 200, listed.body);
      assert.deepEqual(
        listed.json().automatic.map((a: { name: string; client: { clientId: string } }) => [a.name, a.client.clientId]),
        [['ACME Corporation', 'acme']],
      );
      assert.deepEqual(
        listed.json().unmapped.map((u: { name: string }) => u.name),
        ['Acme Dental', 'Smith & Jones'],
      );

      const refused = await api.app.inject({
        method: 'POST',
        url: '/api/v1/clients/aliases',
        headers: bearer.vera,
        payload: { name: 'Acme Dental', clientId: 'dental-us' },
      });
      assert.equal(refused.statusCode, 403);
      assert.equal(errorOf(refused).code, 'MM_FORBIDDEN');

      const mapped = await api.app.inject({
        method: 'POST',
        url: '/api/v1/clients/aliases',
        headers: bearer.ana,
        payload: { name: 'Acme Dental', clientId: 'dental-us' },
      });
      assert.equal(mapped.statusCode, 200, mapped.body);
      assert.deepEqual(mapped.json(), {
        name: 'Acme Dental',
        status: 'confirmed',
        client: { clientId: 'dental-us', clientName: 'Acme Dental Inc.' },
        previous: { status: 'unmapped', clientId: null },
      });
      const unknown = await api.app.inject({
        method: 'POST',
        url: '/api/v1/clients/aliases',
        headers: bearer.ana,
        payload: { name: 'Smith & Jones', clientId: 'nobody' },
      });
      assert.equal(errorOf(unknown).code, 'MM_CLIENT_NOT_FOUND');
      assert.equal(unknown.statusCode, 404);

      const confirmed = await api.app.inject({
        method: 'POST',
        url: `/api/v1/clients/aliases/${encodeURIComponent('acme corporation')}/confirm`,
        headers: bearer.ana,
      });
      assert.equal(confirmed.statusCode, 200, confirmed.body);
      assert.equal(confirmed.json().client.clientId, 'acme');
      const twice = await api.app.inject({
        method: 'POST',
        url: `/api/v1/clients/aliases/${encodeURIComponent('ACME Corporation')}/confirm`,
        headers: bearer.ana,
      });
      assert.equal(twice.statusCode, 409);
      assert.equal(errorOf(twice).code, 'MM_CLIENT_NAME_CONFLICT');

      const unmapped = await api.app.inject({ method: 'DELETE', url: `/api/v1/clients/aliases/${encodeURIComponent('Smith & Jones')}`, headers: bearer.ana });
      assert.equal(unmapped.statusCode, 200, unmapped.body);
      assert.equal(unmapped.json().status, 'distinct');
      const missing = await api.app.inject({ method: 'DELETE', url: `/api/v1/clients/aliases/${encodeURIComponent('Never Seen/Ltd')}`, headers: bearer.ana });
      assert.equal(errorOf(missing).code, 'MM_CLIENT_NAME_NOT_FOUND');

      const after = (await api.app.inject({ method: 'GET', url: '/api/v1/clients/unmapped' })).json();
      assert.deepEqual(after.automatic, []);
      assert.deepEqual(
        after.unmapped.map((u: { name: string; keptApart: boolean }) => [u.name, u.keptApart]),
        [['Smith & Jones', true]],
      );

      const events = await api.t.database.kysely
        .selectFrom('audit_events')
        .select(['action', 'actor', 'target'])
        .where('action', 'like', 'clients.%')
        .orderBy('seq')
        .execute();
      assert.deepEqual(events, [
        { action: 'clients.alias_map', actor: 'ana', target: 'Acme Dental' },
        { action: 'clients.alias_confirm', actor: 'ana', target: 'ACME Corporation' },
        { action: 'clients.alias_unmap', actor: 'ana', target: 'Smith & Jones' },
      ]);

      // The rows rejected before load when the file is imported again.
      const again = await api.app.inject(csvUpload('/api/v1/imports/invoices?mode=lenient', invoicesCsv, bearer.ana));
      assert.equal(again.statusCode, 201, again.body);
      assert.deepEqual(again.json().rows, { total: 3, added: 1, updated: 0, unchanged: 1, rejected: 1 });
      assert.deepEqual(again.json().clientMatches, { automatic: [], unmapped: [{ name: 'Smith & Jones', rows: 1, candidates: [] }] });
    });

    test('the OpenAPI document describes the routes', async () => {
      const doc = (await api.app.inject({ method: 'GET', url: '/docs/json' })).json();
      for (const path of ['/api/v1/clients/unmapped', '/api/v1/clients/aliases', '/api/v1/clients/aliases/{name}/confirm', '/api/v1/clients/aliases/{name}']) {
        assert.ok(doc.paths[path], path);
      }
    });
  });
}
