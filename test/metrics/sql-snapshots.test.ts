import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { QueryPlan } from '../../src/metrics/query-plan.js';
import { invoiceFactsQuery } from '../../src/metrics/sources/invoice-facts.js';
import { licenseCostQuery, licenseSeatsQuery } from '../../src/metrics/sources/license-facts.js';
import type { SourceContext } from '../../src/metrics/sources/source-context.js';
import { timeLogFactsQuery } from '../../src/metrics/sources/time-log-facts.js';
import type { DatabaseSchema } from '../../src/storage/schema.js';

/**
 * The metric layer's SQL is the product: this test keeps what it generates for a few plans
 * in test/metrics/sql-snapshots.json, so every change to it shows up in review.
 * After an intended change: UPDATE_SQL_SNAPSHOTS=1 node --import tsx --test test/metrics/sql-snapshots.test.ts
 */
const snapshotFile = new URL('./sql-snapshots.json', import.meta.url);

const engines = {
  sqlite: new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) }),
  // Never connects: compile() only needs the dialect.
  postgres: new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool: new pg.Pool({ max: 1 }) }) }),
};

const cases: Array<{
  name: string;
  groupBy: QueryPlan['groupBy'];
  filters: QueryPlan['filters'];
  query: (c: SourceContext) => { compile(): { sql: string; parameters: readonly unknown[] } };
}> = [
  { name: 'invoices by client', groupBy: ['client'], filters: {}, query: invoiceFactsQuery },
  { name: 'invoices by month, one industry', groupBy: ['month'], filters: { industries: ['Legal'] }, query: invoiceFactsQuery },
  { name: 'time logs by staff and quarter', groupBy: ['staff', 'quarter'], filters: { staff: ['Ann'] }, query: timeLogFactsQuery },
  { name: 'license cost by client', groupBy: ['client'], filters: {}, query: licenseCostQuery },
  { name: 'license seats by vendor, two clients', groupBy: ['vendor'], filters: { clients: ['C1', 'C2'] }, query: licenseSeatsQuery },
];

test('generated metric SQL matches the reviewed snapshots on SQLite and PostgreSQL', async () => {
  const actual: Record<string, { sql: string; parameters: readonly unknown[] }> = {};
  for (const [engine, db] of Object.entries(engines)) {
    for (const c of cases) {
      const context: SourceContext = {
        db,
        period: { from: '2025-01-15', to: '2025-03-02' },
        filters: c.filters,
        groupBy: c.groupBy,
        defaultCostRateCents: 4500,
      };
      const compiled = c.query(context).compile();
      actual[`${engine}: ${c.name}`] = { sql: compiled.sql.replace(/\s+/g, ' ').trim(), parameters: compiled.parameters };
    }
  }
  await engines.postgres.destroy();
  await engines.sqlite.destroy();
  if (process.env.UPDATE_SQL_SNAPSHOTS || !existsSync(snapshotFile)) {
    writeFileSync(snapshotFile, `${JSON.stringify(actual, null, 2)}\n`);
  }
  const expected = JSON.parse(readFileSync(snapshotFile, 'utf8')) as typeof actual;
  assert.deepEqual(actual, expected);
  // Values are bound, never spliced into the SQL text.
  for (const { sql } of Object.values(actual)) assert.ok(!sql.includes('Legal') && !sql.includes("'C1'"), sql);
});
