import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { buildApp } from '../../src/api/app.js';
import { createApiToken } from '../../src/auth/api-tokens.js';
import { createUser, ensureFirstAdmin, requireUser, setPassword } from '../../src/auth/users.js';
import { complianceReport } from '../../src/operations/compliance.js';
import { loadPolicy } from '../../src/governance/policy.js';
import { createBackup } from '../../src/operations/backup.js';
import { runRetention } from '../../src/operations/retention.js';
import { createTestContext, engines, type TestContext } from '../support/test-database.js';

const { policy } = loadPolicy(null);
const status = (report: Awaited<ReturnType<typeof complianceReport>>) => Object.fromEntries(report.checks.map((c) => [c.name, c.passed]));

for (const engine of engines) {
  describe(`compliance checks on ${engine}`, () => {
    let t: TestContext;
    before(async () => {
      t = await createTestContext(engine);
    });
    after(async () => {
      await t.cleanup();
    });

    test('a fresh installation fails what it has not done yet, with evidence', async () => {
      await ensureFirstAdmin(t.database.kysely, policy, {});
      const report = await complianceReport(t.database, t.config, policy);
      assert.equal(report.passed, false);
      assert.deepEqual(status(report), {
        audit_chain_intact: true,
        audit_covers_changes: true,
        retention_on_schedule: false,
        backup_recent_and_encrypted: false,
        secure_cookies_when_exposed: true,
        first_run_password_changed: false,
        every_user_has_a_role: true,
      });
      const evidence = Object.fromEntries(report.checks.map((c) => [c.name, c.evidence]));
      assert.equal(evidence.retention_on_schedule, 'the retention job has never run');
      assert.equal(evidence.first_run_password_changed, "'admin' still has the one-time password from first start");
      assert.match(evidence.audit_chain_intact!, /^1 event verified; head 1 /);
    });

    test('after the work is done every check passes; an exposed server without secure cookies and a tampered trail fail', async () => {
      const admin = await requireUser(t.database.kysely, 'admin');
      await setPassword(t.database.kysely, admin, 'a properly chosen secret', { oneTime: false, actor: 'admin' });
      await runRetention(t.database, t.config, policy, { actor: 'test' });
      await createBackup(t.database, t.config, { file: path.join(t.dir, 'nightly.mmbk'), passphrase: 'backup passphrase 1', actor: 'test' });
      const good = await complianceReport(t.database, t.config, policy);
      assert.equal(good.passed, true, JSON.stringify(good.checks.filter((c) => !c.passed)));
      assert.match(good.checks.find((c) => c.name === 'backup_recent_and_encrypted')!.evidence, /encrypted \(AES-256-GCM\): .*nightly\.mmbk$/);

      const exposed = await complianceReport(t.database, { ...t.config, server: { ...t.config.server, host: '0.0.0.0' } }, policy);
      assert.equal(status(exposed).secure_cookies_when_exposed, false);
      const tomorrowAndABit = new Date(Date.now() + 40 * 3_600_000);
      assert.deepEqual(
        [
          status(await complianceReport(t.database, t.config, policy, tomorrowAndABit)).retention_on_schedule,
          status(await complianceReport(t.database, t.config, policy, tomorrowAndABit)).backup_recent_and_encrypted,
        ],
        [false, false],
      );

      await createUser(t.database.kysely, policy, { username: 'ghost', role: 'viewer', password: 'long enough password 1', createdBy: 'test' });
      await t.database.kysely.updateTable('users').set({ role: 'superuser' }).where('username', '=', 'ghost').execute();
      if (engine === 'postgres') {
        await sql`ALTER TABLE audit_events DISABLE TRIGGER USER`.execute(t.database.kysely);
        await sql`DELETE FROM audit_events WHERE seq = 2`.execute(t.database.kysely);
      } else {
        await sql`DROP TRIGGER audit_events_no_delete`.execute(t.database.kysely);
        await sql`DELETE FROM audit_events WHERE seq = 2`.execute(t.database.kysely);
      }
      const bad = await complianceReport(t.database, t.config, policy);
      assert.deepEqual([status(bad).audit_chain_intact, status(bad).audit_covers_changes, status(bad).every_user_has_a_role], [false, false, false]);
      // Event 2 was admin's password change: the change is still in the users table, its event is gone.
      assert.match(
        bad.checks.find((c) => c.name === 'audit_covers_changes')!.evidence,
        /^1 without an event: the password of 'admin' changed at .* without a password change or reset audit event$/,
      );
      assert.match(bad.checks.find((c) => c.name === 'audit_chain_intact')!.evidence, /^broken at event 2: event 2 is missing/);
      assert.equal(bad.checks.find((c) => c.name === 'every_user_has_a_role')!.evidence, 'without a valid role: ghost (superuser)');
    });

    test('GET /api/v1/compliance answers auditors with the same checks', async () => {
      const app = await buildApp({ config: t.config, database: t.database, policy });
      try {
        await createUser(t.database.kysely, policy, { username: 'audrey', role: 'auditor', password: 'long enough password 1', createdBy: 'test' });
        const token = (await createApiToken(t.database.kysely, policy, await requireUser(t.database.kysely, 'audrey'), { name: 't', actor: 'test' })).token;
        const response = await app.inject({ method: 'GET', url: '/api/v1/compliance', headers: { authorization: `Bearer ${token}` } });
        assert.equal(response.statusCode, 200);
        const body = response.json() as { passed: boolean; checks: Array<{ name: string }> };
        assert.equal(body.checks.length, 7);
        assert.equal(body.passed, false);
      } finally {
        await app.close();
      }
    });
  });
}
