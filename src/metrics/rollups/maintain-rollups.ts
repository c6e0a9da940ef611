import { sql, type CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { DatabaseSchema } from '../../storage/schema.js';
import { invoiceSums, staffHourSums, timeLogSums } from '../sources/fact-sums.js';
import { RollupDeltas } from './rollup-deltas.js';
import {
  addStagedInvoices,
  addStagedTimeLogs,
  groupUpsert,
  raiseStaffName,
  recomputeStaffNames,
  replacedRows,
  staffCostRates,
  storedStaffNames,
  type StagedRows,
} from './rollups-repository.js';

/**
 * Keeps the monthly rollups (migration 0004) equal to what summing the rows would give,
 * inside the same transaction as the change, so an import that rolls back takes its rollup
 * changes with it.
 *
 * - An import of time logs or invoices adds its rows to the groups they fall in: as deltas
 *   summed in memory while the rows were written (SQLite, rollup-deltas.ts), or by one
 *   grouped statement over the rows it staged (PostgreSQL). Groups an updated row used to
 *   count in cannot be corrected by adding (a first/last date cannot be un-minimised), so
 *   they are summed again from the rows, off the (client, date) index.
 * - An import of staff sums every client's labor again: a cost rate may have changed.
 * - A rollback, and a database that has never had rollups, rebuild them whole.
 */

/** Runs one compiled statement on the connection that holds the transaction. */
export type RunSql = (query: CompiledQuery) => Promise<Array<Record<string, unknown>>>;

/** Bump when the rollups' meaning changes: databases rebuild them on the next start. */
const ROLLUP_FORMAT = '1';
const ROLLUP_META_KEY = 'rollup_format';
/** Client ids per `IN (…)` list: well under SQLite's 32,766 parameters. */
const CLIENT_CHUNK = 500;

type RollupDataset = 'time_logs' | 'invoices' | 'staff';

/** Whether an import of this dataset changes any rollup. */
export function feedsRollups(dataset: string): dataset is RollupDataset {
  return dataset === 'time_logs' || dataset === 'invoices' || dataset === 'staff';
}

/**
 * Starts the deltas of an import of time logs or invoices (null for other datasets); call
 * inside the import's transaction, so the staff cost rates read are the ones the rows meet.
 */
export async function startRollupDeltas(db: Kysely<DatabaseSchema>, run: RunSql, dataset: string, columns: readonly string[]): Promise<RollupDeltas | null> {
  if (dataset !== 'time_logs' && dataset !== 'invoices') return null;
  const rates = new Map<string, number | null>();
  if (dataset === 'time_logs') {
    for (const row of await run(staffCostRates(db))) rates.set(row.staff_key as string, row.cost_rate_cents === null ? null : Number(row.cost_rate_cents));
  }
  return new RollupDeltas(dataset, columns, rates);
}

/**
 * Adds deltas summed while an import's rows were written; call inside the import's
 * transaction, after its rows are written and before it commits.
 */
export async function applyRollupDeltas(db: Kysely<DatabaseSchema>, run: RunSql, deltas: RollupDeltas): Promise<void> {
  deltas.settle();
  const tables =
    deltas.dataset === 'time_logs'
      ? ([
          ['rollup_time_client_month', deltas.timeClientMonths],
          ['rollup_time_staff_month', deltas.timeStaffMonths],
        ] as const)
      : ([['rollup_invoice_client_month', deltas.invoiceClientMonths]] as const);
  for (const [table, groups] of tables) {
    const upsert = groupUpsert(db, table);
    for (const months of groups.values()) for (const group of months.values()) await run(upsert(group));
  }
  await raiseStaffNames(db, run, deltas.staffNames);
  await refreshDirtyGroups(db, run, deltas);
}

/**
 * Adds the rows an import staged and wrote (PostgreSQL: `rows.stageTable` holds their keys);
 * call inside the import's transaction, after the merge and before it commits.
 */
export async function addStagedRowsToRollups(db: Kysely<DatabaseSchema>, run: RunSql, dataset: 'time_logs' | 'invoices', rows: StagedRows): Promise<void> {
  // Only the dirty groups and staff names are gathered here; the sums are added in SQL.
  const deltas = new RollupDeltas(dataset, [], new Map());
  if (dataset === 'time_logs') {
    const added = addStagedTimeLogs(db, rows);
    for (const statement of added.statements) await run(statement);
    for (const row of await run(added.staffNames)) deltas.staffNames.set(row.staff_key as string, row.staff_name as string);
    await raiseStaffNames(db, run, deltas.staffNames);
  } else {
    await run(addStagedInvoices(db, rows));
  }
  for (const { prior_json } of await run(replacedRows(db, dataset, rows.version))) {
    deltas.replace(JSON.parse(prior_json as string) as Record<string, unknown>);
  }
  await refreshDirtyGroups(db, run, deltas);
}

/** After an import of staff: every client's labor is summed again (a cost rate may have changed). */
export async function refreshLaborAfterStaffImport(db: Kysely<DatabaseSchema>, run: RunSql): Promise<void> {
  await refreshTimeClientMonths(db, run, null, null);
}

async function raiseStaffNames(db: Kysely<DatabaseSchema>, run: RunSql, names: ReadonlyMap<string, string>): Promise<void> {
  for (const [key, name] of names) await run(raiseStaffName(db, key, name));
}

/**
 * Sums the groups updated rows were taken from again from the rows (a superset: the dirty
 * clients' or staff members' months between the first and last dirty month; summing a
 * clean group again gives what it holds). A staff name a replaced row carried may have
 * been the greatest of its key: when no row the import wrote carries it, MAX is taken again.
 */
async function refreshDirtyGroups(db: Kysely<DatabaseSchema>, run: RunSql, deltas: RollupDeltas): Promise<void> {
  const { dirty } = deltas;
  if (dirty.months) {
    if (deltas.dataset === 'invoices') await refreshInvoiceClientMonths(db, run, [...dirty.clients], dirty.months);
    else {
      await refreshTimeClientMonths(db, run, [...dirty.clients], dirty.months);
      if (dirty.staffKeys.size > 0) await refreshTimeStaffMonths(db, run, dirty.months, [...dirty.staffKeys]);
    }
  }
  const named = [...dirty.staffNames.keys()];
  for (const chunk of chunks(named)) {
    const stored = await run(storedStaffNames(db, chunk!));
    const stale = stored
      .filter((r) => dirty.staffNames.get(r.staff_key as string)?.has(r.staff_name as string) && deltas.staffNames.get(r.staff_key as string) !== r.staff_name)
      .map((r) => r.staff_key as string);
    if (stale.length > 0) for (const statement of recomputeStaffNames(db, stale)) await run(statement);
  }
}

/** Rebuilds the rollups fed by these datasets (all of them when none are named). */
export async function rebuildRollups(db: Kysely<DatabaseSchema>, run: RunSql, datasets?: readonly string[]): Promise<void> {
  const wanted = (name: RollupDataset): boolean => !datasets || datasets.includes(name);
  if (wanted('time_logs') || wanted('staff')) await refreshTimeClientMonths(db, run, null, null);
  if (wanted('time_logs')) {
    await refreshTimeStaffMonths(db, run, null);
    await run(db.deleteFrom('rollup_staff_name').compile());
    await run(
      db
        .insertInto('rollup_staff_name')
        .columns(['staff_key', 'staff_name'])
        .expression(
          db
            .selectFrom('time_logs')
            .select(['staff_key', (eb) => eb.fn.max('staff_name').as('staff_name')])
            .groupBy('staff_key'),
        )
        .compile(),
    );
  }
  if (wanted('invoices')) await refreshInvoiceClientMonths(db, run, null, null);
}

/** Runs statements on a Kysely transaction. */
export function runOn(trx: Transaction<DatabaseSchema> | Kysely<DatabaseSchema>): RunSql {
  return async (query) => (await trx.executeQuery(query)).rows as Array<Record<string, unknown>>;
}

/** Builds the rollups of a database that has none yet (new install, or an older format). */
export async function ensureRollups(db: Kysely<DatabaseSchema>): Promise<void> {
  const stored = await db.selectFrom('app_meta').select('value').where('key', '=', ROLLUP_META_KEY).executeTakeFirst();
  if (stored?.value === ROLLUP_FORMAT) return;
  await db.transaction().execute(async (trx) => {
    await rebuildRollups(trx, runOn(trx));
    await trx.deleteFrom('app_meta').where('key', '=', ROLLUP_META_KEY).execute();
    await trx.insertInto('app_meta').values({ key: ROLLUP_META_KEY, value: ROLLUP_FORMAT }).execute();
  });
}

interface MonthRange {
  from: string;
  to: string;
}

const monthOfDate = (column: string) => sql<string>`substr(${sql.ref(column)}, 1, 7)`;

async function refreshTimeClientMonths(db: Kysely<DatabaseSchema>, run: RunSql, clients: string[] | null, months: MonthRange | null): Promise<void> {
  for (const chunk of chunks(clients)) {
    await run(removeGroups(db, 'rollup_time_client_month', chunk, months));
    let rows = db
      .selectFrom('time_logs as t')
      .leftJoin('staff as s', 's.staff_key', 't.staff_key')
      .select(['t.client_id', monthOfDate('t.work_date').as('month'), ...timeLogSums(), ...dateSpan('t.work_date')])
      .groupBy(['t.client_id', monthOfDate('t.work_date')]);
    if (chunk) rows = rows.where('t.client_id', 'in', chunk);
    if (months) rows = rows.where('t.work_date', '>=', `${months.from}-01`).where('t.work_date', '<=', `${months.to}-31`);
    await run(
      db
        .insertInto('rollup_time_client_month')
        .columns([
          'client_id',
          'month',
          'hours_milli',
          'billable_milli',
          'labor_known_millicents',
          'default_rate_milli',
          'log_count',
          'long_log_count',
          'first_date',
          'last_date',
        ])
        .expression(rows)
        .compile(),
    );
  }
}

async function refreshTimeStaffMonths(db: Kysely<DatabaseSchema>, run: RunSql, months: MonthRange | null, staffKeys: string[] | null = null): Promise<void> {
  for (const chunk of chunks(staffKeys)) {
    let remove = db.deleteFrom('rollup_time_staff_month');
    if (chunk) remove = remove.where('staff_key', 'in', chunk);
    if (months) remove = remove.where('month', '>=', months.from).where('month', '<=', months.to);
    await run(remove.compile());
    const sums = ['t.staff_key', monthOfDate('t.work_date').as('month'), ...staffHourSums(), ...dateSpan('t.work_date')] as const;
    // A date range is read client by client off the (client, date) index.
    let rows = months
      ? db
          .selectFrom('clients as c')
          .innerJoin('time_logs as t', 't.client_id', 'c.client_id')
          .where('t.work_date', '>=', `${months.from}-01`)
          .where('t.work_date', '<=', `${months.to}-31`)
          .select(sums)
          .groupBy(['t.staff_key', monthOfDate('t.work_date')])
      : db
          .selectFrom('time_logs as t')
          .select(sums)
          .groupBy(['t.staff_key', monthOfDate('t.work_date')]);
    if (chunk) rows = rows.where('t.staff_key', 'in', chunk);
    await run(
      db
        .insertInto('rollup_time_staff_month')
        .columns(['staff_key', 'month', 'hours_milli', 'billable_milli', 'log_count', 'long_log_count', 'first_date', 'last_date'])
        .expression(rows)
        .compile(),
    );
  }
}

async function refreshInvoiceClientMonths(db: Kysely<DatabaseSchema>, run: RunSql, clients: string[] | null, months: MonthRange | null): Promise<void> {
  for (const chunk of chunks(clients)) {
    await run(removeGroups(db, 'rollup_invoice_client_month', chunk, months));
    let rows = db
      .selectFrom('invoices as i')
      .select(['i.client_id', monthOfDate('i.invoice_date').as('month'), ...invoiceSums('i'), ...dateSpan('i.invoice_date')])
      .groupBy(['i.client_id', monthOfDate('i.invoice_date')]);
    if (chunk) rows = rows.where('i.client_id', 'in', chunk);
    if (months) rows = rows.where('i.invoice_date', '>=', `${months.from}-01`).where('i.invoice_date', '<=', `${months.to}-31`);
    await run(
      db
        .insertInto('rollup_invoice_client_month')
        .columns(['client_id', 'month', 'revenue_cents', 'collected_cents', 'outstanding_cents', 'invoice_count', 'invoice_rows', 'first_date', 'last_date'])
        .expression(rows)
        .compile(),
    );
  }
}

/** The first and last date a group holds (rollup-period.ts reads them). */
function dateSpan(column: string) {
  return [sql<string>`MIN(${sql.ref(column)})`.as('first_date'), sql<string>`MAX(${sql.ref(column)})`.as('last_date')] as const;
}

/** Deletes a rollup's groups for these clients (all when null) and months (all when null). */
function removeGroups(
  db: Kysely<DatabaseSchema>,
  table: 'rollup_time_client_month' | 'rollup_invoice_client_month' | 'rollup_time_staff_month',
  clients: string[] | null,
  months: MonthRange | null,
) {
  let remove = db.deleteFrom(table);
  if (clients) remove = remove.where('client_id', 'in', clients);
  if (months) remove = remove.where('month', '>=', months.from).where('month', '<=', months.to);
  return remove.compile();
}

/** `null` (every key) once, or the keys in chunks. */
function chunks(keys: string[] | null): Array<string[] | null> {
  if (keys === null) return [null];
  const out: string[][] = [];
  for (let i = 0; i < keys.length; i += CLIENT_CHUNK) out.push(keys.slice(i, i + CLIENT_CHUNK));
  return out;
}
