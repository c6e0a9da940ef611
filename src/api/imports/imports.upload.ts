import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { isMmError, MmError } from '../../errors.js';
import { uploadTooLargeError } from '../error-handler.js';
import { findNul, nulError, visible } from '../input-guard.js';

export interface UploadLimit {
  bytes: number;
  /** The configured value, for messages. */
  megabytes: number;
}

export interface ReceivedUpload {
  /** The name the client gave the file (multipart filename), cleaned; null when it gave none. */
  fileName: string | null;
  /** Multipart form fields other than the file (empty for a raw body). */
  fields: Record<string, string>;
}

/**
 * Room for the multipart envelope (boundaries, part headers, the small option fields) on
 * top of the file itself when judging a declared Content-Length.
 */
const multipartEnvelopeBytes = 64 * 1024;

const multipartFileField = 'file';

/**
 * Streams an import upload to `target` without holding it in memory: either the `file`
 * field of a multipart form or a raw CSV body (the route's content-type parser hands the
 * request stream over unread). Refuses anything over the limit with MM_UPLOAD_TOO_LARGE:
 * up front when Content-Length says so, otherwise as soon as the count passes it.
 */
export async function receiveUpload(request: FastifyRequest, target: string, limit: UploadLimit): Promise<ReceivedUpload> {
  const multipart = request.isMultipart();
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit.bytes + (multipart ? multipartEnvelopeBytes : 0)) {
    throw uploadTooLargeError(limit.megabytes);
  }
  if (multipart) return receiveMultipart(request, target, limit);
  if (request.body instanceof Readable) {
    await writeLimited(request.body, target, limit);
    return { fileName: null, fields: {} };
  }
  throw new MmError(
    'MM_UPLOAD_MISSING_FILE',
    `No file in the request: send the CSV as multipart/form-data (field '${multipartFileField}') or as a text/csv body.`,
  );
}

async function receiveMultipart(request: FastifyRequest, target: string, limit: UploadLimit): Promise<ReceivedUpload> {
  const fields: Record<string, string> = {};
  let received: { fileName: string | null } | null = null;
  try {
    // Past fileSize busboy truncates the file stream: checked right after it has been written.
    const parts = request.parts({ limits: { fileSize: limit.bytes, files: 1, fields: 10, fieldSize: 1024, parts: 12 } });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (part.valueTruncated) throw new MmError('MM_VALIDATION', `The form field '${part.fieldname}' is too long.`);
        const nul = findNul(part.fieldname, 'form field name') ?? findNul(String(part.value), `form.${visible(part.fieldname)}`);
        if (nul) throw nulError(nul);
        fields[part.fieldname] = String(part.value);
        continue;
      }
      // Checked before cleanFileName would quietly drop it: a NUL in a name is refused like any other (input-guard.ts).
      if (findNul(part.filename, 'multipart file name')) throw nulError('multipart file name');
      if (part.fieldname !== multipartFileField) {
        throw new MmError('MM_VALIDATION', `Unexpected file field '${part.fieldname}': send the CSV in the field '${multipartFileField}'.`);
      }
      await pipeline(part.file, createWriteStream(target));
      if (part.file.truncated) throw uploadTooLargeError(limit.megabytes);
      received = { fileName: cleanFileName(part.filename) };
    }
  } catch (error) {
    throw translateMultipartError(error);
  }
  if (!received) {
    throw new MmError('MM_UPLOAD_MISSING_FILE', `No file in the upload: send the CSV in the multipart field '${multipartFileField}'.`);
  }
  return { ...received, fields };
}

/** Malformed multipart is the client's mistake; a failing disk is ours (left for MM_INTERNAL). */
function translateMultipartError(error: unknown): unknown {
  if (isMmError(error) || !(error instanceof Error) || 'syscall' in error) return error;
  const code = (error as { code?: unknown }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return error;
  if (code === 'FST_FILES_LIMIT') return new MmError('MM_VALIDATION', `An upload carries one file, in the field '${multipartFileField}'.`);
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') return new MmError('MM_VALIDATION', 'The form has too many fields.');
  return new MmError('MM_VALIDATION', `The multipart body cannot be read: ${error.message}`);
}

/**
 * Copies `source` to `target`, failing once more than the limit has arrived.
 *
 * The source is piped, not handed to `pipeline()`: pipeline would destroy the request
 * on failure, and with it the socket the 413 response has to go out on.
 */
async function writeLimited(source: Readable, target: string, limit: UploadLimit): Promise<void> {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > limit.bytes) callback(uploadTooLargeError(limit.megabytes));
      else callback(null, chunk);
    },
  });
  const onSourceError = (error: Error): void => {
    counter.destroy(error);
  };
  const onSourceClose = (): void => {
    if (!source.readableEnded) counter.destroy(new Error('the client closed the connection before the upload finished'));
  };
  source.once('error', onSourceError);
  source.once('close', onSourceClose);
  source.pipe(counter);
  const file = createWriteStream(target);
  try {
    await pipeline(counter, file);
  } catch (error) {
    // A refusal can come before the file has even been opened: wait until the stream has
    // closed it, or the caller's clean-up could run first and the file appear after it.
    if (!file.closed) await once(file, 'close');
    throw error;
  } finally {
    source.unpipe(counter);
    source.off('error', onSourceError);
    source.off('close', onSourceClose);
  }
}

/** Browsers send a base name, but any client may send a path or control characters. */
export function cleanFileName(name: string | null | undefined): string | null {
  const base = (name ?? '')
    .split(/[\\/]/)
    .pop()!
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, 255);
  return base === '' ? null : base;
}
