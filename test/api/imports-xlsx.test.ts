import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { snapshotTable } from '../support/test-database.js';
import { licensesSheet, timeLogsSheet, workbookBuffer } from '../support/workbooks.js';
import { clientsCsv, errorOf, formUpload, startApiTest, type ApiTest } from './api-test-app.js';

interface PresentedImport {
  id: string;
  fileName: string;
  status: string;
  encoding: string | null;
  delimiter: string | null;
  sheet: string | null;
  rows: { total: number; added: number; rejected: number };
  errors: Array<{ message: string }>;
  links: { self: string | null };
}

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('Excel workbook upload over HTTP on SQLite', () => {
  let api: ApiTest;
  let workbook: Buffer;
  before(async () => {
    api = await startApiTest('sqlite');
    workbook = await workbookBuffer([timeLogsSheet, licensesSheet]);
    const clients = await api.app.inject(formUpload('/api/v1/imports/clients', clientsCsv, 'clients.csv'));
    assert.equal(clients.statusCode, 201, clients.body);
  });
  after(async () => {
    await api.close();
  });

  const workbookForm = (url: string, fields: Record<string, string> = {}) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob([workbook], { type: xlsxType }), 'msp-export.xlsx');
    return { method: 'POST' as const, url, payload: form };
  };

  test('a multipart workbook imports its first sheet; the record says which sheet, with no encoding or delimiter', async () => {
    const response = await api.app.inject(workbookForm('/api/v1/imports/time_logs'));
    assert.equal(response.statusCode, 201, response.body);
    const report = response.json() as PresentedImport;
    assert.equal(report.sheet, 'Time');
    assert.equal(report.encoding, null);
    assert.equal(report.delimiter, null);
    assert.deepEqual([report.rows.total, report.rows.added, report.rows.rejected], [4, 4, 0]);
    const stored = await api.app.inject({ method: 'GET', url: report.links.self! });
    assert.equal((stored.json() as PresentedImport).sheet, 'Time');
    assert.equal((await snapshotTable(api.t.database, 'time_logs', 'log_id')).length, 4);
  });

  test('the sheet form field picks another sheet', async () => {
    const response = await api.app.inject(workbookForm('/api/v1/imports/licenses', { sheet: 'licenses' }));
    assert.equal(response.statusCode, 201, response.body);
    assert.equal((response.json() as PresentedImport).sheet, 'Licenses');
    assert.equal((await snapshotTable(api.t.database, 'licenses', 'license_id')).length, 2);
  });

  test('a raw octet-stream body is told to be a workbook by its content; ?sheet= names the sheet', async () => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/api/v1/imports/licenses?sheet=Licenses&dry_run=true&file_name=licenses.xlsx',
      headers: { 'content-type': 'application/octet-stream' },
      payload: workbook,
    });
    assert.equal(response.statusCode, 200, response.body);
    const report = response.json() as PresentedImport;
    assert.equal(report.status, 'validated');
    assert.equal(report.sheet, 'Licenses');
  });

  test('an unknown sheet is a 400 that lists the sheets', async () => {
    const response = await api.app.inject(workbookForm('/api/v1/imports/licenses', { sheet: 'Invoices' }));
    assert.equal(response.statusCode, 400, response.body);
    const error = errorOf(response);
    assert.equal(error.code, 'MM_IMPORT_UNKNOWN_SHEET');
    assert.match(error.message, /msp-export\.xlsx has no sheet named 'Invoices'; its sheets are 'Time', 'Licenses'/);
  });

  test('an old .xls upload is a 422 naming the file and saying to save as .xlsx or CSV', async () => {
    const xls = Buffer.alloc(1536);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(xls, 0);
    xls.writeUInt16LE(9, 0x1e);
    xls.write('Workbook', 512 + 128, 'utf16le');
    xls.writeUInt16LE(18, 512 + 128 + 64);
    const form = new FormData();
    form.append('file', new Blob([xls], { type: 'application/vnd.ms-excel' }), 'old.xls');
    const response = await api.app.inject({ method: 'POST', url: '/api/v1/imports/time_logs', payload: form });
    assert.equal(response.statusCode, 422, response.body);
    const error = errorOf(response);
    assert.equal(error.code, 'MM_IMPORT_WORKBOOK_UNSUPPORTED');
    assert.match(error.message, /^old\.xls: is an Excel 97-2003 workbook \(\.xls\).*\(\.xlsx\) or as CSV/);
  });
});
