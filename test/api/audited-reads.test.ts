import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { flushQueuedAudit, listAudit, type AuditEvent } from '../../src/governance/audit-log.js';
import { verifyAuditTrail } from '../../src/governance/audit-verify.js';
import { engines } from '../support/test-database.js';
import { clientsCsv, csvUpload, startApiTest, timeLogsCsv, type ApiTest } from './api-test-app.js';

/** The data.read events written since `afterSeq`, once the queue has been written. */
async function readsSince(api: ApiTest, afterSeq: number): Promise<AuditEvent[]> {
  await flushQueuedAudit(api.t.database.kysely);
  return (await listAudit(api.t.database.kysely, { action: 'data.read', afterSeq, limit: 1000 })).events;
}

async function lastSeq(api: ApiTest): Promise<number> {
  await flushQueuedAudit(api.t.database.kysely);
  return (await verifyAuditTrail(api.t.database.kysely)).head?.seq ?? 0;
}

for (const engine of engines) {
  describe(`reads of analytics, results and the audit trail are audited (data.read) on ${engine}`, () => {
    let api: ApiTest;
    before(async () => {
      api = await startApiTest(engine);
      await api.app.ready();
      assert.equal((await api.app.inject(csvUpload('/api/v1/imports/clients', clientsCsv))).statusCode, 201);
      assert.equal((await api.app.inject(csvUpload('/api/v1/imports/time_logs', timeLogsCsv))).statusCode, 201);
    });
    after(async () => {
      await api.close();
    });

    test('each analytics GET records who read what, with the filters and the dataset version', async () => {
      const since = await lastSeq(api);
      for (const name of ['overview', 'profitability', 'licenses', 'utilization', 'trends']) {
        const response = await api.app.inject({ method: 'GET', url: `/api/v1/analytics/${name}?client=Acme%20Motors&from=2025-01-01&to=2025-01-31` });
        assert.equal(response.statusCode, 200, `${name}: ${response.body}`);
      }
      const reads = await readsSince(api, since);
      assert.deepEqual(
        reads.map((e) => e.target),
        ['analytics.overview', 'analytics.profitability', 'analytics.licenses', 'analytics.utilization', 'analytics.trends'],
      );
      for (const event of reads) {
        assert.equal(event.actor, 'test-admin');
        assert.equal(event.outcome, 'success');
        assert.deepEqual(event.details, {
          what: event.target,
          via: `GET /api/v1/analytics/${event.target!.slice('analytics.'.length)}`,
          filters: { from: '2025-01-01', to: '2025-01-31', clients: ['C1'] },
          datasetVersion: 2,
          period: { from: '2025-01-01', to: '2025-01-31' },
        });
      }
    });

    test('a stored analysis run served again is a read of it; the first run is analysis.run', async () => {
      const since = await lastSeq(api);
      const first = await api.app.inject({ method: 'POST', url: '/api/v1/analytics/runs', payload: {} });
      assert.equal(first.statusCode, 201, first.body);
      const again = await api.app.inject({ method: 'POST', url: '/api/v1/analytics/runs', payload: {} });
      assert.equal(again.statusCode, 200, again.body);
      const runId = (again.json() as { runId: string }).runId;
      const reads = await readsSince(api, since);
      assert.deepEqual(
        reads.map((e) => [e.actor, e.target, e.details.what, e.details.via, e.details.datasetVersion]),
        [['test-admin', runId, 'analysis.run', 'POST /api/v1/analytics/runs', 2]],
      );
    });

    test('results (list and one) and the audit listing are audited; the audit chain stays intact', async () => {
      const since = await lastSeq(api);
      const list = await api.app.inject({ method: 'GET', url: '/api/v1/results?kind=profitability&limit=5' });
      assert.equal(list.statusCode, 200, list.body);
      const id = (list.json() as { results: Array<{ id: string }> }).results[0]!.id;
      assert.equal((await api.app.inject({ method: 'GET', url: `/api/v1/results/${id}` })).statusCode, 200);
      assert.equal((await api.app.inject({ method: 'GET', url: '/api/v1/reviews?kind=license' })).statusCode, 200);
      const audit = await api.app.inject({ method: 'GET', url: '/api/v1/audit?action=import.run' });
      assert.equal(audit.statusCode, 200);
      assert.ok(
        (audit.json() as { events: AuditEvent[] }).events.every((e) => e.action === 'import.run'),
        'a listing never shows its own read',
      );
      const reads = await readsSince(api, since);
      assert.deepEqual(
        reads.map((e) => [e.target, e.details.what, e.details.via, e.details.filters, e.details.datasetVersion]),
        [
          ['results.list', 'results.list', 'GET /api/v1/results', { kind: 'profitability', limit: 5, offset: 0 }, null],
          [id, 'result', 'GET /api/v1/results/:id', {}, 2],
          ['results.list', 'results.list', 'GET /api/v1/reviews', { status: 'pending_review', kind: 'license', limit: 50, offset: 0 }, null],
          ['audit.list', 'audit.list', 'GET /api/v1/audit', { action: 'import.run', limit: 100 }, null],
        ],
      );
      const verified = await verifyAuditTrail(api.t.database.kysely);
      assert.equal(verified.ok, true, verified.problem ?? JSON.stringify(verified.gaps));
    });

    test('a refused read records no data.read', async () => {
      const since = await lastSeq(api);
      const refused = await api.app.inject({ method: 'GET', url: '/api/v1/analytics/overview?client=nobody' });
      assert.equal(refused.statusCode, 400);
      assert.deepEqual(await readsSince(api, since), []);
    });
  });
}

describe('an audited read does not wait while another process holds the SQLite write lock', () => {
  let api: ApiTest;
  let holder: BetterSqlite3.Database | null = null;
  before(async () => {
    api = await startApiTest('sqlite', { 'database.busy_timeout_ms': 3000 });
    assert.equal((await api.app.inject(csvUpload('/api/v1/imports/clients', clientsCsv))).statusCode, 201);
    assert.equal((await api.app.inject(csvUpload('/api/v1/imports/time_logs', timeLogsCsv))).statusCode, 201);
  });
  after(async () => {
    if (holder?.inTransaction) holder.exec('ROLLBACK');
    holder?.close();
    await api.close();
  });

  test('the answer comes at once; the event is written once the lock is released', async () => {
    // The first analysis of a version notes its date range (a write); that is not what this test is about.
    assert.equal((await api.app.inject({ method: 'GET', url: '/api/v1/analytics/trends' })).statusCode, 200);
    const since = await lastSeq(api);
    holder = new BetterSqlite3(path.join(api.t.config.data_dir, 'moatmetrics.db'));
    holder.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    const response = await api.app.inject({ method: 'GET', url: '/api/v1/analytics/overview' });
    assert.equal(response.statusCode, 200, response.body);
    // Generous bound for a loaded machine; waiting for the writer would take the whole busy timeout (3 s).
    assert.ok(Date.now() - started < 1500, `answered in ${Date.now() - started} ms`);
    holder.exec('COMMIT');
    const reads = await readsSince(api, since);
    assert.deepEqual(
      reads.map((e) => e.target),
      ['analytics.overview'],
    );
  });
});
