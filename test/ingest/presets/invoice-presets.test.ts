import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { normaliseHeader } from '../../../src/ingest/header-map.js';
import { importFile } from '../../../src/ingest/import-file.js';
import { isQuickBooksNonInvoice, quickBooksStatus, xeroStatus, xeroTotal } from '../../../src/ingest/presets/invoice-conventions.js';
import { runQuery } from '../../../src/metrics/run-query.js';
import { createTestContext, engines, type EngineName, type TestContext } from '../../support/test-database.js';
import { figuresAfter, fixture } from '../../support/vendor-exports.js';

/** Each accounting tool's export of the six invoices of canonical/invoices.csv (test/fixtures/vendor-exports). */
const invoiceExports = [
  { file: 'xero-invoices.csv', preset: 'xero-invoices', lines: 10, titleRows: 0, skippedRows: 2 },
  { file: 'xero-invoices-eu.csv', preset: 'xero-invoices', lines: 6, titleRows: 0, skippedRows: 1 },
  { file: 'quickbooks-invoice-lines.csv', preset: 'quickbooks-invoices', lines: 10, titleRows: 0, skippedRows: 0 },
  // Four total rows, two payments and the "Accrual Basis …" footer.
  { file: 'quickbooks-invoice-list.csv', preset: 'quickbooks-invoices', lines: 6, titleRows: 3, skippedRows: 7 },
  // Customers as heading rows (3), their totals (3), two payments, a blank row, TOTAL and the footer.
  { file: 'quickbooks-transactions-by-customer.csv', preset: 'quickbooks-invoices', lines: 6, titleRows: 3, skippedRows: 11 },
];

/**
 * The invoices as stored and each client's revenue, collected and outstanding money. A void
 * invoice's total is left out: QuickBooks zeroes a voided invoice, Xero keeps its amount, and
 * neither counts anywhere.
 */
async function invoiceFactsAfter(engine: EngineName, file: string): Promise<unknown> {
  const t = await createTestContext(engine);
  try {
    for (const [dataset, path] of [
      ['clients', fixture('canonical/clients.csv')],
      ['invoices', file],
    ] as const) {
      const report = await importFile(t.database, t.config, { dataset, file: path, actor: 'tester' });
      if (report.status !== 'succeeded') throw new Error(`${path}: ${report.message}\n${report.errors.map((e) => e.message).join('\n')}`);
    }
    const invoices = await t.database.kysely
      .selectFrom('invoices')
      .select(['invoice_id', 'client_id', 'invoice_date', 'due_date', 'total_cents', 'status', 'currency'])
      .orderBy('invoice_id')
      .execute();
    const money = await runQuery(t.database, t.config, { measures: ['revenue', 'collected_revenue', 'outstanding', 'invoice_count'], groupBy: ['client'] });
    return {
      invoices: invoices.map((i) => ({ ...i, total_cents: i.status === 'void' ? null : Number(i.total_cents) })),
      money: money.rows,
    };
  } finally {
    await t.cleanup();
  }
}

for (const engine of engines) {
  describe(`accounting invoice presets on ${engine}`, () => {
    let canonicalFigures: unknown;
    let canonicalInvoices: unknown;
    before(async () => {
      canonicalFigures = await figuresAfter(engine, { dataset: 'invoices', file: fixture('canonical/invoices.csv') });
      canonicalInvoices = await invoiceFactsAfter(engine, fixture('canonical/invoices.csv'));
    });

    for (const { file } of invoiceExports) {
      test(`${file} imported with no flags gives the same profitability, invoices, statuses and outstanding as the canonical file`, async () => {
        assert.deepEqual(await figuresAfter(engine, { dataset: 'invoices', file: fixture(file) }), canonicalFigures);
        assert.deepEqual(await invoiceFactsAfter(engine, fixture(file)), canonicalInvoices);
      });
    }
  });
}

describe('accounting invoice presets: recognition, reports and errors', () => {
  let t: TestContext;
  before(async () => {
    t = await createTestContext('sqlite');
    const report = await importFile(t.database, t.config, { dataset: 'clients', file: fixture('canonical/clients.csv'), actor: 'tester' });
    assert.equal(report.status, 'succeeded', report.message);
  });
  after(async () => {
    await t.cleanup();
  });

  const importCsv = (name: string, content: string, options: { preset?: string; mode?: 'strict' | 'lenient'; dryRun?: boolean } = {}) =>
    importFile(t.database, t.config, {
      dataset: 'invoices',
      file: t.file(name, content),
      actor: 'tester',
      dryRun: options.dryRun ?? true,
      preset: options.preset,
      ...(options.mode ? { mode: options.mode } : {}),
    });
  const stored = async (ids: string[]) =>
    (
      await t.database.kysely
        .selectFrom('invoices')
        .select(['invoice_id', 'total_cents', 'status', 'currency'])
        .where('invoice_id', 'in', ids)
        .orderBy('invoice_id')
        .execute()
    ).map((r) => [r.invoice_id, Number(r.total_cents), r.status, r.currency]);

  for (const { file, preset, lines, titleRows, skippedRows } of invoiceExports) {
    test(`${file}: the report names the preset and counts the title, total and skipped rows`, async () => {
      const report = await importCsv(file, readFileSync(fixture(file), 'utf8'));
      assert.equal(report.status, 'validated', report.message);
      assert.equal(report.format.preset?.id, preset);
      assert.equal(report.format.titleRows, titleRows);
      assert.equal(report.format.skippedRows, skippedRows);
      assert.equal(report.rows.total, lines, 'every line item is a row read');
      assert.equal(report.rows.rejected, 0);
    });
  }

  test("Xero's '*' on required template columns is dropped from the header name", () => {
    assert.equal(normaliseHeader('*InvoiceNumber'), 'invoicenumber');
    assert.equal(normaliseHeader(' *Due Date '), 'due_date');
    assert.equal(normaliseHeader('Amount*'), 'amount');
  });

  test('a partial Xero export is refused naming the export and the missing columns', async () => {
    const report = await importCsv('xero.csv', '*ContactName,*InvoiceNumber,*InvoiceDate,InvoiceAmountDue\nAcme Corp,INV-1,1 Mar 2025,0\n');
    assert.equal(report.status, 'failed');
    assert.equal(report.errorCode, 'MM_IMPORT_HEADER');
    assert.match(
      report.message,
      /^xero\.csv line 1: this looks like a Xero invoices export \(preset xero-invoices\), but it lacks the column total_amount \(total or invoice_total/,
    );
  });

  test('a partial QuickBooks report is refused naming the export and the missing columns, after its title lines', async () => {
    const csv = 'Moat IT\nInvoice List\n\nDate,Transaction type,Amount,Open balance\n03/01/2025,Invoice,100.00,0.00\n';
    const report = await importCsv('qb.csv', csv);
    assert.equal(report.status, 'failed');
    assert.match(
      report.message,
      /^qb\.csv line 4: this looks like a QuickBooks Online invoices export \(preset quickbooks-invoices\), but it lacks the columns invoice_id \(invoice_number or invoiceno.*; client_name \(customer/,
    );
  });

  test('Xero line amounts spread apart in the file are added up when there is no Total; a repeated Total is taken once', async () => {
    const lineAmounts = [
      'ContactName,InvoiceNumber,InvoiceDate,DueDate,Description,Quantity,UnitAmount,LineAmount,Currency,Status',
      'Acme Corp,G-1,2025-03-01,2025-03-31,Support,1,100.00,100.00,USD,AUTHORISED',
      'Bright Dental,G-2,2025-03-01,2025-03-31,Support,1,70.00,70.00,USD,PAID',
      'Acme Corp,G-1,2025-03-01,2025-03-31,Licences,3,15.00,45.00,USD,AUTHORISED',
      'Bright Dental,G-2,2025-03-01,2025-03-31,Backup,1,"1,000.25","1,000.25",USD,PAID',
      'Acme Corp,G-1,2025-03-01,2025-03-31,Hardware,1,5.50,5.50,USD,AUTHORISED',
    ].join('\n');
    const summed = await importCsv('lines.csv', lineAmounts, { dryRun: false });
    assert.equal(summed.status, 'succeeded', summed.message);
    assert.deepEqual(await stored(['G-1', 'G-2']), [
      ['G-1', 15050, 'pending', 'USD'],
      ['G-2', 107025, 'paid', 'USD'],
    ]);
    const totals = lineAmounts
      .replace('LineAmount,', 'LineAmount,Total,')
      .split('\n')
      .map((line, i) => (i === 0 ? line : line.replace(/(,USD,)/, line.includes('G-1') ? ',150.50$1' : ',"1,070.25"$1')))
      .join('\n')
      .replaceAll('G-', 'T-');
    const once = await importCsv('totals.csv', totals, { dryRun: false });
    assert.equal(once.status, 'succeeded', once.message);
    assert.deepEqual(await stored(['T-1', 'T-2']), [
      ['T-1', 15050, 'pending', 'USD'],
      ['T-2', 107025, 'paid', 'USD'],
    ]);
  });

  test('a bad line item is refused at its own line and column; lenient mode refuses its whole invoice and imports the rest', async () => {
    const csv = [
      '*ContactName,*InvoiceNumber,*InvoiceDate,*DueDate,LineAmount,Status',
      'Acme Corp,B-1,2025-03-01,2025-03-31,10.00,AUTHORISED',
      'Acme Corp,B-2,2025-03-01,2025-03-31,20.00,AUTHORISED',
      'Acme Corp,B-1,2025-03-01,2025-03-31,ten dollars,AUTHORISED',
      'Acme Corp,B-1,2025-03-01,2025-03-31,30.00,AUTHORISED',
    ].join('\n');
    const strict = await importCsv('bad.csv', csv, { dryRun: false });
    assert.equal(strict.status, 'failed');
    assert.equal(strict.errors[0]!.message, "bad.csv line 4, column 5 (LineAmount): 'ten dollars' is not an amount of money");
    assert.deepEqual(await stored(['B-1', 'B-2']), [], 'strict: nothing imported');
    const lenient = await importCsv('bad.csv', csv, { dryRun: false, mode: 'lenient' });
    assert.equal(lenient.status, 'succeeded', lenient.message);
    assert.deepEqual(
      lenient.errors.map((e) => e.message),
      [
        "bad.csv line 4, column 5 (LineAmount): 'ten dollars' is not an amount of money",
        "bad.csv line 2, column 2 (*InvoiceNumber): 'B-1' is not imported: its line item on line 4 was refused, and the invoice without it would be incomplete",
      ],
    );
    assert.deepEqual(await stored(['B-1', 'B-2']), [['B-2', 2000, 'pending', 'USD']]);
  });

  test('QuickBooks: payments and deposits in a transaction list are skipped, sales receipts paid, credit memos negative', async () => {
    const csv = [
      'Date,Transaction type,Num,Customer,Due date,Amount,Open balance',
      '03/13/2025,Invoice,Q-1,Acme Corp,03/31/2025,"1,000.00",250.00',
      '03/14/2025,Sales Receipt,Q-2,Acme Corp,03/14/2025,80.00,',
      '03/15/2025,Credit Memo,Q-3,Acme Corp,03/15/2025,-40.00,-40.00',
      '03/16/2025,Payment,Q-4,Acme Corp,,-750.00,0.00',
      '03/17/2025,Deposit,,Acme Corp,,-80.00,',
      '03/18/2025,Estimate,Q-5,Acme Corp,,500.00,500.00',
      '03/19/2025,Invoice,Q-6,Acme Corp,03/31/2025,300.00,0.00',
    ].join('\n');
    const report = await importCsv('qb-list.csv', csv, { dryRun: false });
    assert.equal(report.status, 'succeeded', report.message);
    assert.equal(report.format.skippedRows, 3);
    assert.equal(report.rows.total, 4);
    assert.deepEqual(await stored(['Q-1', 'Q-2', 'Q-3', 'Q-4', 'Q-5', 'Q-6']), [
      ['Q-1', 100000, 'pending', 'USD'],
      ['Q-2', 8000, 'paid', 'USD'],
      ['Q-3', -4000, 'pending', 'USD'],
      ['Q-6', 30000, 'paid', 'USD'],
    ]);
  });

  test('QuickBooks: customer heading rows are skipped when the report also has a Customer column', async () => {
    const csv = [
      ',Date,Transaction type,Num,Customer,Due date,Amount,Open balance',
      'Acme Corp,,,,,,,',
      ',03/13/2025,Invoice,H-1,Acme Corp,03/31/2025,"1,000.00",0.00',
      'Total for Acme Corp,,,,,,"1,000.00",',
    ].join('\n');
    const report = await importCsv('qb-headed.csv', csv, { dryRun: false });
    assert.equal(report.status, 'succeeded', `${report.message} ${report.errors.map((e) => e.message).join('; ')}`);
    assert.equal(report.format.skippedRows, 2);
    assert.deepEqual(await stored(['H-1']), [['H-1', 100000, 'paid', 'USD']]);
  });

  test('Xero decimal commas with euro signs and a EUR currency column, semicolon-delimited', async () => {
    const csv = [
      'Contact Name;Invoice Number;Invoice Date;Due Date;Total;Amount Due;Currency;Status',
      'Acme Corp;E-1;15.03.2025;31.03.2025;1.234,50 €;0,00 €;EUR;Paid',
    ].join('\n');
    const report = await importCsv('eu.csv', csv, { dryRun: false });
    assert.equal(report.status, 'succeeded', report.message);
    assert.equal(report.format.preset?.id, 'xero-invoices');
    assert.deepEqual(await stored(['E-1']), [['E-1', 123450, 'paid', 'EUR']]);
  });

  test('an unknown Xero status is refused naming the cell as written', async () => {
    const csv = ['ContactName,InvoiceNumber,InvoiceDate,Total,InvoiceAmountDue,Status', 'Acme Corp,S-1,2025-03-01,10.00,0,ARCHIVED'].join('\n');
    const report = await importCsv('status.csv', csv);
    assert.equal(
      report.errors[0]!.message,
      "status.csv line 2, column 6 (Status): 'ARCHIVED' is not a known invoice status (paid, pending, overdue, void, draft)",
    );
  });

  test('a Xero export imported as time logs says which dataset it is', async () => {
    const report = await importFile(t.database, t.config, {
      dataset: 'time_logs',
      file: t.file('xero.csv', readFileSync(fixture('xero-invoices.csv'), 'utf8')),
      actor: 'tester',
      dryRun: true,
    });
    assert.equal(report.status, 'failed');
    assert.match(
      report.message,
      /looks like a Xero invoices export, which imports as invoices, not time_logs; import it with: moatmetrics import invoices xero\.csv/,
    );
  });

  test('--preset none reads the canonical names only, and a Xero file is not read as QuickBooks', async () => {
    const none = await importCsv('xero.csv', readFileSync(fixture('xero-invoices.csv'), 'utf8'), { preset: 'none' });
    assert.equal(none.format.preset, null);
    assert.equal(none.status, 'failed');
    const forced = await importCsv('xero.csv', readFileSync(fixture('xero-invoices.csv'), 'utf8'), { preset: 'quickbooks-invoices' });
    assert.equal(forced.status, 'failed');
    assert.match(forced.message, /preset quickbooks-invoices\), but it lacks the columns invoice_id .*client_name/);
  });
});

describe('invoice value conventions', () => {
  test('Xero statuses: drafts and submitted invoices are drafts; authorised is paid once nothing is due on a non-zero total', () => {
    assert.equal(xeroStatus(['DRAFT', '100.00', '100.00']), 'draft');
    assert.equal(xeroStatus(['SUBMITTED', '100.00', '100.00']), 'draft');
    assert.equal(xeroStatus(['Awaiting Approval', '', '']), 'draft');
    assert.equal(xeroStatus(['AUTHORISED', '100.00', '100.00']), 'pending');
    assert.equal(xeroStatus(['AUTHORISED', '0.00', '100.00']), 'paid');
    assert.equal(xeroStatus(['AUTHORISED', '0.00', '0.00']), 'pending', 'a zero invoice is not paid by having nothing due');
    assert.equal(xeroStatus(['AUTHORISED', '', '100.00']), 'pending');
    assert.equal(xeroStatus(['Awaiting Payment', '1.234,50', '1.234,50']), 'pending');
    assert.equal(xeroStatus(['Overdue', '5.00', '10.00']), 'overdue');
    assert.equal(xeroStatus(['PAID', '0', '10']), 'paid');
    assert.equal(xeroStatus(['VOIDED', '10', '10']), 'void');
    assert.equal(xeroStatus(['DELETED', '10', '10']), 'void');
    assert.equal(xeroStatus(['', '0.00', '10.00']), 'paid');
    assert.equal(xeroStatus(['', '', '']), '');
    assert.equal(xeroStatus(['Archived', '0', '1']), 'Archived');
  });

  test('credit notes are negative however the export signs them', () => {
    assert.equal(xeroTotal(['380.00', 'ACCRECCREDIT']), '-380.00');
    assert.equal(xeroTotal(['$1,234.50', 'Sales credit note']), '-1234.50');
    assert.equal(xeroTotal(['-380.00', 'ACCRECCREDIT']), '-380.00');
    assert.equal(xeroTotal(['380.00', 'ACCREC']), '380.00');
    assert.equal(xeroTotal(['oops', 'ACCRECCREDIT']), 'oops', 'unreadable amounts pass through to be refused');
  });

  test('QuickBooks: an open balance of 0.00 is paid, anything else pending; the list status and memo are read', () => {
    assert.equal(quickBooksStatus(['', '0.00', 'Invoice', '']), 'paid');
    assert.equal(quickBooksStatus(['', '$0.00', 'Invoice', '']), 'paid');
    assert.equal(quickBooksStatus(['', '12.00', 'Invoice', '']), 'pending');
    assert.equal(quickBooksStatus(['Overdue 12 days', '12.00', 'Invoice', '']), 'overdue');
    assert.equal(quickBooksStatus(['', '0.00', 'Invoice', 'Voided']), 'void');
    assert.equal(quickBooksStatus(['Voided', '', '', '']), 'void');
    assert.equal(quickBooksStatus(['', '', 'Sales Receipt', '']), 'paid');
    assert.equal(quickBooksStatus(['Deposited', '', '', '']), 'paid');
    assert.equal(quickBooksStatus(['Due in 5 days', '', '', '']), 'pending');
    assert.equal(quickBooksStatus(['Partially paid', '', '', '']), 'Partially paid', 'the status choice reads it as pending');
    assert.equal(quickBooksStatus(['', '', 'Invoice', '']), '');
    assert.ok(isQuickBooksNonInvoice('Payment') && isQuickBooksNonInvoice('Journal Entry') && isQuickBooksNonInvoice('estimate'));
    assert.ok(!isQuickBooksNonInvoice('Invoice') && !isQuickBooksNonInvoice('Credit Memo') && !isQuickBooksNonInvoice(''));
  });
});
