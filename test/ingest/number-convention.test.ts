import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decimalEvidence, parseScaledDecimal } from '../../src/ingest/field-types.js';
import { importFile } from '../../src/ingest/import-file.js';
import { createTestContext, type TestContext } from '../support/test-database.js';

test('what one number says about the decimal mark', () => {
  assert.equal(decimalEvidence('1,234.50'), '.');
  assert.equal(decimalEvidence('1.234,50 €'), ',');
  assert.equal(decimalEvidence('12,5'), ',');
  assert.equal(decimalEvidence('0,250'), ',');
  assert.equal(decimalEvidence('0.250'), '.');
  assert.equal(decimalEvidence('1.234.567'), ',');
  assert.equal(decimalEvidence('1,234,567'), '.');
  assert.equal(decimalEvidence('$1,234'), 'ambiguous');
  assert.equal(decimalEvidence('1.234'), 'ambiguous');
  assert.equal(decimalEvidence('1.2.3'), null);
  assert.equal(decimalEvidence('1234'), null);
  // A number that reads both ways follows the file's mark; one that reads one way ignores it.
  assert.equal(parseScaledDecimal('1.234', 2, ','), 123400);
  assert.equal(parseScaledDecimal('1.234', 2, '.'), 123);
  assert.equal(parseScaledDecimal('1,234', 2, ','), 123);
  assert.equal(parseScaledDecimal('1,234', 2, '.'), 123400);
  assert.equal(parseScaledDecimal('1.234,50 EUR', 2, '.'), 123450);
  assert.equal(parseScaledDecimal('12.5', 2, ','), 1250);
});

describe('a file decides its decimal mark', () => {
  let t: TestContext;
  before(async () => {
    t = await createTestContext('sqlite');
    const report = await importFile(t.database, t.config, { dataset: 'clients', file: t.file('c.csv', 'client_id,client_name\nC1,Acme\n'), actor: 'tester' });
    assert.equal(report.status, 'succeeded');
  });
  after(async () => {
    await t.cleanup();
  });

  const amounts = async (name: string, csv: string) => {
    const report = await importFile(t.database, t.config, { dataset: 'invoices', file: t.file(name, csv), actor: 'tester' });
    assert.equal(report.status, 'succeeded', report.message);
    const rows = await t.database.kysely.selectFrom('invoices').select(['invoice_id', 'total_cents']).orderBy('invoice_id').execute();
    return { report, cents: Object.fromEntries(rows.map((r) => [r.invoice_id, Number(r.total_cents)])) };
  };

  test('a thousand written 1.234 before any decimal comma is read from the rest of the file', async () => {
    const { report, cents } = await amounts('eu.csv', 'invoice_id,client_id,invoice_date,total_amount\nA1,C1,2025-03-01,"1.234"\nA2,C1,2025-03-02,"12,50 €"\n');
    assert.equal(cents.A1, 123400);
    assert.equal(cents.A2, 1250);
    assert.equal(report.format.decimalSeparator, ',');
    assert.equal(report.format.currency, 'EUR');
  });

  test('with no number that reads one way, a semicolon file uses the decimal comma and a comma file the point', async () => {
    const semi = await amounts('semi.csv', 'invoice_id;client_id;invoice_date;total_amount\nB1;C1;2025-03-01;2.500\n');
    assert.equal(semi.cents.B1, 250000);
    assert.equal(semi.report.format.decimalSeparator, ',');
    const comma = await amounts('comma.csv', 'invoice_id,client_id,invoice_date,total_amount\nB2,C1,2025-03-01,"$2,500"\n');
    assert.equal(comma.cents.B2, 250000);
    assert.equal(comma.report.format.decimalSeparator, '.');
    assert.equal(comma.report.format.currency, 'USD');
    assert.deepEqual(comma.report.format.dateOrders, [{ column: 'invoice_date', order: 'ymd' }]);
  });
});
