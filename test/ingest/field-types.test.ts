import assert from 'node:assert/strict';
import { test } from 'node:test';
import { excelSerialDate, parseDate, parseScaledDecimal, serialDayNumber, splitWrittenDate, workHours } from '../../src/ingest/field-types.js';

test('dates: ISO, ISO with time, slashed ISO and US M/D/YYYY; impossible dates refused', () => {
  assert.equal(parseDate('2025-03-31'), '2025-03-31');
  assert.equal(parseDate('2025-03-31T10:15:00Z'), '2025-03-31');
  assert.equal(parseDate('2025/3/1'), '2025-03-01');
  assert.equal(parseDate('3/1/2025'), '2025-03-01');
  assert.equal(parseDate('2024-02-29'), '2024-02-29');
  assert.equal(parseDate('2025-02-29'), null);
  assert.equal(parseDate('1900-02-29'), null);
  assert.equal(parseDate('2000-02-29'), '2000-02-29');
  assert.equal(parseDate('2025-13-01'), null);
  assert.equal(parseDate('2025-04-31'), null);
  assert.equal(parseDate('13/1/2025'), null);
  assert.equal(parseDate('yesterday'), null);
  assert.equal(parseDate('2025-0a-01'), null);
});

test('dates with a time keep the date; dotted and dashed day/month/year follow the order; ymd reads year-first only', () => {
  assert.equal(parseDate('2025-03-31 09:30'), '2025-03-31');
  assert.equal(parseDate('2025-03-31T09:30:00'), '2025-03-31');
  assert.equal(parseDate('2025-03-31T09:30:00.000+02:00'), '2025-03-31');
  assert.equal(parseDate('2025/03/31 9:30 PM'), '2025-03-31');
  assert.equal(parseDate('2025.03.31'), '2025-03-31');
  assert.equal(parseDate('2025-03-31 25:00'), null, 'no hour 25');
  assert.equal(parseDate('2025-03-31 09:30 tomorrow'), null);
  assert.equal(parseDate('13.11.2025', 'dmy'), '2025-11-13');
  assert.equal(parseDate('13.11.2025', 'mdy'), null);
  assert.equal(parseDate('03/11/2025', 'dmy'), '2025-11-03');
  assert.equal(parseDate('03/11/2025', 'mdy'), '2025-03-11');
  assert.equal(parseDate('25-03-2025 14:05', 'dmy'), '2025-03-25');
  assert.equal(parseDate('03/11/2025', 'ymd'), null);
  assert.equal(parseDate('2025-03-31', 'ymd'), '2025-03-31');
  assert.equal(parseDate('3/11.2025', 'dmy'), null, 'one separator throughout');
  assert.equal(parseDate('29.02.2023', 'dmy'), null);
});

test('dates with the month as a word read the same in every order, as Xero and QuickBooks reports write them', () => {
  for (const order of ['mdy', 'dmy', 'ymd'] as const) {
    assert.equal(parseDate('1 Mar 2025', order), '2025-03-01');
    assert.equal(parseDate('01-Mar-2025', order), '2025-03-01');
    assert.equal(parseDate('31 March 2025', order), '2025-03-31');
    assert.equal(parseDate('Mar 1, 2025', order), '2025-03-01');
    assert.equal(parseDate('March 21st, 2025', order), '2025-03-21');
  }
  assert.equal(parseDate('15 sept 2025'), '2025-09-15');
  assert.equal(parseDate('1 Mar. 2025 9:30 AM'), '2025-03-01');
  assert.equal(parseDate('30 Feb 2025'), null, 'no such day');
  assert.equal(parseDate('1 Foo 2025'), null, 'not a month');
  assert.equal(parseDate('1 Mar 25'), null, 'a two-digit year is not read');
  assert.deepEqual(splitWrittenDate('Dec 5 2025'), { yearFirst: true, year: 2025, first: 12, second: 5 });
});

test('Excel serial dates count from 1899-12-30, so the 1900 leap-year bug does not shift them', () => {
  assert.equal(excelSerialDate(45747), '2025-03-31');
  assert.equal(excelSerialDate(45658), '2025-01-01');
  assert.equal(excelSerialDate(20000), '1954-10-03');
  assert.equal(excelSerialDate(80000), '2119-01-11');
  // Excel shows serial 61 as 1900-03-01 and 60 as its fictitious 1900-02-29: from 61 on the epoch agrees.
  assert.equal(excelSerialDate(61), '1900-03-01');
  assert.equal(serialDayNumber('45747'), 45747);
  assert.equal(serialDayNumber('45747.375'), 45747, 'a date-time serial keeps its day');
  assert.equal(serialDayNumber('45,747'), null);
  assert.equal(serialDayNumber('-45747'), null);
  assert.equal(serialDayNumber('2025-03-31'), null);
});

test('hours: 0 is a real time entry; negative and more than a day are refused', () => {
  const milli = (raw: string) => {
    const parsed = workHours.safeParse(raw);
    return parsed.success ? parsed.data : parsed.error.issues[0]!.message;
  };
  assert.equal(milli('0'), 0);
  assert.equal(milli('0.00'), 0);
  assert.equal(milli('0:00'), 0);
  assert.equal(milli('24'), 24_000);
  assert.equal(milli('1:30'), 1500);
  assert.equal(milli('-0.5'), 'must not be negative');
  assert.equal(milli('24.01'), 'must be at most 24 (one day)');
  assert.equal(milli(''), 'is required');
});

test('decimals scale to exact integers with half-up rounding, in the spellings exports use', () => {
  const cents = (text: string) => parseScaledDecimal(text, 2);
  assert.equal(cents('95'), 9500);
  assert.equal(cents('1.5'), 150);
  assert.equal(cents('0.005'), 1);
  assert.equal(cents('0.004'), 0);
  assert.equal(cents('-12.345'), -1235);
  assert.equal(cents('1,234.56'), 123456);
  assert.equal(cents('$1,234.56'), 123456);
  assert.equal(cents('(100.00)'), -10000);
  assert.equal(cents('1.234,56'), 123456);
  assert.equal(cents('12,5'), 1250);
  assert.equal(cents('1,234'), 123400);
  assert.equal(cents('USD 10'), 1000);
  assert.equal(cents('.5'), 50);
  assert.equal(cents('ten'), null);
  assert.equal(cents('1.2.3'), null);
  assert.equal(parseScaledDecimal('0.3333', 3), 333);
  assert.equal(parseScaledDecimal('1.0005', 3), 1001);
  // Exactness: 0.1 + 0.2 style float noise never appears.
  assert.equal(parseScaledDecimal('0.29', 2), 29);
  assert.equal(parseScaledDecimal('1.15', 2), 115);
});

test('plain decimals read character by character scale exactly as the general rule does', () => {
  // The reading the character loop replaced (a regular expression), kept here as the reference.
  const reference = (raw: string, scale: number): number | null | undefined => {
    const plain = /^(-?)(\d{1,15})(?:\.(\d*))?$/.exec(raw);
    if (!plain) return undefined;
    const fraction = plain[3] ?? '';
    let units = Number(plain[2]) * 10 ** scale;
    if (fraction.length <= scale) {
      if (fraction.length > 0) units += Number(fraction) * 10 ** (scale - fraction.length);
    } else {
      units += Number(fraction.slice(0, scale));
      if (fraction.charCodeAt(scale) >= 53) units += 1;
    }
    if (!Number.isSafeInteger(units)) return null;
    return plain[1] ? -units : units;
  };
  let seed = 7;
  const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  const alphabet = '0123456789.-,x ';
  const samples = ['0', '-0', '12.', '.5', '-', '', '999999999999999', '9999999999999999', '1.005', '-12.3456', '00012.50', '1e3', '12.-3', '1..2'];
  for (let i = 0; i < 20_000; i++) {
    let text = '';
    const length = 1 + next(12);
    for (let k = 0; k < length; k++) text += next(4) === 0 ? alphabet[next(alphabet.length)] : String(next(10));
    samples.push(text);
  }
  for (const text of samples) {
    for (const scale of [2, 3]) {
      const expected = reference(text, scale);
      if (expected !== undefined) assert.equal(parseScaledDecimal(text, scale), expected, `${text} at scale ${scale}`);
    }
  }
});
