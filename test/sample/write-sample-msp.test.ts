import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sampleTables } from '../../src/sample/sample-csv-headers.js';
import { writeSampleMsp, type SampleMspFiles } from '../../src/sample/write-sample-msp.js';
import { cents, readCsv, sha256, type CsvFile } from './read-csv.js';

const MONEY = /^-?\d+\.\d{2}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DEFAULT_COST_RATE_CENTS = 4500;

let root: string;
let sample: SampleMspFiles;
const csv = {} as Record<(typeof sampleTables)[number], CsvFile>;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'mm-sample-'));
  sample = await writeSampleMsp(path.join(root, 'default'));
  for (const table of sampleTables) csv[table] = await readCsv(sample.files[table]);
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writeSampleMsp', () => {
  it('is deterministic: the same options give byte-identical files, another seed different ones', async () => {
    const again = await writeSampleMsp(path.join(root, 'again'));
    const other = await writeSampleMsp(path.join(root, 'other'), { seed: 7 });
    for (const table of sampleTables) {
      const hash = await sha256(sample.files[table]);
      assert.equal(await sha256(again.files[table]), hash, `${table}.csv changed between runs`);
      assert.notEqual(await sha256(other.files[table]), hash, `${table}.csv ignores the seed`);
    }
  });

  it('writes the canonical headers, in order', () => {
    assert.deepEqual(csv.clients.header, ['client_id', 'client_name', 'industry', 'status', 'contract_value', 'onboarded_on', 'churned_on']);
    assert.deepEqual(csv.staff.header, ['staff_name', 'role', 'cost_rate', 'weekly_capacity_hours']);
    assert.deepEqual(csv.invoices.header, ['invoice_id', 'client_id', 'invoice_date', 'due_date', 'total_amount', 'status', 'currency']);
    assert.deepEqual(csv.time_logs.header, ['log_id', 'client_id', 'staff_name', 'date', 'hours', 'rate', 'billable']);
    assert.deepEqual(csv.licenses.header, [
      'license_id',
      'client_id',
      'product',
      'vendor',
      'seats_purchased',
      'seats_used',
      'cost_per_seat',
      'total_cost',
      'price_per_seat',
      'billing_term',
      'renewal_date',
    ]);
  });

  it('reports the files it wrote and their row counts', () => {
    for (const table of sampleTables) {
      assert.equal(sample.files[table], path.join(root, 'default', `${table}.csv`));
      assert.equal(sample.counts[table], csv[table].rows.length, table);
    }
    assert.equal(sample.counts.clients, 40);
    assert.equal(sample.counts.staff, 15);
    assert.ok(sample.counts.time_logs > 10_000, `only ${sample.counts.time_logs} time logs`);
  });

  it('has clients with unique ids and case-insensitively unique names', () => {
    const ids = csv.clients.rows.map((c) => c.client_id);
    assert.equal(new Set(ids).size, ids.length);
    ids.forEach((id) => assert.match(id ?? '', /^C\d{4}$/));
    const names = csv.clients.rows.map((c) => c.client_name?.toLowerCase());
    assert.equal(new Set(names).size, names.length);
    assert.ok(new Set(csv.clients.rows.map((c) => c.industry)).size >= 6, 'too few industries');
    for (const c of csv.clients.rows) {
      assert.match(c.status ?? '', /^(active|inactive|churned)$/);
      assert.match(c.contract_value ?? '', MONEY);
      assert.match(c.onboarded_on ?? '', DATE);
      assert.equal(c.churned_on !== '', c.status === 'churned', `${c.client_id} churned_on vs status`);
    }
  });

  it('has exactly one staff member without a cost rate, and a couple of part-timers', () => {
    const withoutRate = csv.staff.rows.filter((s) => s.cost_rate === '');
    assert.equal(withoutRate.length, 1);
    for (const s of csv.staff.rows.filter((s) => s.cost_rate !== '')) {
      const rate = cents(s.cost_rate ?? '');
      assert.ok(rate >= 3500 && rate <= 9500, `${s.staff_name} cost rate ${s.cost_rate}`);
    }
    const partTime = csv.staff.rows.filter((s) => Number(s.weekly_capacity_hours) < 40);
    assert.ok(partTime.length >= 2, 'expected part-timers');
    partTime.forEach((s) => assert.ok(Number(s.weekly_capacity_hours) >= 20 && Number(s.weekly_capacity_hours) <= 30));
    assert.equal(new Set(csv.staff.rows.map((s) => s.staff_name)).size, csv.staff.rows.length);
  });

  it('only references clients and staff that exist', () => {
    const clientIds = new Set(csv.clients.rows.map((c) => c.client_id));
    const staffNames = new Set(csv.staff.rows.map((s) => s.staff_name));
    for (const table of ['invoices', 'time_logs', 'licenses'] as const) {
      const orphans = csv[table].rows.filter((row) => !clientIds.has(row.client_id));
      assert.deepEqual(orphans, [], `${table} with unknown client ids`);
    }
    assert.deepEqual(
      csv.time_logs.rows.filter((t) => !staffNames.has(t.staff_name)),
      [],
    );
  });

  it('logs time in quarter-hours within (0, 10], mostly on weekdays, ending at endDate', () => {
    let weekend = 0;
    for (const t of csv.time_logs.rows) {
      const hours = Number(t.hours);
      assert.ok(hours > 0 && hours <= 10, `hours ${t.hours}`);
      assert.equal((hours * 4) % 1, 0, `hours ${t.hours} not in 0.25 steps`);
      assert.match(t.hours ?? '', /^\d+\.\d{2}$/);
      assert.match(t.rate ?? '', MONEY);
      assert.match(t.billable ?? '', /^(true|false)$/);
      const day = new Date(`${t.date}T00:00:00Z`).getUTCDay();
      if (day === 0 || day === 6) weekend++;
    }
    assert.ok(weekend / csv.time_logs.rows.length < 0.06, `${weekend} weekend entries`);
    const dates = csv.time_logs.rows.map((t) => t.date ?? '').sort();
    assert.equal(dates.at(-1), '2025-10-31');
    assert.ok((dates[0] ?? '') >= '2024-09-01', `first date ${dates[0]}`);
    assert.equal(new Set(csv.time_logs.rows.map((t) => t.log_id)).size, csv.time_logs.rows.length);
  });

  it('has a realistic invoice ledger', () => {
    const statuses = new Map<string, number>();
    for (const i of csv.invoices.rows) {
      statuses.set(i.status ?? '', (statuses.get(i.status ?? '') ?? 0) + 1);
      assert.match(i.total_amount ?? '', MONEY);
      assert.equal(i.currency, 'USD');
      assert.ok((i.due_date ?? '') >= (i.invoice_date ?? ''), `${i.invoice_id} due before issued`);
    }
    assert.deepEqual([...statuses.keys()].sort(), ['draft', 'overdue', 'paid', 'pending', 'void']);
    assert.ok((statuses.get('paid') ?? 0) > 0.8 * csv.invoices.rows.length, 'mostly paid');
    assert.ok(csv.invoices.rows.filter((i) => cents(i.total_amount ?? '') < 0).length >= 2, 'credit notes');
    // Unpaid invoices are recent: nothing older than three months is still open.
    const open = csv.invoices.rows.filter((i) => i.status === 'pending' || i.status === 'overdue');
    open.forEach((i) => assert.ok((i.invoice_date ?? '') >= '2025-08-01', `${i.invoice_id} open since ${i.invoice_date}`));
    assert.equal(new Set(csv.invoices.rows.map((i) => i.invoice_id)).size, csv.invoices.rows.length);
    const months = new Set(csv.invoices.rows.map((i) => i.invoice_date?.slice(0, 7)));
    assert.equal(months.size, 14);
    assert.ok(months.has('2025-10'));
  });

  it('prices licenses consistently, with idle and over-assigned seats among them', () => {
    let under = 0;
    let over = 0;
    for (const l of csv.licenses.rows) {
      const purchased = Number(l.seats_purchased);
      const used = Number(l.seats_used);
      assert.ok(Number.isInteger(purchased) && purchased >= 0 && Number.isInteger(used) && used >= 0);
      assert.equal(cents(l.total_cost ?? ''), purchased * cents(l.cost_per_seat ?? ''), `${l.license_id} total_cost`);
      assert.ok(cents(l.price_per_seat ?? '') > cents(l.cost_per_seat ?? ''), `${l.license_id} sold below cost`);
      assert.match(l.billing_term ?? '', /^(annual|monthly)$/);
      assert.ok((l.renewal_date ?? '') > '2025-10-31');
      if (used * 2 < purchased) under++;
      if (used > purchased) over++;
    }
    assert.ok(under >= 2, `${under} licenses under 50 % used`);
    assert.ok(over >= 2, `${over} over-assigned licenses`);
    assert.ok(new Set(csv.licenses.rows.map((l) => l.product)).has('Microsoft 365 Business Premium'));
  });

  it('has 3–6 clients that lose money, several thin ones, and mostly healthy ones', () => {
    // revenue (not void/draft) − hours × cost rate (45.00 when missing) − monthly license cost × months
    const costRate = new Map(csv.staff.rows.map((s) => [s.staff_name, s.cost_rate ? cents(s.cost_rate) : DEFAULT_COST_RATE_CENTS]));
    const months = new Set(csv.time_logs.rows.map((t) => t.date?.slice(0, 7))).size;
    const profit = new Map<string, number>();
    const revenue = new Map<string, number>();
    const add = (map: Map<string, number>, id: string | undefined, value: number) => map.set(id ?? '', (map.get(id ?? '') ?? 0) + value);
    for (const i of csv.invoices.rows) {
      if (i.status === 'void' || i.status === 'draft') continue;
      add(profit, i.client_id, cents(i.total_amount ?? ''));
      add(revenue, i.client_id, cents(i.total_amount ?? ''));
    }
    for (const t of csv.time_logs.rows) add(profit, t.client_id, -Number(t.hours) * (costRate.get(t.staff_name) ?? NaN));
    for (const l of csv.licenses.rows) add(profit, l.client_id, -cents(l.total_cost ?? '') * months);

    const margins = csv.clients.rows.map((c) => (profit.get(c.client_id ?? '') ?? NaN) / (revenue.get(c.client_id ?? '') ?? NaN));
    assert.ok(margins.every(Number.isFinite), 'every client has revenue and costs');
    const losing = margins.filter((m) => m < 0).length;
    const thin = margins.filter((m) => m >= 0 && m < 0.2).length;
    const healthy = margins.filter((m) => m >= 0.4).length;
    assert.ok(losing >= 3 && losing <= 6, `${losing} clients lose money`);
    assert.ok(thin >= 3, `${thin} thin-margin clients`);
    assert.ok(healthy > margins.length / 2, `${healthy} healthy clients`);
  });

  it('rejects bad options with MM_USAGE', async () => {
    await assert.rejects(writeSampleMsp(path.join(root, 'bad'), { endDate: '2025-02-30' }), { code: 'MM_USAGE' });
    await assert.rejects(writeSampleMsp(path.join(root, 'bad'), { clients: 0 }), { code: 'MM_USAGE' });
  });

  it('scales to other sizes and end dates', async () => {
    const small = await writeSampleMsp(path.join(root, 'small'), { clients: 5, staff: 3, months: 13, endDate: '2024-06-15' });
    const staff = await readCsv(small.files.staff);
    assert.equal(staff.rows.filter((s) => s.cost_rate === '').length, 1);
    const logs = await readCsv(small.files.time_logs);
    const last =
      logs.rows
        .map((t) => t.date ?? '')
        .sort()
        .at(-1) ?? '';
    assert.ok(last <= '2024-06-15' && last >= '2024-06-10', `last time log ${last}`);
    const invoices = await readCsv(small.files.invoices);
    assert.equal(new Set(invoices.rows.map((i) => i.invoice_date?.slice(0, 7))).size, 13);
  });
});
