import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './0001-foundation.js';
import * as analyticsResults from './0002-analytics-results.js';
import * as coveringIndexes from './0003-covering-indexes.js';
import * as rollups from './0004-rollups.js';
import * as usersAndSessions from './0005-users-and-sessions.js';

/** Migrations in order. Bundled statically (no directory scan) so they work from any cwd. */
export const migrationProvider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '0001-foundation': foundation,
      '0002-analytics-results': analyticsResults,
      '0003-covering-indexes': coveringIndexes,
      '0004-rollups': rollups,
      '0005-users-and-sessions': usersAndSessions,
    };
  },
};
