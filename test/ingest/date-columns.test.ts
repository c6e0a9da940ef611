import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DateOrderSetting } from '../../src/config/schema.js';
import { invoicesDataset } from '../../src/ingest/datasets/invoices.js';
import { DateColumns, DateSurveyNeeded } from '../../src/ingest/date-columns.js';
import { mapHeader, type HeaderMap } from '../../src/ingest/header-map.js';

const header = ['invoice_id', 'client_id', 'invoice_date', 'due_date', 'amount'];

/** The invoice_date and due_date cells of one row, read as the import reads them. */
function readDates(map: HeaderMap, invoiceDate: string, dueDate = ''): { invoice_date?: unknown; due_date?: unknown; problems: string[] } {
  const cells = { invoice_id: 'I1', client_id: 'C1', invoice_date: invoiceDate, due_date: dueDate, total_amount: '10' };
  const parsed = map.rowSchema.safeParse(cells);
  if (parsed.success) {
    const data = parsed.data as Record<string, unknown>;
    return { invoice_date: data.invoice_date, due_date: data.due_date, problems: [] };
  }
  return { problems: parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`) };
}

/** Survey `rows` (invoice_date, due_date) from line 2 on, then decide. */
function surveyed(setting: DateOrderSetting, rows: Array<[string, string?]>): DateColumns {
  const dates = new DateColumns(invoicesDataset, setting, 'f.csv');
  const survey = dates.survey();
  survey.start(mapHeader(invoicesDataset, header, 'f.csv').columns);
  rows.forEach(([date, due], i) => survey.add(['I', 'C1', date, due ?? '', '10'], i + 2));
  dates.decide(survey);
  return dates;
}

const mapped = (dates: DateColumns) => mapHeader(invoicesDataset, header, 'f.csv', dates);

describe('date columns: day/month order', () => {
  test('an explicit order reads 03/11/2025 its way; ISO and dates with a time read the same in every order', () => {
    const dmy = mapped(new DateColumns(invoicesDataset, 'dmy', 'f.csv'));
    assert.equal(readDates(dmy, '03/11/2025').invoice_date, '2025-11-03');
    assert.equal(readDates(dmy, '13.11.2025').invoice_date, '2025-11-13');
    const mdy = mapped(new DateColumns(invoicesDataset, 'mdy', 'f.csv'));
    assert.equal(readDates(mdy, '03/11/2025').invoice_date, '2025-03-11');
    for (const map of [dmy, mdy]) {
      assert.equal(readDates(map, '2025-03-31').invoice_date, '2025-03-31');
      assert.equal(readDates(map, '2025-03-31 09:30').invoice_date, '2025-03-31');
      assert.equal(readDates(map, '2025-03-31T09:30:00').invoice_date, '2025-03-31');
    }
  });

  test('a value impossible in the chosen order says why, and names the order', () => {
    const dmy = mapped(new DateColumns(invoicesDataset, 'dmy', 'f.csv'));
    assert.deepEqual(readDates(dmy, '03/25/2025').problems, [
      "invoice_date: is not a date day first (D/M/YYYY): there is no month 25; this import's date order is dmy",
    ]);
    assert.deepEqual(readDates(dmy, '31/02/2025').problems, [
      "invoice_date: is not a date day first (D/M/YYYY): February 2025 has no day 31; this import's date order is dmy",
    ]);
    const ymd = mapped(new DateColumns(invoicesDataset, 'ymd', 'f.csv'));
    assert.equal(readDates(ymd, '2025/11/03').invoice_date, '2025-11-03');
    const ymdProblem = readDates(ymd, '03/11/2025').problems[0]!;
    assert.match(ymdProblem, /^invoice_date: is day\/month\/year, but this import's date order is ymd: only year-first dates/);
    assert.match(readDates(ymd, '2025-02-30').problems[0]!, /is not a real date: February 2025 has no day 30/);
    assert.match(readDates(ymd, 'last tuesday').problems[0]!, /is not a date \(write YYYY-MM-DD or day\/month\/year/);
  });

  test('auto reads ISO dates at once and asks for a survey at the first day/month date', () => {
    const auto = mapped(new DateColumns(invoicesDataset, 'auto', 'f.csv'));
    assert.equal(readDates(auto, '2025-03-31').invoice_date, '2025-03-31');
    assert.throws(() => readDates(auto, '25/03/2025'), DateSurveyNeeded);
    assert.throws(() => readDates(auto, '2025-03-31', '03/04/2025'), DateSurveyNeeded);
  });

  test('the survey decides per column: a first number above 12 means day first, a second month first', () => {
    const dates = surveyed('auto', [
      ['03/11/2025', '04/12/2025'],
      ['25/03/2025', '01/13/2025'],
      ['2025-01-01', ''],
    ]);
    const map = mapped(dates);
    assert.deepEqual(readDates(map, '03/11/2025', '03/11/2025'), { invoice_date: '2025-11-03', due_date: '2025-03-11', problems: [] });
    const problem = readDates(map, '03/25/2025').problems[0]!;
    assert.match(problem, /there is no month 25; the column is day first, as line 3 shows \(25\/03\/2025\)$/);
    assert.equal(dates.surveyed, true);
  });

  test('a column that fits both ways is refused with one error naming it, examples, and how to choose', () => {
    const rows: Array<[string]> = Array.from({ length: 500 }, (_, i) => [`0${1 + (i % 9)}/1${i % 3}/2025`]);
    const dates = new DateColumns(invoicesDataset, 'auto', 'f.csv');
    const survey = dates.survey();
    survey.start(mapHeader(invoicesDataset, header, 'f.csv').columns);
    rows.forEach(([date], i) => survey.add(['I', 'C1', date, '', '10'], i + 2));
    // Memory stays flat: a count and three samples, whatever the number of rows.
    assert.equal(survey.columns[0]!.facts.ambiguous.length, 3);
    assert.equal(survey.columns[0]!.facts.ambiguousCount, 500);
    assert.throws(
      () => dates.decide(survey),
      (error: Error & { code?: string; details?: unknown }) => {
        assert.equal(error.code, 'MM_IMPORT_AMBIGUOUS_DATES');
        assert.equal(
          error.message,
          'f.csv: day and month cannot be told apart in column 3 (invoice_date), 500 dates such as ' +
            'line 2: 01/10/2025, line 3: 02/11/2025, line 4: 03/12/2025: each fits both D/M/YYYY and M/D/YYYY, ' +
            'and no date in the column has a day above 12 to decide. ' +
            'Choose the order: --date-order dmy or --date-order mdy (CLI import), date_order=dmy or date_order=mdy (HTTP import), ' +
            'or ingest.date_order in the configuration (MOATMETRICS_INGEST_DATE_ORDER).',
        );
        assert.deepEqual(error.details, { line: 2, column: 3 });
        return true;
      },
    );
  });

  test("a column of only ambiguous dates follows the file's other date column (every invoice on the 1st, due dates day first)", () => {
    const dates = surveyed('auto', [
      ['01/03/2025', '31/03/2025'],
      ['01/04/2025', '01/05/2025'],
    ]);
    const map = mapped(dates);
    assert.deepEqual(readDates(map, '01/03/2025', '31/03/2025'), { invoice_date: '2025-03-01', due_date: '2025-03-31', problems: [] });
    assert.deepEqual(dates.facts, [
      { column: 'invoice_date', order: 'dmy' },
      { column: 'due_date', order: 'dmy' },
    ]);
    // Two other columns that disagree settle nothing: the column stays ambiguous.
    assert.throws(
      () =>
        surveyed('auto', [
          ['01/03/2025', ''],
          ['02/03/2025', ''],
        ]),
      /day and month cannot be told apart/,
    );
  });

  test('an explicit order needs no evidence: the same ambiguous column reads without complaint', () => {
    const map = mapped(surveyed('dmy', [['03/11/2025'], ['04/12/2025']]));
    assert.equal(readDates(map, '03/11/2025').invoice_date, '2025-11-03');
  });

  test('a column with day-first and month-first dates is inconsistent: its day/month dates are row errors', () => {
    const map = mapped(surveyed('auto', [['25/03/2025'], ['2025-04-01'], ['03/25/2025']]));
    const problem = readDates(map, '25/03/2025').problems[0]!;
    assert.match(problem, /^invoice_date: is in a column that mixes day-first \(line 2: 25\/03\/2025\) and month-first \(line 4: 03\/25/);
    assert.match(problem, /--date-order dmy or --date-order mdy/);
    assert.equal(readDates(map, '2025-04-01').invoice_date, '2025-04-01', 'ISO dates in the column still read');
  });
});

describe('date columns: Excel serial numbers', () => {
  test('a column of serial numbers reads as dates; a number among written dates is an error', () => {
    const auto = mapped(new DateColumns(invoicesDataset, 'auto', 'f.csv'));
    assert.equal(readDates(auto, '45747').invoice_date, '2025-03-31');
    assert.equal(readDates(auto, '45748.5').invoice_date, '2025-04-01');
    assert.match(readDates(auto, '123').problems[0]!, /a number reads as an Excel serial date only from 20000 to 80000/);
    assert.equal(readDates(auto, '45750').invoice_date, '2025-04-03');

    const written = mapped(new DateColumns(invoicesDataset, 'auto', 'f.csv'));
    assert.equal(readDates(written, '2025-03-31').invoice_date, '2025-03-31');
    assert.match(readDates(written, '45747').problems[0]!, /^invoice_date: is a number in a column of written dates/);
  });

  test('a written date after serial numbers needs the whole column: a survey, which then rejects the numbers', () => {
    const auto = mapped(new DateColumns(invoicesDataset, 'auto', 'f.csv'));
    assert.equal(readDates(auto, '45747').invoice_date, '2025-03-31');
    assert.throws(() => readDates(auto, '2025-04-01'), DateSurveyNeeded);

    const map = mapped(surveyed('mdy', [['45747'], ['2025-04-01']]));
    assert.match(readDates(map, '45747').problems[0]!, /is a number in a column of written dates/);
    assert.equal(readDates(map, '2025-04-01').invoice_date, '2025-04-01');
    const serial = mapped(surveyed('auto', [['45747'], [''], ['45748']]));
    assert.equal(readDates(serial, '45748').invoice_date, '2025-04-01');
  });
});
