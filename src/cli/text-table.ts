/**
 * Left-aligned text columns for terminal listings. Numbers are right-aligned, and so are the
 * columns named in `rightAligned` (amounts and percentages already formatted as text).
 */
export function textTable(header: string[], rows: Array<Array<string | number>>, rightAligned: readonly string[] = []): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const numeric = header.map((name, i) => rightAligned.includes(name) || (rows.length > 0 && rows.every((row) => typeof row[i] === 'number')));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
