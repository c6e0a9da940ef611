import type { Kysely } from 'kysely';
import { MmError } from '../errors.js';
import { appendAudit } from '../governance/audit-log.js';
import type { DatabaseSchema } from '../storage/schema.js';
import type { DatasetName } from './datasets/dataset-definition.js';
import { getDataset } from './datasets/index.js';
import { applyOverrides, missingRequiredFields, proposeMapping, type MappingOverride, type MappingProposal } from './header-proposal.js';
import { deleteImportProfile, findImportProfile, insertImportProfile, listImportProfiles, type StoredImportProfile } from './import-profiles-repository.js';
import { normaliseHeader } from './normalise-header.js';

/**
 * Saved mapping profiles (docs/IMPORTING.md, "Mapping profiles"): propose a mapping for a
 * header, save it under a name, list, show and remove them. Saving and removing are audited
 * in the same transaction as the change.
 */

export type { StoredImportProfile } from './import-profiles-repository.js';

/** A name that fits a command line, a URL path and `--preset profile:NAME`. */
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;

/** The proposal for a header, with a person's corrections. */
export function proposeProfile(dataset: string, header: readonly string[], overrides: readonly MappingOverride[] = []): MappingProposal {
  const definition = getDataset(dataset);
  return applyOverrides(definition, proposeMapping(definition, header), overrides);
}

/**
 * Saves a proposal as a profile. Refused when the name is taken or malformed, or when the
 * mapping leaves a required field unmapped (a profile that cannot import its file).
 */
export async function saveImportProfile(
  db: Kysely<DatabaseSchema>,
  input: { name: string; header: readonly string[]; proposal: MappingProposal; actor: string },
): Promise<StoredImportProfile> {
  const { name, proposal } = input;
  if (!PROFILE_NAME.test(name)) {
    throw new MmError('MM_PROFILE_INVALID', `profile name '${name}': use 1–64 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit`);
  }
  const dataset = getDataset(proposal.dataset);
  const missing = missingRequiredFields(dataset, Object.keys(proposal.mapping));
  if (missing.length > 0) {
    throw new MmError(
      'MM_PROFILE_INVALID',
      `profile '${name}' would leave ${missing.length > 1 ? 'the required fields' : 'the required field'} ${missing.join(', ')} of ${dataset.name} unmapped; ` +
        `map a column to each with --set "File Header=field"`,
      { missing },
    );
  }
  const profile: StoredImportProfile = {
    name,
    dataset: dataset.name,
    signature: input.header.map(normaliseHeader).filter((cell) => cell !== ''),
    mapping: proposal.mapping,
    createdBy: input.actor,
    createdAt: new Date().toISOString(),
  };
  return db.transaction().execute(async (trx) => {
    if (await findImportProfile(trx, name)) {
      throw new MmError(
        'MM_PROFILE_EXISTS',
        `a mapping profile named '${name}' exists; remove it first (moatmetrics profiles remove "${name}") or choose another name`,
      );
    }
    await insertImportProfile(trx, profile);
    await appendAudit(trx, {
      actor: input.actor,
      action: 'import_profile.save',
      target: name,
      details: { dataset: profile.dataset, mapping: profile.mapping },
    });
    return profile;
  });
}

export async function listProfiles(db: Kysely<DatabaseSchema>, dataset?: DatasetName): Promise<StoredImportProfile[]> {
  return listImportProfiles(db, dataset);
}

/** The profile of that name; with `dataset`, it must be one for that dataset. */
export async function requireImportProfile(db: Kysely<DatabaseSchema>, name: string, dataset?: DatasetName): Promise<StoredImportProfile> {
  const profile = await findImportProfile(db, name);
  if (!profile) {
    const saved = (await listImportProfiles(db, dataset)).map((p) => p.name);
    throw new MmError(
      'MM_PROFILE_NOT_FOUND',
      `no saved mapping profile named '${name}'` +
        (saved.length > 0 ? `; saved${dataset ? ` for ${dataset}` : ''}: ${saved.join(', ')}` : '; none is saved yet'),
    );
  }
  if (dataset !== undefined && profile.dataset !== dataset) {
    throw new MmError('MM_PROFILE_NOT_FOUND', `mapping profile '${name}' imports ${profile.dataset}, not ${dataset}`);
  }
  return profile;
}

export async function removeImportProfile(db: Kysely<DatabaseSchema>, input: { name: string; actor: string }): Promise<StoredImportProfile> {
  return db.transaction().execute(async (trx) => {
    const profile = await requireImportProfile(trx, input.name);
    await deleteImportProfile(trx, input.name);
    await appendAudit(trx, { actor: input.actor, action: 'import_profile.remove', target: input.name, details: { dataset: profile.dataset } });
    return profile;
  });
}
