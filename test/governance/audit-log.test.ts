import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { sql } from 'kysely';
import { appendAudit, canonicalJson, GENESIS_HASH, listAudit, verifyAuditChain } from '../../src/governance/audit-log.js';
import { createTestContext, engines, type TestContext } from '../support/test-database.js';

/** Writes outside the application, the way someone with database access would, past the append-only trigger. */
async function tamper(t: TestContext, statement: string): Promise<void> {
  const db = t.database.kysely;
  if (t.engine === 'postgres') {
    await sql.raw('ALTER TABLE audit_events DISABLE TRIGGER USER').execute(db);
    await sql.raw(statement).execute(db);
    await sql.raw('ALTER TABLE audit_events ENABLE TRIGGER USER').execute(db);
  } else {
    await sql.raw('DROP TRIGGER IF EXISTS audit_events_no_update').execute(db);
    await sql.raw('DROP TRIGGER IF EXISTS audit_events_no_delete').execute(db);
    await sql.raw(statement).execute(db);
  }
}

test('canonical JSON sorts keys at every level and keeps array order', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
});

for (const engine of engines) {
  describe(`audit trail on ${engine}`, () => {
    let t: TestContext;
    beforeEach(async () => {
      await t?.cleanup();
      t = await createTestContext(engine);
      for (let i = 1; i <= 8; i++) {
        await appendAudit(t.database.kysely, {
          actor: i % 2 ? 'ann' : 'bob',
          action: i % 3 ? 'import.run' : 'auth.login',
          target: `thing-${i}`,
          details: { n: i, nested: { b: 2, a: 1 } },
        });
      }
    });
    after(async () => {
      await t.cleanup();
    });

    test('events chain from the genesis hash and verify', async () => {
      const { events } = await listAudit(t.database.kysely);
      assert.deepEqual(
        events.map((e) => e.seq),
        [1, 2, 3, 4, 5, 6, 7, 8],
      );
      assert.equal(events[0]!.prevHash, GENESIS_HASH);
      for (let i = 1; i < events.length; i++) assert.equal(events[i]!.prevHash, events[i - 1]!.hash);
      assert.deepEqual(await verifyAuditChain(t.database.kysely), {
        ok: true,
        checked: 8,
        firstBadSeq: null,
        problem: null,
        head: { seq: 8, hash: events[7]!.hash },
      });
      const logins = await listAudit(t.database.kysely, { action: 'auth.', actor: 'bob' });
      assert.deepEqual(
        logins.events.map((e) => e.seq),
        [6],
      );
      const page = await listAudit(t.database.kysely, { limit: 3, afterSeq: 3 });
      assert.deepEqual([page.events.map((e) => e.seq), page.nextAfterSeq], [[4, 5, 6], 6]);
    });

    test('verification while events are being appended (audited reads go on all the time) stays green', async () => {
      const db = t.database.kysely;
      let appending = true;
      const appends = (async () => {
        for (let i = 0; i < 150; i++) await appendAudit(db, { actor: 'reader', action: 'data.read', target: `read-${i}` });
        appending = false;
      })();
      const problems: string[] = [];
      let verifications = 0;
      while (appending) {
        const result = await verifyAuditChain(db);
        verifications += 1;
        if (!result.ok) problems.push(result.problem!);
      }
      await appends;
      assert.ok(verifications > 1, `verified ${verifications} times`);
      assert.deepEqual(problems, []);
      assert.equal((await verifyAuditChain(db)).checked, 158);
    });

    test('the database refuses UPDATE and DELETE on audit rows', async () => {
      await assert.rejects(t.database.kysely.updateTable('audit_events').set({ actor: 'mallory' }).where('seq', '=', 2).execute(), /append-only/);
      await assert.rejects(t.database.kysely.deleteFrom('audit_events').where('seq', '=', 2).execute(), /append-only/);
      assert.equal((await verifyAuditChain(t.database.kysely)).ok, true);
    });

    test('an edited event is named', async () => {
      await tamper(t, `UPDATE audit_events SET actor = 'mallory' WHERE seq = 4`);
      const result = await verifyAuditChain(t.database.kysely);
      assert.deepEqual([result.ok, result.firstBadSeq, result.checked], [false, 4, 3]);
      assert.match(result.problem!, /event 4 was changed after it was written/);
    });

    test('an edited event whose hash was recomputed by the editor still breaks the next link', async () => {
      const { events } = await listAudit(t.database.kysely);
      const forged = { ...events[4]!, details: { n: 500 } };
      const { eventHash } = await import('../../src/governance/audit-log.js');
      const hash = eventHash({
        seq: forged.seq,
        occurred_at: forged.occurredAt,
        actor: forged.actor,
        action: forged.action,
        target: forged.target,
        outcome: forged.outcome,
        details_json: canonicalJson(forged.details),
        prev_hash: forged.prevHash,
      });
      await tamper(t, `UPDATE audit_events SET details_json = '${canonicalJson(forged.details)}', hash = '${hash}' WHERE seq = 5`);
      const result = await verifyAuditChain(t.database.kysely);
      assert.equal(result.firstBadSeq, 6);
      assert.match(result.problem!, /event 6 does not follow event 5/);
    });

    test('an event whose stored details no longer parse as JSON is named, not an internal error', async () => {
      await tamper(t, `UPDATE audit_events SET details_json = '{"n":5}x' WHERE seq = 5`);
      const result = await verifyAuditChain(t.database.kysely);
      assert.deepEqual([result.ok, result.firstBadSeq, result.checked], [false, 5, 4]);
      assert.equal(result.problem, 'event 5 was changed after it was written (its details are not valid JSON)');
      // Listing (and so exporting) still works and shows what is stored.
      const listed = await listAudit(t.database.kysely, { afterSeq: 4, limit: 1 });
      assert.deepEqual(listed.events[0]!.details, { unreadableDetails: '{"n":5}x' });
    });

    test('a recorded head that is no longer a seq and hash is reported', async () => {
      await sql.raw(`UPDATE app_meta SET value = '{"seq":8,' WHERE key = 'audit_head'`).execute(t.database.kysely);
      const result = await verifyAuditChain(t.database.kysely);
      assert.deepEqual([result.ok, result.firstBadSeq, result.checked], [false, 9, 8]);
      assert.match(result.problem!, /^the recorded head of the chain was changed/);
    });

    test('a deleted event is named', async () => {
      await tamper(t, 'DELETE FROM audit_events WHERE seq = 6');
      const result = await verifyAuditChain(t.database.kysely);
      assert.equal(result.firstBadSeq, 6);
      assert.match(result.problem!, /event 6 is missing \(the next one is 7\)/);
    });

    test('reordered events are named', async () => {
      // Swap the contents of events 2 and 3, keeping their numbers.
      await tamper(t, `UPDATE audit_events SET seq = seq + 1000 WHERE seq IN (2, 3)`);
      await tamper(t, `UPDATE audit_events SET seq = CASE WHEN seq = 1002 THEN 3 ELSE 2 END WHERE seq IN (1002, 1003)`);
      const result = await verifyAuditChain(t.database.kysely);
      assert.equal(result.firstBadSeq, 2);
      assert.match(result.problem!, /event 2 does not follow event 1/);
    });

    test('events cut off the end are noticed', async () => {
      await tamper(t, 'DELETE FROM audit_events WHERE seq >= 7');
      const result = await verifyAuditChain(t.database.kysely);
      assert.equal(result.ok, false);
      assert.equal(result.firstBadSeq, 7);
      assert.match(result.problem!, /the chain ends at event 6 but event 8 was written/);
    });

    test('concurrent appends each get their own seq and the chain holds', async () => {
      await Promise.all(Array.from({ length: 12 }, (_, i) => appendAudit(t.database.kysely, { actor: 'load', action: 'test.concurrent', details: { i } })));
      const result = await verifyAuditChain(t.database.kysely);
      assert.equal(result.ok, true, result.problem ?? '');
      assert.equal(result.checked, 20);
    });
  });
}
