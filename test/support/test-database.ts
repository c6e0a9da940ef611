import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { openDatabase } from '../../src/metrics/rollups/open-database.js';
import type { Database } from '../../src/storage/database.js';

/** The PostgreSQL server every test run has (see STACK.md); override with MOATMETRICS_TEST_PG. */
export const testPgAdminUrl = process.env.MOATMETRICS_TEST_PG ?? 'postgres://127.0.0.1:5432/postgres';

export type EngineName = 'sqlite' | 'postgres';
export const engines: EngineName[] = ['sqlite', 'postgres'];

export interface TestContext {
  engine: EngineName;
  dir: string;
  config: Config;
  database: Database;
  /** Writes a file into the scratch dir and returns its path. */
  file(name: string, content: string | Buffer): string;
  /** Reopens the database (e.g. after a child process wrote to it). */
  reopen(): Promise<void>;
  cleanup(): Promise<void>;
}

function adminClient(): pg.Client {
  const url = new URL(testPgAdminUrl);
  if (!url.username) url.username = process.env.USER ?? os.userInfo().username;
  return new pg.Client({ connectionString: url.toString() });
}

/** A scratch data dir and a fresh database on the given engine, migrated. */
export async function createTestContext(engine: EngineName, configOverrides: Record<string, unknown> = {}): Promise<TestContext> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mm-test-'));
  let dbName: string | null = null;
  let url = '';
  if (engine === 'postgres') {
    dbName = `mm_test_${randomBytes(6).toString('hex')}`;
    const admin = adminClient();
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const target = new URL(testPgAdminUrl);
    target.pathname = `/${dbName}`;
    url = target.toString();
  }
  const { config } = loadConfig({ env: {}, cwd: dir, overrides: { data_dir: path.join(dir, 'data'), 'database.url': url, ...configOverrides } });
  const context: TestContext = {
    engine,
    dir,
    config,
    database: await openDatabase(config),
    file(name, content) {
      const target = path.join(dir, name);
      writeFileSync(target, content);
      return target;
    },
    async reopen() {
      await context.database.close();
      context.database = await openDatabase(config);
    },
    async cleanup() {
      await context.database.close();
      if (dbName) {
        const admin = adminClient();
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await admin.end();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return context;
}

/** Every row of a table, ordered by its key: for "nothing changed" comparisons. */
export async function snapshotTable(
  database: Database,
  table: 'clients' | 'staff' | 'invoices' | 'time_logs' | 'licenses' | 'dataset_versions',
  key: string,
): Promise<unknown[]> {
  const dynamic = database.kysely as unknown as import('kysely').Kysely<Record<string, Record<string, unknown>>>;
  return dynamic.selectFrom(table).selectAll().orderBy(key).execute();
}
