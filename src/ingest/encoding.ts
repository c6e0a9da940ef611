/**
 * Text encoding of an uploaded CSV file: detected from the whole file in one streaming pass
 * (`EncodingScanner`), then decoded to text (`createDecoder`).
 *
 * MSP tools export UTF-8 (with or without BOM), Excel's "Unicode text" (UTF-16) and, from
 * older Windows software, Windows-1252. We decide on the whole file rather than a prefix
 * because a 1 GB export can be pure ASCII for its first million lines and then meet a
 * client called "Café": guessing from a prefix would silently corrupt that row.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { Transform } from 'node:stream';
import { MmError } from '../errors.js';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface EncodingScan {
  encoding: TextEncodingName;
  /** Bytes of byte-order mark at the start of the file; the decoder skips them. */
  bomLength: number;
}

/** Where an encoding error is: 1-based line, 1-based byte within that line, the offending byte. */
export interface EncodingErrorDetails {
  line: number;
  column: number;
  byte: number;
}

/** Without a BOM, UTF-16 is recognised from the NUL bytes ASCII characters leave in this prefix. */
const UTF16_SNIFF_BYTES = 4096;

/** Bytes Windows-1252 leaves undefined: a file containing them is in some other encoding. */
const UNDEFINED_IN_WINDOWS_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

const SAVE_AS_UTF8 = 'Save it again as UTF-8.';

function hex(byte: number): string {
  return `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

function encodingError(fileLabel: string, at: EncodingErrorDetails, problem: string): MmError {
  const details: EncodingErrorDetails = { line: at.line, column: at.column, byte: at.byte };
  return new MmError('MM_IMPORT_ENCODING', `${fileLabel} line ${at.line}, byte ${at.column}: ${problem}`, details);
}

function binaryFileProblem(byte: number): string {
  return (
    `${hex(byte)} (a NUL byte) does not occur in text, so this looks like a binary file ` +
    '(a PDF, an image, an archive) rather than CSV. Export the data as CSV (UTF-8) or as an Excel workbook (.xlsx) and import that file.'
  );
}

/** The part of the scan that validates bytes once the kind of file (UTF-8 family or UTF-16) is known. */
interface ByteValidator {
  push(chunk: Buffer): void;
  /** The detected encoding, or throws the first problem found. */
  finish(): TextEncodingName;
}

/**
 * Incremental scanner fed the raw bytes of a whole file, chunk by chunk (the caller also
 * hashes and copies the file in the same pass). Memory use is constant: at most the first
 * 4 KiB are held back until the UTF-16 question is settled.
 */
export class EncodingScanner {
  readonly #fileLabel: string;
  #prefix: Buffer | null = Buffer.alloc(UTF16_SNIFF_BYTES);
  #prefixLength = 0;
  #validator: ByteValidator | null = null;
  #bomLength = 0;
  #result: EncodingScan | null = null;

  constructor(fileLabel: string) {
    this.#fileLabel = fileLabel;
  }

  push(chunk: Buffer): void {
    if (this.#result) throw new Error('EncodingScanner.push() called after finish()');
    if (this.#validator) {
      this.#validator.push(chunk);
      return;
    }
    const prefix = this.#prefix as Buffer;
    const taken = Math.min(chunk.length, prefix.length - this.#prefixLength);
    chunk.copy(prefix, this.#prefixLength, 0, taken);
    this.#prefixLength += taken;
    if (this.#prefixLength < prefix.length) return;
    const validator = this.#startValidation();
    if (taken < chunk.length) validator.push(chunk.subarray(taken));
  }

  /** @throws MmError `MM_IMPORT_ENCODING` naming the file, line, byte and what to do. */
  finish(): EncodingScan {
    if (this.#result) return this.#result;
    const validator = this.#validator ?? this.#startValidation();
    const encoding = validator.finish();
    this.#result = { encoding, bomLength: this.#bomLength };
    return this.#result;
  }

  /** Settles the BOM and the UTF-16 question from the held-back prefix, then validates it. */
  #startValidation(): ByteValidator {
    const prefix = (this.#prefix as Buffer).subarray(0, this.#prefixLength);
    this.#prefix = null;
    const label = this.#fileLabel;
    let validator: ByteValidator;
    if (prefix.length >= 3 && prefix[0] === 0xef && prefix[1] === 0xbb && prefix[2] === 0xbf) {
      this.#bomLength = 3;
      validator = new Utf8Validator(label, 3);
    } else if (prefix.length >= 2 && prefix[0] === 0xff && prefix[1] === 0xfe) {
      this.#bomLength = 2;
      validator = new Utf16Validator(label, 'utf-16le', 2);
    } else if (prefix.length >= 2 && prefix[0] === 0xfe && prefix[1] === 0xff) {
      this.#bomLength = 2;
      validator = new Utf16Validator(label, 'utf-16be', 2);
    } else {
      const sniffed = sniffUtf16(prefix);
      validator = sniffed ? new Utf16Validator(label, sniffed, 0) : new Utf8Validator(label, 0);
    }
    this.#validator = validator;
    validator.push(prefix.subarray(this.#bomLength));
    return validator;
  }
}

/**
 * UTF-16 without a BOM: ASCII characters (digits, commas, newlines: most of any CSV) are
 * a NUL byte plus the character, so NULs pile up on one parity. Binary files have NULs on
 * both parities and fall through to the UTF-8 check, which rejects them as binary.
 */
function sniffUtf16(prefix: Buffer): 'utf-16le' | 'utf-16be' | null {
  const pairs = prefix.length >>> 1;
  if (pairs === 0) return null;
  let evenNuls = 0;
  let oddNuls = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (prefix[i] === 0) evenNuls++;
    if (prefix[i + 1] === 0) oddNuls++;
  }
  const many = Math.max(1, pairs / 4);
  if (oddNuls >= many && evenNuls * 4 <= oddNuls) return 'utf-16le';
  if (evenNuls >= many && oddNuls * 4 <= evenNuls) return 'utf-16be';
  return null;
}

/** A byte that matters to the verdict, with its absolute file offset. */
interface ByteEvent extends EncodingErrorDetails {
  offset: number;
}

/** Index of a lead byte carried over from an earlier chunk, for the helpers taking (chunk, index). */
const CARRIED_LEAD = -1;

/**
 * Validates UTF-8 across chunk boundaries and decides between UTF-8 and Windows-1252.
 *
 * Fast path: `isUtf8`, `isAscii` and `indexOf` are native (SIMD) in Node, so a valid chunk
 * costs a few passes at GB/s. Only chunks that fail validation are walked byte by byte, with
 * the WHATWG decoder's rules so that we accept exactly what `TextDecoder('utf-8')` accepts.
 * Positions (line, column) are worked out only for the few bytes that decide the verdict.
 * @internal
 */
class Utf8Validator implements ByteValidator {
  readonly #fileLabel: string;
  readonly #hasBom: boolean;
  /** Absolute file offset of the current chunk's first byte. */
  #offset: number;
  /** '\n' bytes before the current chunk. */
  #newlines = 0;
  /** Absolute offset where the current line starts, as of the end of the previous chunk. */
  #lineStart: number;
  // An incomplete multi-byte sequence, possibly straddling chunks (WHATWG decoder state).
  #needed = 0;
  #seen = 0;
  #lower = 0x80;
  #upper = 0xbf;
  /** The sequence's lead byte: an index in the current chunk, or CARRIED_LEAD. */
  #leadIndex = 0;
  #leadByte = 0;
  #carriedLead: ByteEvent | null = null;
  // What decides the verdict: the first invalid byte and the first valid multi-byte sequence.
  #firstInvalid: ByteEvent | null = null;
  #firstMultibyte: ByteEvent | null = null;
  #error: MmError | null = null;

  constructor(fileLabel: string, bomLength: number) {
    this.#fileLabel = fileLabel;
    this.#hasBom = bomLength > 0;
    this.#offset = bomLength;
    this.#lineStart = bomLength;
  }

  push(chunk: Buffer): void {
    if (this.#error || chunk.length === 0) {
      this.#offset += chunk.length;
      return;
    }
    const nul = chunk.indexOf(0);
    const end = nul === -1 ? chunk.length : nul;
    let i = this.#needed > 0 ? this.#continueSequence(chunk, 0, end) : 0;
    if (i < end && !this.#error) {
      const safeEnd = completeSequencesEnd(chunk, i, end);
      const body = chunk.subarray(i, safeEnd);
      if (isUtf8(body)) {
        if (!this.#firstMultibyte && !this.#hasBom && !isAscii(body)) {
          this.#onMultibyte(chunk, i + firstNonAscii(body));
        }
        i = safeEnd;
      }
      if (!this.#error) this.#walk(chunk, i, end);
    }
    if (nul !== -1 && !this.#error) {
      // A NUL inside a pending sequence is reported as the NUL: it is the more useful message.
      this.#error = encodingError(this.#fileLabel, this.#locate(chunk, nul), binaryFileProblem(0));
    }
    if (this.#needed > 0 && this.#leadIndex !== CARRIED_LEAD) {
      // The sequence continues in the next chunk; its position must be taken while we have this one.
      this.#carriedLead = this.#locate(chunk, this.#leadIndex);
      this.#leadIndex = CARRIED_LEAD;
    }
    this.#countLines(chunk);
  }

  finish(): TextEncodingName {
    if (this.#needed > 0 && !this.#error) {
      // The file ends in the middle of a multi-byte sequence.
      this.#onInvalid(Buffer.alloc(0), CARRIED_LEAD, this.#leadByte);
    }
    if (this.#error) throw this.#error;
    return this.#firstInvalid ? 'windows-1252' : 'utf-8';
  }

  /** Runs the byte-at-a-time decoder over chunk[from, to), skipping ASCII quickly. */
  #walk(chunk: Buffer, from: number, to: number): void {
    let i = from;
    while (i < to && !this.#error) {
      if (this.#needed > 0) {
        i = this.#continueSequence(chunk, i, to);
        continue;
      }
      while (i < to && (chunk[i] as number) < 0x80) i++;
      if (i === to) break;
      const byte = chunk[i] as number;
      if (this.#startSequence(byte)) {
        this.#leadIndex = i;
        this.#leadByte = byte;
        i++;
      } else {
        this.#onInvalid(chunk, i, byte);
        i++;
      }
    }
  }

  /** WHATWG UTF-8 decoder: a lead byte sets how many continuation bytes follow and their range. */
  #startSequence(byte: number): boolean {
    if (byte >= 0xc2 && byte <= 0xdf) {
      this.#needed = 1;
    } else if (byte >= 0xe0 && byte <= 0xef) {
      if (byte === 0xe0) this.#lower = 0xa0;
      if (byte === 0xed) this.#upper = 0x9f;
      this.#needed = 2;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      if (byte === 0xf0) this.#lower = 0x90;
      if (byte === 0xf4) this.#upper = 0x8f;
      this.#needed = 3;
    } else {
      return false;
    }
    this.#seen = 0;
    return true;
  }

  /** Feeds continuation bytes from chunk[from, to) to the pending sequence; returns where it stopped. */
  #continueSequence(chunk: Buffer, from: number, to: number): number {
    let i = from;
    while (i < to && this.#needed > 0) {
      const byte = chunk[i] as number;
      if (byte < this.#lower || byte > this.#upper) {
        // The lead byte was invalid; this byte is examined again as the start of something new.
        this.#resetSequence();
        this.#onInvalid(chunk, this.#leadIndex, this.#leadByte);
        return i;
      }
      this.#lower = 0x80;
      this.#upper = 0xbf;
      this.#seen++;
      i++;
      if (this.#seen === this.#needed) {
        this.#resetSequence();
        if (!this.#firstMultibyte && !this.#hasBom) this.#onMultibyte(chunk, this.#leadIndex);
      }
    }
    return i;
  }

  #resetSequence(): void {
    this.#needed = 0;
    this.#seen = 0;
    this.#lower = 0x80;
    this.#upper = 0xbf;
  }

  #onInvalid(chunk: Buffer, index: number, byte: number): void {
    if (this.#error) return;
    const shown = hex(byte);
    if (this.#hasBom) {
      this.#error = encodingError(
        this.#fileLabel,
        this.#event(chunk, index),
        `${shown} is not valid UTF-8, although the file starts with a UTF-8 byte-order mark. ${SAVE_AS_UTF8}`,
      );
    } else if (this.#firstMultibyte) {
      this.#error = mixedEncodingError(this.#fileLabel, this.#event(chunk, index), this.#firstMultibyte);
    } else if (UNDEFINED_IN_WINDOWS_1252.has(byte)) {
      this.#error = encodingError(
        this.#fileLabel,
        this.#event(chunk, index),
        `${shown} is neither valid UTF-8 nor a Windows-1252 character, so the file's encoding is unknown. ${SAVE_AS_UTF8}`,
      );
    } else if (!this.#firstInvalid) {
      this.#firstInvalid = this.#event(chunk, index);
    }
  }

  #onMultibyte(chunk: Buffer, index: number): void {
    if (this.#firstInvalid) {
      this.#error = mixedEncodingError(this.#fileLabel, this.#firstInvalid, this.#event(chunk, index));
    } else if (!this.#firstMultibyte) {
      this.#firstMultibyte = this.#event(chunk, index);
    }
  }

  #event(chunk: Buffer, index: number): ByteEvent {
    return index === CARRIED_LEAD ? (this.#carriedLead as ByteEvent) : this.#locate(chunk, index);
  }

  /** Line and column of chunk[index]. Rescans the chunk, so it is kept for the few bytes that matter. */
  #locate(chunk: Buffer, index: number): ByteEvent {
    let newlines = 0;
    for (let p = chunk.indexOf(10); p !== -1 && p < index; p = chunk.indexOf(10, p + 1)) newlines++;
    const lastNewline = index === 0 ? -1 : chunk.lastIndexOf(10, index - 1);
    const lineStart = lastNewline === -1 ? this.#lineStart : this.#offset + lastNewline + 1;
    const offset = this.#offset + index;
    return { offset, line: this.#newlines + newlines + 1, column: offset - lineStart + 1, byte: chunk[index] as number };
  }

  #countLines(chunk: Buffer): void {
    let newlines = 0;
    let last = -1;
    for (let p = chunk.indexOf(10); p !== -1; p = chunk.indexOf(10, p + 1)) {
      newlines++;
      last = p;
    }
    this.#newlines += newlines;
    if (last !== -1) this.#lineStart = this.#offset + last + 1;
    this.#offset += chunk.length;
  }
}

function mixedEncodingError(fileLabel: string, invalid: ByteEvent, utf8: ByteEvent): MmError {
  return encodingError(
    fileLabel,
    invalid,
    `${hex(invalid.byte)} is not valid UTF-8, but the file also contains UTF-8 text (line ${utf8.line}); ` + `the file mixes encodings. ${SAVE_AS_UTF8}`,
  );
}

/**
 * End of the complete UTF-8 sequences in chunk[from, to): excludes a trailing lead byte
 * whose continuation bytes are in the next chunk, so `isUtf8` is not fooled by the split.
 */
function completeSequencesEnd(chunk: Buffer, from: number, to: number): number {
  for (let i = to - 1; i >= from && i >= to - 3; i--) {
    const byte = chunk[i] as number;
    if (byte < 0x80) return to;
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return i + length > to ? i : to;
    }
  }
  return to;
}

function firstNonAscii(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) >= 0x80) return i;
  return -1;
}

interface SurrogateEvent extends ByteEvent {
  unit: number;
}

/**
 * UTF-16: checks the file has whole code units, that surrogates come in pairs and that it
 * has no NUL characters (a UTF-32 or binary file would). Lines are counted on U+000A.
 * @internal
 */
class Utf16Validator implements ByteValidator {
  readonly #fileLabel: string;
  readonly #encoding: 'utf-16le' | 'utf-16be';
  readonly #littleEndian: boolean;
  #offset: number;
  #line = 1;
  #lineStart: number;
  /** First byte of a code unit split between chunks, or -1. */
  #carry = -1;
  #highSurrogate: SurrogateEvent | null = null;
  #error: MmError | null = null;

  constructor(fileLabel: string, encoding: 'utf-16le' | 'utf-16be', bomLength: number) {
    this.#fileLabel = fileLabel;
    this.#encoding = encoding;
    this.#littleEndian = encoding === 'utf-16le';
    this.#offset = bomLength;
    this.#lineStart = bomLength;
  }

  push(chunk: Buffer): void {
    if (this.#error) return;
    let i = 0;
    if (this.#carry !== -1 && chunk.length > 0) {
      const first = this.#carry;
      const second = chunk[0] as number;
      this.#carry = -1;
      this.#codeUnit(this.#littleEndian ? first | (second << 8) : (first << 8) | second, first, this.#offset - 1);
      i = 1;
    }
    const le = this.#littleEndian;
    const end = chunk.length - 1;
    let afterHighSurrogate = this.#highSurrogate !== null;
    for (; i < end; i += 2) {
      const a = chunk[i] as number;
      const b = chunk[i + 1] as number;
      const unit = le ? a | (b << 8) : (a << 8) | b;
      // Most units are ordinary characters; only NUL, LF and surrogates need a closer look.
      if (unit !== 0 && unit !== 0x0a && (unit & 0xf800) !== 0xd800 && !afterHighSurrogate) continue;
      this.#codeUnit(unit, a, this.#offset + i);
      if (this.#error) break;
      afterHighSurrogate = this.#highSurrogate !== null;
    }
    if (i === chunk.length - 1 && !this.#error) this.#carry = chunk[i] as number;
    this.#offset += chunk.length;
  }

  finish(): TextEncodingName {
    if (!this.#error && this.#highSurrogate) this.#error = this.#unpairedSurrogate(this.#highSurrogate);
    if (!this.#error && this.#carry !== -1) {
      const at = this.#at(this.#offset - 1, this.#carry);
      const kind = this.#littleEndian ? 'little-endian' : 'big-endian';
      this.#error = encodingError(
        this.#fileLabel,
        at,
        `the file is UTF-16 (${kind}) but has an odd number of bytes (${this.#offset}), so its last ` +
          `character (${hex(at.byte)}) is cut off. Check the file is complete, or save it again as UTF-8.`,
      );
    }
    if (this.#error) throw this.#error;
    return this.#encoding;
  }

  #codeUnit(unit: number, firstByte: number, offset: number): void {
    if (this.#highSurrogate) {
      const high = this.#highSurrogate;
      this.#highSurrogate = null;
      if (unit >= 0xdc00 && unit <= 0xdfff) return;
      this.#error = this.#unpairedSurrogate(high);
      return;
    }
    if (unit === 0) {
      this.#error = encodingError(this.#fileLabel, this.#at(offset, firstByte), binaryFileProblem(firstByte));
    } else if (unit === 0x0a) {
      this.#line++;
      this.#lineStart = offset + 2;
    } else if (unit >= 0xd800 && unit <= 0xdbff) {
      this.#highSurrogate = { ...this.#at(offset, firstByte), unit };
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      this.#error = this.#unpairedSurrogate({ ...this.#at(offset, firstByte), unit });
    }
  }

  #unpairedSurrogate(at: SurrogateEvent): MmError {
    return encodingError(
      this.#fileLabel,
      at,
      `${hex(at.byte)} starts U+${at.unit.toString(16).toUpperCase()}, half of a UTF-16 surrogate pair whose other ` +
        `half is missing, so the file is damaged or not UTF-16. ${SAVE_AS_UTF8}`,
    );
  }

  #at(offset: number, byte: number): ByteEvent {
    return { offset, line: this.#line, column: offset - this.#lineStart + 1, byte };
  }
}

/**
 * Transform stream: raw bytes in, decoded string chunks out (object mode, so consumers get
 * strings), with the BOM skipped. `TextDecoder` keeps a multi-byte character split between
 * chunks until its remaining bytes arrive (`stream: true`).
 */
export function createDecoder(scan: EncodingScan): Transform {
  // ignoreBOM: we skip exactly the BOM the scan found, and keep a U+FEFF anywhere else.
  const decoder = new TextDecoder(scan.encoding, { fatal: true, ignoreBOM: true });
  let bomToSkip = scan.bomLength;
  const decodeError = (cause: unknown): MmError =>
    new MmError(
      'MM_IMPORT_ENCODING',
      `The file could not be decoded as ${scan.encoding}, although it was checked before: it may have changed ` + 'while it was being read. Upload it again.',
      { encoding: scan.encoding, cause: cause instanceof Error ? cause.message : String(cause) },
    );
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, callback) {
      let bytes = chunk;
      if (bomToSkip > 0) {
        const skipped = Math.min(bomToSkip, bytes.length);
        bytes = bytes.subarray(skipped);
        bomToSkip -= skipped;
      }
      let text: string;
      try {
        text = decoder.decode(bytes, { stream: true });
      } catch (error) {
        callback(decodeError(error));
        return;
      }
      if (text.length > 0) this.push(text);
      callback();
    },
    flush(callback) {
      let text: string;
      try {
        text = decoder.decode();
      } catch (error) {
        callback(decodeError(error));
        return;
      }
      if (text.length > 0) this.push(text);
      callback();
    },
  });
}
