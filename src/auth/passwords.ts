import { randomBytes } from 'node:crypto';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { MmError } from '../errors.js';
import { weakPasswordReason } from './password-strength.js';

/**
 * argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane). Measured here
 * (2 vCPU Xeon): median 8.5 ms per hash, 9.0 ms per verify; each guess costs an attacker
 * 19 MiB of memory as well, and the lock-out and rate limit bound guesses per account.
 */
const argonOptions = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;

export async function hashPassword(password: string): Promise<string> {
  return hash(password, argonOptions);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash of a random password: verified against when the user does not exist, so both cases take the same time. */
let decoyHash: Promise<string> | null = null;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return decoyHash;
}

/** A one-time password people can type: 20 characters from an alphabet without look-alikes (≈ 100 bits). */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(20);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return `${out.slice(0, 5)}-${out.slice(5, 10)}-${out.slice(10, 15)}-${out.slice(15)}`;
}

/**
 * Refuses passwords that are too short, contain the user name or are trivially guessable
 * (password-strength.ts); the message says why. Used for every password a person chooses:
 * HTTP (users, password change) and CLI (`user add|passwd --password-stdin`) alike.
 */
export function checkNewPassword(username: string, password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new MmError('MM_PASSWORD_WEAK', `the password must have at least ${MIN_PASSWORD_LENGTH} characters (it has ${password.length})`);
  }
  const weakness = weakPasswordReason(password);
  if (weakness !== null) {
    throw new MmError('MM_PASSWORD_WEAK', `the password is too easy to guess: ${weakness}; choose several unrelated words instead`);
  }
  if (password.toLowerCase().includes(username.toLowerCase())) {
    throw new MmError('MM_PASSWORD_WEAK', 'the password must not contain the user name');
  }
}
