import { buildApp } from '../../api/app.js';
import { ensureFirstAdmin } from '../../auth/users.js';
import { MmError } from '../../errors.js';
import { loadPolicy } from '../../governance/policy.js';
import { notePolicyInUse } from '../../governance/policy-history.js';
import { describeLeftovers, removeImportLeftovers } from '../../ingest/import-leftovers.js';
import { startRetentionSchedule } from '../../operations/retention.js';
import { openDatabase } from '../../metrics/rollups/open-database.js';
import { resolveDatabaseTarget } from '../../storage/database.js';
import { acquireServerLock, widePermissionWarnings } from '../../storage/server-lock.js';
import { loadDemoData } from '../../sample/load-demo-data.js';
import { listVersions } from '../../versions/versions-repository.js';
import { configFromOptions, type GlobalOptions } from '../cli-context.js';
import { onStopRequest } from '../stop-requests.js';

export interface ServeOptions {
  host?: string;
  port?: number;
  demoIfEmpty?: boolean;
}

/**
 * `moatmetrics serve`: runs until asked to stop (SIGTERM, Ctrl-C, or npm gone; see
 * stop-requests.ts). Stopping closes the listener, lets requests in progress finish, writes
 * queued audit and security events (the app's onClose), closes the database, removes the
 * server lock and exits 0.
 */
export async function runServer(global: GlobalOptions, options: ServeOptions): Promise<void> {
  const config = await configFromOptions(global, { 'server.host': options.host, 'server.port': options.port });
  const loadedPolicy = loadPolicy(config.policy_file);
  const { policy, file: policyFile } = loadedPolicy;
  // One server per SQLite data dir; several instances share PostgreSQL instead.
  const releaseLock = resolveDatabaseTarget(config).dialect === 'sqlite' ? acquireServerLock(config.data_dir) : () => undefined;
  const database = await openDatabase(config).catch((error: unknown) => {
    releaseLock();
    throw error;
  });
  const target = database.target;
  for (const warning of widePermissionWarnings(config.data_dir, target.dialect === 'sqlite' ? target.file : null))
    process.stderr.write(`warning: ${warning}\n`);
  await notePolicyInUse(database.kysely, loadedPolicy, 'system');
  // Imports killed mid-way (kill -9) leave their upload and raw copy; imports of other running processes are kept.
  const leftovers = await removeImportLeftovers(config.data_dir, { atStart: true });
  if (leftovers.files > 0) process.stdout.write(`Removed ${describeLeftovers(leftovers)}.\n`);
  for (const problem of leftovers.problems) process.stderr.write(`warning: ${problem}\n`);
  if (options.demoIfEmpty && (await listVersions(database.kysely)).length === 0) {
    process.stdout.write('Empty database: loading the bundled demo MSP (marked as demo data; `moatmetrics versions rollback 0` removes it)…\n');
    const reports = await loadDemoData(database, config);
    process.stdout.write(`Demo data loaded: ${reports.map((r) => `${r.dataset} ${r.rows.added}`).join(', ')} rows.\n`);
  }
  const app = await buildApp({ config, database, policy, logger: { level: config.log.level } });
  let stopRetention: (() => Promise<void>) | null = null;
  const close = async (): Promise<void> => {
    await stopRetention?.();
    await app.close();
    await database.close();
    releaseLock();
  };
  let address: string;
  try {
    address = await app.listen({ host: config.server.host, port: config.server.port });
  } catch (error) {
    await app.close();
    await database.close();
    releaseLock();
    throw listenError(error, config.server.host, config.server.port);
  }
  onStopRequest({
    onStop(reason) {
      process.stdout.write(`Stopping (${reason}): finishing requests in progress…\n`);
      close().then(
        () => {
          process.stdout.write('MoatMetrics stopped.\n');
          process.exit(0);
        },
        (error: unknown) => {
          process.stderr.write(`error: stopping failed: ${(error as Error).message ?? String(error)}\n`);
          releaseLock();
          process.exit(1);
        },
      );
    },
    onForce(signal) {
      process.stderr.write(`${signal} again: stopping at once; requests in progress are cut off and queued audit events may be lost\n`);
      releaseLock();
      process.exit(1);
    },
  });
  // Data past the policy's retention is removed on a schedule, audited (operations/retention.ts).
  stopRetention = startRetentionSchedule(database, config, policy, app.log);
  // After listen: a server that cannot start has not created anyone.
  const firstRun = await ensureFirstAdmin(database.kysely, policy);
  if (firstRun.created) {
    process.stdout.write(
      firstRun.oneTimePassword
        ? `First start: created user 'admin' with the one-time password ${firstRun.oneTimePassword}\n  It is shown only now; log in and change it (POST /api/v1/auth/password).\n`
        : "First start: created user 'admin' with the password from MOATMETRICS_ADMIN_PASSWORD.\n",
    );
  }
  process.stdout.write(`MoatMetrics is listening on ${address} (API docs: ${address}/docs, data: ${config.data_dir}, policy: ${policyFile})\n`);
}

/** Turns the usual reasons a port cannot be opened into one line for the user; anything else stays internal. */
function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE')
    return new MmError('MM_USAGE', `cannot listen on ${where}: the address is already in use (choose another with --port or server.port)`);
  if (code === 'EACCES')
    return new MmError('MM_USAGE', `cannot listen on ${where}: permission denied (ports below 1024 need privileges; choose another with --port)`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new MmError('MM_USAGE', `cannot listen on ${where}: no such address on this machine (check --host or server.host)`);
  return error;
}
