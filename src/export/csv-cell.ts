/**
 * One CSV cell for a file we write. Quotes when needed, and neutralises spreadsheet formula
 * injection (OWASP "CSV Injection") so Excel and LibreOffice show text instead of running it.
 *
 * A spreadsheet starts a cell not only where our cell starts: Excel set to `;` as its list
 * separator (most of Europe) splits our comma-separated line at every `;` and ignores quotes
 * that do not open its own field, so `1;=HYPERLINK(…)` becomes a cell `=HYPERLINK(…)`; a reader
 * splitting on `,`, TAB or a line break does the same at those. So every place that may
 * start a cell is checked: the start of ours and the text after each `,` `;` TAB CR LF
 * (spaces and quotes skipped). Where a formula could start there (`=` `+` `-` `@`, and TAB or
 * CR at the very start), an apostrophe is put in front of it, the whole cell gets one too,
 * and the cell is quoted. Plain numbers such as `-12.50` (or `1,-2`) are not formulas and are
 * left alone.
 *
 * @example
 * csvCell('=SUM(A1)')            // "'=SUM(A1)"
 * csvCell('1;=HYPERLINK(A1)')    // "'1;'=HYPERLINK(A1)"
 * csvCell('-12.50')              // -12.50
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const raw = String(value);
  const text = neutralised(raw) ?? raw;
  return text !== raw || /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return values.map(csvCell).join(',') + '\n';
}

/** Characters after which some spreadsheet may start a new cell. */
const SEPARATORS = /([,;\t\r\n])/;
const PLAIN_NUMBER = /^ *[+-]?\d+(\.\d+)? *$/;

/** A formula trigger where a cell starts, after any spaces and quotes. */
function startsFormula(fragment: string, atCellStart: boolean): boolean {
  if (!(atCellStart ? /^[ "]*[=+\-@\t\r]/ : /^[ "]*[=+\-@]/).test(fragment)) return false;
  return !PLAIN_NUMBER.test(fragment);
}

/** The text with an apostrophe before every place a formula could start, or null when there is none. */
function neutralised(text: string): string | null {
  let dangerous = startsFormula(text, true);
  // Odd indices are the separators themselves; even ones the text between them.
  const parts = text.split(SEPARATORS);
  for (let i = 2; i < parts.length; i += 2) {
    if (!startsFormula(parts[i]!, false)) continue;
    parts[i] = `'${parts[i]}`;
    dangerous = true;
  }
  return dangerous ? `'${parts.join('')}` : null;
}
