import type { RollupInvoiceClientMonthTable, RollupTimeClientMonthTable, RollupTimeStaffMonthTable } from '../../storage/schema.js';
import { LONG_TIME_LOG_MILLI } from '../sources/fact-sums.js';

/**
 * What one import adds to the monthly rollups (migration 0004), summed in memory as its rows
 * are written, so the commit adds a few thousand groups instead of summing the table again.
 *
 * The sums are those of metrics/sources/fact-sums.ts, restated for one row at a time; keep
 * the two in step (test/metrics/rollup-deltas.test.ts compares the rollup tables an import
 * leaves with a rebuild from the rows). Where a delta cannot be added exactly — a row the
 * import replaced (its old group loses it, and a group's first/last date cannot be
 * "un-minimised"), or a sum past 2^53 — the group is marked dirty instead and summed again
 * from the rows at commit, as every group was before.
 */

/** The rows' groups a replaced row used to count in, summed again from the rows at commit. */
export interface DirtyGroups {
  /** Clients whose months in `months` are summed again. */
  clients: Set<string>;
  /** Staff keys whose months in `months` are summed again. */
  staffKeys: Set<string>;
  /** First and last month touched by a replaced row; null when none was. */
  months: { from: string; to: string } | null;
  /** Staff names a replaced row carried, per staff key: the stored MAX(name) may have to fall back. */
  staffNames: Map<string, Set<string>>;
}

/** Groups by key (client or staff), then by month number (see `monthNumber`). */
type Grouped<T> = Map<string, Map<number, T>>;

/** A group's sums plus Σ |money term|, which bounds every partial sum (see `settle`). */
export type TimeClientMonthDelta = RollupTimeClientMonthTable & { magnitude: number };
export type InvoiceClientMonthDelta = RollupInvoiceClientMonthTable & { magnitude: number };

/** Where a dataset's row keeps the fields the rollups read (indexes into `values`). */
interface Positions {
  client: number;
  date: number;
  staffKey: number;
  staffName: number;
  hours: number;
  billable: number;
  total: number;
  status: number;
}

/**
 * Deltas of one import of time logs or invoices. `add` takes each row the import wrote (a new
 * row, or the new content of an updated one) in the dataset's column order; `replace` takes
 * the stored row an update overwrote.
 */
export class RollupDeltas {
  readonly timeClientMonths: Grouped<TimeClientMonthDelta> = new Map();
  readonly timeStaffMonths: Grouped<RollupTimeStaffMonthTable> = new Map();
  readonly invoiceClientMonths: Grouped<InvoiceClientMonthDelta> = new Map();
  /** The greatest staff name the import wrote per staff key (the rollup keeps MAX(staff_name)). */
  readonly staffNames = new Map<string, string>();
  readonly dirty: DirtyGroups = { clients: new Set(), staffKeys: new Set(), months: null, staffNames: new Map() };
  private readonly at: Positions;

  /**
   * @param columns the dataset's columns, in the order of the values `add` receives
   * @param staffRates each staff member's cost rate in cents (null: none set), read inside the
   *   import's transaction; a time log of someone missing from it is costed at the default rate
   */
  constructor(
    readonly dataset: 'time_logs' | 'invoices',
    columns: readonly string[],
    private readonly staffRates: ReadonlyMap<string, number | null>,
  ) {
    const date = dataset === 'time_logs' ? 'work_date' : 'invoice_date';
    const at = (name: string): number => columns.indexOf(name);
    this.at = {
      client: at('client_id'),
      date: at(date),
      staffKey: at('staff_key'),
      staffName: at('staff_name'),
      hours: at('hours_milli'),
      billable: at('billable'),
      total: at('total_cents'),
      status: at('status'),
    };
  }

  /** A row the import wrote. */
  add(values: readonly unknown[]): void {
    if (this.dataset === 'time_logs') this.addTimeLog(values);
    else this.addInvoice(values);
  }

  /** The stored row an update overwrote: the groups it counted in are summed again at commit. */
  replace(prior: Readonly<Record<string, unknown>>): void {
    const date = prior[this.dataset === 'time_logs' ? 'work_date' : 'invoice_date'] as string;
    this.markDirty(prior.client_id as string, date);
    if (this.dataset !== 'time_logs') return;
    const key = prior.staff_key as string;
    this.dirty.staffKeys.add(key);
    let names = this.dirty.staffNames.get(key);
    if (!names) this.dirty.staffNames.set(key, (names = new Set()));
    names.add(prior.staff_name as string);
  }

  /** Whether the import changed any rollup group. */
  get isEmpty(): boolean {
    return this.timeClientMonths.size === 0 && this.invoiceClientMonths.size === 0 && this.dirty.months === null;
  }

  private addTimeLog(values: readonly unknown[]): void {
    const at = this.at;
    const client = values[at.client] as string;
    const date = values[at.date] as string;
    const month = monthNumber(date);
    const staffKey = values[at.staffKey] as string;
    const hours = values[at.hours] as number;
    const billable = values[at.billable] === 1 ? hours : 0;
    const long = hours > LONG_TIME_LOG_MILLI ? 1 : 0;
    // LEFT JOIN staff: no cost rate (or nobody of that name) means the configured default rate.
    const rate = this.staffRates.get(staffKey) ?? null;

    const months = monthsOf(this.timeClientMonths, client);
    let group = months.get(month);
    if (!group) {
      group = {
        client_id: client,
        month: date.slice(0, 7),
        hours_milli: 0,
        billable_milli: 0,
        labor_known_millicents: 0,
        default_rate_milli: 0,
        log_count: 0,
        long_log_count: 0,
        first_date: date,
        last_date: date,
        magnitude: 0,
      };
      months.set(month, group);
    }
    group.hours_milli += hours;
    group.billable_milli += billable;
    if (rate === null) group.default_rate_milli += hours;
    else {
      const labor = hours * rate;
      group.labor_known_millicents += labor;
      group.magnitude += Math.abs(labor);
    }
    group.log_count += 1;
    group.long_log_count += long;
    if (date < group.first_date) group.first_date = date;
    if (date > group.last_date) group.last_date = date;

    const staffMonths = monthsOf(this.timeStaffMonths, staffKey);
    let staff = staffMonths.get(month);
    if (!staff) {
      staff = {
        staff_key: staffKey,
        month: date.slice(0, 7),
        hours_milli: 0,
        billable_milli: 0,
        log_count: 0,
        long_log_count: 0,
        first_date: date,
        last_date: date,
      };
      staffMonths.set(month, staff);
    }
    staff.hours_milli += hours;
    staff.billable_milli += billable;
    staff.log_count += 1;
    staff.long_log_count += long;
    if (date < staff.first_date) staff.first_date = date;
    if (date > staff.last_date) staff.last_date = date;

    const name = values[at.staffName] as string;
    const known = this.staffNames.get(staffKey);
    if (known === undefined || name > known) this.staffNames.set(staffKey, name);
  }

  private addInvoice(values: readonly unknown[]): void {
    const at = this.at;
    const client = values[at.client] as string;
    const date = values[at.date] as string;
    const month = monthNumber(date);
    const total = values[at.total] as number;
    const status = values[at.status] as string;
    const months = monthsOf(this.invoiceClientMonths, client);
    let group = months.get(month);
    if (!group) {
      group = {
        client_id: client,
        month: date.slice(0, 7),
        revenue_cents: 0,
        collected_cents: 0,
        outstanding_cents: 0,
        invoice_count: 0,
        invoice_rows: 0,
        first_date: date,
        last_date: date,
        magnitude: 0,
      };
      months.set(month, group);
    }
    // Revenue excludes void and draft, collected is paid only, outstanding is pending + overdue.
    if (status !== 'void' && status !== 'draft') {
      group.revenue_cents += total;
      group.invoice_count += 1;
    }
    if (status === 'paid') group.collected_cents += total;
    else if (status === 'pending' || status === 'overdue') group.outstanding_cents += total;
    group.invoice_rows += 1;
    group.magnitude += Math.abs(total);
    if (date < group.first_date) group.first_date = date;
    if (date > group.last_date) group.last_date = date;
  }

  /**
   * Moves groups whose money sums may have lost precision on the way (a partial sum beyond
   * 2^53) to the dirty set; call once, after the last row. Every partial sum is at most the
   * sum of its terms' magnitudes, which each group tracks, so a safe magnitude proves them exact.
   */
  settle(): void {
    for (const months of this.timeClientMonths.values()) {
      for (const g of months.values()) if (!Number.isSafeInteger(g.magnitude)) this.markDirty(g.client_id, g.first_date, g.last_date);
    }
    for (const months of this.invoiceClientMonths.values()) {
      for (const g of months.values()) if (!Number.isSafeInteger(g.magnitude)) this.markDirty(g.client_id, g.first_date, g.last_date);
    }
  }

  private markDirty(client: string, firstDate: string, lastDate = firstDate): void {
    this.dirty.clients.add(client);
    const from = firstDate.slice(0, 7);
    const to = lastDate.slice(0, 7);
    const months = this.dirty.months;
    if (!months) this.dirty.months = { from, to };
    else {
      if (from < months.from) months.from = from;
      if (to > months.to) months.to = to;
    }
  }
}

function monthsOf<T>(groups: Grouped<T>, key: string): Map<number, T> {
  let months = groups.get(key);
  if (!months) groups.set(key, (months = new Map()));
  return months;
}

/**
 * The month of an ISO date (`YYYY-MM-DD`, as every stored date is) as one number, read off
 * the characters: a per-row `slice` would allocate a string and hash it for every lookup.
 */
function monthNumber(date: string): number {
  // '0' is 48: (((y0 - 48) × 10 + y1 - 48) × 10 + …) folds to one constant offset.
  const year = date.charCodeAt(0) * 1000 + date.charCodeAt(1) * 100 + date.charCodeAt(2) * 10 + date.charCodeAt(3) - 48 * 1111;
  return year * 12 + date.charCodeAt(5) * 10 + date.charCodeAt(6) - 48 * 11;
}
