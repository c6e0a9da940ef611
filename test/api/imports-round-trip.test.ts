import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { engines, snapshotTable } from '../support/test-database.js';
import { clientsCsv, csvUpload, errorOf, formUpload, formUploadWithLength, startApiTest, timeLogsCsv, type ApiTest } from './api-test-app.js';

interface PresentedImport {
  id: string;
  dataset: string;
  fileName: string;
  status: string;
  version: number | null;
  rows: { total: number; added: number; updated: number; unchanged: number; rejected: number };
  createdBy: string;
  links: { self: string; rejects: string | null };
}

// The same HTTP round trip on every engine the product supports.
for (const engine of engines) {
  describe(`import round trip over HTTP on ${engine}`, () => {
    let api: ApiTest;
    let clientsImport: PresentedImport;
    before(async () => {
      api = await startApiTest(engine);
    });
    after(async () => {
      await api.close();
    });

    test('a multipart upload of clients is 201, version 1, with a Location', async () => {
      const response = await api.app.inject(formUpload('/api/v1/imports/clients', clientsCsv, 'clients.csv'));
      assert.equal(response.statusCode, 201, response.body);
      clientsImport = response.json() as PresentedImport;
      assert.equal(clientsImport.status, 'succeeded');
      assert.equal(clientsImport.version, 1);
      assert.equal(clientsImport.fileName, 'clients.csv');
      assert.equal(clientsImport.createdBy, 'test-admin');
      assert.deepEqual(clientsImport.rows, { total: 3, added: 3, updated: 0, unchanged: 0, rejected: 0 });
      assert.deepEqual(clientsImport.links, { self: `/api/v1/imports/${clientsImport.id}`, rejects: null });
      assert.equal(response.headers.location, clientsImport.links.self);
      const acme = await api.t.database.kysely.selectFrom('clients').selectAll().where('client_id', '=', 'C1').executeTakeFirstOrThrow();
      assert.equal(acme.contract_value_cents, 120000);
    });

    test('a raw text/csv body of time logs is 201, version 2, named by ?file_name', async () => {
      const response = await api.app.inject(csvUpload('/api/v1/imports/time_logs?file_name=january.csv', timeLogsCsv));
      assert.equal(response.statusCode, 201, response.body);
      const report = response.json() as PresentedImport;
      assert.equal(report.version, 2);
      assert.equal(report.fileName, 'january.csv');
      assert.deepEqual(report.rows, { total: 3, added: 3, updated: 0, unchanged: 0, rejected: 0 });
      assert.equal((await snapshotTable(api.t.database, 'time_logs', 'log_id')).length, 3);
    });

    test('the same file again is 200 unchanged and makes no version', async () => {
      const response = await api.app.inject(formUploadWithLength('/api/v1/imports/time_logs', timeLogsCsv, 'january.csv'));
      assert.equal(response.statusCode, 200, response.body);
      const report = response.json() as PresentedImport;
      assert.equal(report.status, 'unchanged');
      assert.equal(report.version, null);
      assert.deepEqual(report.rows, { total: 3, added: 0, updated: 0, unchanged: 3, rejected: 0 });
      const versions = await api.app.inject({ method: 'GET', url: '/api/v1/versions' });
      assert.equal((versions.json() as { current: number }).current, 2);
    });

    test('an import is readable by id and listed newest first', async () => {
      const one = await api.app.inject({ method: 'GET', url: clientsImport.links.self });
      assert.equal(one.statusCode, 200);
      assert.deepEqual(one.json(), clientsImport);

      const list = await api.app.inject({ method: 'GET', url: '/api/v1/imports?limit=2' });
      assert.equal(list.statusCode, 200);
      const body = list.json() as { imports: PresentedImport[]; total: number; limit: number; offset: number };
      assert.equal(body.total, 3);
      assert.equal(body.limit, 2);
      assert.deepEqual(
        body.imports.map((i) => i.status),
        ['unchanged', 'succeeded'],
      );
      assert.deepEqual(
        body.imports.map((i) => i.dataset),
        ['time_logs', 'time_logs'],
      );
      const rest = await api.app.inject({ method: 'GET', url: '/api/v1/imports?limit=2&offset=2' });
      assert.deepEqual(
        (rest.json() as { imports: PresentedImport[] }).imports.map((i) => i.id),
        [clientsImport.id],
      );
    });

    test('versions are listed, readable one by one, and rolled back over HTTP', async () => {
      const atVersion2 = await snapshotTable(api.t.database, 'time_logs', 'log_id');
      const clientsBefore = await snapshotTable(api.t.database, 'clients', 'client_id');
      const changed =
        timeLogsCsv.replace('T2,C2,Bob Ray,2025-01-03,2,95,false', 'T2,C2,Bob Ray,2025-01-03,3.5,95,false') + 'T4,C1,Bob Ray,2025-01-07,1,95,true\n';
      const third = await api.app.inject(csvUpload('/api/v1/imports/time_logs', changed));
      assert.equal(third.statusCode, 201, third.body);
      assert.deepEqual((third.json() as PresentedImport).rows, { total: 4, added: 1, updated: 1, unchanged: 2, rejected: 0 });

      const list = await api.app.inject({ method: 'GET', url: '/api/v1/versions' });
      assert.equal(list.statusCode, 200);
      const versions = list.json() as { current: number; versions: Array<{ number: number; dataset: string; status: string; importId: string }> };
      assert.equal(versions.current, 3);
      assert.deepEqual(
        versions.versions.map((v) => [v.number, v.dataset, v.status]),
        [
          [3, 'time_logs', 'active'],
          [2, 'time_logs', 'active'],
          [1, 'clients', 'active'],
        ],
      );
      assert.equal(versions.versions[2]!.importId, clientsImport.id);

      const one = await api.app.inject({ method: 'GET', url: '/api/v1/versions/1' });
      assert.equal(one.statusCode, 200);
      assert.equal((one.json() as { fileName: string }).fileName, 'clients.csv');

      const rollback = await api.app.inject({ method: 'POST', url: '/api/v1/versions/2/rollback' });
      assert.equal(rollback.statusCode, 200, rollback.body);
      assert.deepEqual(rollback.json(), { version: 2, undone: [3], rowsRestored: 1, rowsRemoved: 1 });
      assert.deepEqual(await snapshotTable(api.t.database, 'time_logs', 'log_id'), atVersion2);

      const toStart = await api.app.inject({ method: 'POST', url: '/api/v1/versions/1/rollback' });
      assert.equal(toStart.statusCode, 200, toStart.body);
      assert.deepEqual(await snapshotTable(api.t.database, 'time_logs', 'log_id'), []);
      assert.deepEqual(await snapshotTable(api.t.database, 'clients', 'client_id'), clientsBefore);

      const after = (await api.app.inject({ method: 'GET', url: '/api/v1/versions' })).json() as typeof versions;
      assert.equal(after.current, 1);
      const three = after.versions.find((v) => v.number === 3) as unknown as { status: string; rolledBackBy: string };
      assert.equal(three.status, 'rolled_back');
      assert.equal(three.rolledBackBy, 'test-admin');
      const ready = await api.app.inject({ method: 'GET', url: '/readyz' });
      assert.deepEqual(ready.json(), { status: 'ready', database: engine, version: 1 });
    });

    test('rollback refusals come back as 404 and 409', async () => {
      const missing = await api.app.inject({ method: 'POST', url: '/api/v1/versions/99/rollback' });
      assert.equal(missing.statusCode, 404);
      assert.equal(errorOf(missing).code, 'MM_VERSION_NOT_FOUND');
      const already = await api.app.inject({ method: 'POST', url: '/api/v1/versions/1/rollback' });
      assert.equal(already.statusCode, 409);
      assert.equal(errorOf(already).code, 'MM_VERSION_ROLLBACK');
      const rolledBack = await api.app.inject({ method: 'POST', url: '/api/v1/versions/3/rollback' });
      assert.equal(rolledBack.statusCode, 409);
      const unknown = await api.app.inject({ method: 'GET', url: '/api/v1/versions/99' });
      assert.equal(unknown.statusCode, 404);
      assert.equal(errorOf(unknown).code, 'MM_VERSION_NOT_FOUND');
      const notNumber = await api.app.inject({ method: 'GET', url: '/api/v1/versions/latest' });
      assert.equal(notNumber.statusCode, 400);
      assert.equal(errorOf(notNumber).code, 'MM_VALIDATION');
    });

    test('no upload is left behind in the temp directory', () => {
      assert.deepEqual(readdirSync(path.join(api.t.config.data_dir, 'tmp')), []);
    });
  });
}
