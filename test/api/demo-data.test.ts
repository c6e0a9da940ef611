import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { flushQueuedAudit, listAudit } from '../../src/governance/audit-log.js';
import { verifyAuditTrail } from '../../src/governance/audit-verify.js';
import { loadDemoData } from '../../src/sample/load-demo-data.js';
import { engines, snapshotTable } from '../support/test-database.js';
import { clientsCsv, csvUpload, errorOf, formUpload, startApiTest, timeLogsCsv, type ApiTest } from './api-test-app.js';

interface Version {
  number: number;
  dataset: string;
  createdBy: string;
  status: string;
  isDemo: boolean;
  removesDemo: boolean;
}

for (const engine of engines) {
  describe(`imports into a database holding the demo data, over HTTP, on ${engine}`, () => {
    let api: ApiTest;
    let demoClients: unknown[];
    const versions = async () => (await api.app.inject({ method: 'GET', url: '/api/v1/versions' })).json() as { current: number; versions: Version[] };
    const demoFlags = async () => {
      const flags: boolean[] = [];
      for (const url of [
        '/api/v1/analytics/overview',
        '/api/v1/analytics/profitability',
        '/api/v1/analytics/licenses',
        '/api/v1/analytics/utilization',
        '/api/v1/analytics/trends',
        '/api/v1/results',
      ]) {
        const response = await api.app.inject({ method: 'GET', url });
        assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
        flags.push((response.json() as { demo: boolean }).demo);
      }
      return flags;
    };
    before(async () => {
      api = await startApiTest(engine);
      await loadDemoData(api.t.database, api.t.config);
      demoClients = await snapshotTable(api.t.database, 'clients', 'client_id');
    });
    after(async () => {
      await api.close();
    });

    test('analytics and results responses say demo: true while the demo data is there', async () => {
      assert.deepEqual(await demoFlags(), [true, true, true, true, true, true]);
      const run = await api.app.inject({ method: 'POST', url: '/api/v1/analytics/runs', payload: {} });
      assert.equal(run.statusCode, 201, run.body);
      assert.equal((run.json() as { demo: boolean }).demo, true);
      const id = ((await api.app.inject({ method: 'GET', url: '/api/v1/results?limit=1' })).json() as { results: Array<{ id: string }> }).results[0]!.id;
      assert.equal(((await api.app.inject({ method: 'GET', url: `/api/v1/results/${id}` })).json() as { demo: boolean }).demo, true);
    });

    test('an import is refused with MM_DEMO_DATA and changes nothing', async () => {
      const before = await versions();
      const refused = await api.app.inject(csvUpload('/api/v1/imports/clients', clientsCsv));
      assert.equal(refused.statusCode, 409, refused.body);
      const error = errorOf(refused);
      assert.equal(error.code, 'MM_DEMO_DATA');
      assert.match(error.message, /holds the bundled demo data; importing your own would mix the two\. Replace it \(CLI --replace-demo, API replace_demo=true/);
      assert.deepEqual(await versions(), before);
      assert.deepEqual(await snapshotTable(api.t.database, 'clients', 'client_id'), demoClients);
      const both = await api.app.inject(csvUpload('/api/v1/imports/clients?replace_demo=true&force=true', clientsCsv));
      assert.equal(errorOf(both).code, 'MM_VALIDATION');
    });

    test('force=true (a form field) mixes on purpose; the responses still say demo', async () => {
      const mixed = await api.app.inject(formUpload('/api/v1/imports/clients', clientsCsv, 'clients.csv', { force: 'true' }));
      assert.equal(mixed.statusCode, 201, mixed.body);
      assert.equal((await snapshotTable(api.t.database, 'clients', 'client_id')).length, demoClients.length + 3);
      assert.deepEqual(await demoFlags(), [true, true, true, true, true, true]);
    });

    test('replace_demo=true removes the demo data first as new, audited versions, then imports; demo: false after', async () => {
      const before = await versions();
      const replaced = await api.app.inject(csvUpload('/api/v1/imports/time_logs?replace_demo=true', timeLogsCsv));
      assert.equal(replaced.statusCode, 201, replaced.body);
      const after = await versions();
      const added = after.versions.filter((v) => v.number > before.current).sort((a, b) => a.number - b.number);
      assert.deepEqual(
        added.map((v) => [v.dataset, v.createdBy, v.removesDemo, v.isDemo]),
        [
          ['licenses', 'test-admin', true, false],
          ['time_logs', 'test-admin', true, false],
          ['invoices', 'test-admin', true, false],
          ['staff', 'test-admin', true, false],
          ['clients', 'test-admin', true, false],
          ['time_logs', 'test-admin', false, false],
        ],
      );
      // Only the operator's own clients and time logs are left.
      assert.deepEqual(
        (await snapshotTable(api.t.database, 'clients', 'client_id')).map((c) => (c as { client_id: string }).client_id),
        ['C1', 'C2', 'C3'],
      );
      assert.equal((await snapshotTable(api.t.database, 'time_logs', 'log_id')).length, 3);
      assert.deepEqual(await demoFlags(), [false, false, false, false, false, false]);
      await flushQueuedAudit(api.t.database.kysely);
      const removal = (await listAudit(api.t.database.kysely, { action: 'demo.remove' })).events;
      assert.deepEqual(
        removal.map((e) => [e.actor, e.details.versions]),
        [['test-admin', added.slice(0, 5).map((v) => v.number)]],
      );
      const verified = await verifyAuditTrail(api.t.database.kysely);
      assert.equal(verified.ok, true, verified.problem ?? JSON.stringify(verified.gaps));
      // Now an ordinary import needs no flag.
      assert.equal((await api.app.inject(csvUpload('/api/v1/imports/clients', clientsCsv))).statusCode, 200);
    });

    test('rolling back to before the removal brings the demo data back exactly', async () => {
      const list = await versions();
      const firstRemoval = Math.min(...list.versions.filter((v) => v.removesDemo).map((v) => v.number));
      const rollback = await api.app.inject({ method: 'POST', url: `/api/v1/versions/${firstRemoval - 1}/rollback` });
      assert.equal(rollback.statusCode, 200, rollback.body);
      const clients = (await snapshotTable(api.t.database, 'clients', 'client_id')) as Array<{ client_id: string }>;
      assert.deepEqual(
        clients.filter((c) => !['C1', 'C2', 'C3'].includes(c.client_id)),
        demoClients,
      );
      assert.deepEqual(await demoFlags(), [true, true, true, true, true, true]);
      const verified = await verifyAuditTrail(api.t.database.kysely);
      assert.equal(verified.ok, true, verified.problem ?? JSON.stringify(verified.gaps));
    });
  });
}
