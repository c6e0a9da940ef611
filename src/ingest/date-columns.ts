import type { z } from 'zod';
import type { DateOrderSetting } from '../config/schema.js';
import { MmError } from '../errors.js';
import type { DatasetDefinition } from './datasets/dataset-definition.js';
import { DecimalSurvey, NumberConvention } from './number-convention.js';
import {
  calendarDate,
  dateCell,
  dateFieldSchemas,
  numberFieldSchemas,
  excelSerialDate,
  excelSerialRange,
  isoDay,
  serialDayNumber,
  splitWrittenDate,
  type DateCellReader,
  type DateOrder,
  type WrittenDate,
} from './field-types.js';
import type { MappedColumn } from './header-map.js';

/**
 * Dates are read per column, because one value cannot say what `03/11/2025` means: the
 * whole column can. A first number above 12 anywhere in it (`25/03/2025`) makes the column
 * day first, a second number above 12 month first; both make it inconsistent (its
 * day/month dates are row errors); neither, when it has such dates at all, refuses the file
 * with one error that says how to choose (`ingest.date_order`, `--date-order`, `date_order=`).
 * A column of nothing but whole numbers from 20000 to 80000 holds Excel serial dates.
 *
 * Both decisions need the whole column before its first value is read, yet an import reads
 * a file in one streaming pass. Most files never need them: ISO dates read the same in every
 * order and the first written date settles a column as "not serial". So the importer reads
 * optimistically, and only when a column meets a day/month date (order `auto`) or a written
 * date after serial numbers does its reader throw `DateSurveyNeeded`; the importer then
 * surveys the file once (`DateSurvey`: counters and a few samples per date column, so memory
 * stays flat for any size), `decide`s, and reads the file again from the start.
 */
export class DateColumns {
  readonly #decisions = new Map<string, ColumnDecision>();
  readonly #seen = new Map<string, { header: string; seen: DatesSeen }>();
  #surveyed = false;
  /**
   * The file's decimal mark (number-convention.ts): like a date column's order, it may need
   * the whole file, and is surveyed in the same pass.
   */
  readonly numbers = new NumberConvention(() => {
    throw new DateSurveyNeeded();
  });

  constructor(
    private readonly dataset: DatasetDefinition,
    private readonly setting: DateOrderSetting,
    private readonly fileLabel: string,
  ) {}

  /** True once `decide` has run: readers made from now on never ask for a survey. */
  get surveyed(): boolean {
    return this.#surveyed;
  }

  /** The schema a mapped column is read with: a reader of its own for a date field, the field's schema otherwise. */
  schemaFor(column: MappedColumn): z.ZodType<unknown, string> {
    const schema = this.dataset.fields[column.field]!.schema;
    const numbers = numberFieldSchemas.get(schema);
    if (numbers) return numbers(this.numbers);
    const date = dateFieldSchemas.get(schema);
    if (!date) return schema;
    const decision = this.#decisions.get(column.field);
    const seen: DatesSeen = { dayMonth: false, serial: false, written: false };
    this.#seen.set(column.field, { header: column.header, seen });
    return dateCell(new DateColumnReader(this.#orderFor(decision), decision?.serial, seen), date);
  }

  /** How each date column of the file was read, for the import report. */
  get facts(): DateColumnFacts[] {
    return [...this.#seen.values()].map(({ header, seen }) => {
      let order: DateColumnFacts['order'] = null;
      if (seen.serial) order = 'excel-serial';
      else if (seen.dayMonth) order = this.#dayMonthOrder(header);
      else if (seen.written) order = 'ymd';
      return { column: header, order };
    });
  }

  #dayMonthOrder(header: string): DateColumnFacts['order'] {
    const field = [...this.#seen.entries()].find(([, entry]) => entry.header === header)?.[0];
    const decided = field === undefined ? null : this.#decisions.get(field)?.order;
    if (decided && 'order' in decided) return decided.order;
    return this.setting === 'auto' ? null : this.setting;
  }

  /** A survey of this file's date columns, to fill in and hand back to `decide`. */
  survey(): DateSurvey {
    return new DateSurvey(this.dataset);
  }

  /**
   * Settles every date column from the survey. Throws MM_IMPORT_AMBIGUOUS_DATES, one error
   * naming every such column, when order `auto` finds day/month dates that fit both ways.
   */
  decide(survey: DateSurvey): void {
    this.numbers.decide(survey.decimals);
    const ambiguous: SurveyedColumn[] = [];
    for (const column of survey.columns) {
      const { facts } = column;
      let order: OrderDecision | null = null;
      if (this.setting !== 'auto') order = explicitOrder(this.setting);
      else if (facts.dayFirst && facts.monthFirst) order = { conflict: conflictReason(facts.dayFirst, facts.monthFirst) };
      else if (facts.dayFirst) order = { order: 'dmy', because: `the column is day first, as ${shownAt(facts.dayFirst)}` };
      else if (facts.monthFirst) order = { order: 'mdy', because: `the column is month first, as ${shownAt(facts.monthFirst)}` };
      else if (facts.ambiguousCount > 0) {
        // A column of 1/3/2025-style dates only (every invoice dated the 1st) follows the file's other date columns.
        order = fileOrder(survey.columns, column);
        if (!order) ambiguous.push(column);
      }
      this.#decisions.set(column.field, { order, serial: facts.serial !== null && facts.written === null });
    }
    this.#surveyed = true;
    if (ambiguous.length > 0) {
      const first = ambiguous[0]!;
      throw new MmError('MM_IMPORT_AMBIGUOUS_DATES', ambiguousMessage(this.fileLabel, ambiguous), {
        line: first.facts.ambiguous[0]!.line,
        column: first.index + 1,
      });
    }
  }

  #orderFor(decision: ColumnDecision | undefined): ReaderOrder {
    if (this.#surveyed) return decision?.order ?? null;
    return this.setting === 'auto' ? 'survey' : explicitOrder(this.setting);
  }
}

/** Thrown by a date column's reader that needs the whole column first (see `DateColumns`). */
export class DateSurveyNeeded extends Error {
  constructor() {
    super('a date column needs a survey of the whole file before it can be read');
  }
}

const howToChoose =
  'Choose the order: --date-order dmy or --date-order mdy (CLI import), date_order=dmy or date_order=mdy (HTTP import), ' +
  'or ingest.date_order in the configuration (MOATMETRICS_INGEST_DATE_ORDER)';

interface Sample {
  line: number;
  value: string;
}

/** What the survey saw in one date column: the first sample of each kind, and how many fit both ways. */
interface ColumnFacts {
  /** A day/month date whose first number is above 12 (`25/03/2025`). */
  dayFirst: Sample | null;
  /** A day/month date whose second number is above 12 (`03/25/2025`). */
  monthFirst: Sample | null;
  /** The first few day/month dates with both numbers at most 12 (`03/11/2025`). */
  ambiguous: Sample[];
  ambiguousCount: number;
  /** A whole number in the Excel serial range (`45747`). */
  serial: Sample | null;
  /** Any written date (`2025-03-31`, `3/11/2025`). */
  written: Sample | null;
}

interface SurveyedColumn {
  field: string;
  header: string;
  /** 0-based position in the record. */
  index: number;
  facts: ColumnFacts;
}

const ambiguousSamples = 3;

/** One pass over the date columns of a file, in constant memory (see `DateColumns`). */
export class DateSurvey {
  readonly columns: SurveyedColumn[] = [];
  /** The file's numbers, for its decimal mark. */
  readonly decimals = new DecimalSurvey();
  #numberColumns: number[] = [];

  constructor(private readonly dataset: DatasetDefinition) {}

  /** Takes the file's mapped header: which of its columns hold dates. */
  start(columns: readonly MappedColumn[]): void {
    this.#numberColumns = columns.filter((c) => numberFieldSchemas.has(this.dataset.fields[c.field]!.schema)).map((c) => c.index);
    for (const column of columns) {
      // A preset's working field (not in the dataset) reads its own dates.
      const spec = this.dataset.fields[column.field];
      if (!spec || !dateFieldSchemas.has(spec.schema)) continue;
      const facts: ColumnFacts = { dayFirst: null, monthFirst: null, ambiguous: [], ambiguousCount: 0, serial: null, written: null };
      this.columns.push({ field: column.field, header: column.header, index: column.index, facts });
    }
  }

  add(fields: readonly string[], line: number): void {
    for (const index of this.#numberColumns) this.decimals.add(fields[index] ?? '', line);
    for (const { index, facts } of this.columns) {
      const value = (fields[index] ?? '').trim();
      if (value === '') continue;
      if (isoDay(value) !== undefined) {
        facts.written ??= { line, value };
        continue;
      }
      const written = splitWrittenDate(value);
      if (written) {
        facts.written ??= { line, value };
        if (!written.yearFirst) noteOrderEvidence(facts, written, { line, value });
        continue;
      }
      const serial = serialDayNumber(value);
      if (serial !== null && serial >= excelSerialRange.min && serial <= excelSerialRange.max) facts.serial ??= { line, value };
    }
  }
}

function noteOrderEvidence(facts: ColumnFacts, date: WrittenDate, sample: Sample): void {
  if (date.first > 12 && date.second <= 12) facts.dayFirst ??= sample;
  else if (date.second > 12 && date.first <= 12) facts.monthFirst ??= sample;
  else if (date.first <= 12 && date.second <= 12) {
    facts.ambiguousCount += 1;
    if (facts.ambiguous.length < ambiguousSamples) facts.ambiguous.push(sample);
  }
}

type OrderDecision = { order: DateOrder; because: string } | { conflict: string };

/** The one order the file's other date columns show (none when they show none, or both). */
function fileOrder(columns: readonly SurveyedColumn[], undecided: SurveyedColumn): OrderDecision | null {
  const dayFirst = columns.find((c) => c !== undecided && c.facts.dayFirst && !c.facts.monthFirst);
  const monthFirst = columns.find((c) => c !== undecided && c.facts.monthFirst && !c.facts.dayFirst);
  if (dayFirst && !monthFirst) return { order: 'dmy', because: `the file's ${dayFirst.header} column is day first, as ${shownAt(dayFirst.facts.dayFirst!)}` };
  if (monthFirst && !dayFirst)
    return { order: 'mdy', because: `the file's ${monthFirst.header} column is month first, as ${shownAt(monthFirst.facts.monthFirst!)}` };
  return null;
}

interface ColumnDecision {
  /** Null: the column has no day/month dates, so no order is needed. */
  order: OrderDecision | null;
  /** Every date in the column is an Excel serial number. */
  serial: boolean;
}

/** `survey`: order auto and the file not surveyed yet, so a day/month date cannot be read now. */
type ReaderOrder = OrderDecision | 'survey' | null;

function shownAt(sample: Sample): string {
  return `line ${sample.line} shows (${sample.value})`;
}

function explicitOrder(order: DateOrder): OrderDecision {
  return { order, because: `this import's date order is ${order}` };
}

function conflictReason(dayFirst: Sample, monthFirst: Sample): string {
  return (
    `is in a column that mixes day-first (line ${dayFirst.line}: ${dayFirst.value}) and month-first ` +
    `(line ${monthFirst.line}: ${monthFirst.value}) dates, so its day and month cannot be told apart; ` +
    `correct the file, or ${howToChoose.charAt(0).toLowerCase()}${howToChoose.slice(1)}`
  );
}

function ambiguousMessage(fileLabel: string, columns: SurveyedColumn[]): string {
  const described = columns.map(({ header, index, facts }) => {
    const examples = facts.ambiguous.map((s) => `line ${s.line}: ${s.value}`).join(', ');
    const count = facts.ambiguousCount === 1 ? '1 date' : `${facts.ambiguousCount} dates`;
    return `column ${index + 1} (${header}), ${count} such as ${examples}`;
  });
  return (
    `${fileLabel}: day and month cannot be told apart in ${described.join('; and in ')}: ` +
    `each fits both D/M/YYYY and M/D/YYYY, and no date in the column has a day above 12 to decide. ${howToChoose}.`
  );
}

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Why year, month and day make no date, for a person. */
function noSuchDate(year: number, month: number, day: number): string {
  if (month < 1 || month > 12) return `there is no month ${month}`;
  if (year < 1900 || year > 2200) return `the year must be between 1900 and 2200`;
  return `${monthNames[month - 1]} ${year} has no day ${day}`;
}

function notReal(year: number, month: number, day: number): { problem: string } {
  return { problem: `is not a real date: ${noSuchDate(year, month, day)}` };
}

const notADate = 'is not a date (write YYYY-MM-DD or day/month/year such as 31/03/2025, 03/31/2025 or 31.03.2025; or a column of Excel serial numbers)';

/** What a date column's reader met: for the report's "dates read as". */
interface DatesSeen {
  dayMonth: boolean;
  serial: boolean;
  written: boolean;
}

/** How one date column was read: year first only, day/month in an order, Excel serial numbers; null when it had no dates. */
export interface DateColumnFacts {
  column: string;
  order: 'ymd' | 'dmy' | 'mdy' | 'excel-serial' | null;
}

/** Reads one column's dates with what is known about the column (see `DateColumns`). */
class DateColumnReader implements DateCellReader {
  /** Whether the column holds Excel serial numbers: unknown until its first date, fixed after a survey. */
  #serial: 'unknown' | 'serial' | 'written';
  readonly #settled: boolean;

  constructor(
    private readonly order: ReaderOrder,
    serial: boolean | undefined,
    private readonly seen: DatesSeen,
  ) {
    this.#serial = serial === undefined ? 'unknown' : serial ? 'serial' : 'written';
    this.#settled = serial !== undefined;
  }

  read(value: string): string | { problem: string } {
    const iso = isoDay(value);
    if (iso !== undefined) {
      this.seen.written = true;
      if (this.#serial !== 'written') this.#sawWrittenDate();
      return iso ?? notReal(Number(value.slice(0, 4)), Number(value.slice(5, 7)), Number(value.slice(8, 10)));
    }
    const written = splitWrittenDate(value);
    if (written) {
      this.seen.written = true;
      if (this.#serial !== 'written') this.#sawWrittenDate();
      if (!written.yearFirst) {
        this.seen.dayMonth = true;
        return this.#dayMonth(written);
      }
      return calendarDate(written.year, written.first, written.second) ?? notReal(written.year, written.first, written.second);
    }
    const serial = serialDayNumber(value);
    if (serial !== null) return this.#serialDate(serial);
    return { problem: notADate };
  }

  /** A written date ends any chance of a serial column; if serial numbers came first, only the whole column can tell. */
  #sawWrittenDate(): void {
    if (this.#settled) return;
    if (this.#serial === 'serial') throw new DateSurveyNeeded();
    this.#serial = 'written';
  }

  #serialDate(serial: number): string | { problem: string } {
    if (serial < excelSerialRange.min || serial > excelSerialRange.max) {
      const { min, max } = excelSerialRange;
      return { problem: `is not a date (a number reads as an Excel serial date only from ${min} to ${max}, 1954 to 2119)` };
    }
    if (this.#serial === 'written') {
      return { problem: 'is a number in a column of written dates (numbers read as Excel serial dates only in a column of nothing else)' };
    }
    this.#serial = 'serial';
    this.seen.serial = true;
    return excelSerialDate(serial);
  }

  #dayMonth(date: WrittenDate): string | { problem: string } {
    const order = this.order;
    if (order === 'survey') throw new DateSurveyNeeded();
    if (order === null) return { problem: `is day/month/year, but the survey of its column found no such dates. ${howToChoose}` };
    if ('conflict' in order) return { problem: order.conflict };
    if (order.order === 'ymd') {
      return { problem: `is day/month/year, but ${order.because}: only year-first dates (YYYY-MM-DD) are read. ${howToChoose}` };
    }
    const dayFirst = order.order === 'dmy';
    const day = dayFirst ? date.first : date.second;
    const month = dayFirst ? date.second : date.first;
    const iso = calendarDate(date.year, month, day);
    if (iso !== null) return iso;
    const read = dayFirst ? 'day first (D/M/YYYY)' : 'month first (M/D/YYYY)';
    return { problem: `is not a date ${read}: ${noSuchDate(date.year, month, day)}; ${order.because}` };
  }
}
