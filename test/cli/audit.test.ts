import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { appendAudit } from '../../src/governance/audit-log.js';
import { createTestContext, engines } from '../support/test-database.js';
import { assertOneLineError, assertSucceeded, removeScratchDirs, runCli, scratchDir, writeScratchFile } from './cli-harness.js';
import { clientsCsv } from '../api/api-test-app.js';

describe('moatmetrics audit', () => {
  let dataDir: string;
  before(async () => {
    dataDir = scratchDir();
    assertSucceeded(await runCli(['import', 'clients', writeScratchFile(dataDir, 'clients.csv', clientsCsv)], { dataDir }));
    assertSucceeded(await runCli(['user', 'add', 'kim', '--role', 'auditor'], { dataDir }));
    assertSucceeded(await runCli(['versions', 'rollback', '0'], { dataDir }));
  });
  after(() => removeScratchDirs());

  test('list shows who did what; export writes the events with hashes', async () => {
    const list = await runCli(['audit', 'list', '--json'], { dataDir });
    assertSucceeded(list);
    const events = (JSON.parse(list.stdout) as { events: Array<{ seq: number; actor: string; action: string; target: string }> }).events;
    assert.deepEqual(
      events.map((e) => [e.seq, e.action, e.target?.endsWith('default.yaml') ? 'policy' : e.target]),
      [
        [1, 'policy.first_use', 'policy'],
        [2, 'import.run', 'clients'],
        [3, 'user.create', 'kim'],
        [4, 'version.rollback', '0'],
      ],
    );
    assert.match(events[1]!.actor, /^cli:/);
    const out = path.join(dataDir, 'audit.json');
    assertSucceeded(await runCli(['audit', 'export', '--format', 'json', '--output', out], { dataDir }));
    const exported = JSON.parse(readFileSync(out, 'utf8')) as Array<{ seq: number; action: string }>;
    // The listing is a read of the audit trail, audited after it was taken (DESIGN section 7).
    assert.deepEqual(
      exported.map((e) => e.action),
      ['policy.first_use', 'import.run', 'user.create', 'version.rollback', 'data.read', 'audit.export'],
    );
    const read = (exported as unknown as Array<{ actor: string; action: string; target: string; details: Record<string, unknown> }>)[4]!;
    assert.match(read.actor, /^cli:/);
    assert.deepEqual([read.target, read.details], ['audit.list', { what: 'audit.list', via: 'cli audit list', filters: { limit: 50 }, datasetVersion: null }]);
  });

  test('verify passes, then names the event someone edited in the database file', async () => {
    const ok = await runCli(['audit', 'verify'], { dataDir });
    assertSucceeded(ok);
    assert.match(ok.stdout, /^Audit chain intact: 6 events, head 6 [0-9a-f]{64}; every dataset version, review decision and user change has its event$/m);
    const db = new Database(path.join(dataDir, 'moatmetrics.db'));
    db.exec('DROP TRIGGER audit_events_no_update');
    db.prepare("UPDATE audit_events SET actor = 'someone-else' WHERE seq = 3").run();
    db.close();
    assertOneLineError(
      await runCli(['audit', 'verify'], { dataDir }),
      /^error: audit chain broken at event 3: event 3 was changed after it was written \(its hash does not match its content\) \(2 events before it verified\)$/,
    );
  });
});

for (const engine of engines) {
  test(`audit verify on ${engine}: an event whose details were overwritten with broken JSON is named, exit 1`, async () => {
    const t = await createTestContext(engine);
    try {
      for (let i = 1; i <= 3; i++) await appendAudit(t.database.kysely, { actor: 'ann', action: 'test.event', details: { i } });
      const db = t.database.kysely;
      if (engine === 'postgres') {
        await sql`ALTER TABLE audit_events DISABLE TRIGGER USER`.execute(db);
        await sql`UPDATE audit_events SET details_json = '{"i":2} trailing' WHERE seq = 2`.execute(db);
        await sql`ALTER TABLE audit_events ENABLE TRIGGER USER`.execute(db);
      } else {
        await sql`DROP TRIGGER audit_events_no_update`.execute(db);
        await sql`UPDATE audit_events SET details_json = '{"i":2} trailing' WHERE seq = 2`.execute(db);
      }
      const database = t.config.database.url ? ['--database-url', t.config.database.url] : [];
      const result = await runCli([...database, 'audit', 'verify'], { dataDir: t.config.data_dir });
      const named = 'audit chain broken at event 2: event 2 was changed after it was written (its details are not valid JSON)';
      assertOneLineError(result, `error: ${named} (1 events before it verified)`);
    } finally {
      await t.cleanup();
    }
  });
}
