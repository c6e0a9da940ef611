/** RFC 4180 CSV text: comma-separated, `\n` line ends, fields quoted only when they must be. */

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + '\n';
}

/** A whole small table as text: the header line, then one line per row. */
export function csvTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  let text = csvLine(header);
  for (const row of rows) text += csvLine(row);
  return text;
}
