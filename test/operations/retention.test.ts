import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { listAudit, verifyAuditChain } from '../../src/governance/audit-log.js';
import { loadPolicy, type Policy } from '../../src/governance/policy.js';
import { importFile } from '../../src/ingest/import-file.js';
import { importTempName } from '../../src/ingest/import-leftovers.js';
import { runRetention, startRetentionSchedule, type RetentionLog } from '../../src/operations/retention.js';
import { latestRetentionRun } from '../../src/operations/retention-runs-repository.js';
import { createTestContext, engines, snapshotTable, type TestContext } from '../support/test-database.js';

const DAY = 86_400_000;
const now = new Date();
const ago = (ms: number): Date => new Date(now.getTime() - ms);
const iso = (ms: number): string => ago(ms).toISOString();

const { policy } = loadPolicy(null);

function withRetention(overrides: Partial<Policy['retention']>): Policy {
  return { ...policy, retention: { ...policy.retention, ...overrides } };
}

/** Everything retention must never change, for before/after comparisons. */
async function lastingState(t: TestContext): Promise<unknown> {
  const db = t.database.kysely;
  return {
    clients: await snapshotTable(t.database, 'clients', 'client_id'),
    timeLogs: await snapshotTable(t.database, 'time_logs', 'log_id'),
    versions: await snapshotTable(t.database, 'dataset_versions', 'number'),
    imports: (await db.selectFrom('imports').select(['id', 'status', 'file_sha256', 'finished_at']).orderBy('id').execute()).length,
    users: (await db.selectFrom('users').select('id').execute()).length,
  };
}

async function addAnalyticsRun(t: TestContext, id: string, createdAt: string, results: number): Promise<void> {
  const db = t.database.kysely;
  await db
    .insertInto('analytics_runs')
    .values({
      id,
      kind: 'portfolio',
      plan_hash: `hash-${id}`,
      plan_json: '{}',
      dataset_version: 1,
      period_from: '2025-01-01',
      period_to: '2025-12-31',
      payload_json: '{}',
      created_by: 'tester',
      created_at: createdAt,
    })
    .execute();
  for (let i = 0; i < results; i++) {
    await db
      .insertInto('analytics_results')
      .values({
        id: `${id}-result-${i}`,
        run_id: id,
        kind: 'profitability',
        subject: `C${i}`,
        subject_label: `Client ${i}`,
        metric: 'margin',
        value: 0.1,
        confidence: 0.9,
        review_status: 'approved',
        review_reasons_json: '[]',
        dataset_version: 1,
        detail_json: '{}',
        created_at: createdAt,
      })
      .execute();
  }
}

for (const engine of engines) {
  describe(`retention on ${engine}`, () => {
    let t: TestContext;
    let oldRaw: string[];
    let recentRaw: string;
    let oldRejects: string;
    let recentRejects: string;
    let oldImportId: string;
    let strayRawFile: string;
    let crashedImportDir: string;
    let expectedRawBytes: number;
    let expectedLeftoverBytes: number;
    let killedUpload: string;
    let runningUpload: string;
    const log: Array<{ level: string; message: string }> = [];
    const testLog: RetentionLog = {
      info: (_details, message) => log.push({ level: 'info', message }),
      error: (_details, message) => log.push({ level: 'error', message }),
    };

    before(async () => {
      t = await createTestContext(engine);
      const db = t.database.kysely;
      const rawDir = path.join(t.config.data_dir, 'raw');
      const importCsv = async (dataset: string, name: string, csv: string) => {
        const report = await importFile(t.database, t.config, { dataset, file: t.file(name, csv), actor: 'tester', mode: 'lenient' });
        assert.equal(report.status, 'succeeded', report.message);
        return report;
      };
      const clients = await importCsv('clients', 'clients.csv', 'client_id,client_name,status\nC1,Acme Motors,active\nC2,Beta Legal LLP,active\n');
      const oldLogs = await importCsv(
        'time_logs',
        'old-logs.csv',
        'log_id,client_id,staff_name,date,hours\nT1,C1,Ann Lee,2024-01-02,1\nT2,Nobody,Ann Lee,2024-01-03,1\n',
      );
      const newLogs = await importCsv(
        'time_logs',
        'new-logs.csv',
        'log_id,client_id,staff_name,date,hours\nT3,C2,Bob Ray,2025-01-02,2\nT4,Nobody,Bob Ray,2025-01-03,1\n',
      );
      assert.ok(oldLogs.rejectsFile && newLogs.rejectsFile);

      // Two imports 400 days old (raw copies dated accordingly), one from today.
      for (const report of [clients, oldLogs]) {
        await db
          .updateTable('imports')
          .set({ finished_at: iso(400 * DAY) })
          .where('id', '=', report.importId)
          .execute();
        utimesSync(path.join(rawDir, report.sha256), ago(400 * DAY), ago(400 * DAY));
      }
      oldRaw = [clients, oldLogs].map((report) => path.join(rawDir, report.sha256));
      recentRaw = path.join(rawDir, newLogs.sha256);
      oldRejects = oldLogs.rejectsFile!;
      recentRejects = newLogs.rejectsFile!;
      oldImportId = oldLogs.importId;

      // Left behind by an import that crashed long ago: a raw copy in progress and a rejects directory.
      strayRawFile = path.join(rawDir, '.incoming-crashed');
      writeFileSync(strayRawFile, 'partial upload');
      utimesSync(strayRawFile, ago(400 * DAY), ago(400 * DAY));
      // Left by an import killed a moment ago (its process is gone), and the upload of one still running (the test runner's).
      mkdirSync(path.join(t.config.data_dir, 'tmp'), { recursive: true });
      const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
      const uploadOf = (pid: number | string, id: string) =>
        path.join(t.config.data_dir, 'tmp', importTempName('upload-', id, '.csv').replace(`.${process.pid}-`, `.${pid}-`));
      killedUpload = uploadOf(exited, 'killed');
      runningUpload = uploadOf(process.ppid, 'running');
      writeFileSync(killedUpload, 'half an upload');
      writeFileSync(runningUpload, 'an upload');
      crashedImportDir = path.join(t.config.data_dir, 'imports', 'crashed-import');
      mkdirSync(crashedImportDir, { recursive: true });
      writeFileSync(path.join(crashedImportDir, 'rejected.csv'), 'line,column,field,value,reason\n');
      utimesSync(crashedImportDir, ago(400 * DAY), ago(400 * DAY));
      // Not MoatMetrics' own: never touched, however old.
      writeFileSync(path.join(rawDir, 'README'), 'keep me');
      utimesSync(path.join(rawDir, 'README'), ago(4000 * DAY), ago(4000 * DAY));
      expectedRawBytes = oldRaw.reduce((sum, file) => sum + statSync(file).size, 0);
      expectedLeftoverBytes = [strayRawFile, killedUpload].reduce((sum, file) => sum + statSync(file).size, 0);

      await addAnalyticsRun(t, 'old-run', iso(800 * DAY), 2);
      await addAnalyticsRun(t, 'recent-run', iso(10 * DAY), 1);

      await db
        .insertInto('users')
        .values({
          id: 'u1',
          username: 'ann',
          role: 'viewer',
          password_hash: 'x',
          must_change_password: 0,
          disabled: 0,
          failed_logins: 0,
          locked_until: null,
          client_scope: null,
          created_at: iso(30 * DAY),
          created_by: 'tester',
          password_changed_at: iso(30 * DAY),
          last_login_at: null,
        })
        .execute();
      const session = (id: string, lastSeen: number, expires: number) => ({
        id_hash: id,
        user_id: 'u1',
        created_at: iso(lastSeen),
        last_seen_at: iso(lastSeen),
        expires_at: iso(expires),
      });
      await db
        .insertInto('sessions')
        .values([
          session('expired-long-ago', 10 * DAY, 9 * DAY),
          session('idle-for-days', 2 * DAY, -5 * 3_600_000),
          session('expired-an-hour-ago', 2 * 3_600_000, 3_600_000),
          session('live', 0, -10 * 3_600_000),
        ])
        .execute();
      const event = (id: string, age: number) => ({
        id,
        occurred_at: iso(age),
        kind: 'forbidden',
        actor: 'ann',
        ip: null,
        method: 'GET',
        route: '/x',
        detail: 'test',
      });
      await db
        .insertInto('security_events')
        .values([event('old-event', 400 * DAY), event('recent-event', 5 * DAY)])
        .execute();
      const token = (id: string, expires: number, revoked: number | null) => ({
        id,
        user_id: 'u1',
        name: id,
        token_hash: `hash-${id}`,
        created_at: iso(500 * DAY),
        expires_at: iso(expires),
        revoked_at: revoked === null ? null : iso(revoked),
        revoked_by: null,
        last_used_at: null,
      });
      await db
        .insertInto('api_tokens')
        .values([
          token('expired-long-ago', 100 * DAY, null),
          token('revoked-long-ago', -100 * DAY, 100 * DAY),
          token('revoked-lately', -100 * DAY, 10 * DAY),
          token('active', -100 * DAY, null),
        ])
        .execute();
    });
    after(async () => {
      await t.cleanup();
    });

    const expectedCounts = () => ({
      rawFiles: 2,
      rawBytes: expectedRawBytes,
      leftoverFiles: 2,
      leftoverBytes: expectedLeftoverBytes,
      rejectFiles: 2,
      analyticsRuns: 1,
      analyticsResults: 2,
      sessions: 2,
      securityEvents: 1,
      apiTokens: 2,
    });

    test('a dry run counts what would go, removes nothing, and is recorded and audited', async () => {
      const before = await lastingState(t);
      const run = await runRetention(t.database, t.config, policy, { actor: 'tester', dryRun: true, now });
      assert.equal(run.dryRun, true);
      assert.deepEqual(run.counts, expectedCounts());
      assert.deepEqual(run.problems, []);
      for (const file of [...oldRaw, recentRaw, oldRejects, strayRawFile, killedUpload, crashedImportDir])
        assert.ok(existsSync(file), `${file} is still there`);
      const db = t.database.kysely;
      assert.equal((await db.selectFrom('analytics_results').select('id').execute()).length, 3);
      assert.equal((await db.selectFrom('sessions').select('id_hash').execute()).length, 4);
      assert.deepEqual(await lastingState(t), before);
      const stored = await db.selectFrom('retention_runs').selectAll().where('id', '=', run.id).executeTakeFirstOrThrow();
      assert.equal(Number(stored.dry_run), 1);
      assert.equal(await latestRetentionRun(db), null, 'a dry run is not retention having run');
      const events = (await listAudit(db, { action: 'retention.run' })).events;
      assert.equal(events.length, 1);
      assert.deepEqual(events[0]!.details, { dryRun: true, counts: expectedCounts(), cutoffs: run.cutoffs, problems: 0 });
    });

    test('a run removes old raw files, rejects, analytics runs and dead sessions, and keeps everything recent', async () => {
      const before = await lastingState(t);
      const auditBefore = (await listAudit(t.database.kysely, { limit: 10_000 })).events.length;
      const run = await runRetention(t.database, t.config, policy, { actor: 'tester', now });
      assert.deepEqual(run.counts, expectedCounts());
      assert.deepEqual(run.problems, []);
      for (const file of [...oldRaw, oldRejects, strayRawFile, killedUpload, crashedImportDir]) assert.equal(existsSync(file), false, `${file} is gone`);
      for (const file of [recentRaw, recentRejects, runningUpload, path.join(t.config.data_dir, 'raw', 'README')])
        assert.ok(existsSync(file), `${file} is kept`);

      const db = t.database.kysely;
      const imports = await db.selectFrom('imports').select(['id', 'rejects_file']).execute();
      assert.equal(imports.find((row) => row.id === oldImportId)!.rejects_file, null);
      assert.ok(imports.some((row) => row.rejects_file !== null && path.join(t.config.data_dir, row.rejects_file) === recentRejects));
      assert.deepEqual(
        (await db.selectFrom('analytics_runs').select('id').execute()).map((row) => row.id),
        ['recent-run'],
      );
      assert.deepEqual(
        (await db.selectFrom('analytics_results').select('run_id').execute()).map((row) => row.run_id),
        ['recent-run'],
      );
      assert.deepEqual(
        (await db.selectFrom('sessions').select('id_hash').orderBy('id_hash').execute()).map((row) => row.id_hash),
        ['expired-an-hour-ago', 'live'],
      );
      assert.deepEqual(
        (await db.selectFrom('security_events').select('id').execute()).map((row) => row.id),
        ['recent-event'],
      );
      assert.deepEqual(
        (await db.selectFrom('api_tokens').select('id').orderBy('id').execute()).map((row) => row.id),
        ['active', 'revoked-lately'],
      );
      assert.deepEqual(await lastingState(t), before, 'current data, versions and import records are untouched');

      const latest = await latestRetentionRun(db);
      assert.equal(latest?.id, run.id);
      assert.deepEqual(latest?.counts, expectedCounts());
      const events = (await listAudit(db, { limit: 10_000 })).events;
      assert.equal(events.length, auditBefore + 1, 'no audit event was removed');
      assert.deepEqual([events.at(-1)!.action, events.at(-1)!.outcome, events.at(-1)!.details.dryRun], ['retention.run', 'success', false]);
      assert.equal((await verifyAuditChain(db)).ok, true);
    });

    test('a second run finds nothing; a kind the policy keeps forever is not touched', async () => {
      const again = await runRetention(t.database, t.config, policy, { actor: 'tester', now });
      assert.deepEqual(again.counts, {
        rawFiles: 0,
        rawBytes: 0,
        leftoverFiles: 0,
        leftoverBytes: 0,
        rejectFiles: 0,
        analyticsRuns: 0,
        analyticsResults: 0,
        sessions: 0,
        securityEvents: 0,
        apiTokens: 0,
      });
      await addAnalyticsRun(t, 'ancient-run', iso(5000 * DAY), 1);
      const forever = await runRetention(t.database, t.config, withRetention({ analytics_runs_days: null }), { actor: 'tester', now });
      assert.equal(forever.counts.analyticsRuns, 0);
      assert.equal(forever.cutoffs.analyticsRuns, null);
      assert.ok(await t.database.kysely.selectFrom('analytics_runs').select('id').where('id', '=', 'ancient-run').executeTakeFirst());
    });

    test('the schedule runs when due, counted from the last recorded run, and stops cleanly', async () => {
      const db = t.database.kysely;
      const count = async () => (await db.selectFrom('retention_runs').select('id').where('dry_run', '=', 0).execute()).length;
      const start = await count();

      // The last run was moments ago and the policy says daily: nothing is due.
      const stopDaily = startRetentionSchedule(t.database, t.config, policy, testLog, { firstCheckMs: 0 });
      await sleep(300);
      await stopDaily();
      assert.equal(await count(), start);

      // Every half second: runs come one after another until stopped.
      const stopFrequent = startRetentionSchedule(t.database, t.config, withRetention({ run_every_hours: 0.5 / 3600 }), testLog, { firstCheckMs: 0 });
      const deadline = Date.now() + 20_000;
      while ((await count()) < start + 2 && Date.now() < deadline) await sleep(50);
      await stopFrequent();
      const afterStop = await count();
      assert.ok(afterStop >= start + 2, `expected at least two scheduled runs, got ${afterStop - start}`);
      await sleep(800);
      assert.equal(await count(), afterStop, 'no run after stop');
      assert.equal((await latestRetentionRun(db))?.actor, 'system:retention');
      assert.ok(
        log.every((entry) => entry.level === 'info' && entry.message === 'retention run finished'),
        JSON.stringify(log),
      );
    });
  });
}
