/**
 * One CSV cell for a file we write. Quotes when needed, and neutralises spreadsheet formula
 * injection: a cell starting with = + - @ (or tab / CR) gets a leading apostrophe so Excel
 * and LibreOffice show it as text instead of running it (OWASP "CSV Injection").
 * Plain numbers such as `-12.50` are left alone: they are not formulas.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^[+-]?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return values.map(csvCell).join(',') + '\n';
}
