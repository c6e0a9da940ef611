import type { HeaderMap } from './header-map.js';
import type { RowProblem } from './row-reader.js';

/** The record's cells validated and typed, or null with its problems added to `errors`. */
export function parseCells(header: HeaderMap, fields: string[], line: number, errors: RowProblem[]): Record<string, unknown> | null {
  const cells: Record<string, string> = {};
  for (const column of header.columns) {
    const raw = fields[column.index] ?? '';
    cells[column.field] = column.convert ? column.convert(raw) : raw;
  }
  for (const derived of header.derived) cells[derived.field] = derived.derive(derived.indices.map((i) => (i < 0 ? '' : (fields[i] ?? ''))));
  const parsed = header.rowSchema.safeParse(cells);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      const at = header.locate(field);
      // The value as written in the file, not as a preset rewrote it.
      const value = at ? (fields[at.column - 1] ?? null) : (cells[field] ?? null);
      errors.push({ line, column: at?.column ?? null, field: at?.header ?? field, value, reason: issue.message });
    }
    return null;
  }
  return parsed.data as Record<string, unknown>;
}
