import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Config } from '../config/schema.js';
import { isMmError, MmError } from '../errors.js';
import { appendAudit } from '../governance/audit-log.js';
import type { Database } from '../storage/database.js';
import { BackupWriter } from './backup-format.js';
import { recordBackup, vacuumInto, type BackupRecord } from './backups-repository.js';
import { describePgToolFailure, startPgTool } from './pg-tools.js';

/** Shorter passphrases are refused: the backup may sit on a share that others can copy. */
export const MIN_PASSPHRASE_LENGTH = 12;

export interface CreateBackupOptions {
  /** Where to write the backup; must not exist yet. */
  file: string;
  /** Encrypts the backup (AES-256-GCM, key from scrypt) when given. */
  passphrase: string | null;
  actor: string;
}

/**
 * Writes a backup of the configured database to `options.file` (format: backup-format.ts),
 * records it in the `backups` table and the audit trail, and returns the record. Safe while
 * the server runs and writes:
 *
 * - SQLite: `VACUUM INTO` on a separate read-only connection copies one read transaction's
 *   snapshot, so writes committed during the copy are either wholly in it or wholly not.
 *   (The online backup API would restart whenever another connection writes, and might
 *   never finish under a steady import.) The copy lands in `<data_dir>/tmp/`, where the
 *   plain data already lives, so an encrypted backup never leaves plaintext beside it.
 * - PostgreSQL: `pg_dump --format=custom` runs in one repeatable-read transaction and its
 *   output streams straight through the cipher into the file.
 *
 * The file appears under its name only when complete (written as `<file>.partial-…`,
 * flushed, then renamed); a failure removes the partial file.
 */
export async function createBackup(database: Database, config: Config, options: CreateBackupOptions): Promise<BackupRecord> {
  const file = path.resolve(options.file);
  try {
    checkDestination(file);
    if (options.passphrase !== null && options.passphrase.length < MIN_PASSPHRASE_LENGTH) {
      throw new MmError('MM_USAGE', `the backup passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters long`);
    }
    const written = await writeBackupFile(database, config, file, options.passphrase);
    const record: BackupRecord = {
      id: randomUUID(),
      createdAt: new Date().toISOString(),
      createdBy: options.actor,
      file,
      bytes: written.bytes,
      sha256: written.sha256,
      encrypted: options.passphrase !== null,
      engine: database.target.dialect,
    };
    await recordBackup(database.kysely, record);
    await appendAudit(database.kysely, {
      actor: options.actor,
      action: 'backup.create',
      target: file,
      details: { id: record.id, bytes: record.bytes, sha256: record.sha256, encrypted: record.encrypted, engine: record.engine },
    });
    return record;
  } catch (error) {
    const failure = isMmError(error) ? error : new MmError('MM_BACKUP_FAILED', `cannot write backup ${file}: ${(error as Error).message}`);
    // The failure is what the user must see; a database too broken to record it has failed the backup too.
    await appendAudit(database.kysely, {
      actor: options.actor,
      action: 'backup.create',
      target: file,
      outcome: 'failure',
      details: { code: failure.code, message: failure.message },
    }).catch(() => undefined);
    throw failure;
  }
}

function checkDestination(file: string): void {
  if (existsSync(file)) throw new MmError('MM_BACKUP_FAILED', `${file} already exists; choose a new file name (e.g. with the date in it)`);
  const dir = path.dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new MmError('MM_BACKUP_FAILED', `cannot write backup ${file}: directory ${dir} does not exist`);
}

async function writeBackupFile(database: Database, config: Config, file: string, passphrase: string | null): Promise<{ bytes: number; sha256: string }> {
  const partial = `${file}.partial-${randomBytes(4).toString('hex')}`;
  const writer = await BackupWriter.create(partial, database.target.dialect, passphrase);
  try {
    if (database.target.dialect === 'sqlite') await copySqlite(database.target.file, config, writer);
    else await copyPostgres(database.target.url, file, writer);
    const written = await writer.finish();
    await rename(partial, file);
    return written;
  } catch (error) {
    await writer.abort();
    await rm(partial, { force: true });
    throw error;
  }
}

async function copySqlite(databaseFile: string, config: Config, writer: BackupWriter): Promise<void> {
  const tmpDir = path.join(config.data_dir, 'tmp');
  await mkdir(tmpDir, { recursive: true });
  const snapshot = path.join(tmpDir, `backup-${randomBytes(6).toString('hex')}.db`);
  try {
    const connection = new BetterSqlite3(databaseFile, { readonly: true, fileMustExist: true });
    try {
      connection.pragma('busy_timeout = 30000');
      vacuumInto(connection, snapshot);
    } finally {
      connection.close();
    }
    for await (const chunk of createReadStream(snapshot, { highWaterMark: 1024 * 1024 })) await writer.writePayload(chunk as Buffer);
  } finally {
    await rm(snapshot, { force: true });
  }
}

async function copyPostgres(url: string, file: string, writer: BackupWriter): Promise<void> {
  const dump = startPgTool('pg_dump', ['--format=custom'], url);
  try {
    for await (const chunk of dump.stdout) await writer.writePayload(chunk as Buffer);
  } catch (error) {
    dump.kill();
    await dump.exit;
    throw error;
  }
  const exit = await dump.exit;
  if (exit.code !== 0) throw new MmError('MM_BACKUP_FAILED', `cannot write backup ${file}: ${describePgToolFailure('pg_dump', exit, url)}`);
}
