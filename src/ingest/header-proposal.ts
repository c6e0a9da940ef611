import { MmError } from '../errors.js';
import type { DatasetDefinition } from './datasets/dataset-definition.js';
import { normaliseHeader } from './normalise-header.js';

/**
 * Proposes how a header no preset knows maps onto a dataset's canonical fields
 * (`moatmetrics import <dataset> <file> --map`, `POST /api/v1/import-profiles`): each header
 * cell is compared with every field's name, aliases and a few hints by its words — spelt-out
 * abbreviations (`Hrs` → hours, `Inv #` → invoice number), word overlap, prefixes (`Cust` →
 * customer) and edit distance (`Organisation` → organization) — and the best pairs are taken
 * one field per column, best first. A person checks the proposal, corrects it (`--set`) and
 * saves it as a mapping profile (import-profiles.ts).
 */

export interface ProposedColumn {
  /** 1-based position in the header. */
  column: number;
  /** The header cell as written. */
  header: string;
  /** The canonical field it maps to; null when none is close enough (the column is ignored). */
  field: string | null;
  /** How close the header is to the field (0–1, two decimals); null when unmapped. */
  score: number | null;
}

export interface MappingProposal {
  dataset: string;
  columns: ProposedColumn[];
  /** Canonical field → header cell as written: what a saved profile keeps. */
  mapping: Record<string, string>;
  /** Required fields no column maps to (`client_id or client_name` for a dataset that names clients). */
  missing: string[];
}

/** Below this a column is left unmapped rather than guessed. */
const MIN_SCORE = 0.5;
/** A hint (a word that suggests a field without being its name) counts a little less than a name or alias. */
const HINT_WEIGHT = 0.9;

/** Abbreviations and synonyms in MSP exports, spelt out before words are compared. */
const WORD_FORMS: Readonly<Record<string, readonly string[]>> = {
  hrs: ['hours'],
  hr: ['hours'],
  hour: ['hours'],
  amt: ['amount'],
  qty: ['quantity'],
  cust: ['customer'],
  tech: ['technician'],
  desc: ['description'],
  inv: ['invoice'],
  dt: ['date'],
  day: ['date'],
  pd: ['paid'],
  no: ['number'],
  num: ['number'],
  nbr: ['number'],
  emp: ['employee'],
  acct: ['account'],
  co: ['company'],
  org: ['organization'],
  tkt: ['ticket'],
  proj: ['project'],
  prod: ['product'],
  lic: ['license'],
  licence: ['license'],
  svc: ['service'],
  dur: ['duration'],
  ccy: ['currency'],
  cat: ['category'],
  cnt: ['count'],
};

const STOP_WORDS = new Set(['the', 'of', 'a', 'an', 'in', 'to', 'for']);

/** Words that suggest a field without being one of its names (proposals only, never used to import). */
const FIELD_HINTS: Readonly<Record<string, readonly string[]>> = {
  status: ['paid', 'paid status', 'payment'],
  billable: ['chargeable', 'bill type'],
  hours: ['time spent', 'duration', 'time', 'hours spent'],
  date: ['date worked', 'when'],
  notes: ['details', 'work done', 'resolution'],
  staff_name: ['engineer', 'technician name', 'who'],
  rate: ['price per hour', 'charge rate'],
  seats_purchased: ['licenses bought', 'seats bought'],
  seats_used: ['seats in use', 'licenses used'],
};

/** `Hrs Spent` → `['hours', 'spent']`, `InvoiceDate` → `['invoice', 'date']`, `Inv #` → `['invoice', 'number']`. */
export function headerWords(text: string): string[] {
  const spaced = text
    .replace(/^\uFEFF/, '')
    .replace(/#/g, ' number ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
  return spaced
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '')
    .flatMap((word) => WORD_FORMS[word] ?? [word])
    .filter((word) => !STOP_WORDS.has(word));
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** 1 for the same word, 0.85 for a prefix of 3+ letters (`bill`/`billable`), the edit-distance ratio from 0.75 up, else 0. */
function wordSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  if (Math.min(a.length, b.length) >= 3 && (a.startsWith(b) || b.startsWith(a))) return 0.85;
  const ratio = 1 - editDistance(a, b) / Math.max(a.length, b.length);
  return ratio >= 0.75 ? ratio : 0;
}

/** Word overlap both ways (each word scored by its closest counterpart), as a share of all words: 1 for the same words. */
export function nameSimilarity(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  if (a.join('') === b.join('')) return 1; // `timeentryid` and `time entry id`
  const best = (word: string, others: readonly string[]): number => Math.max(...others.map((other) => wordSimilarity(word, other)));
  const total = a.reduce((sum, word) => sum + best(word, b), 0) + b.reduce((sum, word) => sum + best(word, a), 0);
  return total / (a.length + b.length);
}

/** Each field's names as words: the field, its aliases (weight 1) and its hints (weight HINT_WEIGHT). */
function fieldNames(dataset: DatasetDefinition): Array<{ field: string; words: string[]; weight: number }> {
  const names: Array<{ field: string; words: string[]; weight: number }> = [];
  for (const [field, spec] of Object.entries(dataset.fields)) {
    for (const name of [field, ...spec.aliases]) names.push({ field, words: headerWords(name), weight: 1 });
    for (const hint of FIELD_HINTS[field] ?? []) names.push({ field, words: headerWords(hint), weight: HINT_WEIGHT });
  }
  return names;
}

/** The required fields the mapping lacks, as an error or the proposal names them. */
export function missingRequiredFields(dataset: DatasetDefinition, mapped: Iterable<string>): string[] {
  const fields = new Set(mapped);
  const missing = Object.entries(dataset.fields)
    .filter(([field, spec]) => spec.requiredColumn && !fields.has(field))
    .map(([field]) => field);
  if (dataset.referencesClient && !fields.has('client_id') && !fields.has('client_name')) missing.unshift('client_id or client_name');
  return missing;
}

/**
 * The proposed mapping of a header row.
 *
 * @example
 * proposeMapping(timeLogsDataset, ['Tech', 'Day', 'Cust', 'Hrs Spent'])
 * // columns: Tech → staff_name 1, Day → date 1, Cust → client_name 1, Hrs Spent → hours 0.67
 */
export function proposeMapping(dataset: DatasetDefinition, header: readonly string[]): MappingProposal {
  const names = fieldNames(dataset);
  const pairs: Array<{ index: number; field: string; score: number }> = [];
  header.forEach((cell, index) => {
    const words = headerWords(cell);
    const best = new Map<string, number>();
    for (const name of names) {
      const score = nameSimilarity(words, name.words) * name.weight;
      if (score > (best.get(name.field) ?? 0)) best.set(name.field, score);
    }
    for (const [field, score] of best) if (score >= MIN_SCORE) pairs.push({ index, field, score });
  });
  // Best pairs first; on a tie the earlier column, then the dataset's field order.
  const order = Object.keys(dataset.fields);
  pairs.sort((a, b) => b.score - a.score || a.index - b.index || order.indexOf(a.field) - order.indexOf(b.field));
  const byColumn = new Map<number, { field: string; score: number }>();
  const taken = new Set<string>();
  for (const pair of pairs) {
    if (byColumn.has(pair.index) || taken.has(pair.field)) continue;
    byColumn.set(pair.index, pair);
    taken.add(pair.field);
  }
  const columns = header.map((cell, index) => {
    const chosen = byColumn.get(index);
    return { column: index + 1, header: cell.trim(), field: chosen?.field ?? null, score: chosen ? Math.round(chosen.score * 100) / 100 : null };
  });
  return finished(dataset, columns);
}

function finished(dataset: DatasetDefinition, columns: ProposedColumn[]): MappingProposal {
  const mapping: Record<string, string> = {};
  for (const column of columns) if (column.field !== null) mapping[column.field] = column.header;
  return { dataset: dataset.name, columns, mapping, missing: missingRequiredFields(dataset, Object.keys(mapping)) };
}

/** One correction: the file column (as written, or as normalised) and its field; null leaves the column unmapped. */
export interface MappingOverride {
  header: string;
  field: string | null;
}

/** `"Hrs Spent=hours"` → `{ header: 'Hrs Spent', field: 'hours' }`; `"Notes="` → field null (leave the column unmapped). */
export function parseMappingOverride(text: string): MappingOverride {
  const at = text.lastIndexOf('=');
  if (at <= 0) throw new MmError('MM_PROFILE_INVALID', `--set '${text}': write it as "File Header=field" (or "File Header=" to leave the column unmapped)`);
  const field = text.slice(at + 1).trim();
  return { header: text.slice(0, at).trim(), field: field === '' || field === '-' ? null : field };
}

/**
 * The proposal with a person's corrections: each named column mapped to the field given (a
 * column that had that field before loses it), or left unmapped. A column the header lacks
 * or a field the dataset lacks is refused, naming what there is.
 */
export function applyOverrides(dataset: DatasetDefinition, proposal: MappingProposal, overrides: readonly MappingOverride[]): MappingProposal {
  const columns = proposal.columns.map((column) => ({ ...column }));
  for (const override of overrides) {
    const wanted = normaliseHeader(override.header);
    const column = columns.find((c) => c.header === override.header) ?? columns.find((c) => normaliseHeader(c.header) === wanted);
    if (!column) {
      throw new MmError(
        'MM_PROFILE_INVALID',
        `--set '${override.header}=${override.field ?? ''}': the file has no column '${override.header}' (its columns: ${columns.map((c) => c.header).join(', ')})`,
      );
    }
    if (override.field !== null && !dataset.fields[override.field]) {
      throw new MmError(
        'MM_PROFILE_INVALID',
        `--set '${override.header}=${override.field}': ${dataset.name} has no field '${override.field}' (its fields: ${Object.keys(dataset.fields).join(', ')})`,
      );
    }
    for (const other of columns) {
      if (other !== column && override.field !== null && other.field === override.field) {
        other.field = null;
        other.score = null;
      }
    }
    column.field = override.field;
    // Set by a person: certain.
    column.score = override.field === null ? null : 1;
  }
  return finished(dataset, columns);
}
