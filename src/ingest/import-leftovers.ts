import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Files an import needs only while it runs: the upload as received (`tmp/upload-*`) and the
 * copy of the file on its way into `raw/` (`raw/.incoming-*`). An import killed mid-way
 * (kill -9, power loss) leaves them behind, twice the size of the upload each time.
 *
 * Their names carry the machine (a hash of its host name) and the id of the process that
 * owns them, so a later process tells a leftover from a file of an import running right now:
 *
 * - a file of this machine whose process no longer runs is a leftover; so is one of this very
 *   process when it has just started (it cannot have begun an import yet);
 * - any file untouched for 24 hours is a leftover: a file of another machine sharing the data
 *   directory, a name from before owners were recorded, or a process id reused since.
 */

export type ImportTempPrefix = 'upload-' | '.incoming-';

/** Leftovers of other machines, and files whose owner cannot be told, go after this long untouched. */
export const UNOWNED_LEFTOVER_MS = 24 * 3_600_000;

const machine = createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8);
// `.` never occurs in the UUIDs that follow, so names of earlier releases (`upload-<uuid>.csv`) never match.
const owned = /^(?:upload-|\.incoming-)([0-9a-f]{8})\.(\d+)-/;

/** The name of a temporary import file owned by this process: `<prefix><machine>.<pid>-<id><suffix>`. */
export function importTempName(prefix: ImportTempPrefix, id: string, suffix = ''): string {
  return `${prefix}${machine}.${process.pid}-${id}${suffix}`;
}

export interface LeftoverOptions {
  /** The calling process has just started, so none of its own imports can be running. */
  atStart?: boolean;
  /** Count what would be removed; remove nothing. */
  dryRun?: boolean;
  now?: Date;
}

export interface LeftoverRemoval {
  files: number;
  bytes: number;
  /** Files that could not be removed, one line each. */
  problems: string[];
}

/** Removes the leftovers of interrupted imports under `dataDir` (see the module comment for which files qualify). */
export async function removeImportLeftovers(dataDir: string, options: LeftoverOptions = {}): Promise<LeftoverRemoval> {
  const now = (options.now ?? new Date()).getTime();
  const removal: LeftoverRemoval = { files: 0, bytes: 0, problems: [] };
  for (const [dir, prefix] of [
    ['tmp', 'upload-'],
    ['raw', '.incoming-'],
  ] as const) {
    const full = path.join(dataDir, dir);
    for (const entry of await listFiles(full, removal.problems)) {
      if (!entry.name.startsWith(prefix)) continue;
      const file = path.join(full, entry.name);
      const info = await stat(file).catch(() => null);
      if (!info || !isLeftover(entry.name, now - info.mtimeMs, options.atStart ?? false)) continue;
      if (!options.dryRun) {
        const failure = await rm(file, { force: true }).then(
          () => null,
          (error: Error) => error,
        );
        if (failure) {
          removal.problems.push(`cannot remove ${file}: ${failure.message}`);
          continue;
        }
      }
      removal.files += 1;
      removal.bytes += info.size;
    }
  }
  return removal;
}

/** `3 leftover files of interrupted imports (12.5 MB)`, for start-up messages. */
export function describeLeftovers(removal: LeftoverRemoval): string {
  return `${removal.files} leftover file${removal.files === 1 ? '' : 's'} of interrupted imports (${(removal.bytes / 1e6).toFixed(1)} MB)`;
}

function isLeftover(name: string, ageMs: number, atStart: boolean): boolean {
  if (ageMs > UNOWNED_LEFTOVER_MS) return true;
  const owner = owned.exec(name);
  if (!owner || owner[1] !== machine) return false;
  const pid = Number(owner[2]);
  if (pid === process.pid) return atStart;
  return !processRuns(pid);
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A directory that cannot be read is a problem to report, not a reason to stop a server from starting. */
async function listFiles(dir: string, problems: string[]): Promise<Dirent[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') problems.push(`cannot read ${dir}: ${error.message}`);
    return [];
  });
  return entries.filter((entry) => entry.isFile());
}
