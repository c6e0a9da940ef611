import type { DatasetName } from '../datasets/dataset-definition.js';
import { normaliseHeader } from '../normalise-header.js';
import type { ImportPreset } from './import-preset.js';

/**
 * A mapping profile: a person's own preset for a header no vendor preset knows, saved from
 * a proposal (`moatmetrics import <dataset> <file> --map --save-profile NAME`,
 * header-proposal.ts) and kept in the database (import-profiles-repository.ts). Plain data,
 * so that it crosses to the row-reading worker thread as it is; `profilePreset` turns it into
 * the preset the header map reads with. Values are read by the canonical fields' own
 * schemas: a profile renames columns, it converts nothing.
 */
export interface MappingProfile {
  name: string;
  dataset: DatasetName;
  /** The header it was made from, normalised (`normaliseHeader`), blank cells left out. */
  signature: string[];
  /** Canonical field → the file's header cell as written (`hours` → `Hrs Spent`). */
  mapping: Record<string, string>;
}

/** `--preset profile:NAME` chooses a saved profile; the import report names it the same way. */
export const PROFILE_PRESET_PREFIX = 'profile:';

export function profilePresetId(name: string): string {
  return `${PROFILE_PRESET_PREFIX}${name}`;
}

/** The profile name of a `--preset` value, or null for a vendor preset, `auto` or `none`. */
export function profileNameOf(presetChoice: string | undefined): string | null {
  return presetChoice?.startsWith(PROFILE_PRESET_PREFIX) ? presetChoice.slice(PROFILE_PRESET_PREFIX.length) : null;
}

/**
 * The preset a profile stands for: each mapped field from its one column, every mapped
 * column required (a file without one of them is not the file the profile was made for).
 *
 * @example
 * profilePreset({ name: 'acme', dataset: 'time_logs', signature: […], mapping: { hours: 'Hrs Spent' } })
 * // { id: 'profile:acme', name: 'acme (saved mapping)', fields: { hours: { headers: ['hrs_spent'] } }, required: ['hours'], … }
 */
export function profilePreset(profile: MappingProfile): ImportPreset {
  const fields = Object.fromEntries(Object.entries(profile.mapping).map(([field, header]) => [field, { headers: [normaliseHeader(header)] }]));
  return {
    id: profilePresetId(profile.name),
    name: `${profile.name} (saved mapping)`,
    dataset: profile.dataset,
    identifyBy: Object.values(fields).map((f) => f.headers[0]!),
    minMatches: Object.keys(fields).length,
    fields,
    required: Object.keys(fields),
  };
}

/**
 * The saved profile that fits a header (normalised cells), for profiles of the import's
 * dataset: first one whose signature is the header exactly (as a set of names); else the
 * one whose mapped columns are all in the header (a superset: the export gained a column),
 * the one mapping most columns winning. Null when none fits.
 */
export function fittingProfile(profiles: readonly MappingProfile[], normalisedHeader: readonly string[]): { profile: MappingProfile; exact: boolean } | null {
  const cells = new Set(normalisedHeader.filter((cell) => cell !== ''));
  let superset: MappingProfile | null = null;
  for (const profile of profiles) {
    const signature = new Set(profile.signature);
    if (signature.size === cells.size && [...signature].every((cell) => cells.has(cell))) return { profile, exact: true };
    const mapped = Object.values(profile.mapping).map(normaliseHeader);
    if (!mapped.every((cell) => cells.has(cell))) continue;
    if (!superset || mapped.length > Object.keys(superset.mapping).length) superset = profile;
  }
  return superset ? { profile: superset, exact: false } : null;
}
