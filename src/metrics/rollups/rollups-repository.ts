import { sql, type CompiledQuery, type Kysely, type SqlBool } from 'kysely';
import type { DatabaseSchema } from '../../storage/schema.js';
import { invoiceSums, staffHourSums, timeLogSums } from '../sources/fact-sums.js';

/**
 * The statements that add an import's rows to the monthly rollups (maintain-rollups.ts):
 * one-group upserts for deltas summed in memory (SQLite), and set-based upserts of the rows
 * an import staged (PostgreSQL). An upsert adds the sums and counts and widens the date span.
 */

type UpsertTable = 'rollup_time_client_month' | 'rollup_time_staff_month' | 'rollup_invoice_client_month';

const upsertColumns = {
  rollup_time_client_month: {
    key: ['client_id', 'month'],
    sums: ['hours_milli', 'billable_milli', 'labor_known_millicents', 'default_rate_milli', 'log_count', 'long_log_count'],
  },
  rollup_time_staff_month: {
    key: ['staff_key', 'month'],
    sums: ['hours_milli', 'billable_milli', 'log_count', 'long_log_count'],
  },
  rollup_invoice_client_month: {
    key: ['client_id', 'month'],
    sums: ['revenue_cents', 'collected_cents', 'outstanding_cents', 'invoice_count', 'invoice_rows'],
  },
} as const;

/** Every column a rollup row is written with, in insert order. */
export function upsertColumnsOf(table: UpsertTable): readonly string[] {
  const { key, sums } = upsertColumns[table];
  return [...key, ...sums, 'first_date', 'last_date'];
}

/** `ON CONFLICT … DO UPDATE`: add the sums, keep the wider date span (portable: no LEAST/GREATEST in SQLite). */
function addOnConflict(table: UpsertTable) {
  const { key, sums } = upsertColumns[table];
  const stored = (column: string) => sql.ref(`${table}.${column}`);
  const incoming = (column: string) => sql.ref(`excluded.${column}`);
  const set: Record<string, unknown> = {};
  for (const column of sums) set[column] = sql`${stored(column)} + ${incoming(column)}`;
  set.first_date = sql`CASE WHEN ${incoming('first_date')} < ${stored('first_date')} THEN ${incoming('first_date')} ELSE ${stored('first_date')} END`;
  set.last_date = sql`CASE WHEN ${incoming('last_date')} > ${stored('last_date')} THEN ${incoming('last_date')} ELSE ${stored('last_date')} END`;
  // Kysely cannot type an update set built from a column list; the names come from upsertColumns.
  return { key: [...key] as never[], set: set as never };
}

/**
 * One group's upsert, compiled once and reused with each group's values: compiling a Kysely
 * query per group would cost more than running it. Returns a function that gives the
 * statement for a group (its fields named as the table's columns).
 */
export function groupUpsert(db: Kysely<DatabaseSchema>, table: UpsertTable): (group: object) => CompiledQuery {
  const columns = upsertColumnsOf(table);
  const marker = (column: string): string => `\u0000rollup-column:${column}`;
  const { key, set } = addOnConflict(table);
  const template = db
    .insertInto(table)
    .values(Object.fromEntries(columns.map((c) => [c, marker(c)])) as never)
    .onConflict((oc) => oc.columns(key).doUpdateSet(set))
    .compile();
  // Which group field each parameter is, found by the markers rather than assumed from Kysely's order.
  const fields = template.parameters.map((p) => {
    const column = columns.find((c) => p === marker(c));
    if (column === undefined) throw new Error(`unexpected parameter in the ${table} upsert`);
    return column;
  });
  return (group) => ({ ...template, parameters: fields.map((f) => (group as Record<string, unknown>)[f]) });
}

/** Raises a staff key's display name when the import wrote a greater one (the rollup keeps MAX). */
export function raiseStaffName(db: Kysely<DatabaseSchema>, staffKey: string, staffName: string): CompiledQuery {
  return db
    .insertInto('rollup_staff_name')
    .values({ staff_key: staffKey, staff_name: staffName })
    .onConflict((c) => c.column('staff_key').doUpdateSet({ staff_name: staffName }).where('rollup_staff_name.staff_name', '<', staffName))
    .compile();
}

/** Each staff member's cost rate (the time-log rollup multiplies labor out with it). */
export function staffCostRates(db: Kysely<DatabaseSchema>): CompiledQuery {
  return db.selectFrom('staff').select(['staff_key', 'cost_rate_cents']).compile();
}

/** The display names stored for these staff keys. */
export function storedStaffNames(db: Kysely<DatabaseSchema>, staffKeys: readonly string[]): CompiledQuery {
  return db.selectFrom('rollup_staff_name').select(['staff_key', 'staff_name']).where('staff_key', 'in', staffKeys).compile();
}

/** Sets these staff keys' display names to MAX(staff_name) of their rows again (two statements). */
export function recomputeStaffNames(db: Kysely<DatabaseSchema>, staffKeys: readonly string[]): CompiledQuery[] {
  return [
    db.deleteFrom('rollup_staff_name').where('staff_key', 'in', staffKeys).compile(),
    db
      .insertInto('rollup_staff_name')
      .columns(['staff_key', 'staff_name'])
      .expression(
        db
          .selectFrom('time_logs')
          .select(['staff_key', (eb) => eb.fn.max('staff_name').as('staff_name')])
          .where('staff_key', 'in', staffKeys)
          .groupBy('staff_key'),
      )
      .compile(),
  ];
}

/** The stored rows an import overwrote (its undo entries), as JSON. */
export function replacedRows(db: Kysely<DatabaseSchema>, dataset: string, version: number): CompiledQuery {
  return db.selectFrom('row_undo').select('prior_json').where('version_number', '=', version).where('dataset', '=', dataset).compile();
}

/**
 * Which rows of `time_logs t` / `invoices i` an import wrote: those it stamped with its
 * version whose key is in the staging table (rows it left unchanged keep their version).
 */
export interface StagedRows {
  version: number;
  /** A table of the import's own session holding the keys it loaded. */
  stageTable: string;
}

const monthOf = (column: string) => sql<string>`substr(${sql.ref(column)}, 1, 7)`;
const dateSpan = (column: string) => [sql<string>`MIN(${sql.ref(column)})`.as('first_date'), sql<string>`MAX(${sql.ref(column)})`.as('last_date')] as const;

function writtenBy(rows: StagedRows, alias: 't' | 'i', key: string) {
  return sql<SqlBool>`${sql.ref(`${alias}.version_number`)} = ${rows.version} AND ${sql.ref(`${alias}.${key}`)} IN (SELECT ${sql.ref(key)} FROM ${sql.table(rows.stageTable)})`;
}

/** Adds the staged time logs to both time-log rollups, and returns their greatest name per staff key. */
export function addStagedTimeLogs(db: Kysely<DatabaseSchema>, rows: StagedRows): { statements: CompiledQuery[]; staffNames: CompiledQuery } {
  const clientMonth = addOnConflict('rollup_time_client_month');
  const staffMonth = addOnConflict('rollup_time_staff_month');
  const written = db.selectFrom('time_logs as t').where(writtenBy(rows, 't', 'log_id'));
  return {
    statements: [
      db
        .insertInto('rollup_time_client_month')
        .columns(upsertColumnsOf('rollup_time_client_month') as never)
        .expression(
          written
            .leftJoin('staff as s', 's.staff_key', 't.staff_key')
            .select(['t.client_id', monthOf('t.work_date').as('month'), ...timeLogSums(), ...dateSpan('t.work_date')])
            .groupBy(['t.client_id', monthOf('t.work_date')]),
        )
        .onConflict((oc) => oc.columns(clientMonth.key).doUpdateSet(clientMonth.set))
        .compile(),
      db
        .insertInto('rollup_time_staff_month')
        .columns(upsertColumnsOf('rollup_time_staff_month') as never)
        .expression(
          written
            .select(['t.staff_key', monthOf('t.work_date').as('month'), ...staffHourSums(), ...dateSpan('t.work_date')])
            .groupBy(['t.staff_key', monthOf('t.work_date')]),
        )
        .onConflict((oc) => oc.columns(staffMonth.key).doUpdateSet(staffMonth.set))
        .compile(),
    ],
    staffNames: written
      .select(['t.staff_key', (eb) => eb.fn.max('t.staff_name').as('staff_name')])
      .groupBy('t.staff_key')
      .compile(),
  };
}

/** Adds the staged invoices to the invoice rollup. */
export function addStagedInvoices(db: Kysely<DatabaseSchema>, rows: StagedRows): CompiledQuery {
  const clientMonth = addOnConflict('rollup_invoice_client_month');
  return db
    .insertInto('rollup_invoice_client_month')
    .columns(upsertColumnsOf('rollup_invoice_client_month') as never)
    .expression(
      db
        .selectFrom('invoices as i')
        .where(writtenBy(rows, 'i', 'invoice_id'))
        .select(['i.client_id', monthOf('i.invoice_date').as('month'), ...invoiceSums('i'), ...dateSpan('i.invoice_date')])
        .groupBy(['i.client_id', monthOf('i.invoice_date')]),
    )
    .onConflict((oc) => oc.columns(clientMonth.key).doUpdateSet(clientMonth.set))
    .compile();
}
