import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './0001-foundation.js';
import * as analyticsResults from './0002-analytics-results.js';
import * as coveringIndexes from './0003-covering-indexes.js';
import * as rollups from './0004-rollups.js';
import * as usersAndSessions from './0005-users-and-sessions.js';
import * as auditLog from './0006-audit-log.js';
import * as backups from './0007-backups.js';
import * as retentionRuns from './0008-retention-runs.js';
import * as reviewsAndSecurityEvents from './0009-reviews-and-security-events.js';
import * as resultClientIds from './0010-result-client-ids.js';
import * as zeroHourTimeLogs from './0011-zero-hour-time-logs.js';
import * as relativeRejectsFiles from './0012-relative-rejects-files.js';
import * as demoRemovalVersions from './0013-demo-removal-versions.js';
import * as clientAliases from './0014-client-aliases.js';
import * as licenseSources from './0015-license-sources.js';
import * as importProfiles from './0016-import-profiles.js';

/** Migrations in order. Bundled statically (no directory scan) so they work from any cwd. */
export const migrationProvider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '0001-foundation': foundation,
      '0002-analytics-results': analyticsResults,
      '0003-covering-indexes': coveringIndexes,
      '0004-rollups': rollups,
      '0005-users-and-sessions': usersAndSessions,
      '0006-audit-log': auditLog,
      '0007-backups': backups,
      '0008-retention-runs': retentionRuns,
      '0009-reviews-and-security-events': reviewsAndSecurityEvents,
      '0010-result-client-ids': resultClientIds,
      '0011-zero-hour-time-logs': zeroHourTimeLogs,
      '0012-relative-rejects-files': relativeRejectsFiles,
      '0013-demo-removal-versions': demoRemovalVersions,
      '0014-client-aliases': clientAliases,
      '0015-license-sources': licenseSources,
      '0016-import-profiles': importProfiles,
    };
  },
};
