import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt, timingSafeEqual, type CipherGCM, type DecipherGCM, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { MmError } from '../errors.js';
import type { DialectName } from '../storage/database.js';

/**
 * The backup file format, version 1. One file holds one database artifact: the SQLite
 * database file (a `VACUUM INTO` copy) or a PostgreSQL `pg_dump --format=custom` archive.
 *
 *   offset  bytes  field
 *        0      5  magic "MMBK1" (the digit is the format version)
 *        5      1  engine: 1 = SQLite, 2 = PostgreSQL
 *        6      1  flags: bit 0 = encrypted
 *        7      1  scrypt cost as log2(N) (0 when not encrypted)
 *        8     16  scrypt salt (zeros when not encrypted)
 *       24     12  AES-GCM IV (zeros when not encrypted)
 *       36     16  passphrase check (zeros when not encrypted)
 *       52      …  payload: the artifact, or its AES-256-GCM ciphertext
 *   end-16/32   …  trailer: encrypted: the 16-byte GCM tag; plain: the 32-byte SHA-256 of
 *                  every byte before it
 *
 * The tag sits at the end so that a database of many gigabytes streams through the cipher
 * without being held in memory. When encrypted, the 52 header bytes are the GCM additional
 * authenticated data, so flipping the engine or any other header byte fails the tag just
 * like a changed payload byte. scrypt (N = 2^15, r = 8, p = 1) turns the passphrase and salt
 * into 64 bytes: the first 32 are the AES key; the SHA-256 of the other 32 (first 16 bytes)
 * is the passphrase check, so a wrong passphrase is refused at once instead of after
 * decrypting the whole file. It tells an attacker nothing the scrypt-guarded GCM tag would
 * not. A plain backup's SHA-256 trailer catches accidental corruption, not a deliberate edit.
 * One GCM message holds at most 2^36 - 32 bytes (64 GiB): a larger database fails the
 * encrypted backup rather than producing a weak file.
 */

export const BACKUP_MAGIC = Buffer.from('MMBK1', 'ascii');
export const HEADER_BYTES = 52;
const GCM_TAG_BYTES = 16;
const SHA256_BYTES = 32;
/** NIST SP 800-38D: at most 2^39 - 256 bits of plaintext under one key and IV. */
const MAX_GCM_PAYLOAD_BYTES = 2 ** 36 - 32;
const SCRYPT_LOG2_N = 15;
/** Highest cost a reader accepts: a crafted header must not make restore allocate gigabytes. */
const MAX_SCRYPT_LOG2_N = 18;
const SCRYPT_R = 8;

const engineCodes: Record<DialectName, number> = { sqlite: 1, postgres: 2 };

export interface BackupHeader {
  engine: DialectName;
  encrypted: boolean;
  scryptLog2N: number;
  salt: Buffer;
  iv: Buffer;
  passphraseCheck: Buffer;
}

interface DerivedKey {
  key: Buffer;
  check: Buffer;
}

async function deriveKey(passphrase: string, salt: Buffer, log2N: number): Promise<DerivedKey> {
  const N = 2 ** log2N;
  const material = await new Promise<Buffer>((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), salt, 64, { N, r: SCRYPT_R, p: 1, maxmem: 256 * N * SCRYPT_R }, (error, key) => (error ? reject(error) : resolve(key))),
  );
  return { key: material.subarray(0, 32), check: createHash('sha256').update(material.subarray(32)).digest().subarray(0, 16) };
}

export function encodeHeader(header: BackupHeader): Buffer {
  const bytes = Buffer.alloc(HEADER_BYTES);
  BACKUP_MAGIC.copy(bytes, 0);
  bytes[5] = engineCodes[header.engine];
  bytes[6] = header.encrypted ? 1 : 0;
  bytes[7] = header.scryptLog2N;
  header.salt.copy(bytes, 8);
  header.iv.copy(bytes, 24);
  header.passphraseCheck.copy(bytes, 36);
  return bytes;
}

/** Parses the header, or refuses a file that is not a backup this version can read. */
export function decodeHeader(bytes: Buffer, file: string): BackupHeader {
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, 5).equals(BACKUP_MAGIC)) {
    throw new MmError('MM_RESTORE_REFUSED', `${file} is not a MoatMetrics backup (it does not start with ${BACKUP_MAGIC.toString('ascii')})`);
  }
  const engine = (Object.keys(engineCodes) as DialectName[]).find((name) => engineCodes[name] === bytes[5]);
  const flags = bytes[6]!;
  const encrypted = (flags & 1) === 1;
  const log2N = bytes[7]!;
  if (!engine || flags > 1 || (encrypted && (log2N < 10 || log2N > MAX_SCRYPT_LOG2_N))) {
    throw new MmError('MM_RESTORE_REFUSED', `${file}: the backup header is damaged or from a newer MoatMetrics`);
  }
  return { engine, encrypted, scryptLog2N: log2N, salt: bytes.subarray(8, 24), iv: bytes.subarray(24, 36), passphraseCheck: bytes.subarray(36, 52) };
}

export function trailerBytes(header: BackupHeader): number {
  return header.encrypted ? GCM_TAG_BYTES : SHA256_BYTES;
}

/**
 * Writes a backup file: header, payload chunks (encrypted on the way when there is a
 * passphrase), trailer. Keeps a SHA-256 of every byte written for the backups table.
 */
export class BackupWriter {
  private readonly fileHash = createHash('sha256');
  private bytes = 0;
  private payloadBytes = 0;

  private constructor(
    private readonly handle: FileHandle,
    private readonly cipher: CipherGCM | null,
    /** Plain backups: the running SHA-256 that becomes the trailer. */
    private readonly plainHash: Hash | null,
  ) {}

  /** Creates `file` (which must not exist; readable by its owner only) and writes the header. */
  static async create(file: string, engine: DialectName, passphrase: string | null): Promise<BackupWriter> {
    let header: Buffer;
    let cipher: CipherGCM | null = null;
    if (passphrase !== null) {
      const salt = randomBytes(16);
      const iv = randomBytes(12);
      const { key, check } = await deriveKey(passphrase, salt, SCRYPT_LOG2_N);
      header = encodeHeader({ engine, encrypted: true, scryptLog2N: SCRYPT_LOG2_N, salt, iv, passphraseCheck: check });
      cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(header);
    } else {
      header = encodeHeader({ engine, encrypted: false, scryptLog2N: 0, salt: Buffer.alloc(16), iv: Buffer.alloc(12), passphraseCheck: Buffer.alloc(16) });
    }
    const writer = new BackupWriter(await open(file, 'wx', 0o600), cipher, cipher ? null : createHash('sha256').update(header));
    await writer.writeRaw(header);
    return writer;
  }

  async writePayload(chunk: Buffer): Promise<void> {
    this.payloadBytes += chunk.length;
    if (this.cipher) {
      if (this.payloadBytes > MAX_GCM_PAYLOAD_BYTES)
        throw new Error('the database is larger than 64 GiB, more than one encrypted backup can hold; write a plain backup and encrypt it with other tools');
      await this.writeRaw(this.cipher.update(chunk));
    } else {
      this.plainHash!.update(chunk);
      await this.writeRaw(chunk);
    }
  }

  /** Writes the trailer, flushes to disk and closes; returns the file's size and SHA-256. */
  async finish(): Promise<{ bytes: number; sha256: string }> {
    if (this.cipher) {
      await this.writeRaw(this.cipher.final());
      await this.writeRaw(this.cipher.getAuthTag());
    } else {
      await this.writeRaw(this.plainHash!.digest());
    }
    await this.handle.sync();
    await this.handle.close();
    return { bytes: this.bytes, sha256: this.fileHash.digest('hex') };
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }

  private async writeRaw(chunk: Buffer): Promise<void> {
    this.fileHash.update(chunk);
    this.bytes += chunk.length;
    await writeFully(this.handle, chunk);
  }
}

/** `handle.write` may write less than asked; this does not return until every byte is written. */
export async function writeFully(handle: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

/** Reads a backup's header without touching the rest (to check engine and passphrase first). */
export async function readBackupHeader(file: string): Promise<{ header: BackupHeader; size: number }> {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'EISDIR') throw new MmError('MM_FILE_NOT_FOUND', `${file}: no such backup file`);
    throw error;
  });
  try {
    const { size } = await handle.stat();
    const bytes = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(bytes, 0, HEADER_BYTES, 0);
    const header = decodeHeader(bytes.subarray(0, bytesRead), file);
    if (size <= HEADER_BYTES + trailerBytes(header)) throw new MmError('MM_RESTORE_REFUSED', `${file} is cut short: it holds no data`);
    return { header, size };
  } finally {
    await handle.close();
  }
}

/**
 * Streams the payload of `file` through `sink` (decrypted when the backup is encrypted) and
 * only then checks the GCM tag or SHA-256 trailer. The caller must treat what `sink` got as
 * untrusted until this resolves: a wrong passphrase, a changed byte or a cut-off file rejects
 * with MM_RESTORE_REFUSED naming the file.
 */
export async function readBackupPayload(file: string, passphrase: string | null, sink: (chunk: Buffer) => Promise<void>): Promise<BackupHeader> {
  const { header, size } = await readBackupHeader(file);
  if (header.encrypted && passphrase === null) throw new MmError('MM_RESTORE_REFUSED', `${file} is encrypted; give its passphrase with --passphrase-stdin`);
  if (!header.encrypted && passphrase !== null)
    throw new MmError('MM_RESTORE_REFUSED', `${file} is not encrypted, but a passphrase was given; refusing in case it was swapped for an unencrypted file`);
  const trailerLength = trailerBytes(header);
  const payloadEnd = size - trailerLength;
  const trailer = await readRange(file, payloadEnd, trailerLength);
  const headerBytes = encodeHeader(header);

  let decipher: DecipherGCM | null = null;
  let plainHash: Hash | null = null;
  if (header.encrypted) {
    const { key, check } = await deriveKey(passphrase!, header.salt, header.scryptLog2N);
    if (!timingSafeEqual(check, header.passphraseCheck))
      throw new MmError('MM_RESTORE_REFUSED', `${file}: wrong passphrase (or the backup's header was changed)`);
    decipher = createDecipheriv('aes-256-gcm', key, header.iv);
    decipher.setAAD(headerBytes);
    decipher.setAuthTag(trailer);
  } else {
    plainHash = createHash('sha256').update(headerBytes);
  }

  for await (const chunk of createReadStream(file, { start: HEADER_BYTES, end: payloadEnd - 1, highWaterMark: 1024 * 1024 })) {
    const bytes = chunk as Buffer;
    if (decipher) await sink(decipher.update(bytes));
    else {
      plainHash!.update(bytes);
      await sink(bytes);
    }
  }
  const tampered = new MmError(
    'MM_RESTORE_REFUSED',
    `${file} was changed or damaged after it was written (its ${header.encrypted ? 'authentication tag' : 'checksum'} does not match); nothing was restored`,
  );
  if (decipher) {
    let last: Buffer;
    try {
      last = decipher.final();
    } catch {
      throw tampered;
    }
    await sink(last);
  } else if (!plainHash!.digest().equals(trailer)) {
    throw tampered;
  }
  return header;
}

async function readRange(file: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const bytes = Buffer.alloc(length);
    await handle.read(bytes, 0, length, position);
    return bytes;
  } finally {
    await handle.close();
  }
}
