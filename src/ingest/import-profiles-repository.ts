import type { Kysely } from 'kysely';
import type { DatabaseSchema, ImportProfileTable } from '../storage/schema.js';
import type { DatasetName } from './datasets/dataset-definition.js';
import type { MappingProfile } from './presets/mapping-profile.js';

/** SQL of the `import_profiles` table (migration 0016); the rules are in import-profiles.ts. */

/** A profile as stored, with who saved it and when. */
export interface StoredImportProfile extends MappingProfile {
  createdBy: string;
  createdAt: string;
}

function fromRow(row: ImportProfileTable): StoredImportProfile {
  return {
    name: row.name,
    dataset: row.dataset,
    signature: JSON.parse(row.header_signature_json) as string[],
    mapping: JSON.parse(row.mapping_json) as Record<string, string>,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

/** Every profile, or one dataset's, by name (sorted here, by code point: the engines' collations differ). */
export async function listImportProfiles(db: Kysely<DatabaseSchema>, dataset?: DatasetName): Promise<StoredImportProfile[]> {
  let query = db.selectFrom('import_profiles').selectAll();
  if (dataset !== undefined) query = query.where('dataset', '=', dataset);
  const rows = await query.execute();
  return rows.map(fromRow).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function findImportProfile(db: Kysely<DatabaseSchema>, name: string): Promise<StoredImportProfile | null> {
  const row = await db.selectFrom('import_profiles').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? fromRow(row) : null;
}

export async function insertImportProfile(trx: Kysely<DatabaseSchema>, profile: StoredImportProfile): Promise<void> {
  await trx
    .insertInto('import_profiles')
    .values({
      name: profile.name,
      dataset: profile.dataset,
      header_signature_json: JSON.stringify(profile.signature),
      mapping_json: JSON.stringify(profile.mapping),
      created_by: profile.createdBy,
      created_at: profile.createdAt,
    })
    .execute();
}

/** True when a profile of that name was there to delete. */
export async function deleteImportProfile(trx: Kysely<DatabaseSchema>, name: string): Promise<boolean> {
  const result = await trx.deleteFrom('import_profiles').where('name', '=', name).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
