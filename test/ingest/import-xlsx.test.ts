import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { isMmError } from '../../src/errors.js';
import { importFile, type ImportFileOptions } from '../../src/ingest/import-file.js';
import { findImport } from '../../src/ingest/imports-repository.js';
import { currentVersionNumber } from '../../src/versions/versions-repository.js';
import { clientsCsv } from '../support/small-msp.js';
import { createTestContext, engines, snapshotTable, type TestContext } from '../support/test-database.js';
import { licensesSheet, licensesSheetCsv, timeLogsSheet, timeLogsSheetCsv, workbookBuffer, type SheetSpec } from '../support/workbooks.js';

/** Stored rows without where they came from (a sheet's row numbers are not the CSV's line numbers). */
async function storedRows(t: TestContext, table: 'time_logs' | 'licenses', key: string): Promise<unknown[]> {
  const rows = (await snapshotTable(t.database, table, key)) as Array<Record<string, unknown>>;
  return rows.map(({ source_line: _line, version_number: _version, ...rest }) => rest);
}

for (const engine of engines) {
  describe(`Excel workbook import on ${engine}`, () => {
    // One database imports the CSV files, the other the same sheets as a workbook.
    let viaCsv: TestContext;
    let viaXlsx: TestContext;
    let workbook: Buffer;
    before(async () => {
      [viaCsv, viaXlsx] = await Promise.all([createTestContext(engine), createTestContext(engine)]);
      workbook = await workbookBuffer([timeLogsSheet, licensesSheet]);
      for (const t of [viaCsv, viaXlsx]) {
        const clients = await importFile(t.database, t.config, { dataset: 'clients', file: t.file('clients.csv', clientsCsv), actor: 'tester' });
        assert.equal(clients.status, 'succeeded', clients.message);
      }
    });
    after(async () => {
      await Promise.all([viaCsv.cleanup(), viaXlsx.cleanup()]);
    });

    const run = (t: TestContext, dataset: string, name: string, content: string | Buffer, options: Partial<ImportFileOptions> = {}) =>
      importFile(t.database, t.config, { dataset, file: t.file(name, content), actor: 'tester', ...options });

    test('the first sheet stores exactly the rows its CSV does: dates, formulas, durations, rich text, links', async () => {
      const fromCsv = await run(viaCsv, 'time_logs', 'time.csv', timeLogsSheetCsv);
      assert.equal(fromCsv.status, 'succeeded', fromCsv.message);
      const report = await run(viaXlsx, 'time_logs', 'time.xlsx', workbook);
      assert.equal(report.status, 'succeeded', report.message);
      assert.deepEqual(report.rows, fromCsv.rows);
      assert.equal(report.sheet, 'Time');
      assert.equal(report.encoding, null);
      assert.equal(report.delimiter, null);
      assert.equal(report.version, 2);
      assert.deepEqual(await storedRows(viaXlsx, 'time_logs', 'log_id'), await storedRows(viaCsv, 'time_logs', 'log_id'));
      // Spot checks of what the comparison covers: 0.1 + 0.2 is 0.3 hours, the [h]:mm duration 1:30.
      const byId = new Map(((await snapshotTable(viaXlsx.database, 'time_logs', 'log_id')) as Array<Record<string, unknown>>).map((r) => [r.log_id, r]));
      assert.equal(byId.get('T2')!.hours_milli, 300);
      assert.equal(byId.get('T2')!.staff_name, 'Bob Ray');
      assert.equal(byId.get('T4')!.hours_milli, 1500);
      assert.equal(byId.get('T4')!.work_date, '2025-01-08');
      assert.equal(byId.get('T4')!.rate_cents, 123450);
      assert.equal(byId.get('T3')!.notes, 'ticket link');
      assert.equal(byId.get('T1')!.source_line, 4, 'the line of a row is its row number in the sheet');
      // The raw store keeps the workbook as uploaded, and the record says which sheet was read.
      assert.deepEqual(readFileSync(path.join(viaXlsx.config.data_dir, 'raw', report.sha256)), workbook);
      assert.equal((await findImport(viaXlsx.database.kysely, report.importId, viaXlsx.config.data_dir))!.sheet, 'Time');
    });

    test('the workbook over the CSV import of the same data changes nothing', async () => {
      const report = await run(viaCsv, 'time_logs', 'time.xlsx', workbook);
      assert.equal(report.status, 'unchanged', report.message);
      assert.deepEqual(report.rows, { total: 4, added: 0, updated: 0, unchanged: 4, rejected: 0 });
    });

    test('--sheet picks another sheet, case-insensitively', async () => {
      const fromCsv = await run(viaCsv, 'licenses', 'licenses.csv', licensesSheetCsv);
      assert.equal(fromCsv.status, 'succeeded', fromCsv.message);
      const report = await run(viaXlsx, 'licenses', 'time.xlsx', workbook, { sheet: 'LICENSES' });
      assert.equal(report.status, 'succeeded', report.message);
      assert.equal(report.sheet, 'Licenses');
      assert.deepEqual(await storedRows(viaXlsx, 'licenses', 'client_id'), await storedRows(viaCsv, 'licenses', 'client_id'));
    });

    test('an unknown sheet is a usage error listing the sheets, and leaves nothing behind', async () => {
      const version = await currentVersionNumber(viaXlsx.database.kysely);
      await assert.rejects(run(viaXlsx, 'licenses', 'time.xlsx', workbook, { sheet: 'Invoices' }), (error: unknown) => {
        assert.ok(isMmError(error));
        assert.equal(error.code, 'MM_IMPORT_UNKNOWN_SHEET');
        assert.equal(
          error.message,
          "time.xlsx has no sheet named 'Invoices'; its sheets are 'Time', 'Licenses'. Name one of them with --sheet (CLI) or sheet= (HTTP).",
        );
        return true;
      });
      await assert.rejects(
        run(viaXlsx, 'licenses', 'licenses.csv', licensesSheetCsv, { sheet: 'Licenses' }),
        /licenses\.csv is a CSV file, which has no sheets/,
      );
      assert.equal(await currentVersionNumber(viaXlsx.database.kysely), version);
      assert.deepEqual(
        (await import('node:fs')).readdirSync(path.join(viaXlsx.config.data_dir, 'raw')).filter((name) => name.startsWith('.')),
        [],
        'no temporary raw copy is left',
      );
    });

    test('bad rows are refused as in CSV, placed by sheet, row and column letter; lenient loads the rest', async () => {
      const bad: SheetSpec = {
        name: 'Time',
        rows: [
          ['log_id', 'client_id', 'staff_name', 'date', 'hours'],
          ['B1', 'C1', 'Ann Lee', new Date(Date.UTC(2025, 1, 3)), 1],
          ['B2', 'C1', 'Ann Lee', new Date(Date.UTC(2025, 1, 4)), -2],
          [],
          ['B3', 'C1', 'Ann Lee', new Date(Date.UTC(2025, 1, 5)), { error: '#N/A' }],
        ],
      };
      const csv = [
        'log_id,client_id,staff_name,date,hours',
        'B1,C1,Ann Lee,2025-02-03,1',
        'B2,C1,Ann Lee,2025-02-04,-2',
        'B3,C1,Ann Lee,2025-02-05,#N/A',
        '',
      ].join('\n');
      const book = await workbookBuffer([bad]);
      const strict = await run(viaXlsx, 'time_logs', 'bad.xlsx', book);
      const strictCsv = await run(viaCsv, 'time_logs', 'bad.csv', csv);
      assert.equal(strict.status, 'failed');
      assert.equal(strict.errorCode, 'MM_IMPORT_BAD_ROWS');
      assert.deepEqual(strict.rows, strictCsv.rows);
      assert.deepEqual(
        strict.errors.map((e) => e.message),
        [
          "bad.xlsx sheet 'Time' row 3, column E (hours): '-2' must not be negative",
          "bad.xlsx sheet 'Time' row 5, column E (hours): '#N/A' is not a number of hours",
        ],
      );
      assert.deepEqual(
        strict.errors.map((e) => [e.line, e.column, e.field, e.value, e.reason]),
        strictCsv.errors.map((e, i) => [[3, 5][i], e.column, e.field, e.value, e.reason]),
      );

      const lenient = await run(viaXlsx, 'time_logs', 'bad.xlsx', book, { mode: 'lenient' });
      assert.equal(lenient.status, 'succeeded', lenient.message);
      assert.deepEqual(lenient.rows, { total: 3, added: 1, updated: 0, unchanged: 0, rejected: 2 });
      const rejects = readFileSync(lenient.rejectsFile!, 'utf8').trim().split('\n');
      assert.deepEqual(rejects, ['line,column,field,value,reason', '3,5,hours,-2,must not be negative', '5,5,hours,#N/A,is not a number of hours']);
    });

    test('a dry run of a workbook reports and writes nothing', async () => {
      const version = await currentVersionNumber(viaXlsx.database.kysely);
      const before = await snapshotTable(viaXlsx.database, 'time_logs', 'log_id');
      const edited = await workbookBuffer([{ ...timeLogsSheet, rows: [...timeLogsSheet.rows, ['T5', 'C2', 'Ann Lee', new Date(Date.UTC(2025, 0, 9)), 2]] }]);
      const report = await run(viaXlsx, 'time_logs', 'time-dry.xlsx', edited, { dryRun: true });
      assert.equal(report.status, 'validated', report.message);
      assert.deepEqual(report.rows, { total: 5, added: 1, updated: 0, unchanged: 4, rejected: 0 });
      assert.equal(report.sheet, 'Time');
      assert.equal(await currentVersionNumber(viaXlsx.database.kysely), version);
      assert.deepEqual(await snapshotTable(viaXlsx.database, 'time_logs', 'log_id'), before);
      assert.equal(existsSync(path.join(viaXlsx.config.data_dir, 'raw', report.sha256)), false);
    });
  });
}

describe('workbooks that cannot be imported', () => {
  let t: TestContext;
  before(async () => {
    t = await createTestContext('sqlite');
    await importFile(t.database, t.config, { dataset: 'clients', file: t.file('clients.csv', clientsCsv), actor: 'tester' });
  });
  after(async () => {
    await t.cleanup();
  });

  const run = (name: string, content: string | Buffer, options: Partial<ImportFileOptions> = {}) =>
    importFile(t.database, t.config, { dataset: 'time_logs', file: t.file(name, content), actor: 'tester', ...options });

  test('an old .xls (OLE compound file) is refused by content, whatever its name, saying to save as .xlsx or CSV', async () => {
    const report = await run('time.csv', oleFile(['Root Entry', 'Workbook', '\u0005SummaryInformation']));
    assert.equal(report.status, 'failed');
    assert.equal(report.errorCode, 'MM_IMPORT_WORKBOOK_UNSUPPORTED');
    assert.match(report.message, /^time\.csv: is an Excel 97-2003 workbook \(\.xls\).*save it as an Excel Workbook \(\.xlsx\) or as CSV \(UTF-8\)/);
    assert.match(report.message, /Nothing was imported\.$/);
  });

  test('a password-protected workbook is told apart from an .xls', async () => {
    const report = await run('secret.xlsx', oleFile(['Root Entry', '\u0006DataSpaces', 'EncryptionInfo', 'EncryptedPackage']));
    assert.equal(report.errorCode, 'MM_IMPORT_WORKBOOK_UNSUPPORTED');
    assert.match(report.message, /^secret\.xlsx: is a password-protected \(encrypted\) Excel workbook/);
  });

  test('a workbook cut short is refused as unreadable, naming the file', async () => {
    const whole = await workbookBuffer([timeLogsSheet]);
    const report = await run('cut.xlsx', whole.subarray(0, Math.floor(whole.length / 2)));
    assert.equal(report.status, 'failed');
    assert.equal(report.errorCode, 'MM_IMPORT_WORKBOOK_UNREADABLE');
    assert.match(report.message, /^cut\.xlsx: is not a readable \.xlsx workbook: it has no zip directory at its end/);
  });

  test('a workbook whose sheet data is damaged is refused as unreadable, and nothing is imported', async () => {
    const whole = await workbookBuffer([timeLogsSheet]);
    const damaged = Buffer.from(whole);
    const sheet = zipEntryData(damaged, 'xl/worksheets/sheet1.xml');
    damaged.fill(0xff, sheet.start + 10, sheet.start + Math.min(sheet.length, 40));
    const report = await run('damaged.xlsx', damaged);
    assert.equal(report.status, 'failed');
    assert.equal(report.errorCode, 'MM_IMPORT_WORKBOOK_UNREADABLE', report.message);
    assert.match(report.message, /^damaged\.xlsx: is not a readable \.xlsx workbook: its part xl\/worksheets\/sheet1\.xml cannot be decompressed/);
    assert.equal(await t.database.kysely.selectFrom('time_logs').select('log_id').executeTakeFirst(), undefined);
  });

  test('a zip file that is not a workbook says what it is', async () => {
    const report = await run('calc.xlsx', storedZip({ mimetype: 'application/vnd.oasis.opendocument.spreadsheet', 'content.xml': '<x/>' }));
    assert.equal(report.errorCode, 'MM_IMPORT_WORKBOOK_UNREADABLE');
    assert.match(report.message, /^calc\.xlsx: is an OpenDocument file \(\.ods, LibreOffice\), not an Excel workbook/);
  });

  test('a formula saved without its result is refused, naming the cell', async () => {
    const book = await workbookBuffer([
      {
        name: 'Time',
        rows: [
          ['log_id', 'client_id', 'staff_name', 'date', 'hours'],
          ['F1', 'C1', 'Ann Lee', '2025-02-03', { formula: '1+1' } as never],
        ],
      },
    ]);
    const report = await run('nocalc.xlsx', book);
    assert.equal(report.errorCode, 'MM_IMPORT_WORKBOOK_UNREADABLE');
    assert.match(report.message, /^nocalc\.xlsx sheet 'Time' row 2, column E: the formula =1\+1 was saved without its result/);
    assert.deepEqual([report.errors[0]!.line, report.errors[0]!.column], [2, 5]);
  });

  test('a header below blank rows with a column missing is placed on its own row', async () => {
    const book = await workbookBuffer([{ name: 'Hours', rows: [[], [], ['log_id', 'client_id', 'date', 'hours'], ['X1', 'C1', '2025-02-03', 1]] }]);
    const report = await run('header.xlsx', book);
    assert.equal(report.errorCode, 'MM_IMPORT_HEADER');
    assert.match(report.message, /^header\.xlsx sheet 'Hours' row 3: missing required column staff_name for time_logs/);
    assert.equal(report.errors[0]!.line, 3);
  });

  test("a report's one-cell title rows above the header are skipped; the header keeps its full width", async () => {
    const book = await workbookBuffer([
      {
        name: 'Time',
        rows: [
          ['Acme MSP'],
          ['Time Entry Detail'],
          [],
          ['log_id', 'client_id', 'staff_name', 'date', 'hours'],
          ['T1', 'C1', 'Jane Doe', '2025-02-03', 1.5],
          ['T2', 'C2', 'Raj Patel', '2025-02-04', 2],
        ],
      },
    ]);
    const report = await run('titled.xlsx', book, { dryRun: true });
    assert.equal(report.status, 'validated', report.message);
    assert.equal(report.rows.total, 2);
    assert.equal(report.rows.rejected, 0);
    assert.equal(report.format.titleRows, 2);
  });

  test('title rows with no header after them: the first is refused as the header, with its reason', async () => {
    const report = await run('titles.xlsx', await workbookBuffer([{ name: 'T', rows: [['Acme MSP'], ['Time Entry Detail']] }]));
    assert.equal(report.errorCode, 'MM_IMPORT_HEADER');
    assert.match(report.message, /missing required column/);
  });

  test('an empty sheet is refused as empty', async () => {
    const report = await run('empty.xlsx', await workbookBuffer([{ name: 'Blank', rows: [[], []] }]));
    assert.equal(report.errorCode, 'MM_IMPORT_EMPTY');
    assert.match(report.message, /^empty\.xlsx sheet 'Blank' is empty \(no header row\)/);
  });

  test('a large workbook read on the worker thread gives the same rows as on this one', async () => {
    const rows: unknown[][] = [['log_id', 'client_id', 'staff_name', 'date', 'hours', 'rate']];
    for (let i = 0; i < 3000; i++)
      rows.push([`W${i}`, `C${(i % 3) + 1}`, `Staff ${i % 17}`, new Date(Date.UTC(2025, 0, 1 + (i % 28))), (i % 8) + 0.25, 80 + (i % 5)]);
    const book = await workbookBuffer([{ name: 'Big', rows: rows as SheetSpec['rows'] }]);
    const onThisThread = await run('big.xlsx', book, { dryRun: true });
    const onWorker = await createTestContext('sqlite', { 'ingest.worker_min_mb': 0 });
    try {
      await importFile(onWorker.database, onWorker.config, { dataset: 'clients', file: onWorker.file('clients.csv', clientsCsv), actor: 'tester' });
      const report = await importFile(onWorker.database, onWorker.config, { dataset: 'time_logs', file: onWorker.file('big.xlsx', book), actor: 'tester' });
      assert.equal(report.status, 'succeeded', report.message);
      assert.deepEqual(report.rows, { ...onThisThread.rows, unchanged: 0, added: 3000 });
      const stored = (await snapshotTable(onWorker.database, 'time_logs', 'log_id')) as Array<Record<string, unknown>>;
      assert.equal(stored.length, 3000);
      const w5 = stored.find((r) => r.log_id === 'W5')!;
      assert.deepEqual([w5.work_date, w5.hours_milli, w5.rate_cents, w5.source_line], ['2025-01-06', 5250, 8000, 7]);
    } finally {
      await onWorker.cleanup();
    }
  });
});

/** A minimal OLE compound file header whose first directory sector names these streams. */
function oleFile(names: string[]): Buffer {
  const file = Buffer.alloc(512 * 3);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(file, 0);
  file.writeUInt16LE(9, 0x1e); // 512-byte sectors
  file.writeUInt32LE(0, 0x30); // the directory starts at sector 0, right after the header
  names.forEach((name, i) => {
    const at = 512 + i * 128;
    file.write(name, at, 'utf16le');
    file.writeUInt16LE((name.length + 1) * 2, at + 64);
  });
  return file;
}

/** Where an entry's compressed data is in a zip buffer (from its local header). */
function zipEntryData(zip: Buffer, name: string): { start: number; length: number } {
  for (let at = 0; at < zip.length - 30; at++) {
    if (zip.readUInt32LE(at) !== 0x04034b50) continue;
    const nameLength = zip.readUInt16LE(at + 26);
    if (zip.toString('utf8', at + 30, at + 30 + nameLength) !== name) continue;
    const start = at + 30 + nameLength + zip.readUInt16LE(at + 28);
    let end = zip.indexOf(Buffer.from([0x50, 0x4b]), start + 1);
    if (end === -1) end = zip.length;
    return { start, length: end - start };
  }
  throw new Error(`${name} is not in the zip`);
}

/** A zip of deflated entries, written by hand (no zip writer is a dependency). */
function storedZip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = deflateRawSync(Buffer.from(text));
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(Buffer.byteLength(text), 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(Buffer.byteLength(text), 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
