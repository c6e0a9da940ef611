import os from 'node:os';
import type { Config } from '../config/schema.js';
import type { Policy } from '../governance/policy.js';
import type { Database } from '../storage/database.js';

// Config, policy and database modules (zod, yaml, kysely, better-sqlite3) are imported when a
// command runs, not when the CLI starts: `--help` and usage errors must stay fast.

/** Options every command accepts (see main.ts). */
export interface GlobalOptions {
  config?: string;
  dataDir?: string;
  databaseUrl?: string;
  logLevel?: string;
}

export interface CliContext {
  config: Config;
  policy: Policy;
  database: Database;
  /** The CLI acts as the operating-system user who can read the data directory. */
  actor: string;
}

export async function configFromOptions(global: GlobalOptions, extra: Record<string, unknown> = {}): Promise<Config> {
  const { loadConfig } = await import('../config/load-config.js');
  return loadConfig({
    configFile: global.config,
    overrides: {
      data_dir: global.dataDir,
      'database.url': global.databaseUrl,
      'log.level': global.logLevel,
      ...extra,
    },
  }).config;
}

/** Who the CLI acts as: the operating-system user that can read the data directory. */
export function cliActor(): string {
  return `cli:${os.userInfo().username}`;
}

/** Loads config and policy, opens (and migrates) the database, runs `body`, always closes. */
export async function withContext<T>(global: GlobalOptions, body: (context: CliContext) => Promise<T>): Promise<T> {
  const [{ loadPolicy }, { notePolicyInUse }, { openDatabase }, { flushQueuedAudit }] = await Promise.all([
    import('../governance/policy.js'),
    import('../governance/policy-history.js'),
    import('../metrics/rollups/open-database.js'),
    import('../governance/audit-log.js'),
  ]);
  const config = await configFromOptions(global);
  const loaded = loadPolicy(config.policy_file);
  const { policy } = loaded;
  const database = await openDatabase(config);
  try {
    await notePolicyInUse(database.kysely, loaded, cliActor());
    return await body({ config, policy, database, actor: cliActor() });
  } finally {
    // Audited reads are queued (they never wait for a writer); they are written before the CLI exits.
    await flushQueuedAudit(database.kysely);
    await database.close();
  }
}
