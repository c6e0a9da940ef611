import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createInflateRaw, crc32, inflateRawSync } from 'node:zlib';

/**
 * The central directory of a zip file (an .xlsx is one), read from the end of the file
 * without reading the rest, and the few small entries a workbook's sheet list needs.
 * The rows themselves are streamed by exceljs (worksheet-records.ts); this only answers
 * "is this a workbook, which sheets does it have, where is each stored" before that.
 */

/** One file in the archive. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated; anything else cannot be read here. */
  method: number;
  /** Bit 0: the entry is encrypted. */
  encrypted: boolean;
  compressedSize: number;
  size: number;
  /** CRC-32 of the uncompressed content. */
  crc: number;
  /** Offset of the entry's local header. */
  localHeaderOffset: number;
}

/** Why a file is not a readable zip archive (the caller words the error for the user). */
export class ZipDirectoryProblem extends Error {}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
/** End-of-central-directory record: 22 bytes and a comment of at most 65,535. */
const EOCD_SEARCH_BYTES = 22 + 0xffff;

export async function readZipDirectory(file: string): Promise<Map<string, ZipEntry>> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, EOCD_SEARCH_BYTES);
    const tail = await readAt(handle, size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
        eocd = i;
        break;
      }
    }
    if (eocd === -1) throw new ZipDirectoryProblem('it has no zip directory at its end (the file is damaged or was cut short)');
    let count = tail.readUInt16LE(eocd + 10);
    let directorySize = tail.readUInt32LE(eocd + 12);
    let directoryOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
      // Zip64: the real numbers are in a record the locator just before this one points to.
      const locator = eocd - 20;
      if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR_SIGNATURE) throw new ZipDirectoryProblem('its zip64 directory is missing');
      const record = await readAt(handle, Number(tail.readBigUInt64LE(locator + 8)), 56);
      if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw new ZipDirectoryProblem('its zip64 directory is damaged');
      count = Number(record.readBigUInt64LE(32));
      directorySize = Number(record.readBigUInt64LE(40));
      directoryOffset = Number(record.readBigUInt64LE(48));
    }
    if (directoryOffset + directorySize > size) throw new ZipDirectoryProblem('its zip directory points past the end of the file (the file was cut short)');
    return parseDirectory(await readAt(handle, directoryOffset, directorySize), count);
  } finally {
    await handle.close();
  }
}

function parseDirectory(directory: Buffer, count: number): Map<string, ZipEntry> {
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw new ZipDirectoryProblem('its zip directory is damaged');
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const entry: ZipEntry = {
      name: directory.toString('utf8', at + 46, at + 46 + nameLength),
      method: directory.readUInt16LE(at + 10),
      encrypted: (directory.readUInt16LE(at + 8) & 1) === 1,
      crc: directory.readUInt32LE(at + 16),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      localHeaderOffset: directory.readUInt32LE(at + 42),
    };
    readZip64Extra(entry, directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength));
    entries.set(entry.name, entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Sizes and offsets too large for 32 bits are 0xFFFFFFFF, with the real value in the zip64 extra field, in this order. */
function readZip64Extra(entry: ZipEntry, extra: Buffer): void {
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let field = at + 4;
      const next = (): number => {
        const value = Number(extra.readBigUInt64LE(field));
        field += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
      return;
    }
    at += 4 + length;
  }
}

/**
 * The content of one small entry (a workbook's sheet list, its relationships), inflated in
 * memory and refused past `maxBytes` so a hostile archive cannot blow up in memory.
 */
export async function readZipEntry(file: string, entry: ZipEntry, maxBytes: number): Promise<Buffer> {
  if (entry.encrypted) throw new ZipDirectoryProblem(`its part ${entry.name} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8)
    throw new ZipDirectoryProblem(`its part ${entry.name} is compressed with a method other than deflate (${entry.method})`);
  const handle = await open(file, 'r');
  try {
    const local = await readAt(handle, entry.localHeaderOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new ZipDirectoryProblem(`its part ${entry.name} is damaged`);
    const dataOffset = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    const data = await readAt(handle, dataOffset, entry.compressedSize);
    if (data.length < entry.compressedSize) throw new ZipDirectoryProblem(`its part ${entry.name} is cut short`);
    if (entry.method === 0) return data;
    try {
      return inflateRawSync(data, { maxOutputLength: maxBytes });
    } catch (error) {
      throw new ZipDirectoryProblem(`its part ${entry.name} cannot be decompressed (${(error as Error).message})`);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Decompresses `entry` as a stream and checks its length and CRC-32 against the directory:
 * damaged data is found here, with a clear reason, rather than in the middle of the rows.
 */
export async function verifyZipEntry(file: string, entry: ZipEntry): Promise<void> {
  if (entry.encrypted) throw new ZipDirectoryProblem(`its part ${entry.name} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8)
    throw new ZipDirectoryProblem(`its part ${entry.name} is compressed with a method other than deflate (${entry.method})`);
  const handle = await open(file, 'r');
  let dataOffset: number;
  try {
    const local = await readAt(handle, entry.localHeaderOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new ZipDirectoryProblem(`its part ${entry.name} is damaged`);
    dataOffset = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    await handle.close();
  }
  if (entry.compressedSize === 0) {
    if (entry.size !== 0) throw new ZipDirectoryProblem(`its part ${entry.name} is damaged`);
    return;
  }
  const raw = createReadStream(file, { start: dataOffset, end: dataOffset + entry.compressedSize - 1, highWaterMark: 256 * 1024 });
  const content = entry.method === 8 ? raw.pipe(createInflateRaw()) : raw;
  raw.on('error', (error) => content.destroy(error));
  let crc = 0;
  let size = 0;
  try {
    for await (const chunk of content) {
      size += (chunk as Buffer).length;
      if (size > entry.size) throw new ZipDirectoryProblem(`its part ${entry.name} is longer than its zip directory says`);
      crc = crc32(chunk as Buffer, crc);
    }
  } catch (error) {
    if (error instanceof ZipDirectoryProblem) throw error;
    throw new ZipDirectoryProblem(`its part ${entry.name} cannot be decompressed (${(error as Error).message})`);
  } finally {
    raw.destroy();
  }
  if (size !== entry.size || crc >>> 0 !== entry.crc >>> 0) throw new ZipDirectoryProblem(`its part ${entry.name} is damaged (its checksum does not match)`);
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}
