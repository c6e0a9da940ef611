import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiToken } from '../../src/auth/api-tokens.js';
import { createUser, requireUser } from '../../src/auth/users.js';
import { listAudit } from '../../src/governance/audit-log.js';
import { loadPolicy } from '../../src/governance/policy.js';
import { engines } from '../support/test-database.js';
import { csvUpload, errorOf, startApiTest, type ApiTest } from './api-test-app.js';

const { policy } = loadPolicy(null);
const clientsCsv = 'client_id,client_name\nacme,Acme Corp\n';
const oddHeader = 'Cust Name;Inv #;Inv Dt;Amt Due Dt;Inv Amt;Pd?';
const oddInvoices = `Invoice Register\n${oddHeader}\nAcme Corp;I-1;2025-01-05;2025-02-05;1200,00;paid\nAcme Corp;I-2;2025-02-05;2025-03-05;300,50;open\n`;

for (const engine of engines) {
  describe(`mapping profiles over HTTP on ${engine}`, () => {
    let api: ApiTest;
    const bearer: Record<string, { authorization: string }> = {};
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

    const post = (body: unknown, who = bearer.ana) => api.app.inject({ method: 'POST', url: '/api/v1/import-profiles', headers: who, payload: body as object });

    test('a proposal from the first lines of a file writes nothing', async () => {
      const response = await post({ dataset: 'invoices', text: oddInvoices.split('\n').slice(0, 3).join('\n') });
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json();
      assert.deepEqual(body.header, { cells: oddHeader.split(';'), line: 2 });
      assert.deepEqual(body.proposal.mapping, {
        client_name: 'Cust Name',
        invoice_id: 'Inv #',
        invoice_date: 'Inv Dt',
        due_date: 'Amt Due Dt',
        total_amount: 'Inv Amt',
        status: 'Pd?',
      });
      assert.deepEqual(body.proposal.missing, []);
      assert.equal(body.saved, null);
      assert.deepEqual((await api.app.inject({ method: 'GET', url: '/api/v1/import-profiles', headers: bearer.vera })).json(), { profiles: [] });
    });

    test('a viewer may list but not save; an analyst saves, audited, and the next upload uses it', async () => {
      const denied = await post({ dataset: 'invoices', text: oddHeader, name: 'ledger' }, bearer.vera);
      assert.equal(denied.statusCode, 403);
      assert.equal(errorOf(denied).code, 'MM_FORBIDDEN');

      const saved = await post({ dataset: 'invoices', text: oddHeader, name: 'ledger', overrides: [{ header: 'Amt Due Dt', field: null }] });
      assert.equal(saved.statusCode, 201, saved.body);
      assert.equal(saved.json().saved.name, 'ledger');
      assert.equal(saved.json().saved.mapping.due_date, undefined);
      assert.equal(saved.json().saved.createdBy, 'ana');

      const again = await post({ dataset: 'invoices', text: oddHeader, name: 'ledger' });
      assert.equal(again.statusCode, 409);
      assert.equal(errorOf(again).code, 'MM_PROFILE_EXISTS');

      const listed = await api.app.inject({ method: 'GET', url: '/api/v1/import-profiles?dataset=invoices', headers: bearer.vera });
      assert.deepEqual(
        listed.json().profiles.map((p: { name: string; dataset: string }) => [p.name, p.dataset]),
        [['ledger', 'invoices']],
      );

      const imported = await api.app.inject(csvUpload('/api/v1/imports/invoices', oddInvoices, bearer.ana));
      assert.equal(imported.statusCode, 201, imported.body);
      assert.deepEqual(imported.json().format.preset, { id: 'profile:ledger', name: 'ledger (saved mapping)' });
      const rows = await api.t.database.kysely
        .selectFrom('invoices')
        .select(['invoice_id', 'total_cents', 'status', 'due_date'])
        .orderBy('invoice_id')
        .execute();
      assert.deepEqual(
        rows.map((r) => ({ ...r, total_cents: Number(r.total_cents) })),
        [
          { invoice_id: 'I-1', total_cents: 120000, status: 'paid', due_date: null },
          { invoice_id: 'I-2', total_cents: 30050, status: 'pending', due_date: null },
        ],
      );
    });

    test('bad overrides and incomplete mappings are refused with the column or field named', async () => {
      const column = await post({ dataset: 'invoices', text: oddHeader, name: 'x', overrides: [{ header: 'Due', field: 'due_date' }] });
      assert.equal(column.statusCode, 400);
      assert.equal(errorOf(column).code, 'MM_PROFILE_INVALID');
      assert.match(errorOf(column).message, /the file has no column 'Due'/);
      const incomplete = await post({ dataset: 'invoices', text: oddHeader, name: 'x', overrides: [{ header: 'Inv Amt', field: null }] });
      assert.equal(incomplete.statusCode, 400);
      assert.match(errorOf(incomplete).message, /the required field total_amount of invoices unmapped/);
    });

    test('DELETE removes it (audited); an unknown name is 404 MM_PROFILE_NOT_FOUND', async () => {
      const denied = await api.app.inject({ method: 'DELETE', url: '/api/v1/import-profiles/ledger', headers: bearer.vera });
      assert.equal(denied.statusCode, 403);
      const removed = await api.app.inject({ method: 'DELETE', url: '/api/v1/import-profiles/ledger', headers: bearer.ana });
      assert.equal(removed.statusCode, 200, removed.body);
      assert.equal(removed.json().name, 'ledger');
      const missing = await api.app.inject({ method: 'DELETE', url: '/api/v1/import-profiles/ledger', headers: bearer.ana });
      assert.equal(missing.statusCode, 404);
      assert.equal(errorOf(missing).code, 'MM_PROFILE_NOT_FOUND');
      const { events } = await listAudit(api.t.database.kysely, { action: 'import_profile.' });
      assert.deepEqual(
        events.map((e) => [e.action, e.target, e.actor, e.details.dataset]),
        [
          ['import_profile.save', 'ledger', 'ana', 'invoices'],
          ['import_profile.remove', 'ledger', 'ana', 'invoices'],
        ],
      );
    });

    test('the routes are in the OpenAPI document with their schemas', async () => {
      const doc = (await api.app.inject({ method: 'GET', url: '/docs/json' })).json();
      assert.ok(doc.paths['/api/v1/import-profiles'].get.responses['200']);
      assert.ok(doc.paths['/api/v1/import-profiles'].post.requestBody);
      assert.ok(doc.paths['/api/v1/import-profiles/{name}'].delete.responses['404']);
    });
  });
}
