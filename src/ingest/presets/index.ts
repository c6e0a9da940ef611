import { MmError } from '../../errors.js';
import type { DatasetName } from '../datasets/dataset-definition.js';
import { autotaskTime } from './autotask-time.js';
import { connectWiseAgreementAdditions } from './connectwise-agreement-additions.js';
import { connectWiseTime } from './connectwise-time.js';
import { haloPsaTime } from './halopsa-time.js';
import type { ImportPreset } from './import-preset.js';
import { PROFILE_PRESET_PREFIX } from './mapping-profile.js';
import { psaStaff } from './psa-staff.js';
import { microsoftGraphSkus } from './microsoft-graph-skus.js';
import { partnerCenterLicenses } from './partner-center-licenses.js';
import { pax8Licenses } from './pax8-licenses.js';

import { quickBooksInvoices } from './quickbooks-invoices.js';
import { xeroInvoices } from './xero-invoices.js';

/** Every vendor preset, grouped by dataset. Detection tries them all (a file may be imported as the wrong dataset). */
export const presets: readonly ImportPreset[] = [
  connectWiseTime,
  autotaskTime,
  haloPsaTime,
  xeroInvoices,
  quickBooksInvoices,
  partnerCenterLicenses,
  microsoftGraphSkus,
  pax8Licenses,
  connectWiseAgreementAdditions,
  psaStaff,
];

/** What `--preset` accepts: a preset id, `auto` (detect from the header, the default) or `none` (canonical names and aliases only). */
export type PresetChoice = string;

export function presetById(id: string): ImportPreset {
  const found = presets.find((p) => p.id === id);
  if (!found) {
    throw new MmError(
      'MM_IMPORT_UNKNOWN_PRESET',
      `unknown preset '${id}'; choose one of: auto, none, ${presets.map((p) => p.id).join(', ')}, or profile:NAME for a saved mapping profile`,
    );
  }
  return found;
}

/** Checks a `--preset` value before anything is read (a usage error otherwise). */
export function checkPresetChoice(choice: string, dataset: DatasetName): void {
  // A saved profile (`profile:NAME`) is checked against the database by the import itself.
  if (choice === 'auto' || choice === 'none' || choice.startsWith(PROFILE_PRESET_PREFIX)) return;
  const preset = presetById(choice);
  if (preset.dataset !== dataset) {
    throw new MmError('MM_IMPORT_UNKNOWN_PRESET', `preset '${choice}' (${preset.name}) imports ${preset.dataset}, not ${dataset}`);
  }
}

export interface PresetMatch {
  preset: ImportPreset;
  /** How many of its identifying headers the file has. */
  matches: number;
}

/**
 * The export a header row comes from: the preset with the most identifying headers present
 * (at least its `minMatches`), for any dataset; null when none is recognised. Ties go to the
 * preset for `dataset`, then to the earlier one.
 */
export function recognisePreset(normalisedHeader: ReadonlySet<string>, dataset: DatasetName): PresetMatch | null {
  let best: PresetMatch | null = null;
  for (const preset of presets) {
    let matches = 0;
    for (const name of preset.identifyBy) if (normalisedHeader.has(name)) matches += 1;
    if (matches < preset.minMatches) continue;
    const better = !best || matches > best.matches || (matches === best.matches && preset.dataset === dataset && best.preset.dataset !== dataset);
    if (better) best = { preset, matches };
  }
  return best;
}
