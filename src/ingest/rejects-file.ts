import path from 'node:path';

/**
 * Where an import's rejected rows are: `<data dir>/imports/<id>/rejected.csv`. The import
 * record stores the path relative to the data directory (`/`-separated), so the data
 * directory can move — restored elsewhere, mounted at another path — and its records still
 * find their files; readers resolve it against the data directory in use.
 */
export function storedRejectsPath(dataDir: string, file: string): string {
  return path.relative(dataDir, file).split(path.sep).join('/');
}

/** The absolute path of a stored rejects path (an old absolute one stays as it is). */
export function resolveRejectsPath(dataDir: string, stored: string): string {
  return path.resolve(dataDir, stored);
}
