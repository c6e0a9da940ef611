import type { DatasetDefinition } from './datasets/dataset-definition.js';
import type { HeaderMap } from './header-map.js';

/**
 * Rows in an export that are not data: report titles above the header, blank rows, and the
 * total, subtotal and footer lines PSA and accounting reports add ("Total", "Grand Total",
 * "Total for Acme Corp", "Generated on 3/1/2025", QuickBooks' "Accrual Basis Monday, April
 * 7, 2025"). They are skipped and counted, never imported and never rejected; a data row is
 * never taken for one (see `isSummaryRecord`).
 */

/** How many title lines may come before the header row. */
export const TITLE_ROWS = 10;

/** A line above the header: at most two non-empty cells (a company name, a report name, a date range). */
export function isTitleRecord(fields: readonly string[]): boolean {
  let filled = 0;
  for (const field of fields) if (field.trim() !== '' && ++filled > 2) return false;
  return true;
}

/** Every cell empty (`,,,,`): a spreadsheet's blank row. */
export function isBlankRecord(fields: readonly string[]): boolean {
  for (const field of fields) if (field.trim() !== '') return false;
  return true;
}

const totalLabel = /^(?:.{0,80}\s)?(?:grand\s*|sub\s*-?\s*|report\s+|overall\s+|page\s+)?totals?(?:\s+(?:for|of)\b.*)?\s*:?$/i;
// QuickBooks reports end with their accounting basis and run time: "Accrual Basis Monday, April 7, 2025 09:15 AM GMT-04:00".
const footerLabel =
  /^(?:generated|printed|exported|run|created)\s+(?:on|at|by)\b|^page\s+\d+(?:\s+of\s+\d+)?$|^(?:confidential|copyright|©)|^(?:cash|accrual)\s+basis\b/i;

/**
 * A total or footer row: a cell that reads as a total label ("Total", "Grand Total",
 * "Subtotal:", "Total for Acme Corp") or a footer ("Generated on …", "Page 2 of 3"), and —
 * unless it is that cell alone — a cell where the dataset requires a value that is empty or
 * is the label itself (a data row always has its date, staff member or product; QuickBooks
 * writes "Total for Acme Corp" in the Date column). "Acme Corp Total" is one; a client
 * named "Total Networks" is no total label, and its rows have their required cells, so they are read as data.
 */
export function isSummaryRecord(fields: readonly string[], header: HeaderMap, dataset: DatasetDefinition): boolean {
  let filled = 0;
  let labelled = false;
  for (const field of fields) {
    const value = field.trim();
    if (value === '') continue;
    filled += 1;
    if (!labelled && isLabel(value)) labelled = true;
  }
  if (!labelled) return false;
  if (filled === 1) return true;
  for (const [field, spec] of Object.entries(dataset.fields)) {
    if (!spec.requiredColumn) continue;
    const at = header.locate(field);
    if (!at) continue;
    const value = (fields[at.column - 1] ?? '').trim();
    if (value === '' || isLabel(value)) return true;
  }
  return false;
}

function isLabel(value: string): boolean {
  return value.length <= 80 && (totalLabel.test(value) || footerLabel.test(value));
}
