import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { licenseEfficiency } from '../../../src/analytics/license-efficiency.js';
import { licenseReconciliation } from '../../../src/analytics/license-reconciliation.js';
import { profitabilityByClient } from '../../../src/analytics/profitability.js';
import { importFile, type ImportFileOptions } from '../../../src/ingest/import-file.js';
import { billingMonths } from '../../../src/ingest/presets/license-positions.js';
import { productName } from '../../../src/ingest/presets/license-products.js';
import { createTestContext, engines, type EngineName, type TestContext } from '../../support/test-database.js';
import { fixture } from '../../support/vendor-exports.js';

type LicenseImport = Omit<ImportFileOptions, 'dataset' | 'file' | 'actor'> & { file: string };

/** The vendor files of the fixture MSP: bought (Partner Center, Pax8), assigned (Graph, admin centre), billed (ConnectWise). */
const vendorFiles: LicenseImport[] = [
  { file: 'partner-center-reconciliation.csv' },
  { file: 'pax8-subscriptions.csv' },
  { file: 'graph-subscribed-skus-acme.csv', client: 'Acme Corp', priceList: fixture('price-list.csv') },
  { file: 'm365-admin-licenses-bright.csv', client: 'C-BRIGHT' },
  { file: 'connectwise-agreement-additions.csv' },
];

async function loaded(engine: EngineName, licenses: LicenseImport[]): Promise<TestContext> {
  const t = await createTestContext(engine);
  for (const dataset of ['clients', 'staff', 'invoices', 'time_logs']) {
    const report = await importFile(t.database, t.config, { dataset, file: fixture(`canonical/${dataset}.csv`), actor: 'tester' });
    assert.equal(report.status, 'succeeded', report.message);
  }
  for (const { file, ...options } of licenses) {
    const report = await importFile(t.database, t.config, { dataset: 'licenses', file: fixture(file), actor: 'tester', ...options });
    assert.equal(report.status, 'succeeded', `${file}: ${report.message} ${report.errors.map((e) => e.message).join('\n')}`);
  }
  return t;
}

/** License cost per client, waste per position, and the reconciliation: what the vendor files must reproduce. */
async function figures(t: TestContext): Promise<unknown> {
  const profitability = await profitabilityByClient(t.database, t.config, {});
  const efficiency = await licenseEfficiency(t.database, t.config, {});
  const reconciliation = await licenseReconciliation(t.database);
  return {
    clients: profitability.rows,
    positions: efficiency.positions.map(({ recommendation: _r, ...p }) => p),
    waste: efficiency.totalMonthlyWaste,
    // Who said each figure differs (a canonical row states them all); the differences must not.
    differences: reconciliation.positions.map((p) => [p.clientId, p.product, p.differences]),
    totals: reconciliation.totals,
  };
}

async function figuresAfter(engine: EngineName, licenses: LicenseImport[]): Promise<unknown> {
  const t = await loaded(engine, licenses);
  try {
    return await figures(t);
  } finally {
    await t.cleanup();
  }
}

for (const engine of engines) {
  describe(`license presets on ${engine}`, () => {
    test('the vendor files give the license cost, waste and reconciliation of the canonical file of the same facts', async () => {
      const canonical = await figuresAfter(engine, [{ file: 'canonical/licenses.csv' }]);
      assert.deepEqual(await figuresAfter(engine, vendorFiles), canonical);
    });

    test('in any order: tenant and billing files first, priced inline, then the vendor files', async () => {
      const canonical = await figuresAfter(engine, [{ file: 'canonical/licenses.csv' }]);
      const prices = 'SPB=22.00;EXCHANGESTANDARD=4.00;O365_BUSINESS_PREMIUM=12.50';
      const reordered: LicenseImport[] = [
        { file: 'graph-subscribed-skus-acme.csv', client: 'Acme Corp', priceList: fixture('price-list.csv'), prices },
        { file: 'm365-admin-licenses-bright.csv', client: 'Bright Dental', prices },
        { file: 'connectwise-agreement-additions.csv' },
        { file: 'pax8-subscriptions.csv' },
        { file: 'partner-center-reconciliation.csv' },
      ];
      assert.deepEqual(await figuresAfter(engine, reordered), canonical);
    });
  });
}

describe('three-way license reconciliation', () => {
  test('lists the planted differences per client and product with their monthly money', async () => {
    const t = await loaded('sqlite', vendorFiles);
    try {
      const result = await licenseReconciliation(t.database);
      const listed = result.positions.map((p) => [
        p.clientName,
        p.product,
        p.purchased,
        p.assigned,
        p.billed,
        p.differences.map((d) => [d.kind, d.seats, d.monthlyImpact]),
      ]);
      assert.deepEqual(listed, [
        ['Coastal Logistics', 'Microsoft 365 E3', 35, null, 37, [['over_billed', 2, 90]]],
        ['Acme Corp', 'Microsoft 365 Business Premium', 25, 21, 25, [['unused', 4, 88]]],
        [
          'Bright Dental',
          'Microsoft 365 Business Standard',
          12,
          14,
          12,
          [
            ['unbilled', 2, 34],
            ['over_assigned', 2, 25],
          ],
        ],
        [
          'Acme Corp',
          'Microsoft Entra ID P1',
          5,
          3,
          0,
          [
            ['unbilled', 3, 18],
            ['unused', 2, 12],
          ],
        ],
        ['Bright Dental', 'Exchange Online (Plan 1)', 3, 3, 0, [['unbilled', 3, 15]]],
        ['Acme Corp', 'Exchange Online (Plan 1)', 10, 10, 8, [['unbilled', 2, 12]]],
      ]);
      assert.deepEqual(result.totals, { unbilled: 79, over_billed: 90, unused: 100, over_assigned: 25 });
      // The cancelled Power BI subscription is no position; Coastal's E3 is compared without assignments.
      assert.equal(result.positionsCompared, 6);
      const scoped = await licenseReconciliation(t.database, { clients: ['C-BRIGHT'] });
      assert.deepEqual(
        scoped.positions.map((p) => p.product),
        ['Microsoft 365 Business Standard', 'Exchange Online (Plan 1)'],
      );
    } finally {
      await t.cleanup();
    }
  });
});

describe('license presets: recognition, options and errors', () => {
  const withClients = async (): Promise<TestContext> => {
    const t = await createTestContext('sqlite');
    const report = await importFile(t.database, t.config, { dataset: 'clients', file: fixture('canonical/clients.csv'), actor: 'tester' });
    assert.equal(report.status, 'succeeded', report.message);
    return t;
  };
  const dryRun = (t: TestContext, file: string, options: Partial<ImportFileOptions> = {}) =>
    importFile(t.database, t.config, { dataset: 'licenses', file, actor: 'tester', dryRun: true, ...options });

  test('each vendor file is recognised from its header, with title, total and blank rows skipped', async () => {
    const t = await withClients();
    try {
      const expected = [
        ['partner-center-reconciliation.csv', 'partner-center-licenses', 10, 0, 2],
        ['pax8-subscriptions.csv', 'pax8-licenses', 3, 0, 1],
        ['m365-admin-licenses-bright.csv', 'microsoft-graph-skus', 2, 0, 2],
        ['connectwise-agreement-additions.csv', 'connectwise-agreement-additions', 5, 1, 2],
      ] as const;
      for (const [file, preset, rows, titleRows, skippedRows] of expected) {
        const report = await dryRun(t, fixture(file), { client: 'Bright Dental', prices: 'O365_BUSINESS_PREMIUM=12.50;EXCHANGESTANDARD=4' });
        assert.equal(report.status, 'validated', `${file}: ${report.message} ${report.errors.map((e) => e.message).join('\n')}`);
        assert.deepEqual(
          [report.format.preset?.id, report.rows.total, report.format.titleRows, report.format.skippedRows],
          [preset, rows, titleRows, skippedRows],
          file,
        );
      }
    } finally {
      await t.cleanup();
    }
  });

  test('a tenant export without --client says exactly what to pass; an unknown client is named', async () => {
    const t = await withClients();
    try {
      const missing = await dryRun(t, fixture('graph-subscribed-skus-acme.csv'), { priceList: fixture('price-list.csv') });
      assert.equal(missing.errorCode, 'MM_IMPORT_NEEDS_CLIENT');
      assert.match(
        missing.message,
        /graph-subscribed-skus-acme\.csv: a Microsoft 365 licenses .* export names no client .* --client <client id or name> \(HTTP client=/,
      );
      const unknown = await dryRun(t, fixture('graph-subscribed-skus-acme.csv'), { client: 'Zeta Ltd', priceList: fixture('price-list.csv') });
      assert.equal(unknown.errorCode, 'MM_IMPORT_NEEDS_CLIENT');
      assert.match(unknown.message, /--client 'Zeta Ltd': no client has this id or name/);
    } finally {
      await t.cleanup();
    }
  });

  test('a tenant export with no price for a product names the product and the options that give one', async () => {
    const t = await withClients();
    try {
      const report = await dryRun(t, fixture('graph-subscribed-skus-acme.csv'), { client: 'C-ACME', prices: 'SPB=22' });
      assert.equal(report.status, 'failed');
      assert.deepEqual(
        report.errors.map((e) => [e.line, e.value]),
        [
          [3, 'EXCHANGESTANDARD'],
          [4, 'AAD_PREMIUM'],
        ],
      );
      assert.match(
        report.errors[0]!.message,
        /no monthly cost per seat for Exchange Online \(Plan 1\) \(EXCHANGESTANDARD\): .*--price-list prices\.csv.*prices=SPE_E3=36\.00.*Partner Center/,
      );
    } finally {
      await t.cleanup();
    }
  });

  test('an unreadable price list is refused before anything is read, naming its line and column', async () => {
    const t = await withClients();
    try {
      const prices = t.file('prices.csv', 'product,cost_per_seat\nSPE_E3,36.00\nSPB,twenty\n');
      await assert.rejects(
        dryRun(t, fixture('graph-subscribed-skus-acme.csv'), { client: 'C-ACME', priceList: prices }),
        (error: Error & { code?: string }) =>
          error.code === 'MM_IMPORT_PRICE_LIST' && /price list prices\.csv line 3, column 2: 'twenty' is not a monthly cost per seat/.test(error.message),
      );
      const headerless = t.file('nohead.csv', 'sku;amount\nSPE_E3;36\n');
      await assert.rejects(dryRun(t, fixture('graph-subscribed-skus-acme.csv'), { client: 'C-ACME', priceList: headerless }), /needs a product column/);
    } finally {
      await t.cleanup();
    }
  });
});

describe('license value conventions', () => {
  test('part numbers and names give one product name; unknown ones are kept', () => {
    assert.equal(productName('SPE_E3'), 'Microsoft 365 E3');
    assert.equal(productName('spb'), 'Microsoft 365 Business Premium');
    assert.equal(productName('O365_BUSINESS_PREMIUM'), 'Microsoft 365 Business Standard');
    assert.equal(productName('EXCHANGESTANDARD'), 'Exchange Online (Plan 1)');
    assert.equal(productName('Azure Active Directory Premium P1'), 'Microsoft Entra ID P1');
    assert.equal(productName('CONTOSO_WIDGET'), 'CONTOSO_WIDGET');
  });

  test('a unit price billed annually or triennially is spread over its months; the commitment term is not the billing cycle', () => {
    assert.equal(billingMonths('Monthly'), 1);
    assert.equal(billingMonths('Annual'), 12);
    assert.equal(billingMonths('One-Year commitment for monthly billing'), 1);
    assert.equal(billingMonths('One-Year commitment for yearly billing'), 12);
    assert.equal(billingMonths('Triennial'), 36);
    assert.equal(billingMonths('OneTime'), 1);
  });
});
