/**
 * Periods as people write them, anchored to the as-of date A (docs/NL.md, "Periods"):
 * "Q3 2024", "H1 2024", "first half of 2024", "March 2025", "Mar 25", "2025-03", "from Feb to
 * Apr 2025", "Feb-Apr 2025", "last quarter", "this year", "YTD", "last 6 months", "since
 * March", "2024-01-05 to 2024-02-20", "overall". A month, quarter or half without a year is the
 * latest one that has begun by A. A period never runs past A; one that starts after A is
 * reported as such (the caller asks for another period).
 */

import { consume, numberOf } from './tokenize.js';

export interface NlPeriod {
  from: string;
  to: string;
  /** How the question named it, for the explanation ("Q3 2024"). */
  label: string;
}

export type PeriodReading =
  | { kind: 'none'; text: string }
  /** "overall", "all time": every date, said explicitly. */
  | { kind: 'all'; text: string; label: string }
  | { kind: 'period'; text: string; period: NlPeriod }
  | { kind: 'after_as_of'; text: string; label: string; asOf: string };

const monthWords: Array<[RegExp, number]> = [
  [/^jan(uary)?$/, 1],
  [/^feb(ruary)?$/, 2],
  [/^mar(ch)?$/, 3],
  [/^apr(il)?$/, 4],
  [/^may$/, 5],
  [/^june?$/, 6],
  [/^july?$/, 7],
  [/^aug(ust)?$/, 8],
  [/^sept?(ember)?$/, 9],
  [/^oct(ober)?$/, 10],
  [/^nov(ember)?$/, 11],
  [/^dec(ember)?$/, 12],
];
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
/** A year: 2024, '24, 24 (two digits only right after a month, quarter or half). */
const YEAR = "(?:'|’)?(\\d{4}|\\d{2})";
const COUNT = '(\\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty[- ]four|thirty|ninety)';
const LAST = '(?:last|past|previous|prev|prior|trailing|the last|the past|rolling)';

const monthName = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function monthOf(word: string): number {
  return monthWords.find(([pattern]) => pattern.test(word))![1];
}

function yearOf(text: string): number {
  const digits = text.replace(/\D/g, '');
  return digits.length === 2 ? 2000 + Number(digits) : Number(digits);
}

function countOf(text: string): number {
  return numberOf(text) ?? 0;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const dayOne = (year: number, month: number): string => `${year}-${pad(month)}-01`;
function monthEnd(year: number, month: number): string {
  return `${year}-${pad(month)}-${pad(new Date(Date.UTC(year, month, 0)).getUTCDate())}`;
}
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
/** Month index (year × 12 + month − 1) back to year and month. */
const fromIndex = (index: number): [number, number] => [Math.floor(index / 12), (index % 12) + 1];

interface Anchor {
  asOf: string;
  year: number;
  month: number;
}

/** The latest year in which `month` (1–12) has begun by A. */
function latestYearOfMonth(anchor: Anchor, month: number): number {
  return month <= anchor.month ? anchor.year : anchor.year - 1;
}

type Rule = {
  pattern: RegExp;
  read: (match: RegExpExecArray, anchor: Anchor) => { from: string; to: string; label: string } | 'all';
};

const rules: Rule[] = [
  {
    // 2024-01-05 to 2024-02-20, between 2024-01-05 and 2024-02-20
    pattern: /\b(?:from |between )?(\d{4}-\d{2}-\d{2}) (?:to|and|through|thru|until|till|-) (\d{4}-\d{2}-\d{2})\b/,
    read: (m) => ({ from: m[1]!, to: m[2]!, label: `${m[1]} to ${m[2]}` }),
  },
  {
    pattern: /\b(?:since|from|after|starting) (\d{4}-\d{2}-\d{2})(?: on(?:wards?)?)?\b/,
    read: (m, a) => ({ from: m[1]!, to: a.asOf, label: `since ${m[1]}` }),
  },
  {
    pattern: /\b(?:on |for )?(\d{4}-\d{2}-\d{2})\b/,
    read: (m) => ({ from: m[1]!, to: m[1]!, label: m[1]! }),
  },
  {
    // from February to April 2025, Feb-Apr 2025, Feb 2024 to Mar 2025, May to July
    pattern: new RegExp(`\\b(?:from |between )?${MONTH}(?: ${YEAR})? ?(?:to|through|thru|until|till|and|-) ?${MONTH}(?: ${YEAR})?\\b`),
    read: (m, a) => {
      const [startMonth, endMonth] = [monthOf(m[1]!), monthOf(m[3]!)];
      const endYear = m[4] ? yearOf(m[4]) : m[2] ? yearOf(m[2]) + (endMonth < startMonth ? 1 : 0) : latestYearOfMonth(a, endMonth);
      const startYear = m[2] ? yearOf(m[2]) : endMonth < startMonth ? endYear - 1 : endYear;
      return {
        from: dayOne(startYear, startMonth),
        to: monthEnd(endYear, endMonth),
        label: `${monthName[startMonth - 1]} ${startYear} to ${monthName[endMonth - 1]} ${endYear}`,
      };
    },
  },
  {
    // since March 2025, from Mar 2025 onwards, since March
    pattern: new RegExp(`\\b(?:since|from|starting(?: in| from)?|beginning(?: in)?|after) ${MONTH}(?: ${YEAR})?(?: on(?:wards?)?)?\\b`),
    read: (m, a) => {
      const month = monthOf(m[1]!);
      const after = /^after/.test(m[0]);
      let year = m[2] ? yearOf(m[2]) : latestYearOfMonth(a, month);
      let start = month;
      if (after) [year, start] = fromIndex(year * 12 + month);
      return { from: dayOne(year, start), to: a.asOf, label: `since ${monthName[start - 1]} ${year}` };
    },
  },
  {
    // since 2024, from 2024 onwards
    pattern: /\b(?:since|from|starting(?: in)?) (20\d{2})(?: on(?:wards?)?)?\b/,
    read: (m, a) => ({ from: `${m[1]}-01-01`, to: a.asOf, label: `since ${m[1]}` }),
  },
  {
    // Q3 2024, Q3 24, Q3 '24, Q3-2024, 2024 Q3, 2024-Q3, Q3
    pattern:
      /\b(?:q([1-4])(?: of)?[ \-/]?(?:'|’)?(\d{4}|\d{2})?|(\d{4})[ -]?q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th) quarter(?: of)?(?: (\d{4}))?)\b/,
    read: (m, a) => {
      const ordinal = m[5] ? ['first', 'second', 'third', 'fourth'].indexOf(m[5]) + 1 || ['1st', '2nd', '3rd', '4th'].indexOf(m[5]) + 1 : 0;
      const quarter = Number(m[1] ?? m[4] ?? ordinal);
      const written = m[2] ?? m[3] ?? m[6];
      const year = written ? yearOf(written) : (quarter - 1) * 3 + 1 <= a.month ? a.year : a.year - 1;
      return { from: dayOne(year, (quarter - 1) * 3 + 1), to: monthEnd(year, quarter * 3), label: `Q${quarter} ${year}` };
    },
  },
  {
    // H1 2024, 1H24, first half of 2024, second half, H2
    pattern: /\b(?:h([12])|([12])h|(first|second|1st|2nd) half(?: of)?(?: the year)?)(?:[ \-/]?(?:'|’)?(\d{4}|\d{2}))?\b/,
    read: (m, a) => {
      const half = Number(m[1] ?? m[2] ?? (m[3] === 'first' || m[3] === '1st' ? 1 : 2));
      const year = m[4] ? yearOf(m[4]) : half === 1 || a.month >= 7 ? a.year : a.year - 1;
      return { from: dayOne(year, half === 1 ? 1 : 7), to: monthEnd(year, half === 1 ? 6 : 12), label: `H${half} ${year}` };
    },
  },
  {
    // last 6 months, past three months, trailing 12 months, L12M, TTM
    pattern: new RegExp(`\\b(?:${LAST} ${COUNT} (months?|mos?|mths?|weeks?|wks?|days?|years?|yrs?|quarters?|qtrs?)|l(\\d{1,2})m|t(\\d{1,2})m|ttm|ltm)\\b`),
    read: (m, a) => {
      const n = m[1] ? countOf(m[1]) : Number(m[3] ?? m[4] ?? 12);
      const unit = m[2] ?? 'months';
      if (/^(d|w)/.test(unit)) {
        const days = /^d/.test(unit) ? n : n * 7;
        return { from: addDays(a.asOf, 1 - days), to: a.asOf, label: `the last ${n} ${unit}` };
      }
      const months = /^(y)/.test(unit) ? n * 12 : /^(q)/.test(unit) ? n * 3 : n;
      const [year, month] = fromIndex(a.year * 12 + a.month - 1 - (months - 1));
      return { from: dayOne(year, month), to: a.asOf, label: `the last ${months} months` };
    },
  },
  {
    pattern: /\b(?:this|current|the current) (?:month|mo)\b|\bmtd\b|\bmonth to date\b|\bmonth-to-date\b/,
    read: (_m, a) => ({ from: dayOne(a.year, a.month), to: a.asOf, label: 'this month' }),
  },
  {
    pattern: /\b(?:last|previous|prev|prior|past) (?:month|mo|mth)\b/,
    read: (_m, a) => {
      const [year, month] = fromIndex(a.year * 12 + a.month - 2);
      return { from: dayOne(year, month), to: monthEnd(year, month), label: `last month (${monthName[month - 1]} ${year})` };
    },
  },
  {
    pattern: /\b(?:this|current|the current) (?:quarter|qtr|q)\b|\bqtd\b|\bquarter to date\b|\bquarter-to-date\b/,
    read: (_m, a) => {
      const first = Math.floor((a.month - 1) / 3) * 3 + 1;
      return { from: dayOne(a.year, first), to: a.asOf, label: `this quarter (Q${(first + 2) / 3} ${a.year})` };
    },
  },
  {
    pattern: /\b(?:last|previous|prev|prior|past) (?:quarter|qtr|q)\b|\blq\b/,
    read: (_m, a) => {
      const [year, month] = fromIndex(Math.floor((a.year * 12 + a.month - 1) / 3) * 3 - 3);
      return { from: dayOne(year, month), to: monthEnd(year, month + 2), label: `last quarter (Q${(month + 2) / 3} ${year})` };
    },
  },
  {
    pattern: /\b(?:so far )?(?:this|current|the current) (?:year|yr)(?: so far)?\b|\b(?:c|fy)?ytd\b|\byear[ -]to[ -]date\b|\bso far this year\b/,
    read: (_m, a) => ({ from: `${a.year}-01-01`, to: a.asOf, label: `this year (${a.year} to date)` }),
  },
  {
    pattern: /\b(?:last|previous|prev|prior) (?:year|yr)\b|\bly\b/,
    read: (_m, a) => ({ from: `${a.year - 1}-01-01`, to: `${a.year - 1}-12-31`, label: `last year (${a.year - 1})` }),
  },
  {
    // "the past year": the twelve months up to A
    pattern: /\b(?:the )?past (?:year|yr|12 months)\b/,
    read: (_m, a) => {
      const [year, month] = fromIndex(a.year * 12 + a.month - 12);
      return { from: dayOne(year, month), to: a.asOf, label: 'the last 12 months' };
    },
  },
  {
    // March 2025, Mar 2025, Mar '25, Mar 25, 2025-03, 03/2025
    pattern: new RegExp(`\\b(?:${MONTH}[ \\-/]?${YEAR}|(\\d{4})-(\\d{2})|(\\d{1,2})/(\\d{4}))\\b`),
    read: (m) => {
      const month = m[1] ? monthOf(m[1]) : Number(m[4] ?? m[5]);
      const year = m[2] ? yearOf(m[2]) : Number(m[3] ?? m[6]);
      return { from: dayOne(year, month), to: monthEnd(year, month), label: `${monthName[month - 1]} ${year}` };
    },
  },
  {
    // 2024, FY2024, CY 2024, calendar 2024 (not an amount: "above 2000" is a threshold)
    pattern:
      /(?<![$<>=]\s?|(?:above|below|over|under|than|least|most|exceeds?|exceeding) )\b(?:(?:fy|cy|calendar(?: year)?|year) ?)?(20\d{2})\b(?!\s?(?:%|k\b|hours|hrs|h\b|dollars|usd|seats))/,
    read: (m) => ({ from: `${m[1]}-01-01`, to: `${m[1]}-12-31`, label: m[1]! }),
  },
  {
    // in March, for Sep, during July: the latest such month that has begun by A
    pattern: new RegExp(`\\b(?:in|for|during|of|over|across|through|thru) ${MONTH}\\b|^ ?${MONTH}\\b|\\b${MONTH} ?$`),
    read: (m, a) => {
      const month = monthOf((m[1] ?? m[2] ?? m[3])!);
      const year = latestYearOfMonth(a, month);
      return { from: dayOne(year, month), to: monthEnd(year, month), label: `${monthName[month - 1]} ${year}` };
    },
  },
  {
    pattern: /\b(?:yesterday)\b/,
    read: (_m, a) => ({ from: addDays(a.asOf, -1), to: addDays(a.asOf, -1), label: 'yesterday' }),
  },
  {
    pattern: /\b(?:today)\b/,
    read: (_m, a) => ({ from: a.asOf, to: a.asOf, label: 'today' }),
  },
  {
    pattern: /\b(?:next|coming|upcoming) (?:month|quarter|qtr|year|yr|week|\d+ months)\b|\btomorrow\b|\bin the future\b/,
    read: (_m, a) => ({ from: addDays(a.asOf, 1), to: addDays(a.asOf, 1), label: 'the future' }),
  },
  {
    pattern:
      /\b(?:overall|all[ -]time|across all time|of all time|ever|lifetime|to date|in total|historically|since (?:the )?(?:beginning|start)|all (?:the )?data|whole period|entire period)\b/,
    read: () => 'all',
  },
];

/**
 * Finds the period in normalised question text (tokenize.ts) and blanks it out of the text
 * returned. The first rule that matches wins; rules are ordered from the most to the least
 * specific ("from Feb to Apr 2025" before "Apr 2025" before "2025").
 */
export function readPeriod(text: string, asOf: string): PeriodReading {
  const anchor: Anchor = { asOf, year: Number(asOf.slice(0, 4)), month: Number(asOf.slice(5, 7)) };
  let rest = text;
  let found: { from: string; to: string; label: string } | 'all' | null = null;
  let label = 'all data';
  for (const rule of rules) {
    // A second mention ("2024 revenue / 12" after "in 2024") is blanked out too, but the first one read wins.
    for (let match = rule.pattern.exec(rest); match; match = rule.pattern.exec(rest)) {
      const read = rule.read(match, anchor);
      rest = consume(rest, match.index, match.index + match[0].length);
      if (found === null) {
        found = read;
        if (read === 'all') label = match[0].trim();
      }
    }
  }
  if (found === null) return { kind: 'none', text: rest };
  if (found === 'all') return { kind: 'all', text: rest, label };
  if (found.from > asOf) return { kind: 'after_as_of', text: rest, label: found.label, asOf };
  return { kind: 'period', text: rest, period: { from: found.from, to: found.to > asOf ? asOf : found.to, label: found.label } };
}
