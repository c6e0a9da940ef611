import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { listAudit, verifyAuditChain } from '../../src/governance/audit-log.js';
import { importFile } from '../../src/ingest/import-file.js';
import { HEADER_BYTES, readBackupHeader } from '../../src/operations/backup-format.js';
import { createBackup } from '../../src/operations/backup.js';
import { latestBackup, listBackups } from '../../src/operations/backups-repository.js';
import { restoreBackup } from '../../src/operations/restore.js';
import { openDatabase } from '../../src/metrics/rollups/open-database.js';
import { clientsCsvNamed, timeLogsCsv } from '../support/small-msp.js';
import { createTestContext, engines, snapshotTable, type TestContext } from '../support/test-database.js';

/** A name that appears nowhere but in the data, to look for in backup files. */
const secretClient = 'Quillfeather Orthodontics';
const passphrase = 'correct horse battery staple';
const clientsCsv = clientsCsvNamed(secretClient);

const dataTables = [
  ['clients', 'client_id'],
  ['staff', 'staff_key'],
  ['invoices', 'invoice_id'],
  ['time_logs', 'log_id'],
  ['licenses', 'license_id'],
  ['dataset_versions', 'number'],
] as const;

async function snapshotAll(t: TestContext): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {};
  for (const [table, key] of dataTables) snapshot[table] = await snapshotTable(t.database, table, key);
  return snapshot;
}

/** Restores into `t`'s database the way the CLI does: with nothing of ours holding it open. */
async function restoreInto(t: TestContext, file: string, secret: string | null): Promise<void> {
  await t.database.close();
  try {
    await restoreBackup(t.config, { file, passphrase: secret, actor: 'tester' });
  } finally {
    t.database = await openDatabase(t.config);
  }
}

/** A copy of `file` with the byte at `offset` changed (one bit flipped unless `value` is given). */
function flipByte(file: string, offset: number, value?: number): string {
  const bytes = readFileSync(file);
  bytes[offset] = value ?? bytes[offset]! ^ 0x01;
  const copy = `${file}.flipped-${offset}`;
  writeFileSync(copy, bytes);
  return copy;
}

for (const engine of engines) {
  describe(`backup and restore on ${engine}`, () => {
    let source: TestContext;
    let target: TestContext;
    let plainFile: string;
    let encryptedFile: string;
    let expected: Record<string, unknown[]>;

    before(async () => {
      source = await createTestContext(engine);
      target = await createTestContext(engine);
      for (const [dataset, csv] of [
        ['clients', clientsCsv],
        ['time_logs', timeLogsCsv],
      ] as const) {
        const report = await importFile(source.database, source.config, { dataset, file: source.file(`${dataset}.csv`, csv), actor: 'tester' });
        assert.equal(report.status, 'succeeded', report.message);
      }
      expected = await snapshotAll(source);
      plainFile = path.join(source.dir, 'plain.mmbk');
      encryptedFile = path.join(source.dir, 'encrypted.mmbk');
    });
    after(async () => {
      await source.cleanup();
      await target.cleanup();
    });

    test('a backup is written, recorded in the backups table and audited', async () => {
      const record = await createBackup(source.database, source.config, { file: plainFile, passphrase: null, actor: 'tester' });
      assert.equal(record.file, plainFile);
      assert.equal(record.encrypted, false);
      assert.equal(record.engine, engine);
      assert.equal(record.bytes, readFileSync(plainFile).length);
      assert.equal(statSync(plainFile).mode & 0o777, 0o600, 'only the owner may read a backup');
      const { header } = await readBackupHeader(plainFile);
      assert.deepEqual([header.engine, header.encrypted], [engine, false]);

      const encrypted = await createBackup(source.database, source.config, { file: encryptedFile, passphrase, actor: 'tester' });
      assert.equal(encrypted.encrypted, true);
      assert.deepEqual(await latestBackup(source.database.kysely), { createdAt: encrypted.createdAt, encrypted: true, file: encryptedFile });
      assert.equal((await listBackups(source.database.kysely)).length, 2);
      const { events } = await listAudit(source.database.kysely, { action: 'backup.create' });
      assert.deepEqual(
        events.map((e) => [e.target, e.outcome, e.details.encrypted]),
        [
          [plainFile, 'success', false],
          [encryptedFile, 'success', true],
        ],
      );
      assert.equal(events[1]!.details.sha256, encrypted.sha256);
      const tmpDir = path.join(source.config.data_dir, 'tmp');
      assert.deepEqual(existsSync(tmpDir) ? readdirSync(tmpDir) : [], [], 'the plain snapshot is removed');
      assert.deepEqual(
        readdirSync(source.dir).filter((name) => name.includes('.partial-')),
        [],
      );
    });

    test('a backup never overwrites an existing file, and a refused backup is audited', async () => {
      await assert.rejects(createBackup(source.database, source.config, { file: plainFile, passphrase: null, actor: 'tester' }), {
        code: 'MM_BACKUP_FAILED',
        message: /already exists/,
      });
      await assert.rejects(createBackup(source.database, source.config, { file: path.join(source.dir, 'short.mmbk'), passphrase: 'short', actor: 'tester' }), {
        code: 'MM_USAGE',
      });
      assert.equal(existsSync(path.join(source.dir, 'short.mmbk')), false);
      const failures = (await listAudit(source.database.kysely, { action: 'backup.create', outcome: 'failure' })).events;
      assert.equal(failures.length, 2);
    });

    test('the encrypted backup does not contain a client name in the clear', () => {
      assert.equal(readFileSync(encryptedFile).includes(secretClient), false);
      // The control: SQLite's plain backup is the database file, where the name is readable.
      if (engine === 'sqlite') assert.equal(readFileSync(plainFile).includes(secretClient), true);
    });

    test('a plain backup restores into a fresh database with identical rows and a continued audit trail', async () => {
      await restoreInto(target, plainFile, null);
      assert.deepEqual(await snapshotAll(target), expected);
      const chain = await verifyAuditChain(target.database.kysely);
      assert.equal(chain.ok, true, chain.problem ?? '');
      const { events } = await listAudit(target.database.kysely, { action: 'backup.' });
      assert.deepEqual(events.at(-1)!.action, 'backup.restore');
      assert.deepEqual(events.at(-1)!.details, { engine, encrypted: false });
    });

    test('a wrong passphrase is refused and the target is left untouched', async () => {
      const fresh = await createTestContext(engine);
      try {
        const before = await snapshotAll(fresh);
        await assert.rejects(restoreInto(fresh, encryptedFile, 'not the passphrase at all'), { code: 'MM_RESTORE_REFUSED', message: /wrong passphrase/ });
        await assert.rejects(restoreInto(fresh, encryptedFile, null), { code: 'MM_RESTORE_REFUSED', message: /is encrypted/ });
        await assert.rejects(restoreInto(fresh, plainFile, passphrase), { code: 'MM_RESTORE_REFUSED', message: /not encrypted/ });
        assert.deepEqual(await snapshotAll(fresh), before);
        const refusals = (await listAudit(fresh.database.kysely, { action: 'backup.restore', outcome: 'failure' })).events;
        assert.equal(refusals.length, 3);
      } finally {
        await fresh.cleanup();
      }
    });

    test('one flipped byte anywhere is refused and the target is left untouched', async () => {
      const fresh = await createTestContext(engine);
      try {
        const before = await snapshotAll(fresh);
        const size = readFileSync(encryptedFile).length;
        // A payload byte, the last byte of the GCM tag, and the scrypt salt in the header.
        for (const offset of [HEADER_BYTES + Math.floor((size - HEADER_BYTES) / 2), size - 1]) {
          await assert.rejects(restoreInto(fresh, flipByte(encryptedFile, offset), passphrase), { code: 'MM_RESTORE_REFUSED', message: /changed or damaged/ });
        }
        await assert.rejects(restoreInto(fresh, flipByte(encryptedFile, 10), passphrase), {
          code: 'MM_RESTORE_REFUSED',
          message: /wrong passphrase|changed or damaged/,
        });
        const plainSize = readFileSync(plainFile).length;
        await assert.rejects(restoreInto(fresh, flipByte(plainFile, HEADER_BYTES + Math.floor((plainSize - HEADER_BYTES) / 3)), null), {
          code: 'MM_RESTORE_REFUSED',
          message: /changed or damaged/,
        });
        // The engine byte is checked before anything else is read; an unknown value is a damaged header.
        await assert.rejects(restoreInto(fresh, flipByte(plainFile, 5, engine === 'sqlite' ? 2 : 1), null), {
          code: 'MM_RESTORE_REFUSED',
          message: engine === 'sqlite' ? /is a PostgreSQL backup/ : /is a SQLite backup/,
        });
        await assert.rejects(restoreInto(fresh, flipByte(plainFile, 5, 9), null), { code: 'MM_RESTORE_REFUSED', message: /header is damaged/ });
        assert.deepEqual(await snapshotAll(fresh), before);
        const leftovers = readdirSync(fresh.config.data_dir, { recursive: true }).filter((name) => /restore-/.test(String(name)));
        assert.deepEqual(leftovers, [], 'refused restores leave no decrypted temp files');
      } finally {
        await fresh.cleanup();
      }
    });

    test('a file that is not a backup is refused', async () => {
      const notBackup = source.file('not-a-backup.mmbk', clientsCsv);
      await assert.rejects(restoreInto(target, notBackup, null), { code: 'MM_RESTORE_REFUSED', message: /is not a MoatMetrics backup/ });
      await assert.rejects(restoreInto(target, path.join(source.dir, 'missing.mmbk'), null), { code: 'MM_FILE_NOT_FOUND' });
    });

    test('a backup from a newer MoatMetrics is refused', async () => {
      const newer = await createTestContext(engine);
      try {
        await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-from-the-future', '2099-01-01T00:00:00.000Z')`.execute(newer.database.kysely);
        const file = path.join(newer.dir, 'newer.mmbk');
        await createBackup(newer.database, newer.config, { file, passphrase: null, actor: 'tester' });
        await assert.rejects(restoreInto(target, file, null), {
          code: 'MM_RESTORE_REFUSED',
          message: /made by a newer MoatMetrics \(migration 9999-from-the-future is unknown here\)/,
        });
        assert.deepEqual(await snapshotAll(target), expected);
      } finally {
        await newer.cleanup();
      }
    });

    if (engine === 'postgres') {
      test('a backup older than the database schema is refused (pg_restore --clean would leave the newer tables behind)', async () => {
        const older = await createTestContext(engine);
        try {
          await sql`DELETE FROM kysely_migration WHERE name = '0008-retention-runs'`.execute(older.database.kysely);
          const file = path.join(older.dir, 'older.mmbk');
          await createBackup(older.database, older.config, { file, passphrase: null, actor: 'tester' });
          await assert.rejects(restoreInto(target, file, null), {
            code: 'MM_RESTORE_REFUSED',
            message: /older than the database's schema \(it lacks migration 0008-retention-runs\)/,
          });
          assert.deepEqual(await snapshotAll(target), expected);
        } finally {
          await older.cleanup();
        }
      });
    }

    test('the encrypted backup restores with the right passphrase', async () => {
      const fresh = await createTestContext(engine);
      try {
        await restoreInto(fresh, encryptedFile, passphrase);
        assert.deepEqual(await snapshotAll(fresh), expected);
        // The restored database knows the backups recorded before this one was taken.
        assert.equal((await latestBackup(fresh.database.kysely))?.file, plainFile);
        assert.equal((await verifyAuditChain(fresh.database.kysely)).ok, true);
      } finally {
        await fresh.cleanup();
      }
    });
  });
}
