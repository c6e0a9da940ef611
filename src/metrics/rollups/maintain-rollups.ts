import { sql, type CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { DatabaseSchema } from '../../storage/schema.js';
import { invoiceSums, staffHourSums, timeLogSums } from '../sources/fact-sums.js';

/**
 * Keeps the monthly rollups (migration 0004) equal to what summing the rows would give.
 * Nothing here adds deltas: every refresh deletes the affected groups and sums them again
 * from the rows, inside the same transaction as the change, so the rollups can never
 * drift from the data — an import that rolls back takes its refresh with it.
 *
 * - An import of time logs or invoices refreshes the months it touched for the clients it
 *   touched (including where an updated row used to be), reading the (client, date) index.
 * - An import of staff refreshes every client's labor: a cost rate may have changed.
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

/** What one import touched, gathered row by row as the rows are staged. */
export class RollupScope {
  readonly clients = new Set<string>();
  readonly staffNames = new Map<string, string>();
  firstDate: string | null = null;
  lastDate: string | null = null;
  private readonly positions: { client: number; date: number; staffKey: number; staffName: number } | null;

  constructor(
    readonly dataset: string,
    columns: readonly string[],
  ) {
    const date = dataset === 'time_logs' ? 'work_date' : 'invoice_date';
    this.positions =
      dataset === 'time_logs' || dataset === 'invoices'
        ? { client: columns.indexOf('client_id'), date: columns.indexOf(date), staffKey: columns.indexOf('staff_key'), staffName: columns.indexOf('staff_name') }
        : null;
  }

  /** Whether an import of this dataset changes any rollup. */
  get affectsRollups(): boolean {
    return this.dataset === 'time_logs' || this.dataset === 'invoices' || this.dataset === 'staff';
  }

  /** A staged row, its values in the dataset's column order. */
  addRow(values: readonly unknown[]): void {
    const at = this.positions;
    if (!at) return;
    this.touch(values[at.client] as string, values[at.date] as string);
    if (at.staffKey >= 0) {
      const key = values[at.staffKey] as string;
      const name = values[at.staffName] as string;
      const known = this.staffNames.get(key);
      if (known === undefined || name > known) this.staffNames.set(key, name);
    }
  }

  touch(clientId: string, date: string): void {
    this.clients.add(clientId);
    if (this.firstDate === null || date < this.firstDate) this.firstDate = date;
    if (this.lastDate === null || date > this.lastDate) this.lastDate = date;
  }
}

/**
 * Refreshes the rollup groups an import touched; call inside the import's transaction,
 * after its rows are written and before it commits.
 */
export async function refreshRollupsAfterImport(db: Kysely<DatabaseSchema>, run: RunSql, scope: RollupScope, version: number): Promise<void> {
  if (!scope.affectsRollups) return;
  if (scope.dataset === 'staff') {
    await refreshTimeClientMonths(db, run, null, null);
    return;
  }
  // Updated rows may have moved from another client or month: their old place changes too.
  const priors = await run(
    db.selectFrom('row_undo').select('prior_json').where('version_number', '=', version).where('dataset', '=', scope.dataset).compile(),
  );
  const dateColumn = scope.dataset === 'time_logs' ? 'work_date' : 'invoice_date';
  for (const { prior_json } of priors) {
    const prior = JSON.parse(prior_json as string) as Record<string, string>;
    scope.touch(prior.client_id!, prior[dateColumn]!);
  }
  if (scope.firstDate === null || scope.lastDate === null) return;
  const months = { from: scope.firstDate.slice(0, 7), to: scope.lastDate.slice(0, 7) };
  const clients = [...scope.clients];
  if (scope.dataset === 'invoices') {
    await refreshInvoiceClientMonths(db, run, clients, months);
    return;
  }
  await refreshTimeClientMonths(db, run, clients, months);
  // A file spanning every month of the data (a full load) reads the whole index in one
  // plain scan, which beats a range read client by client.
  const span = await run(db.selectFrom('rollup_time_client_month').select((eb) => [eb.fn.min('month').as('lo'), eb.fn.max('month').as('hi')]).compile());
  const everything = span[0]?.lo !== undefined && (span[0].lo as string) >= months.from && (span[0].hi as string) <= months.to;
  await refreshTimeStaffMonths(db, run, everything ? null : months);
  for (const [key, name] of scope.staffNames) {
    await run(
      db
        .insertInto('rollup_staff_name')
        .values({ staff_key: key, staff_name: name })
        .onConflict((c) => c.column('staff_key').doUpdateSet({ staff_name: name }).where('rollup_staff_name.staff_name', '<', name))
        .compile(),
    );
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
        .expression(db.selectFrom('time_logs').select(['staff_key', (eb) => eb.fn.max('staff_name').as('staff_name')]).groupBy('staff_key'))
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
      .select([
        't.client_id',
        monthOfDate('t.work_date').as('month'),
        ...timeLogSums(),
        ...dateSpan('t.work_date'),
      ])
      .groupBy(['t.client_id', monthOfDate('t.work_date')]);
    if (chunk) rows = rows.where('t.client_id', 'in', chunk);
    if (months) rows = rows.where('t.work_date', '>=', `${months.from}-01`).where('t.work_date', '<=', `${months.to}-31`);
    await run(
      db
        .insertInto('rollup_time_client_month')
        .columns(['client_id', 'month', 'hours_milli', 'billable_milli', 'labor_known_millicents', 'default_rate_milli', 'log_count', 'long_log_count', 'first_date', 'last_date'])
        .expression(rows)
        .compile(),
    );
  }
}

async function refreshTimeStaffMonths(db: Kysely<DatabaseSchema>, run: RunSql, months: MonthRange | null): Promise<void> {
  await run(removeGroups(db, 'rollup_time_staff_month', null, months));
  const sums = [
    't.staff_key',
    monthOfDate('t.work_date').as('month'),
    ...staffHourSums(),
    ...dateSpan('t.work_date'),
  ] as const;
  // A date range is read client by client off the (client, date) index.
  const rows = months
    ? db
        .selectFrom('clients as c')
        .innerJoin('time_logs as t', 't.client_id', 'c.client_id')
        .where('t.work_date', '>=', `${months.from}-01`)
        .where('t.work_date', '<=', `${months.to}-31`)
        .select(sums)
        .groupBy(['t.staff_key', monthOfDate('t.work_date')])
    : db.selectFrom('time_logs as t').select(sums).groupBy(['t.staff_key', monthOfDate('t.work_date')]);
  await run(
    db
      .insertInto('rollup_time_staff_month')
      .columns(['staff_key', 'month', 'hours_milli', 'billable_milli', 'log_count', 'long_log_count', 'first_date', 'last_date'])
      .expression(rows)
      .compile(),
  );
}

async function refreshInvoiceClientMonths(db: Kysely<DatabaseSchema>, run: RunSql, clients: string[] | null, months: MonthRange | null): Promise<void> {
  for (const chunk of chunks(clients)) {
    await run(removeGroups(db, 'rollup_invoice_client_month', chunk, months));
    let rows = db
      .selectFrom('invoices as i')
      .select([
        'i.client_id',
        monthOfDate('i.invoice_date').as('month'),
        ...invoiceSums('i'),
        ...dateSpan('i.invoice_date'),
      ])
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
function removeGroups(db: Kysely<DatabaseSchema>, table: 'rollup_time_client_month' | 'rollup_invoice_client_month' | 'rollup_time_staff_month', clients: string[] | null, months: MonthRange | null) {
  let remove = db.deleteFrom(table);
  if (clients) remove = remove.where('client_id', 'in', clients);
  if (months) remove = remove.where('month', '>=', months.from).where('month', '<=', months.to);
  return remove.compile();
}

/** `null` (every client) once, or the ids in chunks. */
function chunks(clients: string[] | null): Array<string[] | null> {
  if (clients === null) return [null];
  const out: string[][] = [];
  for (let i = 0; i < clients.length; i += CLIENT_CHUNK) out.push(clients.slice(i, i + CLIENT_CHUNK));
  return out;
}
