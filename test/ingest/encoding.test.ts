import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { MmError } from '../../src/errors.js';
import { createDecoder, EncodingScanner, type EncodingScan } from '../../src/ingest/encoding.js';

/** Feeds `bytes` to a scanner in chunks of `chunkSize` (or the given sizes, cycled). */
function scan(bytes: Buffer, chunkSizes: number | number[] = bytes.length || 1, label = 'clients.csv'): EncodingScan {
  const scanner = new EncodingScanner(label);
  for (const chunk of split(bytes, chunkSizes)) scanner.push(chunk);
  return scanner.finish();
}

function split(bytes: Buffer, chunkSizes: number | number[]): Buffer[] {
  const sizes = typeof chunkSizes === 'number' ? [chunkSizes] : chunkSizes;
  const chunks: Buffer[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const size = sizes[k % sizes.length] as number;
    // Copies, so a test fails if the scanner keeps a reference to a chunk the caller reuses.
    chunks.push(Buffer.from(bytes.subarray(at, at + size)));
    at += size;
  }
  return chunks;
}

async function decode(bytes: Buffer, result: EncodingScan, chunkSizes: number | number[] = bytes.length || 1): Promise<string> {
  let text = '';
  for await (const piece of Readable.from(split(bytes, chunkSizes)).pipe(createDecoder(result))) {
    assert.equal(typeof piece, 'string');
    text += piece as string;
  }
  return text;
}

/** The error `fn` throws, checked to be an MM_IMPORT_ENCODING MmError. */
function encodingError(fn: () => unknown): MmError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof MmError, `expected MmError, got ${String(error)}`);
    assert.equal(error.code, 'MM_IMPORT_ENCODING');
    return error;
  }
  assert.fail('expected an encoding error');
}

function utf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

/** Deterministic PRNG (mulberry32), so a failing random chunking can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** More than the 4 KiB the scanner holds back, so later bytes go through the chunked path. */
const ASCII_LINES = 'id,client,hours\n' + Array.from({ length: 300 }, (_, i) => `${i},Client ${i},1.5\n`).join('');
const CSV_TEXT = 'id,client,notes\n1,Café Müller,naïve résumé\n2,Zoë € 5,日本 🎉\n';

describe('EncodingScanner: byte-order marks', () => {
  it('reads a UTF-8 BOM and decodes without it', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CSV_TEXT)]);
    const result = scan(bytes);
    assert.deepEqual(result, { encoding: 'utf-8', bomLength: 3 });
    assert.equal(await decode(bytes, result), CSV_TEXT);
    assert.equal(await decode(bytes, result, 1), CSV_TEXT);
  });

  it('reads a UTF-16LE BOM', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CSV_TEXT, 'utf16le')]);
    const result = scan(bytes);
    assert.deepEqual(result, { encoding: 'utf-16le', bomLength: 2 });
    assert.equal(await decode(bytes, result), CSV_TEXT);
    assert.equal(await decode(bytes, result, 3), CSV_TEXT);
  });

  it('reads a UTF-16BE BOM', async () => {
    const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(CSV_TEXT)]);
    const result = scan(bytes);
    assert.deepEqual(result, { encoding: 'utf-16be', bomLength: 2 });
    assert.equal(await decode(bytes, result), CSV_TEXT);
    assert.equal(await decode(bytes, result, 1), CSV_TEXT);
  });

  it('says so when a file with a UTF-8 BOM has an invalid byte', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id,name\n1,Caf'), Buffer.from([0xe9, 0x0a])]);
    const error = encodingError(() => scan(bytes));
    assert.deepEqual(error.details, { line: 2, column: 6, byte: 0xe9 });
    assert.match(error.message, /^clients\.csv line 2, byte 6: 0xE9 is not valid UTF-8, although the file starts with a UTF-8 byte-order mark/);
  });
});

describe('EncodingScanner: UTF-16 without a BOM', () => {
  it('recognises little-endian from NULs at odd offsets', async () => {
    const text = ASCII_LINES + CSV_TEXT;
    const bytes = Buffer.from(text, 'utf16le');
    const result = scan(bytes, 1000);
    assert.deepEqual(result, { encoding: 'utf-16le', bomLength: 0 });
    assert.equal(await decode(bytes, result, 1001), text);
  });

  it('recognises big-endian from NULs at even offsets', async () => {
    const text = CSV_TEXT + ASCII_LINES;
    const bytes = utf16be(text);
    const result = scan(bytes, 777);
    assert.deepEqual(result, { encoding: 'utf-16be', bomLength: 0 });
    assert.equal(await decode(bytes, result, 777), text);
  });

  it('rejects a UTF-16 file with an odd number of bytes', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\nc,d', 'utf16le'), Buffer.from([0x65])]);
    const error = encodingError(() => scan(bytes));
    // Line 2 starts after "a,b\n" (2 + 8 bytes); "c,d" is 6 bytes, so the stray byte is byte 7.
    assert.deepEqual(error.details, { line: 2, column: 7, byte: 0x65 });
    assert.match(error.message, /^clients\.csv line 2, byte 7: the file is UTF-16 \(little-endian\) but has an odd number of bytes \(17\)/);
  });

  it('rejects an odd-length UTF-16 file without a BOM, fed in odd-sized chunks', () => {
    const bytes = Buffer.concat([Buffer.from(ASCII_LINES, 'utf16le'), Buffer.from([0x31])]);
    const error = encodingError(() => scan(bytes, 333));
    assert.equal((error.details as { byte: number }).byte, 0x31);
    assert.equal((error.details as { line: number }).line, 302);
  });

  it('rejects an unpaired surrogate', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a\n', 'utf16le'), Buffer.from([0x3d, 0xd8]), Buffer.from('b', 'utf16le')]);
    const error = encodingError(() => scan(bytes, 1));
    assert.deepEqual(error.details, { line: 2, column: 1, byte: 0x3d });
    assert.match(error.message, /U\+D83D, half of a UTF-16 surrogate pair/);
  });
});

describe('EncodingScanner: UTF-8 and Windows-1252', () => {
  it('accepts plain ASCII as UTF-8', () => {
    assert.deepEqual(scan(Buffer.from(ASCII_LINES)), { encoding: 'utf-8', bomLength: 0 });
  });

  it('accepts an empty file as UTF-8', () => {
    assert.deepEqual(new EncodingScanner('empty.csv').finish(), { encoding: 'utf-8', bomLength: 0 });
  });

  it('decodes Windows-1252 bytes', async () => {
    const bytes = Buffer.from([0x43, 0x61, 0x66, 0xe9]);
    const result = scan(bytes);
    assert.deepEqual(result, { encoding: 'windows-1252', bomLength: 0 });
    assert.equal(await decode(bytes, result), 'Café');
  });

  it('decodes Windows-1252 (not Latin-1) beyond the first 4 KiB', async () => {
    // 0x80 is the euro sign in Windows-1252 but a control character in ISO-8859-1.
    const bytes = Buffer.concat([Buffer.from(ASCII_LINES), Buffer.from([0x80, 0x20, 0x43, 0x61, 0x66, 0xe9, 0x0a])]);
    const result = scan(bytes, 4000);
    assert.equal(result.encoding, 'windows-1252');
    assert.equal(await decode(bytes, result, 4000), `${ASCII_LINES}€ Café\n`);
  });

  it('scans and decodes a UTF-8 character split across chunks', async () => {
    const text = ASCII_LINES + 'Zoë,日本,🎉\n';
    const bytes = Buffer.from(text);
    const start = ASCII_LINES.length;
    // Every split point inside "Zoë,日本,🎉", including after 1, 2 and 3 bytes of the 4-byte emoji.
    for (let cut = start; cut <= bytes.length; cut++) {
      const sizes = [cut, bytes.length - cut || 1];
      assert.deepEqual(scan(bytes, sizes), { encoding: 'utf-8', bomLength: 0 }, `cut at ${cut}`);
      assert.equal(await decode(bytes, { encoding: 'utf-8', bomLength: 0 }, sizes), text, `cut at ${cut}`);
    }
    assert.deepEqual(scan(bytes, 1), { encoding: 'utf-8', bomLength: 0 });
  });

  it('rejects invalid bytes after UTF-8 text, naming both lines', () => {
    const bytes = Buffer.concat([Buffer.from('id,name,notes\n1,Café,ok\n' + ASCII_LINES.slice(16) + '2,ab'), Buffer.from([0xe9]), Buffer.from('t\n')]);
    const error = encodingError(() => scan(bytes, 1024));
    assert.equal(
      error.message,
      'clients.csv line 303, byte 5: 0xE9 is not valid UTF-8, but the file also contains UTF-8 text (line 2); ' +
        'the file mixes encodings. Save it again as UTF-8.',
    );
    assert.deepEqual(error.details, { line: 303, column: 5, byte: 0xe9 });
  });

  it('rejects UTF-8 text after invalid bytes, pointing at the invalid byte', () => {
    const bytes = Buffer.concat([Buffer.from('id,name\n1,Caf'), Buffer.from([0xe9]), Buffer.from('\n' + ASCII_LINES.slice(16) + '2,Café\n')]);
    for (const sizes of [bytes.length, 1, 4097, [5000, 3, 1]]) {
      const error = encodingError(() => scan(bytes, sizes, 'time_logs.csv'));
      assert.equal(
        error.message,
        'time_logs.csv line 2, byte 6: 0xE9 is not valid UTF-8, but the file also contains UTF-8 text (line 303); ' +
          'the file mixes encodings. Save it again as UTF-8.',
      );
      assert.deepEqual(error.details, { line: 2, column: 6, byte: 0xe9 });
    }
  });

  it('locates the bytes of a sequence split between chunks', () => {
    // E9 80 starts a 3-byte sequence that the newline breaks: invalid at the E9 (line 302, byte 5).
    // The UTF-8 "日" (E6 97 A5) is on line 303.
    const bytes = Buffer.concat([Buffer.from(ASCII_LINES + '1,ab'), Buffer.from([0xe9, 0x80]), Buffer.from('\n2,日\n')]);
    const invalidAt = ASCII_LINES.length + 4;
    for (let cut = invalidAt - 2; cut <= bytes.length; cut++) {
      for (const sizes of [
        [cut, bytes.length],
        [4096, cut - 4096, 1, 1, 1000],
      ]) {
        const error = encodingError(() => scan(bytes, sizes));
        assert.deepEqual(error.details, { line: 302, column: 5, byte: 0xe9 }, `chunks ${sizes.join(',')}`);
        assert.match(error.message, /also contains UTF-8 text \(line 303\)/, `chunks ${sizes.join(',')}`);
      }
    }
  });

  it('locates a UTF-8 character split between chunks', () => {
    // The other order: "Zoë" on line 2 is UTF-8; the E9 on line 303 is not.
    const bytes = Buffer.concat([Buffer.from('id\nZoë\n' + ASCII_LINES.slice(16) + 'ab'), Buffer.from([0xe9, 0x0a])]);
    const lead = 'id\nZo'.length;
    for (let cut = lead - 1; cut <= lead + 3; cut++) {
      const error = encodingError(() => scan(bytes, [cut, 2000, 5000]));
      assert.deepEqual(error.details, { line: 303, column: 3, byte: 0xe9 }, `cut at ${cut}`);
      assert.match(error.message, /also contains UTF-8 text \(line 2\)/, `cut at ${cut}`);
    }
  });

  it('rejects a byte that Windows-1252 does not define', () => {
    const bytes = Buffer.concat([Buffer.from(ASCII_LINES + 'x,'), Buffer.from([0x81]), Buffer.from('\n')]);
    const error = encodingError(() => scan(bytes, 512));
    assert.deepEqual(error.details, { line: 302, column: 3, byte: 0x81 });
    assert.match(error.message, /^clients\.csv line 302, byte 3: 0x81 is neither valid UTF-8 nor a Windows-1252 character/);
  });

  it('accepts 0x81 as a UTF-8 continuation byte', () => {
    // U+0441 (Cyrillic с) is D1 81 in UTF-8.
    assert.equal(scan(Buffer.from('name\nс\n')).encoding, 'utf-8');
  });

  it('rejects a NUL byte as a binary file', () => {
    const bytes = Buffer.concat([Buffer.from(ASCII_LINES + 'ab'), Buffer.from([0x00]), Buffer.from('c\n')]);
    const error = encodingError(() => scan(bytes, 100));
    assert.deepEqual(error.details, { line: 302, column: 3, byte: 0 });
    assert.match(error.message, /^clients\.csv line 302, byte 3: 0x00 \(a NUL byte\).*binary file/);
  });

  it('rejects an Excel workbook (a zip file) as binary', () => {
    const header = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00]);
    const next = random(7);
    const compressed = Buffer.from(Array.from({ length: 8192 }, () => Math.floor(next() * 256)));
    const error = encodingError(() => scan(Buffer.concat([header, compressed]), 1000));
    assert.deepEqual(error.details, { line: 1, column: 6, byte: 0 });
  });

  it('treats a multi-byte sequence cut off by the end of the file as Windows-1252', () => {
    assert.equal(scan(Buffer.from([0x61, 0x0a, 0xc3])).encoding, 'windows-1252');
  });

  it('rejects overlong and surrogate UTF-8 forms like TextDecoder does', () => {
    // C0 AF is an overlong "/", ED A0 80 an encoded surrogate: not UTF-8, so Windows-1252 bytes.
    assert.equal(scan(Buffer.from([0x61, 0xc0, 0xaf])).encoding, 'windows-1252');
    assert.equal(scan(Buffer.from([0x61, 0xed, 0xa0, 0x80])).encoding, 'windows-1252');
  });

  it('gives the same verdict and error for any chunking', () => {
    const next = random(42);
    const pieces = [Buffer.from(ASCII_LINES.slice(0, 1500)), Buffer.from('é€日🎉\n'), Buffer.from([0xe9, 0x80, 0x0a]), Buffer.from([0x81])];
    for (let round = 0; round < 200; round++) {
      const parts: Buffer[] = [];
      const count = 1 + Math.floor(next() * 8);
      for (let k = 0; k < count; k++) parts.push(pieces[Math.floor(next() * pieces.length)] as Buffer);
      const bytes = Buffer.concat(parts);
      const outcome = (sizes: number | number[]): unknown => {
        try {
          return scan(bytes, sizes);
        } catch (error) {
          return { message: (error as Error).message, details: (error as MmError).details };
        }
      };
      const whole = outcome(bytes.length || 1);
      const sizes = Array.from({ length: 20 }, () => 1 + Math.floor(next() * 700));
      assert.deepEqual(outcome(sizes), whole, `round ${round}`);
      assert.deepEqual(outcome(1), whole, `round ${round}, byte by byte`);
    }
  });
});

describe('createDecoder', () => {
  it('skips a BOM split across chunks', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b')]);
    assert.equal(await decode(bytes, { encoding: 'utf-8', bomLength: 3 }, [1, 1, 1, 1, 2]), 'a,b');
  });

  it('reports bytes that do not match the scanned encoding as an encoding error', async () => {
    await assert.rejects(decode(Buffer.from([0x61, 0xe9, 0x62]), { encoding: 'utf-8', bomLength: 0 }), (error: unknown) => {
      assert.ok(error instanceof MmError);
      assert.equal(error.code, 'MM_IMPORT_ENCODING');
      return true;
    });
  });
});
