import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clientsCsv, csvUpload, errorOf, formUpload, startApiTest, type ApiTest } from './api-test-app.js';

/** Every date fits both D/M/YYYY and M/D/YYYY. */
const ambiguousInvoices = (prefix: string) =>
  ['invoice_id,client_id,invoice_date,amount', `${prefix}1,C1,03/11/2025,100`, `${prefix}2,C2,04/12/2025,200`, ''].join('\n');

describe('date order over HTTP', () => {
  let api: ApiTest;
  before(async () => {
    api = await startApiTest('sqlite');
    const clients = await api.app.inject(csvUpload('/api/v1/imports/clients', clientsCsv));
    assert.equal(clients.statusCode, 201, clients.body);
  });
  after(async () => {
    await api.close();
  });

  const dates = async (...ids: string[]) => {
    const query = api.t.database.kysely.selectFrom('invoices').select(['invoice_id', 'invoice_date']).where('invoice_id', 'in', ids);
    const rows = await query.execute();
    return Object.fromEntries(rows.map((r) => [r.invoice_id, r.invoice_date]));
  };

  test('an ambiguous file is 422 MM_IMPORT_AMBIGUOUS_DATES with one error that names date_order=', async () => {
    const response = await api.app.inject(csvUpload('/api/v1/imports/invoices?file_name=uk.csv', ambiguousInvoices('Q')));
    assert.equal(response.statusCode, 422, response.body);
    const error = errorOf(response);
    assert.equal(error.code, 'MM_IMPORT_AMBIGUOUS_DATES');
    assert.match(error.message, /^uk\.csv: day and month cannot be told apart in column 3 \(invoice_date\)/);
    assert.match(error.message, /date_order=dmy or date_order=mdy \(HTTP import\)/);
    const details = error.details as { errorCount: number; errors: unknown[] };
    assert.equal(details.errorCount, 1);
    assert.equal(details.errors.length, 1);
  });

  test('?date_order=dmy and the form field date_order=mdy each decide it', async () => {
    const query = await api.app.inject(csvUpload('/api/v1/imports/invoices?date_order=dmy', ambiguousInvoices('Q')));
    assert.equal(query.statusCode, 201, query.body);
    assert.deepEqual(await dates('Q1', 'Q2'), { Q1: '2025-11-03', Q2: '2025-12-04' });
    const upload = formUpload('/api/v1/imports/invoices?date_order=dmy', ambiguousInvoices('F'), 'us.csv', { date_order: 'mdy' });
    const form = await api.app.inject(upload);
    assert.equal(form.statusCode, 201, form.body);
    assert.deepEqual(await dates('F1', 'F2'), { F1: '2025-03-11', F2: '2025-04-12' });
  });

  test('an unknown date_order is 400 MM_VALIDATION', async () => {
    const response = await api.app.inject(csvUpload('/api/v1/imports/invoices?date_order=european', ambiguousInvoices('V')));
    assert.equal(response.statusCode, 400, response.body);
    assert.equal(errorOf(response).code, 'MM_VALIDATION');
    assert.match(errorOf(response).message, /date_order/);
  });
});
