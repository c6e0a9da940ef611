import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MmError } from '../errors.js';

/**
 * One server per SQLite data directory. Two servers on one file would both work, each with
 * its own caches, schedules and first-run admin, and neither would know; SQLite is the
 * single-machine default. Several instances belong on PostgreSQL (no lock there).
 * The lock is a file created exclusively, holding the owner's PID; a file whose process is
 * gone (the server was killed) is taken over.
 */
interface LockRecord {
  pid: number;
  host: string;
  startedAt: string;
}

export function acquireServerLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'server.lock');
  const record: LockRecord = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(file);
      if (holder && isRunning(holder)) {
        throw new MmError(
          'MM_ALREADY_RUNNING',
          `another MoatMetrics server (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}) is already serving ${dataDir}; stop it first, or use PostgreSQL (database.url) to run several instances`,
        );
      }
      // Left behind by a server that was killed: take it over.
      rmSync(file, { force: true });
      continue;
    }
    writeSync(fd, JSON.stringify(record));
    closeSync(fd);
    return () => {
      if (readLock(file)?.pid === process.pid) rmSync(file, { force: true });
    };
  }
  throw new MmError('MM_ALREADY_RUNNING', `another MoatMetrics server is starting on ${dataDir} at the same moment; try again`);
}

function readLock(file: string): LockRecord | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockRecord;
  } catch {
    // Half-written by a server killed while starting, or unreadable: treat as stale only if old.
    try {
      return Date.now() - statSync(file).mtimeMs < 5_000 ? { pid: -1, host: os.hostname(), startedAt: 'just now' } : null;
    } catch {
      return null;
    }
  }
}

function isRunning(lock: LockRecord): boolean {
  if (lock.host !== os.hostname()) return true;
  if (lock.pid === -1) return true;
  if (lock.pid === process.pid) return false;
  try {
    process.kill(lock.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Paths in the data directory that other users can read or enter (the database holds
 * password hashes and the MSP's numbers), as one warning line each.
 */
export function widePermissionWarnings(dataDir: string, databaseFile: string | null): string[] {
  const warnings: string[] = [];
  const check = (target: string, wanted: number, fix: string): void => {
    let mode: number;
    try {
      mode = statSync(target).mode & 0o777;
    } catch {
      return;
    }
    if ((mode & 0o077) !== 0) {
      warnings.push(`${target} is accessible to other users (mode ${mode.toString(8).padStart(4, '0')}, want ${wanted.toString(8).padStart(4, '0')}): ${fix}`);
    }
  };
  check(dataDir, 0o700, `chmod 700 ${dataDir}`);
  if (databaseFile) check(databaseFile, 0o600, `chmod 600 ${databaseFile}*`);
  return warnings;
}
