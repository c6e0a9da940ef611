import type BetterSqlite3 from 'better-sqlite3';

/**
 * Secondary indexes of a SQLite table, set aside for a bulk load and built again after it.
 *
 * Inserting a million rows in file order into an index keyed by (client, date, …) touches
 * its pages at random; building the index afterwards sorts once. Only non-unique indexes
 * with stored DDL are set aside: the primary key and UNIQUE constraints (SQLite's automatic
 * indexes, which have none) stay, because the import's duplicate checks rely on them.
 */

/** Drops the table's non-unique secondary indexes and returns the DDL that recreates them. */
export function dropSecondaryIndexes(connection: BetterSqlite3.Database, table: string): string[] {
  const indexes = connection
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name")
    .all(table) as Array<{ name: string; sql: string }>;
  const deferred = indexes.filter((index) => !/^\s*CREATE\s+UNIQUE\b/i.test(index.sql));
  for (const index of deferred) connection.exec(`DROP INDEX "${index.name.replaceAll('"', '""')}"`);
  return deferred.map((index) => index.sql);
}

/** Builds indexes from their stored DDL. */
export function createIndexes(connection: BetterSqlite3.Database, ddl: readonly string[]): void {
  for (const statement of ddl) connection.exec(statement);
}

/** Whether the table holds no row (a first load). */
export function isTableEmpty(connection: BetterSqlite3.Database, table: string): boolean {
  return connection.prepare(`SELECT 1 FROM "${table.replaceAll('"', '""')}" LIMIT 1`).get() === undefined;
}
