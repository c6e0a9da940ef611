import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Transform, Writable } from 'node:stream';
import { MmError } from '../errors.js';
import { EncodingScanner, type EncodingScan } from './encoding.js';
import { detectFileFormat, type FileFormat } from './file-format.js';

export interface InspectedFile {
  sha256: string;
  bytes: number;
  format: FileFormat;
  /** A CSV file's encoding; null for a workbook (its XML says its own). */
  encoding: EncodingScan | null;
}

/**
 * Tells a CSV file from a workbook by its first bytes (file-format.ts), then makes one pass
 * over the raw bytes: sha256, for CSV the encoding decision over the whole file (not a
 * guess from its first kilobytes), and a copy into the raw store (`copyTo`; null: none),
 * in constant memory.
 */
export async function inspectFile(file: string, fileLabel: string, copyTo: string | null): Promise<InspectedFile> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new MmError('MM_FILE_NOT_FOUND', `${file}: not a regular file`);
  } catch (error) {
    if (error instanceof MmError) throw error;
    throw new MmError('MM_FILE_NOT_FOUND', `${file}: no such file`);
  }
  const format = await detectFileFormat(file, fileLabel);
  const hash = createHash('sha256');
  const scanner = format === 'csv' ? new EncodingScanner(fileLabel) : null;
  let bytes = 0;
  const observe = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      scanner?.push(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  // A dry run keeps no copy: it reads the file and writes nothing.
  const sink = copyTo === null ? new Writable({ write: (_chunk, _encoding, callback) => callback() }) : createWriteStream(copyTo);
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), observe, sink);
  return { sha256: hash.digest('hex'), bytes, format, encoding: scanner ? scanner.finish() : null };
}
