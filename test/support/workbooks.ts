import ExcelJS from 'exceljs';

/**
 * Excel workbooks built in the tests with exceljs, and the CSV a person would get by saving
 * the same sheet as CSV: the import must store the same rows from both.
 */

export type SheetRow = Array<ExcelJS.CellValue>;

export interface SheetSpec {
  name: string;
  rows: SheetRow[];
  /** Number formats by 1-based column (e.g. a date or `[h]:mm` column). */
  numFmts?: Record<number, string>;
}

export async function workbookBuffer(sheets: SheetSpec[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const spec of sheets) {
    const sheet = workbook.addWorksheet(spec.name);
    spec.rows.forEach((row, index) => {
      // addRow skips nothing: an empty array is a blank row in the sheet.
      const added = sheet.getRow(index + 1);
      row.forEach((value, column) => {
        if (value !== null && value !== undefined) added.getCell(column + 1).value = value;
      });
    });
    for (const [column, numFmt] of Object.entries(spec.numFmts ?? {})) sheet.getColumn(Number(column)).numFmt = numFmt;
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const day = (y: number, m: number, d: number, h = 0, min = 0): Date => new Date(Date.UTC(y, m - 1, d, h, min));

/** Excel's serial for 2025-01-08 (days since 1899-12-30). */
const SERIAL_2025_01_08 = 45665;

/**
 * Time logs as an MSP keeps them in Excel: two blank rows above the header, real date cells
 * (one with a time of day, one the cached result of a formula), a formula whose sum carries
 * float noise (0.1 + 0.2), hours as an `[h]:mm` duration, rich text, a hyperlink, booleans,
 * a blank row between the data, and a cell beyond the header (no column name: ignored,
 * as it is when Excel saves the sheet as CSV).
 */
export const timeLogsSheet: SheetSpec = {
  name: 'Time',
  rows: [
    [],
    [],
    ['log_id', 'client_id', 'staff_name', 'date', 'hours', 'rate', 'billable', 'notes'],
    ['T1', 'C1', 'Ann Lee', day(2025, 1, 2), 1.5, 95, true, 'Server patching'],
    [
      'T2',
      'C2',
      { richText: [{ text: 'Bob ' }, { font: { bold: true }, text: 'Ray' }] },
      day(2025, 1, 3),
      { formula: '0.1+0.2', result: 0.1 + 0.2 },
      95,
      false,
      null,
    ],
    [],
    ['T3', 'C3', 'Ann Lee', day(2025, 1, 6, 14, 30), 0.25, null, 'yes', { text: 'ticket link', hyperlink: 'https://psa.example/ticket/7' }],
    ['T4', 'C1', 'Bob Ray', { formula: 'D4+6', result: SERIAL_2025_01_08 }, day(1899, 12, 30, 1, 30), 1234.5, true, 'Notes, with a comma', 'stray'],
  ],
  numFmts: { 4: 'yyyy-mm-dd' },
};

/** The same sheet saved as CSV (dates as Excel writes them in ISO, the duration as h:mm). */
export const timeLogsSheetCsv = [
  'log_id,client_id,staff_name,date,hours,rate,billable,notes',
  'T1,C1,Ann Lee,2025-01-02,1.5,95,TRUE,Server patching',
  'T2,C2,Bob Ray,2025-01-03,0.3,95,FALSE,',
  'T3,C3,Ann Lee,2025-01-06 14:30,0.25,,yes,ticket link',
  'T4,C1,Bob Ray,2025-01-08,1:30,1234.5,TRUE,"Notes, with a comma"',
  '',
].join('\n');

/** Licenses on a second sheet, for `--sheet`. */
export const licensesSheet: SheetSpec = {
  name: 'Licenses',
  rows: [
    ['client_id', 'product', 'seats_purchased', 'seats_assigned', 'cost_per_seat', 'renewal_date'],
    ['C1', 'Microsoft 365 Business Premium', 25, 22, 22, day(2025, 6, 30)],
    ['C2', 'Defender for Business', 10, 10, 3, day(2025, 12, 31)],
  ],
};

export const licensesSheetCsv = [
  'client_id,product,seats_purchased,seats_assigned,cost_per_seat,renewal_date',
  'C1,Microsoft 365 Business Premium,25,22,22,2025-06-30',
  'C2,Defender for Business,10,10,3,2025-12-31',
  '',
].join('\n');
