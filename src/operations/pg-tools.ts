import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { redactUrl } from '../storage/database.js';

/**
 * Runs PostgreSQL's own client tools (`pg_dump`, `pg_restore`, found on PATH; they must be
 * at least the server's major version). Spawned without a shell, so no argument is ever
 * interpreted. The password of the connection URL is handed over in PGPASSWORD rather
 * than on the command line, where any local user could read it with `ps`.
 */

export type PgTool = 'pg_dump' | 'pg_restore';

export interface PgToolExit {
  code: number | null;
  /** Set when the tool could not be started at all (e.g. not installed). */
  startError: Error | null;
  stderr: string;
}

export interface RunningPgTool {
  stdout: Readable;
  exit: Promise<PgToolExit>;
  kill(): void;
}

/** The URL without its password, and the environment that carries the password instead. */
export function libpqConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (parsed.password) {
    env.PGPASSWORD = decodeURIComponent(parsed.password);
    parsed.password = '';
  }
  return { dbname: parsed.toString(), env };
}

/** Starts `tool args… --dbname <url>` (when `url` is given); the caller reads stdout and awaits `exit`. */
export function startPgTool(tool: PgTool, args: string[], url: string | null): RunningPgTool {
  const connection = url ? libpqConnection(url) : { dbname: null, env: process.env };
  const fullArgs = ['--no-password', ...args, ...(connection.dbname ? ['--dbname', connection.dbname] : [])];
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(tool, fullArgs, { env: connection.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    // Enough to explain a failure; a dump that warns on every table must not fill memory.
    if (stderr.length < 64 * 1024) stderr += chunk;
  });
  const exit = new Promise<PgToolExit>((resolve) => {
    child.once('error', (error) => resolve({ code: null, startError: error, stderr }));
    child.once('close', (code) => resolve({ code, startError: null, stderr }));
  });
  return { stdout: child.stdout, exit, kill: () => child.kill('SIGTERM') };
}

/** Runs a tool to completion and returns its standard output as text (for short outputs such as `--list`). */
export async function runPgTool(tool: PgTool, args: string[], url: string | null): Promise<{ exit: PgToolExit; stdout: string }> {
  const running = startPgTool(tool, args, url);
  let stdout = '';
  running.stdout.setEncoding('utf8');
  for await (const chunk of running.stdout) stdout += chunk as string;
  return { exit: await running.exit, stdout };
}

/** One line saying why a tool failed, for an error message; never contains the password. */
export function describePgToolFailure(tool: PgTool, exit: PgToolExit, url: string | null): string {
  if (exit.startError) {
    const missing = (exit.startError as NodeJS.ErrnoException).code === 'ENOENT';
    return missing ? `${tool} was not found on PATH (install the PostgreSQL client tools)` : `${tool} could not start: ${exit.startError.message}`;
  }
  const firstLine = exit.stderr.split('\n').find((line) => line.trim() !== '') ?? `exit code ${exit.code}`;
  const text = url ? firstLine.replaceAll(url, redactUrl(url)) : firstLine;
  return `${tool} failed: ${text.trim()}`;
}
