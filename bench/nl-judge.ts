import type { NlAnswer } from '../src/nl/answer.js';

/**
 * The judging rules of an evaluation set's README (../shared/nl/README.md, "How an answer
 * is judged"), applied to `moatmetrics ask --json` output.
 */
export type Expectation =
  | { type: 'scalar'; value: number; tolerance: number }
  | { type: 'ranking'; entities: string[]; values?: number[]; tolerance?: number }
  | { type: 'set'; entities: string[] }
  | { type: 'clarify' };

const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const monthLong = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function within(actual: number, expected: number, tolerance: number): boolean {
  if (tolerance === 0) return actual === expected;
  return Math.abs(actual - expected) <= tolerance * Math.abs(expected) + 1e-9;
}

function names(entity: string, cell: string): boolean {
  const a = cell.trim().toLowerCase();
  const e = entity.trim().toLowerCase();
  if (a === e) return true;
  const month = /^(\d{4})-(\d{2})$/.exec(e);
  if (!month) return false;
  const i = Number(month[2]) - 1;
  return a === `${monthNames[i]} ${month[1]}` || a === `${monthLong[i]} ${month[1]}`;
}

const numbers = (row: Array<string | number | null>): number[] => row.filter((c): c is number => typeof c === 'number');

/** Null when the answer passes, else why it does not. */
export function judge(answer: NlAnswer, expect: Expectation): string | null {
  if (expect.type === 'clarify') {
    return (answer.status === 'clarify' || answer.status === 'refused') && answer.rows.length === 0
      ? null
      : `expected clarify, got ${answer.status} with ${answer.rows.length} rows`;
  }
  if (answer.status !== 'answered') return `expected an answer, got ${answer.status}: ${answer.explanation}`;
  if (expect.type === 'scalar') {
    const row = answer.rows[0];
    if (!row) return 'no rows';
    return numbers(row).some((n) => within(n, expect.value, expect.tolerance)) ? null : `expected ${expect.value}, first row ${JSON.stringify(row)}`;
  }
  if (expect.type === 'ranking') {
    for (let i = 0; i < expect.entities.length; i++) {
      const row = answer.rows[i];
      const entity = expect.entities[i]!;
      if (!row) return `row ${i + 1} missing (expected ${entity})`;
      if (!row.some((c) => typeof c === 'string' && names(entity, c))) return `row ${i + 1}: expected ${entity}, got ${JSON.stringify(row)}`;
      const value = expect.values?.[i];
      if (value !== undefined && !numbers(row).some((n) => within(n, value, expect.tolerance ?? 0)))
        return `row ${i + 1} (${entity}): expected ${value}, got ${JSON.stringify(row)}`;
    }
    return null;
  }
  const got = new Set(answer.rows.map((row) => row.find((c): c is string => typeof c === 'string')?.toLowerCase()).filter(Boolean));
  const want = new Set(expect.entities.map((e) => e.toLowerCase()));
  const missing = [...want].filter((e) => !got.has(e));
  const extra = [...got].filter((e) => !want.has(e!));
  return missing.length === 0 && extra.length === 0 ? null : `set differs: missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)}`;
}
