import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { licenseEfficiency } from '../../../src/analytics/license-efficiency.js';
import { portfolioOverview } from '../../../src/analytics/portfolio-overview.js';
import { profitabilityByClient } from '../../../src/analytics/profitability.js';
import { staffUtilization } from '../../../src/analytics/staff-utilization.js';
import { importFile, type ImportFileOptions } from '../../../src/ingest/import-file.js';
import { productName } from '../../../src/ingest/presets/license-products.js';
import { writeSampleMsp, type SampleMspFiles } from '../../../src/sample/index.js';
import { createTestContext } from '../../support/test-database.js';
import * as vendor from '../../support/vendor-conversion.js';

/**
 * Another MSP than the fixtures the presets were written against: the sample generator with its
 * own seed, exported the way each vendor writes it (test/support/vendor-conversion.ts), imported
 * with no flags in place of the canonical file. The figures a person reads must not change.
 */

type FileImport = Omit<ImportFileOptions, 'dataset' | 'file' | 'actor'> & { file: string };
type Replacement = Partial<Record<'invoices' | 'time_logs' | 'licenses', FileImport[]>>;

let dir: string;
let sample: SampleMspFiles;
let msp: vendor.CanonicalMsp;
const write = (name: string, content: string | Buffer): string => {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
};

interface Figures {
  profitability: unknown;
  staff: unknown;
  invoices: unknown;
  /** Hours per work date: a day/month swap shows here. */
  days: unknown;
  outstanding: number;
  licenses: unknown;
  waste: number;
  /** The preset each replacing file was read with. */
  presets: Array<string | null>;
}

async function figuresAfter(replace: Replacement): Promise<Figures> {
  const t = await createTestContext('sqlite');
  const presets: Array<string | null> = [];
  try {
    for (const dataset of ['clients', 'staff', 'invoices', 'time_logs', 'licenses'] as const) {
      const imports =
        dataset === 'clients' || dataset === 'staff' ? [{ file: sample.files[dataset] }] : (replace[dataset] ?? [{ file: sample.files[dataset] }]);
      for (const { file, ...options } of imports) {
        const report = await importFile(t.database, t.config, { dataset, file, actor: 'tester', ...options });
        const errors = report.errors.slice(0, 5).map((e) => e.message);
        assert.equal(report.status, 'succeeded', `${path.basename(file)}: ${report.message}\n${errors.join('\n')}`);
        assert.equal(report.rows.rejected, 0, `${path.basename(file)}: ${errors.join('\n')}`);
        if (replace[dataset as keyof Replacement]) presets.push(report.format.preset?.id ?? null);
      }
    }
    const profitability = await profitabilityByClient(t.database, t.config, {});
    const staff = await staffUtilization(t.database, t.config, {});
    const overview = await portfolioOverview(t.database, t.config, {});
    const efficiency = await licenseEfficiency(t.database, t.config, {});
    const invoices = await t.database.kysely
      .selectFrom('invoices')
      .select(['invoice_id', 'client_id', 'status', 'total_cents', 'invoice_date', 'due_date'])
      .orderBy('invoice_id')
      .execute();
    return {
      profitability: profitability.rows.map(({ sums: _s, ...row }) => row),
      staff: staff.rows,
      invoices: invoices.map((i) => [i.invoice_id, i.client_id, i.status, Number(i.total_cents), i.invoice_date, i.due_date]),
      days: await t.database.kysely
        .selectFrom('time_logs')
        .select(['work_date', (eb) => eb.fn.sum<number>('hours_milli').as('hours')])
        .groupBy('work_date')
        .orderBy('work_date')
        .execute()
        .then((rows) => rows.map((r) => [r.work_date, Number(r.hours)])),
      outstanding: overview.totals.outstanding,
      licenses: efficiency.positions
        .map(({ recommendation: _r, ...p }) => p)
        .sort((a, b) => `${a.clientId}${a.product}`.localeCompare(`${b.clientId}${b.product}`)),
      waste: efficiency.totalMonthlyWaste,
      presets,
    };
  } finally {
    await t.cleanup();
  }
}

describe('vendor exports of another MSP, imported with no flags', () => {
  let canonical: Figures;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mm-other-msp-'));
    sample = await writeSampleMsp(path.join(dir, 'canonical'), { seed: 77, clients: 40, months: 6 });
    msp = vendor.readCanonicalMsp(sample.files);
    canonical = await figuresAfter({});
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const timeExports: Array<[string, string, () => string]> = [
    ['connectwise-time-report.csv', 'connectwise-time', () => vendor.connectWiseTimeReport(msp)],
    ['connectwise-time-api.csv', 'connectwise-time', () => vendor.connectWiseTimeApi(msp)],
    ['autotask-time-entries.csv', 'autotask-time', () => vendor.autotaskTimeEntries(msp)],
    ['halopsa-actions.csv', 'halopsa-time', () => vendor.haloPsaActions(msp)],
  ];
  for (const [name, preset, build] of timeExports) {
    test(`${name}: the same profitability and staff utilization as the canonical time logs`, async () => {
      const figures = await figuresAfter({ time_logs: [{ file: write(name, build()) }] });
      assert.deepEqual(figures.presets, [preset]);
      assert.deepEqual(figures.profitability, canonical.profitability);
      assert.deepEqual(figures.staff, canonical.staff);
      assert.deepEqual(figures.days, canonical.days);
    });
  }

  /** Neither Xero nor QuickBooks can say overdue: it imports as pending. QuickBooks has no drafts, nor a voided invoice's amount. */
  const expressible = (invoices: unknown, fold: Record<string, string>) =>
    (invoices as Array<[string, string, string, number, string, string]>)
      .filter(([, , status]) => fold[status] !== '')
      .map(([id, client, status, total, ...dates]) => [id, client, fold[status] ?? status, status === 'void' && fold.void === 'void' ? 0 : total, ...dates]);

  test('xero-invoices.csv (line items): the same profitability, invoice statuses and outstanding', async () => {
    const figures = await figuresAfter({ invoices: [{ file: write('xero-invoices.csv', vendor.xeroInvoiceLines(msp)) }] });
    assert.deepEqual(figures.presets, ['xero-invoices']);
    assert.deepEqual(figures.profitability, canonical.profitability);
    assert.deepEqual(figures.invoices, expressible(canonical.invoices, { overdue: 'pending' }));
    assert.equal(figures.outstanding, canonical.outstanding);
  });

  test('quickbooks-transactions.csv (Transaction List by Customer): the same profitability, statuses and outstanding', async () => {
    const figures = await figuresAfter({ invoices: [{ file: write('quickbooks-transactions.csv', vendor.quickBooksTransactionList(msp)) }] });
    assert.deepEqual(figures.presets, ['quickbooks-invoices']);
    assert.deepEqual(figures.profitability, canonical.profitability);
    assert.deepEqual(figures.invoices, expressible(canonical.invoices, { overdue: 'pending', draft: '', void: 'void' }));
    assert.equal(figures.outstanding, canonical.outstanding);
  });

  test("pax8 subscriptions and each tenant's admin-centre export: the same license cost and Microsoft waste", async () => {
    const tenants: FileImport[] = msp.clients.flatMap((client) => {
      const csv = vendor.m365AdminLicenses(msp, client.client_id!);
      return csv === null ? [] : [{ file: write(`m365-${client.client_id}.csv`, csv), client: client.client_name }];
    });
    const figures = await figuresAfter({ licenses: [{ file: write('pax8.csv', vendor.pax8Subscriptions(msp)) }, ...tenants] });
    assert.deepEqual(figures.presets, ['pax8-licenses', ...tenants.map(() => 'microsoft-graph-skus')]);
    assert.deepEqual(figures.profitability, canonical.profitability);
    // Tenant files know Microsoft products only: seats in use of the others are unknown, so
    // every seat bought counts as used and no waste is claimed for them (docs/IMPORTING.md).
    type Position = { vendor: string | null; product: string; seatsPurchased: number; seatsUsed: number; monthlyWaste: number };
    const positions = figures.licenses as Position[];
    const expected = (canonical.licenses as Position[]).map((p) =>
      p.vendor === 'Microsoft'
        ? { ...p, product: productName(p.product) }
        : {
            ...p,
            seatsUsed: p.seatsPurchased,
            unusedSeats: 0,
            overAssignedSeats: 0,
            utilizationPct: p.seatsPurchased > 0 ? 100 : null,
            monthlyWaste: 0,
            band: 'good',
          },
    );
    assert.deepEqual(positions, expected);
  });

  const untidyTimeLogs: Array<[string, vendor.Untidiness]> = [
    ['shouted headers with trailing spaces, a BOM and CRLF', { shoutedHeader: true, bom: true, crlf: true }],
    ['an extra unknown column and the columns in reverse order', { extraColumn: true, reversed: true }],
  ];
  for (const [what, how] of untidyTimeLogs) {
    test(`ConnectWise API time entries with ${what}: the same figures`, async () => {
      const figures = await figuresAfter({ time_logs: [{ file: write('cw-untidy.csv', vendor.untidy(vendor.connectWiseTimeApi(msp), how)) }] });
      assert.deepEqual(figures.presets, ['connectwise-time']);
      assert.deepEqual(figures.profitability, canonical.profitability);
      assert.deepEqual(figures.staff, canonical.staff);
      assert.deepEqual(figures.days, canonical.days);
    });
  }

  test('Xero line items with every untidiness at once: the same figures', async () => {
    const csv = vendor.untidy(vendor.xeroInvoiceLines(msp), { shoutedHeader: true, bom: true, crlf: true, extraColumn: true, reversed: true });
    const figures = await figuresAfter({ invoices: [{ file: write('xero-untidy.csv', csv) }] });
    assert.deepEqual(figures.presets, ['xero-invoices']);
    assert.deepEqual(figures.profitability, canonical.profitability);
    assert.deepEqual(figures.invoices, expressible(canonical.invoices, { overdue: 'pending' }));
    assert.equal(figures.outstanding, canonical.outstanding);
  });

  test('a Windows-1252 Xero export from a German organisation (1.234,50 €, DD.MM.YYYY, semicolons): the same figures in EUR', async () => {
    const figures = await figuresAfter({ invoices: [{ file: write('xero-eur.csv', vendor.windows1252(vendor.xeroInvoicesEuro(msp))) }] });
    assert.deepEqual(figures.presets, ['xero-invoices']);
    assert.deepEqual(figures.profitability, canonical.profitability);
    assert.deepEqual(figures.invoices, expressible(canonical.invoices, { overdue: 'pending' }));
    assert.equal(figures.outstanding, canonical.outstanding);
  });

  for (const locale of ['uk', 'fr'] as const) {
    test(`a QuickBooks transaction list exported in the ${locale} locale: the same figures`, async () => {
      const figures = await figuresAfter({ invoices: [{ file: write(`qb-${locale}.csv`, vendor.quickBooksTransactionList(msp, locale)) }] });
      assert.deepEqual(figures.presets, ['quickbooks-invoices']);
      assert.deepEqual(figures.profitability, canonical.profitability);
      assert.deepEqual(figures.invoices, expressible(canonical.invoices, { overdue: 'pending', draft: '', void: 'void' }));
      assert.equal(figures.outstanding, canonical.outstanding);
    });
  }
});
