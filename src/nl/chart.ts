import type { AnswerShape } from './understanding.js';

/** A Vega-Lite specification: plain JSON the web app and reports render. */
export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/**
 * The chart that suits an answer: bars for rankings, sets and comparisons (in the answer's
 * order), a line for months; none for a single number. The data is the answer's own rows,
 * keyed by column name; nothing else of the question goes into the spec.
 */
export function chartFor(shape: AnswerShape, columns: string[], rows: Array<Array<string | number | null>>): VegaLiteSpec | null {
  if (shape === 'scalar' || shape === 'count_rows' || shape === 'mean_rows' || columns.length < 2 || rows.length === 0) return null;
  const [label, value] = [columns[0]!, columns[1]!];
  const values = rows.map((row) => Object.fromEntries(columns.map((column, i) => [column, row[i] ?? null])));
  if (shape === 'trend') {
    return {
      $schema: SCHEMA,
      data: { values },
      mark: { type: 'line', point: true },
      encoding: {
        // Months are dates; quarters ("2025-Q1") are ordered labels.
        x:
          label === 'month'
            ? { field: label, type: 'temporal', timeUnit: 'yearmonth', title: label }
            : { field: label, type: 'ordinal', sort: null, title: label },
        y: { field: value, type: 'quantitative', title: value },
      },
    };
  }
  return {
    $schema: SCHEMA,
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: label, type: 'nominal', sort: null, title: label },
      x: { field: value, type: 'quantitative', title: value },
    },
  };
}
