import { parseCells } from './parse-cells.js';
import type { RowProblem } from './row-reader.js';
import type { HeaderMap } from './header-map.js';
import type { LineItemGrouping } from './presets/import-preset.js';
import type { StagedRow } from './writers/import-writer.js';

interface Group {
  data: Record<string, unknown>;
  /** Line of the group's first line item: where its errors point. */
  line: number;
}

/**
 * Line-item exports (Xero, QuickBooks: one row per invoice line) become one row per invoice:
 * each line is validated as it is read (its errors name its own line), lines with the same
 * key are merged — the `sum` fields added up, every other field from the first line — and
 * the merged rows are built at the end of the file, in the order their first lines came.
 * An invoice with a refused line is refused whole, with an error of its own: a lenient
 * import must not store it without that line. Memory holds one entry per invoice, not per line.
 */
export class LineItemGroups {
  readonly #groups = new Map<string, Group>();
  /** Keys with a refused line, and the first such line: their invoices are refused whole (a lenient import would store a wrong total). */
  readonly #refused = new Map<string, number>();

  constructor(
    private readonly grouping: LineItemGrouping,
    private readonly header: HeaderMap,
  ) {}

  /** Validates one line and merges it; false (with its problems in `errors`) when it is refused. */
  add(fields: string[], line: number, errors: RowProblem[]): boolean {
    const data = parseCells(this.header, fields, line, errors);
    if (!data) {
      const at = this.header.locate(this.grouping.key);
      const key = at ? (fields[at.column - 1] ?? '').trim() : '';
      if (key !== '' && !this.#refused.has(key)) this.#refused.set(key, line);
      return false;
    }
    const key = data[this.grouping.key];
    if (typeof key !== 'string' || key === '') {
      const at = this.header.locate(this.grouping.key);
      errors.push({
        line,
        column: at?.column ?? null,
        field: at?.header ?? this.grouping.key,
        value: null,
        reason: 'is required (it groups line items into invoices)',
      });
      return false;
    }
    const group = this.#groups.get(key);
    if (!group) {
      this.#groups.set(key, { data, line });
      return true;
    }
    if (this.grouping.merge) {
      this.grouping.merge(group.data, data);
      return true;
    }
    for (const field of this.grouping.sum) {
      const value = data[field];
      if (typeof value === 'number') group.data[field] = ((group.data[field] as number | null | undefined) ?? 0) + value;
    }
    return true;
  }

  /** The merged rows, built; `build` records the problems of those it refuses. */
  finish(
    build: (data: Record<string, unknown>, line: number, errors: RowProblem[]) => StagedRow | null,
    errors: RowProblem[],
  ): { rows: StagedRow[]; rejected: number } {
    const rows: StagedRow[] = [];
    let rejected = 0;
    for (const [key, { data, line }] of this.#groups) {
      const refusedLine = this.#refused.get(key);
      if (refusedLine !== undefined) {
        const at = this.header.locate(this.grouping.key);
        errors.push({
          line,
          column: at?.column ?? null,
          field: at?.header ?? this.grouping.key,
          value: key,
          reason: `is not imported: its line item on line ${refusedLine} was refused, and the invoice without it would be incomplete`,
        });
        rejected += 1;
        continue;
      }
      const row = build(data, line, errors);
      if (row) rows.push(row);
      else rejected += 1;
    }
    this.#groups.clear();
    this.#refused.clear();
    return { rows, rejected };
  }
}
