import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Config } from '../config/schema.js';
import { isMmError, MmError } from '../errors.js';
import { appendAudit } from '../governance/audit-log.js';
import { openDatabase } from '../metrics/rollups/open-database.js';
import { redactUrl, resolveDatabaseTarget, type DatabaseTarget, type DialectName } from '../storage/database.js';
import { migrationProvider } from '../storage/migrations/index.js';
import { readBackupHeader, readBackupPayload, writeFully } from './backup-format.js';
import { describePgToolFailure, runPgTool } from './pg-tools.js';
import { listAppliedMigrations, listSqliteMigrations, listSqliteTables, sqliteIntegrityProblems } from './restore-repository.js';

export interface RestoreOptions {
  file: string;
  /** Required for an encrypted backup, refused for a plain one. */
  passphrase: string | null;
  actor: string;
}

export interface RestoreResult {
  file: string;
  engine: DialectName;
  encrypted: boolean;
  /** The database that was replaced (SQLite file, or PostgreSQL URL without password). */
  replaced: string;
}

/** Tables every MoatMetrics database has had since migration 0001; a backup without them is not ours. */
const requiredTables = ['clients', 'staff', 'invoices', 'time_logs', 'licenses', 'dataset_versions', 'imports', 'kysely_migration'];

const engineNames: Record<DialectName, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

/** "the SQLite database /data/moatmetrics.db", for messages about what a restore replaces. */
export function describeDatabaseTarget(target: DatabaseTarget): string {
  return target.dialect === 'sqlite' ? `the SQLite database ${target.file}` : `the PostgreSQL database ${redactUrl(target.url)}`;
}

/**
 * Replaces the configured database with the contents of a backup, but only after the
 * backup has been checked in full: it is decrypted (or read) into a temporary file, which
 * must pass the GCM tag or checksum, be for this engine, be a sound database holding the
 * MoatMetrics tables (SQLite: `PRAGMA integrity_check`; PostgreSQL: `pg_restore --list`),
 * and come from this MoatMetrics version or an older one. Any failure up to there is an
 * MM_RESTORE_REFUSED and the database is untouched.
 *
 * Then: SQLite renames the checked file over the database file (one atomic step; the old
 * `-wal`/`-shm` are removed first so they cannot be replayed into it). PostgreSQL runs
 * `pg_restore --clean --if-exists --single-transaction`, so a failure leaves the old
 * contents. Afterwards the database is migrated to this version and the restore is
 * appended to the restored audit trail, which continues the backup's hash chain.
 *
 * The server must be stopped: a running server keeps the old SQLite file open, and holds
 * PostgreSQL connections that `pg_restore --clean` would wait for.
 */
export async function restoreBackup(config: Config, options: RestoreOptions): Promise<RestoreResult> {
  const target = resolveDatabaseTarget(config);
  const file = path.resolve(options.file);
  let result: RestoreResult;
  try {
    const { header } = await readBackupHeader(file);
    if (header.engine !== target.dialect) {
      throw new MmError(
        'MM_RESTORE_REFUSED',
        `${file} is a ${engineNames[header.engine]} backup, but the configured database is ${engineNames[target.dialect]}`,
      );
    }
    if (target.dialect === 'sqlite') await restoreSqlite(target.file, file, options.passphrase);
    else await restorePostgres(config, target.url, file, options.passphrase);
    result = { file, engine: header.engine, encrypted: header.encrypted, replaced: describeDatabaseTarget(target) };
  } catch (error) {
    await recordRefusal(config, target, file, options.actor, error);
    throw error;
  }
  const database = await openDatabase(config);
  try {
    await appendAudit(database.kysely, {
      actor: options.actor,
      action: 'backup.restore',
      target: file,
      details: { engine: result.engine, encrypted: result.encrypted },
    });
  } finally {
    await database.close();
  }
  return result;
}

/** Puts a refused restore on the current database's audit trail (repeated wrong passphrases are worth seeing). */
async function recordRefusal(config: Config, target: DatabaseTarget, file: string, actor: string, error: unknown): Promise<void> {
  if (!isMmError(error) || (target.dialect === 'sqlite' && !existsSync(target.file))) return;
  try {
    const database = await openDatabase(config);
    try {
      await appendAudit(database.kysely, {
        actor,
        action: 'backup.restore',
        target: file,
        outcome: 'failure',
        details: { code: error.code, message: error.message },
      });
    } finally {
      await database.close();
    }
  } catch {
    // The refusal itself is what the user must see.
  }
}

/** Decrypts or copies the payload into `temp` (created, mode 600); removes it again if the payload does not check out. */
async function extractPayload(file: string, passphrase: string | null, temp: string): Promise<void> {
  await mkdir(path.dirname(temp), { recursive: true });
  const handle = await open(temp, 'wx', 0o600);
  try {
    await readBackupPayload(file, passphrase, (chunk) => writeFully(handle, chunk));
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
}

async function restoreSqlite(databaseFile: string, file: string, passphrase: string | null): Promise<void> {
  // Beside the database file, so the final rename is atomic (same file system).
  const temp = path.join(path.dirname(databaseFile), `.${path.basename(databaseFile)}.restore-${randomBytes(4).toString('hex')}`);
  await extractPayload(file, passphrase, temp);
  try {
    await checkSqliteDatabase(temp, file);
    for (const suffix of ['-wal', '-shm', '-journal']) await rm(`${databaseFile}${suffix}`, { force: true });
    await rename(temp, databaseFile).catch((error: Error) => {
      throw new MmError('MM_RESTORE_FAILED', `cannot replace ${databaseFile} with ${file}: ${error.message}`);
    });
  } finally {
    await rm(temp, { force: true });
    for (const suffix of ['-wal', '-shm', '-journal']) await rm(`${temp}${suffix}`, { force: true });
  }
}

async function checkSqliteDatabase(temp: string, file: string): Promise<void> {
  const { tables, migrations } = readSqliteFacts(temp, file);
  checkTables(tables, file);
  await checkMigrations(migrations, [], file);
}

/** Integrity check first: the table list of a damaged file is not worth reading. */
function readSqliteFacts(temp: string, file: string): { tables: Set<string>; migrations: string[] } {
  let connection: BetterSqlite3.Database;
  try {
    connection = new BetterSqlite3(temp, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new MmError('MM_RESTORE_REFUSED', `${file} does not hold a readable SQLite database: ${(error as Error).message}`);
  }
  try {
    const problems = sqliteIntegrityProblems(connection);
    if (problems[0] !== 'ok')
      throw new MmError('MM_RESTORE_REFUSED', `${file}: the database in it fails SQLite's integrity check: ${problems[0] ?? 'no answer'}`);
    const tables = listSqliteTables(connection);
    const migrations = tables.has('kysely_migration') ? listSqliteMigrations(connection) : [];
    return { tables, migrations };
  } catch (error) {
    if (isMmError(error)) throw error;
    throw new MmError('MM_RESTORE_REFUSED', `${file}: the database in it cannot be read: ${(error as Error).message}`);
  } finally {
    connection.close();
  }
}

function checkTables(tables: ReadonlySet<string>, file: string): void {
  const missing = requiredTables.filter((name) => !tables.has(name));
  if (missing.length > 0) throw new MmError('MM_RESTORE_REFUSED', `${file} is not a MoatMetrics database backup (tables missing: ${missing.join(', ')})`);
}

/**
 * A backup from a newer MoatMetrics would leave a database this version cannot migrate.
 * On PostgreSQL the reverse is refused too: `pg_restore --clean` drops only what the
 * archive holds, so tables of migrations newer than the backup would stay behind and the
 * next start could not create them again.
 */
async function checkMigrations(inBackup: string[], inDatabase: string[], file: string): Promise<void> {
  const known = new Set(Object.keys(await migrationProvider.getMigrations()));
  const unknown = inBackup.filter((name) => !known.has(name));
  if (unknown.length > 0)
    throw new MmError('MM_RESTORE_REFUSED', `${file} was made by a newer MoatMetrics (migration ${unknown[0]} is unknown here); upgrade first`);
  const backupSet = new Set(inBackup);
  const newer = inDatabase.filter((name) => !backupSet.has(name));
  if (newer.length > 0) {
    throw new MmError(
      'MM_RESTORE_REFUSED',
      `${file} is older than the database's schema (it lacks migration ${newer[0]}); restore it into an empty database (drop and create the database first)`,
    );
  }
}

async function restorePostgres(config: Config, url: string, file: string, passphrase: string | null): Promise<void> {
  const tmpDir = path.join(config.data_dir, 'tmp');
  const temp = path.join(tmpDir, `restore-${randomBytes(6).toString('hex')}.dump`);
  await extractPayload(file, passphrase, temp);
  try {
    const listing = await runPgTool('pg_restore', ['--list', temp], null);
    if (listing.exit.code !== 0)
      throw new MmError('MM_RESTORE_REFUSED', `${file} does not hold a readable pg_dump archive: ${describePgToolFailure('pg_restore', listing.exit, null)}`);
    checkTables(archiveTables(listing.stdout), file);
    await checkMigrations(await archiveMigrations(temp, file), await currentPostgresMigrations(config), file);

    const restore = await runPgTool('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', temp], url);
    if (restore.exit.code !== 0) {
      throw new MmError('MM_RESTORE_FAILED', `restoring ${file} failed and was rolled back: ${describePgToolFailure('pg_restore', restore.exit, url)}`);
    }
  } finally {
    await rm(temp, { force: true });
  }
}

/** Table names from `pg_restore --list` lines such as `215; 1259 16386 TABLE public clients mm`. */
function archiveTables(listing: string): Set<string> {
  const tables = new Set<string>();
  for (const match of listing.matchAll(/^\d+; \d+ \d+ TABLE \S+ (\S+) /gm)) tables.add(match[1]!);
  return tables;
}

/** The migration names in the archive's kysely_migration table (its COPY data, one row a line). */
async function archiveMigrations(archive: string, file: string): Promise<string[]> {
  const data = await runPgTool('pg_restore', ['--data-only', '--table=kysely_migration', '--file=-', archive], null);
  if (data.exit.code !== 0) throw new MmError('MM_RESTORE_REFUSED', `${file}: ${describePgToolFailure('pg_restore', data.exit, null)}`);
  const lines = data.stdout.split('\n');
  const start = lines.findIndex((line) => /^COPY \S*kysely_migration /.test(line));
  if (start < 0) return [];
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line === '\\.') break;
    names.push(line.split('\t')[0]!);
  }
  return names;
}

/** Migrations applied to the configured PostgreSQL database; none when it has never been migrated. */
async function currentPostgresMigrations(config: Config): Promise<string[]> {
  const database = await openDatabase(config, { migrate: false });
  try {
    return await listAppliedMigrations(database.kysely);
  } finally {
    await database.close();
  }
}
