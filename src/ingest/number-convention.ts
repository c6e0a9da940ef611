import { currencyMark, decimalEvidence, parseScaledDecimal, type DecimalMark, type NumberReader } from './field-types.js';

/** A survey pass's job (see DateColumns): the first number in the file that reads only one way. */
export class DecimalSurvey {
  evidence: { mark: DecimalMark; line: number; value: string } | null = null;

  add(value: string, line: number): void {
    if (this.evidence || (value.indexOf('.') < 0 && value.indexOf(',') < 0)) return;
    const mark = decimalEvidence(value.trim());
    if (mark === '.' || mark === ',') this.evidence = { mark, line, value };
  }
}

/** What the report says about a file's numbers. */
export interface NumberFacts {
  /** The file's decimal mark; null when no number in it had one. */
  decimalSeparator: DecimalMark | null;
  /** How it was decided: from a number that reads one way only, or assumed from the delimiter (`;` files use `,`). */
  decimalSeparatorFrom: 'numbers' | 'delimiter' | null;
  /** Currency marks seen in money cells (`$`, `€`, `EUR`), most frequent first. */
  currencyMarks: string[];
}

/**
 * One file's way of writing numbers. `1,234` and `1.234` read both ways, so the file must
 * say: the first number that can only be read one way (`1,234.50`, `12,5`, `0.250`) settles
 * the decimal mark for the whole file. When a number that reads both ways comes before any
 * such number, its reader asks for the survey pass the importer already makes for dates
 * (DateColumns), which finds the evidence anywhere in the file; a file with none at all
 * (every amount `1.234`) follows its delimiter: `;` files come from decimal-comma locales.
 * Numbers that read one way are read that way whatever the file's mark.
 */
export class NumberConvention implements NumberReader {
  #mark: DecimalMark | null = null;
  #from: NumberFacts['decimalSeparatorFrom'] = null;
  #surveyed = false;
  #fallback: DecimalMark = '.';
  readonly #currencies = new Map<string, number>();

  constructor(private readonly onSurveyNeeded: () => never) {}

  /** The delimiter the file turned out to use: the decimal mark when nothing else tells. */
  useDelimiter(delimiter: string): void {
    this.#fallback = delimiter === ';' ? ',' : '.';
  }

  scaled(raw: string, scale: number): number | null {
    if (this.#mark === null && (raw.indexOf('.') >= 0 || raw.indexOf(',') >= 0)) {
      const evidence = decimalEvidence(raw);
      if (evidence === 'ambiguous') {
        if (!this.#surveyed) this.onSurveyNeeded();
        this.#decide(this.#fallback, 'delimiter');
      } else if (evidence !== null) {
        this.#decide(evidence, 'numbers');
      }
    }
    return parseWith(raw, scale, this.#mark);
  }

  money(raw: string): void {
    const mark = hasMarks(raw) ? currencyMark(raw) : null;
    if (mark !== null && (this.#currencies.size < 8 || this.#currencies.has(mark))) this.#currencies.set(mark, (this.#currencies.get(mark) ?? 0) + 1);
  }

  /** Takes the survey's finding; from now on no reader asks for another survey. */
  decide(survey: DecimalSurvey): void {
    this.#surveyed = true;
    if (survey.evidence) this.#decide(survey.evidence.mark, 'numbers');
  }

  get facts(): NumberFacts {
    return {
      decimalSeparator: this.#mark,
      decimalSeparatorFrom: this.#from,
      currencyMarks: [...this.#currencies.entries()].sort((a, b) => b[1] - a[1]).map(([mark]) => mark),
    };
  }

  #decide(mark: DecimalMark, from: 'numbers' | 'delimiter'): void {
    this.#mark = mark;
    this.#from = from;
  }
}

function parseWith(raw: string, scale: number, mark: DecimalMark | null): number | null {
  return parseScaledDecimal(raw, scale, mark ?? '.');
}

/** Anything but digits, separators and a sign: worth looking for a currency mark. */
function hasMarks(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || c === 44 || c === 46 || c === 45)) return true;
  }
  return false;
}
