import type { CompiledQuery, Kysely } from 'kysely';
import type { DatabaseSchema, DatasetVersionTable } from '../storage/schema.js';

/** A dataset version as shown by the CLI and the API. */
export interface DatasetVersion {
  number: number;
  dataset: string;
  importId: string;
  createdBy: string;
  createdAt: string;
  fileName: string;
  fileSha256: string;
  rows: { added: number; updated: number; unchanged: number; rejected: number };
  status: 'active' | 'rolled_back';
  rolledBackAt: string | null;
  rolledBackBy: string | null;
  isDemo: boolean;
  /** The version removed the demo data (`import --replace-demo`). */
  removesDemo: boolean;
}

export function presentVersion(row: DatasetVersionTable): DatasetVersion {
  return {
    number: Number(row.number),
    dataset: row.dataset,
    importId: row.import_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    fileName: row.file_name,
    fileSha256: row.file_sha256,
    rows: {
      added: Number(row.rows_added),
      updated: Number(row.rows_updated),
      unchanged: Number(row.rows_unchanged),
      rejected: Number(row.rows_rejected),
    },
    status: row.status,
    rolledBackAt: row.rolled_back_at,
    rolledBackBy: row.rolled_back_by,
    isDemo: Number(row.is_demo) === 1,
    removesDemo: Number(row.removes_demo) === 1,
  };
}

export async function listVersions(db: Kysely<DatabaseSchema>): Promise<DatasetVersion[]> {
  const rows = await db.selectFrom('dataset_versions').selectAll().orderBy('number', 'desc').execute();
  return rows.map(presentVersion);
}

export async function findVersion(db: Kysely<DatabaseSchema>, number: number): Promise<DatasetVersion | null> {
  const row = await db.selectFrom('dataset_versions').selectAll().where('number', '=', number).executeTakeFirst();
  return row ? presentVersion(row) : null;
}

/** The version the data is at now: the highest one not rolled back (0 when nothing is loaded). */
export async function currentVersionNumber(db: Kysely<DatabaseSchema>): Promise<number> {
  let query = currentVersionQueries.get(db);
  if (!query) {
    query = db
      .selectFrom('dataset_versions')
      .select((eb) => eb.fn.max('number').as('n'))
      .where('status', '=', 'active')
      .compile();
    currentVersionQueries.set(db, query);
  }
  const { rows } = await db.executeQuery(query);
  return Number(rows[0]?.n ?? 0);
}

/**
 * The version query compiled once per connection pool (its SQL differs per engine): every
 * question and analysis reads the version first, and building and compiling the query cost
 * more than SQLite's answer.
 */
const currentVersionQueries = new WeakMap<Kysely<DatabaseSchema>, CompiledQuery<{ n: number | null }>>();

/** Active versions `user` imported, up to `upTo` (four-eyes: results computed from them are not theirs to decide). */
export async function activeVersionsCreatedBy(db: Kysely<DatabaseSchema>, user: string, upTo: number): Promise<Array<{ number: number; dataset: string }>> {
  const rows = await db
    .selectFrom('dataset_versions')
    .select(['number', 'dataset'])
    .where('created_by', '=', user)
    .where('status', '=', 'active')
    .where('number', '<=', upTo)
    .orderBy('number')
    .execute();
  return rows.map((row) => ({ number: Number(row.number), dataset: row.dataset }));
}
