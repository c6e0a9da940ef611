import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { appendAudit } from '../../src/governance/audit-log.js';
import { engines } from '../support/test-database.js';
import { clientsCsv, csvUpload, errorOf, startApiTest, type ApiTest } from './api-test-app.js';

for (const engine of engines) {
  describe(`audit trail over HTTP on ${engine}`, () => {
    let api: ApiTest;
    before(async () => {
      api = await startApiTest(engine);
      await api.app.ready();
      assert.equal((await api.app.inject(csvUpload('/api/v1/imports/clients', clientsCsv))).statusCode, 201);
      assert.equal(
        (await api.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'test-admin', password: 'wrong password here' } })).statusCode,
        401,
      );
      await appendAudit(api.t.database.kysely, { actor: '=HYPERLINK("http://evil")', action: 'test.injection' });
    });
    after(async () => {
      await api.close();
    });

    test('actions are recorded in order with who, what and outcome; filters and paging work', async () => {
      const all = (await api.app.inject({ method: 'GET', url: '/api/v1/audit?limit=1000' })).json() as {
        events: Array<{ seq: number; actor: string; action: string; outcome: string; target: string | null; details: Record<string, unknown> }>;
      };
      const actions = all.events.map((e) => [e.actor, e.action, e.outcome]);
      assert.deepEqual(actions.slice(0, 2), [
        ['test', 'user.create', 'success'],
        ['test', 'token.create', 'success'],
      ]);
      const importEvent = all.events.find((e) => e.action === 'import.run')!;
      assert.deepEqual(
        [importEvent.actor, importEvent.target, importEvent.outcome, (importEvent.details.rows as { added: number }).added],
        ['test-admin', 'clients', 'success', 3],
      );
      assert.ok(
        all.events.some((e) => e.action === 'auth.login' && e.outcome === 'failure' && e.actor === 'test-admin' && e.details.reason === 'MM_LOGIN_FAILED'),
      );
      const logins = (await api.app.inject({ method: 'GET', url: '/api/v1/audit?action=auth.&outcome=failure' })).json() as {
        events: Array<{ action: string }>;
      };
      assert.deepEqual(
        logins.events.map((e) => e.action),
        ['auth.login'],
      );
      const page = (await api.app.inject({ method: 'GET', url: '/api/v1/audit?limit=2' })).json() as { events: Array<{ seq: number }>; nextAfterSeq: number };
      assert.deepEqual([page.events.map((e) => e.seq), page.nextAfterSeq], [[1, 2], 2]);
      const bad = await api.app.inject({ method: 'GET', url: '/api/v1/audit?from=yesterday' });
      assert.equal(errorOf(bad).code, 'MM_VALIDATION');
    });

    test('export: CSV with neutralised formulas and the hashes, JSON that parses; the export is audited', async () => {
      const csv = await api.app.inject({ method: 'GET', url: '/api/v1/audit/export?format=csv' });
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-disposition']), /attachment; filename="moatmetrics-audit-\d{4}-\d{2}-\d{2}\.csv"/);
      const lines = csv.body.trim().split('\n');
      assert.equal(lines[0], 'seq,occurred_at,actor,action,target,outcome,details,prev_hash,hash');
      assert.ok(
        lines.some((l) => l.includes(`"'=HYPERLINK(""http://evil"")"`)),
        'formula neutralised',
      );
      const json = await api.app.inject({ method: 'GET', url: '/api/v1/audit/export?format=json&action=import.run' });
      const events = JSON.parse(json.body) as Array<{ action: string; hash: string }>;
      assert.deepEqual(
        events.map((e) => e.action),
        ['import.run'],
      );
      assert.match(events[0]!.hash, /^[0-9a-f]{64}$/);
      const listed = (await api.app.inject({ method: 'GET', url: '/api/v1/audit?action=audit.export' })).json() as { events: unknown[] };
      assert.equal(listed.events.length, 2);
    });

    test('verify reports an intact chain, then names the first tampered event', async () => {
      const ok = (await api.app.inject({ method: 'GET', url: '/api/v1/audit/verify' })).json() as { ok: boolean; checked: number };
      assert.equal(ok.ok, true);
      const db = api.t.database.kysely;
      if (engine === 'postgres') {
        await sql`ALTER TABLE audit_events DISABLE TRIGGER USER`.execute(db);
        await sql`UPDATE audit_events SET outcome = 'success' WHERE action = 'auth.login' AND outcome = 'failure'`.execute(db);
        await sql`ALTER TABLE audit_events ENABLE TRIGGER USER`.execute(db);
      } else {
        await sql`DROP TRIGGER audit_events_no_update`.execute(db);
        await sql`UPDATE audit_events SET outcome = 'success' WHERE action = 'auth.login' AND outcome = 'failure'`.execute(db);
      }
      const tampered = await db.selectFrom('audit_events').select('seq').where('action', '=', 'auth.login').executeTakeFirstOrThrow();
      const broken = (await api.app.inject({ method: 'GET', url: '/api/v1/audit/verify' })).json() as { ok: boolean; firstBadSeq: number; problem: string };
      assert.deepEqual([broken.ok, broken.firstBadSeq], [false, Number(tampered.seq)]);
      assert.match(broken.problem, /was changed after it was written/);
    });
  });
}
