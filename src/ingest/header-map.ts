import { z } from 'zod';
import { MmError } from '../errors.js';
import type { DatasetDefinition } from './datasets/dataset-definition.js';
import type { DateColumns } from './date-columns.js';
import { isDerived, type DerivedSource, type ImportPreset, type LineItemGrouping } from './presets/import-preset.js';
import { recognisePreset } from './presets/index.js';
import { fittingProfile, profilePreset, type MappingProfile } from './presets/mapping-profile.js';
import { normaliseHeader } from './normalise-header.js';

/** One file column that feeds a canonical field. */
export interface MappedColumn {
  /** 0-based position in the record. */
  index: number;
  field: string;
  /** The header cell as written in the file. */
  header: string;
  /** A vendor preset's rewrite of the value (`DoNotBill` → `no`). */
  convert?: (value: string) => string;
}

/** A canonical field made from several file columns (a preset's `DerivedSource`). */
export interface DerivedColumn {
  field: string;
  /** 0-based positions of the inputs; -1 for an input the file lacks. */
  indices: number[];
  derive: DerivedSource['derive'];
}

/** The vendor export a file was read as. */
export interface PresetUsed {
  id: string;
  name: string;
}

export interface HeaderMap {
  columns: MappedColumn[];
  /** Fields computed from several columns (vendor presets only). */
  derived: DerivedColumn[];
  /** The preset the header was mapped with; null for canonical names and aliases. */
  preset: PresetUsed | null;
  /** Line items to group into one row (invoice exports). */
  grouping: LineItemGrouping | null;
  /** True for a record that is no row of the dataset (a preset's `skipRows`): skipped like a total row. */
  skips?: (fields: readonly string[]) => boolean;
  /** Set when section headings in the first column give a field (a preset's `sectionHeadings`): that column's field. */
  sectionField?: string;
  /**
   * True when the report's first column is an unnamed heading column (a preset's
   * `sectionHeadings`): a row with only that cell filled is a heading, never data, even when
   * another column names the field (`sectionField` unset then).
   */
  sectionHeadings?: boolean;
  /** Header cells that match no field: ignored, and reported as a warning. */
  ignored: string[];
  /** Number of header cells (the expected field count of every record). */
  width: number;
  /** Zod schema over the mapped fields only. */
  rowSchema: z.ZodObject;
  /** 1-based column and header for a canonical field, for error messages. */
  locate(field: string): { column: number; header: string } | null;
}

export { normaliseHeader };

/** Column names kept or quoted in full: a header may hold hundreds of thousands of cells, each of any length. */
const LISTED_NAMES = 50;
const NAME_LENGTH = 100;

/**
 * The first names of a long list, each cut to a readable length, and how many more there
 * were: what an import record keeps of ignored columns, and what messages quote.
 *
 * @example
 * listedNames(['a', 'b', 'c'], 2) // ['a', 'b', '… and 1 more']
 */
export function listedNames(names: readonly string[], max = LISTED_NAMES): string[] {
  const shown = names.slice(0, max).map(shortName);
  return names.length > max ? [...shown, `… and ${names.length - max} more`] : shown;
}

function shortName(name: string): string {
  return name.length > NAME_LENGTH ? `${name.slice(0, NAME_LENGTH - 1)}…` : name;
}

/**
 * `auto`: recognise a vendor export from the header, or one of the dataset's saved mapping
 * profiles (`profiles`); `none`: canonical names and aliases only; or one preset (a saved
 * profile chosen by name is one too: presets/mapping-profile.ts).
 */
export type PresetSelection = { kind: 'auto'; profiles?: readonly MappingProfile[] } | { kind: 'none' } | { kind: 'preset'; preset: ImportPreset };

/**
 * Maps a header row onto a dataset's fields: by a vendor preset when one is chosen or
 * recognised (presets/), else by canonical name and alias. A recognised export that lacks
 * columns is refused with an error naming the export and the missing columns, unless the
 * canonical names map the file on their own. With `dates`, each date column is read by its
 * own reader (date-columns.ts).
 */
export function mapHeader(
  dataset: DatasetDefinition,
  header: string[],
  fileLabel: string,
  dates?: DateColumns,
  selection: PresetSelection = { kind: 'auto' },
  line = 1,
): HeaderMap {
  const label = `${fileLabel} line ${line}`;
  if (selection.kind === 'none') return mapCanonicalHeader(dataset, header, label, line, dates);
  if (selection.kind === 'preset') return mapPresetHeader(dataset, selection.preset, header, label, line, dates);
  const profiles = selection.profiles ?? [];
  const fitting = profiles.length > 0 ? fittingProfile(profiles, header.map(normaliseHeader)) : null;
  // A header a person saved a profile for is read their way, even where names or a preset would map it.
  if (fitting?.exact) return mapPresetHeader(dataset, profilePreset(fitting.profile), header, label, line, dates);
  try {
    return mapRecognisedHeader(dataset, header, fileLabel, label, line, dates);
  } catch (error) {
    // A profile whose columns are all in a larger header (the export gained a column) is the last resort.
    if (!fitting) throw error;
    return mapPresetHeader(dataset, profilePreset(fitting.profile), header, label, line, dates);
  }
}

/** The `auto` mapping without profiles: a recognised vendor export, else canonical names and aliases. */
function mapRecognisedHeader(dataset: DatasetDefinition, header: string[], fileLabel: string, label: string, line: number, dates?: DateColumns): HeaderMap {
  const recognised = recognisePreset(new Set(header.map(normaliseHeader)), dataset.name);
  if (!recognised) return mapCanonicalHeader(dataset, header, label, line, dates);
  const { preset } = recognised;
  if (preset.dataset !== dataset.name) {
    // A canonical file that happens to look like another dataset's export still imports.
    try {
      return mapCanonicalHeader(dataset, header, label, line, dates);
    } catch {
      throw new MmError(
        'MM_IMPORT_HEADER',
        `${label}: this looks like a ${preset.name} export, which imports as ${preset.dataset}, not ${dataset.name}; ` +
          `import it with: moatmetrics import ${preset.dataset} ${fileLabel}`,
        { line, preset: preset.id, dataset: preset.dataset },
      );
    }
  }
  try {
    return mapPresetHeader(dataset, preset, header, label, line, dates);
  } catch (presetError) {
    try {
      return mapCanonicalHeader(dataset, header, label, line, dates);
    } catch {
      throw presetError;
    }
  }
}

/**
 * Maps a vendor export's header with its preset: each canonical field from the columns the
 * preset names (the first spelling present wins); every other column is ignored.
 */
function mapPresetHeader(dataset: DatasetDefinition, preset: ImportPreset, header: string[], label: string, line: number, dates?: DateColumns): HeaderMap {
  const positions = new Map<string, number>();
  header.forEach((cell, index) => {
    const name = normaliseHeader(cell);
    if (name !== '' && !positions.has(name)) positions.set(name, index);
  });
  const find = (spellings: readonly string[]): number => {
    for (const spelling of spellings) {
      const index = positions.get(spelling);
      if (index !== undefined) return index;
    }
    return -1;
  };
  const columns: MappedColumn[] = [];
  const derived: DerivedColumn[] = [];
  const located = new Map<string, MappedColumn>();
  const used = new Set<number>();
  for (const [field, source] of Object.entries(preset.fields)) {
    if (isDerived(source)) {
      const indices = source.inputs.map(find);
      const present = indices.filter((i) => i >= 0);
      if (present.length < (source.minInputs ?? 1) || (source.firstRequired && indices[0]! < 0)) continue;
      for (const i of present) used.add(i);
      derived.push({ field, indices, derive: source.derive });
      located.set(field, { index: present[0]!, field, header: header[present[0]!]!.trim() });
      continue;
    }
    const index = find(source.headers);
    if (index < 0) continue;
    used.add(index);
    const column: MappedColumn = { index, field, header: header[index]!.trim(), ...(source.convert ? { convert: source.convert } : {}) };
    columns.push(column);
    located.set(field, column);
  }
  const sectionField = preset.sectionHeadings;
  const headingColumn = sectionField !== undefined && header.length > 1 && header[0]!.trim() === '';
  const sectioned = headingColumn && !located.has(sectionField);
  if (sectioned) {
    const column: MappedColumn = { index: 0, field: sectionField, header: '' };
    columns.push(column);
    located.set(sectionField, column);
    used.add(0);
  }
  const missing = preset.required.filter((field) => !located.has(field));
  if (missing.length > 0) {
    const wanted = missing.map((field) => describeSource(preset, field));
    throw new MmError(
      'MM_IMPORT_HEADER',
      `${label}: this looks like a ${preset.name} export (preset ${preset.id}), but it lacks ` +
        `${wanted.length > 1 ? 'the columns' : 'the column'} ${wanted.join('; ')}. ` +
        `Export the full report again, or map the columns yourself (docs/IMPORTING.md)`,
      { line, preset: preset.id, missing },
    );
  }
  const shape: Record<string, z.ZodType<unknown, string>> = {};
  for (const [field, column] of located) {
    // A working field (`_charge_type`) is the preset's own: read with its schema, never stored.
    const working = dataset.fields[field] ? undefined : preset.fields[field]!.schema;
    shape[field] = working ?? (dates ? dates.schemaFor(column) : dataset.fields[field]!.schema);
  }
  const skipAt = preset.skipRows ? find(preset.skipRows.headers) : -1;
  const skipRows = preset.skipRows;
  return {
    columns,
    derived,
    preset: { id: preset.id, name: preset.name },
    grouping: preset.grouping ? groupingFor(preset.grouping, located) : null,
    ...(skipRows && skipAt >= 0 ? { skips: (fields: readonly string[]) => skipRows.skip(fields[skipAt] ?? '') } : {}),
    ...(sectioned ? { sectionField } : {}),
    ...(headingColumn ? { sectionHeadings: true } : {}),
    ignored: header.filter((cell, index) => !used.has(index) && cell.trim() !== '').map((cell) => cell.trim()),
    width: header.length,
    rowSchema: z.object(shape),
    locate(field) {
      const column = located.get(field);
      return column ? { column: column.index + 1, header: column.header } : null;
    },
  };
}

/** The preset's grouping with the fields this file gives per line (`sumWhenFrom`) added to those summed. */
function groupingFor(grouping: LineItemGrouping, located: ReadonlyMap<string, MappedColumn>): LineItemGrouping {
  const sum = [...grouping.sum];
  for (const [field, spellings] of Object.entries(grouping.sumWhenFrom ?? {})) {
    const column = located.get(field);
    if (column && spellings.includes(normaliseHeader(column.header)) && !sum.includes(field)) sum.push(field);
  }
  return { ...grouping, sum };
}

/** `staff_name (Member Name or Member ID)`: the canonical field and the vendor spellings that give it. */
function describeSource(preset: ImportPreset, field: string): string {
  const source = preset.fields[field];
  if (!source) return field;
  const spellings = isDerived(source) ? source.inputs.flat() : source.headers;
  return `${field} (${spellings.slice(0, 4).join(' or ')})`;
}

/**
 * Maps a header row onto a dataset's fields by name and alias; refuses missing, ambiguous or
 * duplicate columns.
 */
function mapCanonicalHeader(dataset: DatasetDefinition, header: string[], label: string, line: number, dates?: DateColumns): HeaderMap {
  const lookup = new Map<string, string>();
  for (const [field, spec] of Object.entries(dataset.fields)) {
    lookup.set(field, field);
    for (const alias of spec.aliases) if (!lookup.has(alias)) lookup.set(alias, field);
  }
  const columns: MappedColumn[] = [];
  const ignored: string[] = [];
  const byField = new Map<string, MappedColumn>();
  header.forEach((cell, index) => {
    const name = normaliseHeader(cell);
    const field = lookup.get(name);
    if (name === '' || !field) {
      if (name !== '') ignored.push(cell.trim());
      return;
    }
    const earlier = byField.get(field);
    if (earlier) {
      throw new MmError(
        'MM_IMPORT_HEADER',
        `${label}: columns '${shortName(earlier.header)}' (column ${earlier.index + 1}) ` +
          `and '${shortName(cell.trim())}' (column ${index + 1}) both mean ${field}; remove one`,
        { line, column: index + 1 },
      );
    }
    const mapped = { index, field, header: cell.trim() };
    byField.set(field, mapped);
    columns.push(mapped);
  });

  const missing = Object.entries(dataset.fields)
    .filter(([field, spec]) => spec.requiredColumn && !byField.has(field))
    .map(([field]) => field);
  if (dataset.referencesClient && !byField.has('client_id') && !byField.has('client_name')) missing.unshift('client_id or client_name');
  if (missing.length > 0) {
    throw new MmError(
      'MM_IMPORT_HEADER',
      `${label}: missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} for ${dataset.name} ` +
        `(found: ${listedNames(header.map((h) => h.trim())).join(', ') || 'nothing'})`,
      { line, missing },
    );
  }

  const shape: Record<string, z.ZodType<unknown, string>> = {};
  for (const column of columns) shape[column.field] = dates ? dates.schemaFor(column) : dataset.fields[column.field]!.schema;
  return {
    columns,
    derived: [],
    preset: null,
    grouping: null,
    ignored,
    width: header.length,
    rowSchema: z.object(shape),
    locate(field) {
      const column = byField.get(field);
      return column ? { column: column.index + 1, header: column.header } : null;
    },
  };
}
