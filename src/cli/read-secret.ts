import { MmError } from '../errors.js';

/**
 * Reads a password or passphrase from standard input (its first line), for scripts:
 * `echo "$PW" | moatmetrics user add … --password-stdin`. Secrets never go on the command
 * line, where `ps` and shell history would show them.
 */
export async function readSecretFromStdin(flag: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const secret = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (secret === '') throw new MmError('MM_USAGE', `${flag}: standard input was empty`);
  return secret;
}
