import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { Config } from '../config/schema.js';
import { MmError } from '../errors.js';
import { migrationProvider } from './migrations/index.js';
import { SqlitePoolDialect } from './sqlite-pool-dialect.js';
import type { DatabaseSchema } from './schema.js';

let pgModule: Promise<typeof pg> | null = null;

/** The PostgreSQL driver, loaded only for a postgres:// URL: the SQLite default never needs it (CLI start-up). */
function loadPg(): Promise<typeof pg> {
  pgModule ??= import('pg').then(({ default: loaded }) => {
    // PostgreSQL returns int8 (our cents and counts) as strings; every value we store fits in 2^53.
    loaded.types.setTypeParser(20, (value: string) => Number(value));
    // numeric (sums of bigints) likewise.
    loaded.types.setTypeParser(1700, (value: string) => Number(value));
    return loaded;
  });
  return pgModule;
}

export type DialectName = 'sqlite' | 'postgres';

/** Where the database lives, resolved from config; enough to open a second connection. */
export type DatabaseTarget = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string; poolSize: number };

export interface Database {
  kysely: Kysely<DatabaseSchema>;
  target: DatabaseTarget;
  /** The PostgreSQL pool (bulk COPY needs a raw client); null on SQLite. */
  pgPool: pg.Pool | null;
  close(): Promise<void>;
}

export function resolveDatabaseTarget(config: Config): DatabaseTarget {
  const url = config.database.url;
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', url, poolSize: config.database.pool_size };
  if (url.startsWith('sqlite:')) return { dialect: 'sqlite', file: path.resolve(config.data_dir, url.slice('sqlite:'.length)) };
  return { dialect: 'sqlite', file: path.join(config.data_dir, 'moatmetrics.db') };
}

/**
 * Opens a better-sqlite3 connection with the settings every connection of ours needs.
 * The busy timeout is 0: a connection that finds the write lock taken gets SQLITE_BUSY at
 * once and the caller waits asynchronously (`sqlite-write-lock.ts`); SQLite's own timeout
 * would sleep inside the call and freeze the server while a CLI import writes.
 * A new database file is created readable by its owner only (it holds password hashes);
 * SQLite gives the -wal and -shm files the same mode.
 */
export function openSqliteConnection(file: string): BetterSqlite3.Database {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const existed = existsSync(file);
  const connection = new BetterSqlite3(file);
  if (!existed) chmodSync(file, 0o600);
  connection.pragma('busy_timeout = 0');
  connection.pragma('journal_mode = WAL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('synchronous = NORMAL');
  return connection;
}

/** Opens the configured database and brings its schema up to date. */
/**
 * Connects to the configured database and (unless `migrate: false`) brings its schema up to
 * date. The metric layer's `openDatabase` (metrics/rollups/open-database.ts) adds the rollups
 * every reader expects: use that one unless you are below the metric layer.
 */
export async function connectDatabase(config: Config, options: { migrate?: boolean } = {}): Promise<Database> {
  const target = resolveDatabaseTarget(config);
  let kysely: Kysely<DatabaseSchema>;
  let pgPool: pg.Pool | null = null;
  if (target.dialect === 'sqlite') {
    const file = target.file;
    kysely = new Kysely<DatabaseSchema>({
      dialect: new SqlitePoolDialect({ file, open: () => openSqliteConnection(file), busyTimeoutMs: config.database.busy_timeout_ms }),
    });
  } else {
    const { Pool } = await loadPg();
    pgPool = new Pool({ connectionString: withDefaultUser(target.url), max: target.poolSize });
    // An idle client losing its connection must not crash the process.
    pgPool.on('error', () => undefined);
    try {
      const client = await pgPool.connect();
      client.release();
    } catch (error) {
      await pgPool.end();
      throw new MmError('MM_DATABASE_UNAVAILABLE', `cannot connect to PostgreSQL at ${redactUrl(target.url)}: ${(error as Error).message}`);
    }
    kysely = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool: pgPool }) });
  }
  const database: Database = {
    kysely,
    target,
    pgPool,
    close: () => kysely.destroy(),
  };
  if (options.migrate !== false) await migrateToLatest(database);
  return database;
}

export async function migrateToLatest(database: Database): Promise<void> {
  const migrator = new Migrator({ db: database.kysely, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MmError('MM_DATABASE_UNAVAILABLE', `database migration ${failed} failed: ${(error as Error).message}`);
  }
}

/** Like libpq: a URL without a user name connects as the operating-system user. */
function withDefaultUser(url: string): string {
  const parsed = new URL(url);
  if (parsed.username || process.env.PGUSER) return url;
  parsed.username = process.env.USER ?? os.userInfo().username;
  return parsed.toString();
}

/** Hides the password in a connection URL before it reaches a log or an error. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
