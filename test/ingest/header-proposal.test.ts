import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { getDataset } from '../../src/ingest/datasets/index.js';
import { applyOverrides, headerWords, proposeMapping } from '../../src/ingest/header-proposal.js';
import { headerRowOfText, readHeaderRow } from '../../src/ingest/header-row.js';
import { workbookBuffer } from '../support/workbooks.js';

/** What the proposal maps each column to (null: left unmapped), in header order. */
function fieldsFor(dataset: string, header: string): Array<[string, string | null]> {
  return proposeMapping(
    getDataset(dataset),
    header.split(',').map((h) => h.trim()),
  ).columns.map((c) => [c.header, c.field]);
}

describe('proposing a mapping for an unknown header', () => {
  test('abbreviations, symbols and camelCase are spelt out as words', () => {
    assert.deepEqual(headerWords('Hrs Spent'), ['hours', 'spent']);
    assert.deepEqual(headerWords('Inv #'), ['invoice', 'number']);
    assert.deepEqual(headerWords('InvoiceDate'), ['invoice', 'date']);
    assert.deepEqual(headerWords('Bill Rate $'), ['bill', 'rate']);
    assert.deepEqual(headerWords('Qty of Seats'), ['quantity', 'seats']);
  });

  test('an in-house time sheet: Tech, Day, Cust, Hrs Spent, Bill Rate $, Billable?', () => {
    const proposal = proposeMapping(getDataset('time_logs'), ['Tech', 'Day', 'Cust', 'Hrs Spent', 'Bill Rate $', 'Billable?']);
    assert.deepEqual(proposal.mapping, {
      staff_name: 'Tech',
      date: 'Day',
      client_name: 'Cust',
      hours: 'Hrs Spent',
      rate: 'Bill Rate $',
      billable: 'Billable?',
    });
    assert.deepEqual(proposal.missing, []);
    for (const column of proposal.columns) assert.ok(column.score !== null && column.score >= 0.5 && column.score <= 1, JSON.stringify(column));
  });

  test('an accounting package invoice list: Cust Name, Inv #, Inv Dt, Amt Due Dt, Inv Amt, Pd?', () => {
    assert.deepEqual(fieldsFor('invoices', 'Cust Name, Inv #, Inv Dt, Amt Due Dt, Inv Amt, Pd?'), [
      ['Cust Name', 'client_name'],
      ['Inv #', 'invoice_id'],
      ['Inv Dt', 'invoice_date'],
      ['Amt Due Dt', 'due_date'],
      ['Inv Amt', 'total_amount'],
      ['Pd?', 'status'],
    ]);
  });

  test('other spellings: British words, synonyms, columns that mean nothing to the dataset', () => {
    assert.deepEqual(fieldsFor('time_logs', 'Engineer, Date Worked, Organisation, Duration, Ticket No, Work Desc, Colour'), [
      ['Engineer', 'staff_name'],
      ['Date Worked', 'date'],
      ['Organisation', 'client_name'],
      ['Duration', 'hours'],
      ['Ticket No', 'ticket'],
      ['Work Desc', 'notes'],
      ['Colour', null],
    ]);
    assert.deepEqual(fieldsFor('licenses', 'Cust, Prod, Qty, Assigned Qty, Unit Cost, Renewal Dt'), [
      ['Cust', 'client_name'],
      ['Prod', 'product'],
      ['Qty', 'seats_purchased'],
      ['Assigned Qty', 'seats_used'],
      ['Unit Cost', 'cost_per_seat'],
      ['Renewal Dt', 'renewal_date'],
    ]);
  });

  test('each field goes to one column, the closest; the required fields nobody maps are named', () => {
    const proposal = proposeMapping(getDataset('time_logs'), ['Hrs Billed', 'Hrs Spent', 'Whatever']);
    assert.equal(proposal.mapping.hours, 'Hrs Spent');
    assert.equal(proposal.columns[0]!.field, null);
    assert.deepEqual(proposal.missing, ['client_id or client_name', 'staff_name', 'date']);
  });

  test('a correction takes the field from the column that had it', () => {
    const dataset = getDataset('time_logs');
    const corrected = applyOverrides(dataset, proposeMapping(dataset, ['Hrs Billed', 'Hrs Spent']), [{ header: 'hrs billed', field: 'hours' }]);
    assert.deepEqual(
      corrected.columns.map((c) => [c.header, c.field, c.score]),
      [
        ['Hrs Billed', 'hours', 1],
        ['Hrs Spent', null, null],
      ],
    );
  });
});

describe('the header row of a file or of text', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mm-header-row-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('title lines above it are skipped; the delimiter is read off the header line', () => {
    assert.deepEqual(headerRowOfText('Acme MSP\nInvoice Register\nCust Name;Inv #;Inv Amt\nAcme;I-1;10,00\n', 'text'), {
      cells: ['Cust Name', 'Inv #', 'Inv Amt'],
      line: 3,
    });
    assert.deepEqual(headerRowOfText('Tech,Hours', 'text'), { cells: ['Tech', 'Hours'], line: 1 });
    assert.throws(() => headerRowOfText('\n\n', 'text'), /text: the file is empty \(no header row\)/);
  });

  test('a UTF-16 CSV file with a BOM, and a chosen sheet of a workbook with blank rows above its header', async () => {
    const csv = path.join(dir, 'time.csv');
    writeFileSync(csv, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Tech\tDay\tHrs Spent\r\nAna\t2025-01-02\t1\r\n', 'utf16le')]));
    assert.deepEqual(await readHeaderRow(csv, 'time.csv'), { cells: ['Tech', 'Day', 'Hrs Spent'], line: 1 });
    const xlsx = path.join(dir, 'time.xlsx');
    writeFileSync(
      xlsx,
      await workbookBuffer([
        { name: 'Notes', rows: [['nothing here']] },
        { name: 'Time', rows: [[], [], ['Tech', 'Day', 'Cust', 'Hrs Spent'], ['Ana', '2025-01-02', 'Acme', 1]] },
      ]),
    );
    assert.deepEqual(await readHeaderRow(xlsx, 'time.xlsx', 'time'), { cells: ['Tech', 'Day', 'Cust', 'Hrs Spent'], line: 3 });
    await assert.rejects(readHeaderRow(csv, 'time.csv', 'Time'), /time\.csv is a CSV file, which has no sheets/);
  });

  test("a workbook report's one-cell title rows do not cut the header short", async () => {
    const xlsx = path.join(dir, 'report.xlsx');
    writeFileSync(
      xlsx,
      await workbookBuffer([
        { name: 'Report', rows: [['Acme MSP'], ['Time by technician'], ['Tech', 'Day', 'Cust', 'Hrs Spent'], ['Ana', '2025-01-02', 'Acme', 1]] },
      ]),
    );
    assert.deepEqual(await readHeaderRow(xlsx, 'report.xlsx'), { cells: ['Tech', 'Day', 'Cust', 'Hrs Spent'], line: 3 });
  });
});
