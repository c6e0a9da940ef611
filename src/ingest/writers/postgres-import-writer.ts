import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Kysely, PostgresDialect } from 'kysely';
import { appendAuditInOpenTransaction } from '../../governance/audit-log.js';
import type pg from 'pg';
import { MmError } from '../../errors.js';
import { importLockId } from '../../storage/advisory-locks.js';
import { from as copyFrom } from 'pg-copy-streams';
import { addStagedRowsToRollups, feedsRollups, refreshLaborAfterStaffImport, type RunSql } from '../../metrics/rollups/maintain-rollups.js';
import type { DatabaseSchema } from '../../storage/schema.js';
import { recordClientNameSightings } from '../client-aliases-repository.js';
import type { DatasetDefinition } from '../datasets/dataset-definition.js';
import {
  duplicateReason,
  type BeginOptions,
  type CommitRecords,
  type ImportWriter,
  type StagedRow,
  type WriteCounts,
  type WriteRejection,
} from './import-writer.js';

/**
 * PostgreSQL: rows stream through COPY into a temporary staging table (≈ 5× faster than
 * INSERT here), then a handful of set-based statements derive occurrence keys, find
 * duplicates, record undo entries and upsert, all inside the import's transaction.
 */
export class PostgresImportWriter implements ImportWriter {
  private client: pg.PoolClient | null = null;
  private copy: Writable | null = null;
  private version = 0;
  private copyError: Error | null = null;
  private derivedRows = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly dataset: DatasetDefinition,
    private readonly kysely: Kysely<DatabaseSchema>,
  ) {}

  async begin(options: BeginOptions): Promise<number> {
    const client = await this.pool.connect();
    this.client = client;
    const { name, keyColumn, columns } = this.dataset;
    await client.query('BEGIN');
    // Named so that an import waiting for this one can say who holds the lock.
    await client.query("SELECT set_config('application_name', $1, true)", [`moatmetrics: ${options.activity} by ${options.actor}`.slice(0, 63)]);
    const { rows: free } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [importLockId]);
    if (!free[0]!.ok) {
      options.onWait?.(await this.describeLockHolder(client));
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(options.waitMs))}`);
      try {
        await client.query('SELECT pg_advisory_xact_lock($1)', [importLockId]);
      } catch (error) {
        if ((error as { code?: string }).code !== '55P03') throw error;
        throw new MmError('MM_DATABASE_BUSY', `the database is busy: another import is still running; gave up after ${Math.round(options.waitMs / 1000)} s`);
      }
      await client.query('SET LOCAL lock_timeout = 0');
    }
    const { rows } = await client.query<{ n: number }>('SELECT COALESCE(MAX(number), 0) + 1 AS n FROM dataset_versions');
    this.version = Number(rows[0]!.n);
    await client.query(`CREATE TEMP TABLE import_stage (LIKE ${name}) ON COMMIT DROP`);
    await client.query(`ALTER TABLE import_stage ALTER COLUMN ${keyColumn} DROP NOT NULL, ADD COLUMN base_key text`);
    const copyColumns = [...columns, 'version_number', 'source_line', 'base_key'];
    const copy = client.query(copyFrom(`COPY import_stage (${copyColumns.join(', ')}) FROM STDIN`));
    // Keep the failure for the next write/flush instead of letting it escape as an unhandled event.
    copy.on('error', (error: Error) => (this.copyError ??= error));
    this.copy = copy;
    return this.version;
  }

  async write(rows: StagedRow[]): Promise<WriteRejection[]> {
    if (this.copyError) throw this.copyError;
    const copy = this.copy!;
    let text = '';
    for (const row of rows) {
      if (row.baseKey !== null) this.derivedRows += 1;
      text += row.values.map(copyField).join('\t') + `\t${this.version}\t${row.line}\t${copyField(row.baseKey)}\n`;
    }
    if (!copy.write(text)) await once(copy, 'drain');
    return [];
  }

  async flush(): Promise<{ rejections: WriteRejection[]; counts: WriteCounts }> {
    const client = this.client!;
    const copy = this.copy!;
    copy.end();
    await once(copy, 'finish');
    this.copy = null;
    const { name, keyColumn: key, columns } = this.dataset;
    const rejections: WriteRejection[] = [];

    // Rows without an id: <content hash>:<occurrence>, numbered in file order.
    if (this.derivedRows > 0)
      await client.query(`
      UPDATE import_stage s SET ${key} = s.base_key || ':' || d.n
      FROM (SELECT source_line, row_number() OVER (PARTITION BY base_key ORDER BY source_line) AS n
            FROM import_stage WHERE base_key IS NOT NULL) d
      WHERE s.source_line = d.source_line AND s.base_key IS NOT NULL`);
    await client.query(`CREATE INDEX ON import_stage (${key})`);
    await client.query('ANALYZE import_stage');

    const duplicates = await client.query<{ k: string; line: number; first: number }>(`
      SELECT k, line, first FROM (
        SELECT ${key} AS k, source_line AS line, MIN(source_line) OVER (PARTITION BY ${key}) AS first FROM import_stage
      ) x WHERE line <> first ORDER BY line`);
    for (const d of duplicates.rows) {
      rejections.push({ line: d.line, field: key, value: d.k, reason: duplicateReason(this.dataset, d.k, d.first) });
    }
    if (name === 'clients') rejections.push(...(await this.clientNameConflicts(client)));
    if (rejections.length > 0) {
      await client.query('DELETE FROM import_stage WHERE source_line = ANY($1::int[])', [rejections.map((r) => r.line)]);
    }

    const rest = columns.slice(1);
    const differs = `(${rest.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${rest.map((c) => `s.${c}`).join(', ')})`;
    const counted = await client.query<{ added: number; updated: number; unchanged: number }>(`
      SELECT COUNT(*) FILTER (WHERE t.${key} IS NULL)::int AS added,
             COUNT(*) FILTER (WHERE t.${key} IS NOT NULL AND ${differs})::int AS updated,
             COUNT(*) FILTER (WHERE t.${key} IS NOT NULL AND NOT (${differs}))::int AS unchanged
      FROM import_stage s LEFT JOIN ${name} t ON t.${key} = s.${key}`);
    await client.query(
      `INSERT INTO row_undo (version_number, dataset, row_key, prior_json)
       SELECT $1, $2, t.${key}, row_to_json(t)::text FROM ${name} t JOIN import_stage s ON s.${key} = t.${key} WHERE ${differs}`,
      [this.version, name],
    );
    const all = [...columns, 'version_number', 'source_line'];
    await client.query(`
      INSERT INTO ${name} AS t (${all.join(', ')}) SELECT ${all.join(', ')} FROM import_stage
      ON CONFLICT (${key}) DO UPDATE SET ${[...rest, 'version_number', 'source_line'].map((c) => `${c} = excluded.${c}`).join(', ')}
      WHERE (${rest.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${rest.map((c) => `excluded.${c}`).join(', ')})`);
    const row = counted.rows[0]!;
    return { rejections, counts: { added: row.added, updated: row.updated, unchanged: row.unchanged } };
  }

  /** Client names are unique ignoring case: within the file and against other client ids. */
  private async clientNameConflicts(client: pg.PoolClient): Promise<WriteRejection[]> {
    const { rows } = await client.query<{ line: number; client_name: string; first: number; other: string | null }>(`
      SELECT s.source_line AS line, s.client_name, f.first, c.client_id AS other
      FROM import_stage s
      JOIN (SELECT client_name_key, MIN(source_line) AS first FROM import_stage GROUP BY client_name_key) f USING (client_name_key)
      LEFT JOIN clients c ON c.client_name_key = s.client_name_key AND c.client_id <> s.client_id
        AND NOT EXISTS (SELECT 1 FROM import_stage r WHERE r.client_id = c.client_id)
      WHERE s.source_line <> f.first OR c.client_id IS NOT NULL
      ORDER BY s.source_line`);
    return rows.map((r) => ({
      line: r.line,
      field: 'client_name',
      value: r.client_name,
      reason: `client name '${r.client_name}' ${r.line !== r.first ? `already on line ${r.first} of this file` : `already belongs to client ${r.other}`} (names are unique, ignoring case)`,
    }));
  }

  /** "another import is running (moatmetrics: an import of … by ana, since …)" from the server's own view. */
  private async describeLockHolder(client: pg.PoolClient): Promise<string> {
    const { rows } = await client.query<{ application_name: string; xact_start: Date | null }>(
      `SELECT a.application_name, a.xact_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1 LIMIT 1`,
      [importLockId],
    );
    const holder = rows[0];
    if (!holder) return 'another import is running';
    const what = holder.application_name.replace(/^moatmetrics: /, '') || 'another import';
    return `another import is running (${what}, started at ${holder.xact_start?.toISOString() ?? 'an unknown time'})`;
  }

  async commit(records: CommitRecords): Promise<void> {
    const client = this.client!;
    if (records.refreshRollups) {
      const run: RunSql = async (query) => (await client.query<Record<string, unknown>>(query.sql, [...query.parameters])).rows;
      const name = this.dataset.name;
      if (name === 'staff') await refreshLaborAfterStaffImport(this.kysely, run);
      // The staging table still holds the keys of every row the merge wrote (rejected ones were deleted from it).
      else if (name === 'time_logs' || name === 'invoices')
        await addStagedRowsToRollups(this.kysely, run, name, { version: this.version, stageTable: 'import_stage' });
    }
    if (records.version) await this.run(this.kysely.insertInto('dataset_versions').values(records.version).compile());
    await this.run(this.kysely.insertInto('imports').values(records.importRecord).compile());
    const open = kyselyOnClient(client);
    const { id: importId, created_by: actor, finished_at: at } = records.importRecord;
    await recordClientNameSightings(open, records.clientNames, { importId, actor, at });
    // The event rides in the import's own transaction: no committed import without it.
    await appendAuditInOpenTransaction(open, records.audit);
    await client.query('COMMIT');
    // Fresh planner statistics: without them PostgreSQL guesses a few hundred rows for a
    // table that just received a million and picks sort-based plans (measured 1.6 s vs 0.4 s).
    await client.query(`ANALYZE ${this.dataset.name}`);
    if (records.refreshRollups && feedsRollups(this.dataset.name))
      await client.query('ANALYZE rollup_time_client_month, rollup_time_staff_month, rollup_invoice_client_month');
    this.release();
  }

  async rollback(): Promise<void> {
    if (!this.client) return;
    if (this.copy) {
      this.copy.destroy();
      this.copy = null;
    }
    try {
      await this.client.query('ROLLBACK');
      this.release();
    } catch {
      // A failed COPY can leave the connection unusable; throw it away rather than pool it.
      this.client.release(true);
      this.client = null;
    }
  }

  private async run(query: { sql: string; parameters: readonly unknown[] }): Promise<void> {
    await this.client!.query(query.sql, [...query.parameters]);
  }

  private release(): void {
    this.client?.release();
    this.client = null;
  }
}

/** A Kysely that runs every query on `client`, inside whatever transaction the client is in. */
function kyselyOnClient(client: pg.PoolClient): Kysely<DatabaseSchema> {
  const borrowed = { query: client.query.bind(client), release: () => undefined };
  return new Kysely<DatabaseSchema>({
    dialect: new PostgresDialect({ pool: { connect: async () => borrowed, end: async () => undefined } as unknown as pg.Pool }),
  });
}

/** COPY text format: `\N` is NULL; backslash, tab, newline and CR are escaped. */
function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  return String(value).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}
