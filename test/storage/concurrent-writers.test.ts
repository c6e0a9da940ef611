// One writer at a time, by design: imports queue for the lock (and say who holds it), every
// committed import carries its audit event, and the server answers while another process
// (a CLI import) holds SQLite's write lock for a long time.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { listAudit } from '../../src/governance/audit-log.js';
import { verifyAuditTrail } from '../../src/governance/audit-verify.js';
import { flushSecurityEvents } from '../../src/governance/security-events.js';
import { importFile } from '../../src/ingest/import-file.js';
import { announceWriter } from '../../src/storage/sqlite-write-lock.js';
import { listVersions } from '../../src/versions/versions-repository.js';
import { ANONYMOUS, errorOf, startApiTest, type ApiTest } from '../api/api-test-app.js';
import { runCli } from '../cli/cli-harness.js';
import { clientsCsv } from '../support/small-msp.js';
import { createTestContext, engines, type TestContext } from '../support/test-database.js';

/** `rows` time logs with ids unique to `tag`, for clients C1–C3. */
function timeLogs(tag: string, rows: number): string {
  const lines = ['log_id,client_id,staff_name,date,hours,rate,billable'];
  for (let i = 1; i <= rows; i++) lines.push(`${tag}-${i},C${(i % 3) + 1},Tech ${i % 7},2025-0${(i % 9) + 1}-1${i % 10},${(i % 8) + 1}.25,95,true`);
  return `${lines.join('\n')}\n`;
}

/** Each committed version has exactly one successful import.run event naming it. */
async function assertEveryVersionAudited(t: TestContext): Promise<void> {
  const versions = await listVersions(t.database.kysely);
  const { events } = await listAudit(t.database.kysely, { action: 'import.run', limit: 1000 });
  const audited = events.filter((e) => e.outcome === 'success').map((e) => e.details.version);
  assert.deepEqual(audited.filter((v) => v !== null).sort(), versions.map((v) => v.number).sort());
  const trail = await verifyAuditTrail(t.database.kysely);
  assert.equal(trail.ok, true, JSON.stringify(trail.gaps));
}

for (const engine of engines) {
  describe(`concurrent imports on ${engine}`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
      await importFile(t.database, t.config, { dataset: 'clients', file: t.file('clients.csv', clientsCsv) });
    });
    after(async () => {
      await t.cleanup();
    });

    test('three imports at once: each waits its turn, commits with its audit event, and says whom it waited for', async () => {
      const files = ['a', 'b', 'c'].map((tag) => t.file(`logs-${tag}.csv`, timeLogs(tag, 20_000)));
      const waits: string[] = [];
      const reports = await Promise.all(
        files.map((file, i) =>
          importFile(t.database, t.config, { dataset: 'time_logs', file, actor: `importer-${i}`, onWaitForImport: (holder) => waits.push(holder) }),
        ),
      );
      assert.deepEqual(
        reports.map((r) => r.status),
        ['succeeded', 'succeeded', 'succeeded'],
      );
      assert.deepEqual(
        reports.map((r) => r.rows.added),
        [20_000, 20_000, 20_000],
      );
      assert.deepEqual(reports.map((r) => r.version).sort(), [2, 3, 4]);
      assert.ok(waits.length >= 1, 'at least one import found the lock taken');
      assert.match(
        waits[0]!,
        /an import of time_logs \(logs-[abc]\.csv\).* by importer-\d|an import of time_logs \(logs-[abc]\.csv\) is running \(started by importer-\d/,
      );
      await assertEveryVersionAudited(t);
    });
  });
}

describe('three CLI imports into one SQLite data dir at once', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mm-concurrent-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('all three exit 0 with their versions and audit events; `audit verify` and `compliance` agree', async () => {
    const dataDir = path.join(dir, 'data');
    writeFileSync(path.join(dir, 'clients.csv'), clientsCsv);
    assert.equal((await runCli(['import', 'clients', path.join(dir, 'clients.csv')], { dataDir })).code, 0);
    const files = ['x', 'y', 'z'].map((tag) => {
      const file = path.join(dir, `logs-${tag}.csv`);
      writeFileSync(file, timeLogs(tag, 30_000));
      return file;
    });
    const results = await Promise.all(files.map((file) => runCli(['import', 'time_logs', file], { dataDir, timeoutMs: 180_000 })));
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    assert.ok(
      results.every((r) => !/database is locked|internal error/.test(r.stderr)),
      results.map((r) => r.stderr).join('\n'),
    );

    const verify = await runCli(['audit', 'verify'], { dataDir });
    assert.equal(verify.code, 0, verify.stderr);
    const list = await runCli(['versions', 'list', '--json'], { dataDir });
    const { versions } = JSON.parse(list.stdout) as { versions: Array<{ number: number }> };
    assert.deepEqual(versions.map((v) => v.number).sort(), [1, 2, 3, 4]);
    const events = JSON.parse((await runCli(['audit', 'list', '--action', 'import.run', '--json'], { dataDir })).stdout) as {
      events: Array<{ details: { version: number | null } }>;
    };
    assert.deepEqual(events.events.map((e) => e.details.version).sort(), [1, 2, 3, 4]);
  });
});

describe('the server while another process holds the SQLite write lock', () => {
  let api: ApiTest;
  let holder: BetterSqlite3.Database;
  let databaseFile: string;
  before(async () => {
    api = await startApiTest('sqlite', { 'database.busy_timeout_ms': 1500 });
    databaseFile = path.join(api.t.config.data_dir, 'moatmetrics.db');
  });
  after(async () => {
    if (holder?.inTransaction) holder.exec('ROLLBACK');
    holder?.close();
    await api.close();
  });

  /** Another connection (as a CLI import would) takes the write lock and keeps it. */
  function holdWriteLock(): () => void {
    holder = new BetterSqlite3(databaseFile);
    holder.exec('BEGIN IMMEDIATE');
    const endAnnouncement = announceWriter(databaseFile, { actor: 'cli:ana', activity: 'an import of time_logs (big.csv)' });
    return () => {
      holder.exec('COMMIT');
      endAnnouncement();
    };
  }

  test('health checks and refused requests answer at once; a change waits, then says who writes', async () => {
    const release = holdWriteLock();
    try {
      // Each refused anonymous call records a security event: it must not wait for the lock.
      const started = Date.now();
      const refused = await api.app.inject({ method: 'GET', url: '/api/v1/versions', headers: ANONYMOUS });
      assert.equal(refused.statusCode, 401);
      const health = await api.app.inject({ method: 'GET', url: '/healthz', headers: ANONYMOUS });
      assert.equal(health.statusCode, 200);
      const ready = await api.app.inject({ method: 'GET', url: '/readyz', headers: ANONYMOUS });
      assert.equal(ready.statusCode, 200);
      const reads = await api.app.inject({ method: 'GET', url: '/api/v1/versions' });
      assert.equal(reads.statusCode, 200);
      // Generous bound for a loaded CI machine; before this fix these calls took the whole lock time (≥ 1.5 s).
      assert.ok(Date.now() - started < 1000, `answered in ${Date.now() - started} ms`);

      // A change (here a rollback) waits up to database.busy_timeout_ms, then is refused and says why.
      const change = await api.app.inject({ method: 'POST', url: '/api/v1/versions/0/rollback' });
      assert.equal(change.statusCode, 503);
      const error = errorOf(change);
      assert.equal(error.code, 'MM_DATABASE_BUSY');
      assert.match(error.message, /an import of time_logs \(big\.csv\) is running \(started by cli:ana at \d{4}-\d\d-\d\dT[\d:.]+Z, pid \d+\)/);
    } finally {
      release();
    }
    await flushSecurityEvents(api.t.database.kysely);
    const stored = await api.t.database.kysely.selectFrom('security_events').select('kind').execute();
    assert.ok(
      stored.some((row) => row.kind === 'auth_missing'),
      'the queued event was written once the lock was free',
    );
  });

  test('a change that meets the lock for less than the busy timeout simply waits and succeeds', async () => {
    const release = holdWriteLock();
    setTimeout(release, 400);
    const started = Date.now();
    // A rollback on an empty database: it waits for the lock, then answers what it found (not 503).
    const response = await api.app.inject({ method: 'POST', url: '/api/v1/versions/0/rollback' });
    assert.equal(errorOf(response).code, 'MM_VERSION_ROLLBACK', response.body);
    assert.ok(Date.now() - started >= 300, 'it waited for the other writer');
  });
});

describe('opening an SQLite database', () => {
  test('the data directory is private to its owner and the database file is 0600', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mm-perms-'));
    try {
      const t = await createTestContext('sqlite', { data_dir: path.join(dir, 'fresh', 'data') });
      const { statSync } = await import('node:fs');
      assert.equal(statSync(t.config.data_dir).mode & 0o777, 0o700);
      assert.equal(statSync(path.join(t.config.data_dir, 'moatmetrics.db')).mode & 0o777, 0o600);
      await t.cleanup();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
