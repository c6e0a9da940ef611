import { createHash, randomBytes } from 'node:crypto';

/** A new random secret for a session cookie or an API token (256 bits, URL-safe). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored instead of a secret: its SHA-256, so the database alone cannot log anyone in. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
