import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type BetterSqlite3 from 'better-sqlite3';
import { MmError } from '../errors.js';

/**
 * SQLite has one writer at a time. Every write transaction of ours starts with
 * `BEGIN IMMEDIATE`, which takes the write lock up front: a transaction that could only
 * upgrade a read lock later (a deferred `BEGIN`) skips SQLite's busy handler and fails at
 * once when another writer holds the lock — which is how an import once committed its rows
 * and then lost its audit event. Waiting for the lock happens here, asynchronously, in short
 * polls: better-sqlite3's own busy timeout sleeps inside the call and would freeze the
 * server's event loop for as long as another process (a CLI import) writes.
 */

/** What a waiting writer is told about the one holding the lock (`<database>.writer`). */
export interface WriterInfo {
  pid: number;
  host: string;
  actor: string;
  activity: string;
  startedAt: string;
}

export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

function writerInfoFile(databaseFile: string): string {
  return `${databaseFile}.writer`;
}

/** Says who holds the write lock, for a message to whoever waits; removed at the end. */
export function announceWriter(databaseFile: string, info: Omit<WriterInfo, 'pid' | 'host' | 'startedAt'>): () => void {
  const file = writerInfoFile(databaseFile);
  const record: WriterInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), ...info };
  try {
    writeFileSync(file, JSON.stringify(record), { mode: 0o600 });
  } catch {
    // Only a courtesy for waiting writers; the lock itself is SQLite's.
    return () => undefined;
  }
  return () => {
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as WriterInfo).pid === process.pid) rmSync(file, { force: true });
    } catch {
      // Already gone or replaced by the next writer.
    }
  };
}

/** The announced writer, if that process still runs on this host. */
export function currentWriter(databaseFile: string): WriterInfo | null {
  let info: WriterInfo;
  try {
    info = JSON.parse(readFileSync(writerInfoFile(databaseFile), 'utf8')) as WriterInfo;
  } catch {
    return null;
  }
  if (info.host !== os.hostname()) return info;
  try {
    process.kill(info.pid, 0);
    return info;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? info : null;
  }
}

/** "another import is running (started by cli:ana at 2026-11-29T10:02:11Z, pid 4242)" or a plain fallback. */
export function describeWriter(databaseFile: string): string {
  const writer = currentWriter(databaseFile);
  if (!writer) return 'another process is writing to the database';
  return `${writer.activity} is running (started by ${writer.actor} at ${writer.startedAt}, pid ${writer.pid})`;
}

export interface WaitForWriteLockOptions {
  /** Give up after this long (milliseconds) with MM_DATABASE_BUSY. */
  timeoutMs: number;
  /** Called once, when the lock is found taken, with who holds it. */
  onWait?: (holder: string) => void;
}

/**
 * Runs `BEGIN IMMEDIATE` on `connection`, polling while another connection holds the write
 * lock. The connection's own busy timeout should be 0 so the poll never blocks the loop.
 */
export async function beginImmediate(connection: BetterSqlite3.Database, databaseFile: string, options: WaitForWriteLockOptions): Promise<void> {
  await retryWhileBusy(() => connection.exec('BEGIN IMMEDIATE'), databaseFile, options);
}

/** Runs `attempt` until it no longer fails with SQLITE_BUSY, sleeping between attempts. */
export async function retryWhileBusy<T>(attempt: () => T, databaseFile: string, options: WaitForWriteLockOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = 2;
  let told = false;
  for (;;) {
    try {
      return attempt();
    } catch (error) {
      if (!isBusyError(error)) throw error;
      if (!told) {
        told = true;
        options.onWait?.(describeWriter(databaseFile));
      }
      if (Date.now() >= deadline) {
        throw new MmError(
          'MM_DATABASE_BUSY',
          `the database is busy: ${describeWriter(databaseFile)}; gave up after ${Math.round(options.timeoutMs / 1000)} s (try again when it has finished)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 100);
    }
  }
}
