import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { MmError } from '../../src/errors.js';
import { CsvParser, detectDelimiter, type Delimiter } from '../../src/ingest/csv-reader.js';
import { createDecoder, EncodingScanner } from '../../src/ingest/encoding.js';

interface ParsedRecord {
  fields: string[];
  line: number;
}

function parse(chunks: string | string[], delimiter: Delimiter = ',', fileLabel = 'invoices.csv'): ParsedRecord[] {
  const records: ParsedRecord[] = [];
  const parser = new CsvParser({ delimiter, fileLabel, onRecord: (fields, line) => records.push({ fields, line }) });
  for (const chunk of typeof chunks === 'string' ? [chunks] : chunks) parser.push(chunk);
  parser.end();
  return records;
}

function malformed(fn: () => unknown): MmError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof MmError, `expected MmError, got ${String(error)}`);
    assert.equal(error.code, 'MM_IMPORT_MALFORMED_CSV');
    return error;
  }
  assert.fail('expected a malformed-CSV error');
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

function randomChunks(text: string, next: () => number, maxSize: number): string[] {
  const chunks: string[] = [];
  for (let at = 0; at < text.length;) {
    const size = 1 + Math.floor(next() * maxSize);
    chunks.push(text.slice(at, at + size));
    at += size;
  }
  return chunks;
}

describe('CsvParser', () => {
  it('splits simple records and reports their lines', () => {
    assert.deepEqual(parse('id,name,hours\n1,Acme,2.5\n2,Globex,0\n'), [
      { fields: ['id', 'name', 'hours'], line: 1 },
      { fields: ['1', 'Acme', '2.5'], line: 2 },
      { fields: ['2', 'Globex', '0'], line: 3 },
    ]);
  });

  it('gives no extra record for a trailing newline, and keeps a last line without one', () => {
    assert.deepEqual(parse('a,b\n1,2\n'), parse('a,b\n1,2'));
    assert.equal(parse('a,b\n1,2\n').length, 2);
  });

  it('handles CRLF and lone CR line endings', () => {
    const expected = [
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1', '2'], line: 2 },
      { fields: ['3', '4'], line: 3 },
    ];
    assert.deepEqual(parse('a,b\r\n1,2\r\n3,4\r\n'), expected);
    assert.deepEqual(parse('a,b\r1,2\r3,4\r'), expected);
    assert.deepEqual(parse('a,b\n1,2\r\n3,4\r'), expected);
  });

  it('skips blank lines but counts them', () => {
    assert.deepEqual(parse('\na,b\n\n\r\n1,2\r\n\r\n\n3,4\n\n'), [
      { fields: ['a', 'b'], line: 2 },
      { fields: ['1', '2'], line: 5 },
      { fields: ['3', '4'], line: 8 },
    ]);
  });

  it('keeps a line of delimiters or spaces: only empty lines are blank', () => {
    assert.deepEqual(parse('a,b\n,\n \n'), [
      { fields: ['a', 'b'], line: 1 },
      { fields: ['', ''], line: 2 },
      { fields: [' '], line: 3 },
    ]);
  });

  it('does not trim fields', () => {
    assert.deepEqual(parse(' a , b \n')[0]?.fields, [' a ', ' b ']);
  });

  it('reads quoted fields with delimiters, doubled quotes and empty values', () => {
    assert.deepEqual(parse('"Acme, Inc.","He said ""hi""","",""""\n"x",\n'), [
      { fields: ['Acme, Inc.', 'He said "hi"', '', '"'], line: 1 },
      { fields: ['x', ''], line: 2 },
    ]);
  });

  it('counts newlines inside quoted fields for the lines of later records', () => {
    const text = 'id,notes\n1,"first line\nsecond line\r\nthird\rfourth"\n2,"x"\n3,plain\n"4\n",5\n6,6';
    assert.deepEqual(parse(text), [
      { fields: ['id', 'notes'], line: 1 },
      { fields: ['1', 'first line\nsecond line\r\nthird\rfourth'], line: 2 },
      { fields: ['2', 'x'], line: 6 },
      { fields: ['3', 'plain'], line: 7 },
      { fields: ['4\n', '5'], line: 8 },
      { fields: ['6', '6'], line: 10 },
    ]);
  });

  it('keeps a quote inside an unquoted field literally', () => {
    assert.deepEqual(parse('sku,item\n12,5" monitor\n13,a"b"c\n')[1], { fields: ['12', '5" monitor'], line: 2 });
    assert.deepEqual(parse('sku,item\n12,5" monitor\n13,a"b"c\n')[2], { fields: ['13', 'a"b"c'], line: 3 });
  });

  it('does not check the number of fields', () => {
    assert.deepEqual(
      parse('a,b,c\n1\n1,2,3,4\n').map((record) => record.fields.length),
      [3, 1, 4],
    );
  });

  it('uses the delimiter it is given', () => {
    assert.deepEqual(parse('a;"b;c";d,e\n', ';')[0]?.fields, ['a', 'b;c', 'd,e']);
    assert.deepEqual(parse('a\t"b\tc"\td,e\n', '\t')[0]?.fields, ['a', 'b\tc', 'd,e']);
  });

  it('gives the same records for any chunking', () => {
    const text =
      'id,client,notes,amount\r\n' +
      '1,"Acme, Inc.","said ""ok""\r\nthen left",12.50\r\n' +
      '\r\n' +
      '2,Globex,5" monitor,"3"\r' +
      '3,"",,\n' +
      '"4","multi\n\nline\r\r\n",x,""""\r\n' +
      '5,Zoë 🎉,"日本",1\n' +
      '6,last,"",';
    const whole = parse(text);
    assert.equal(whole.length, 7);
    assert.deepEqual(parse([...text]), whole, 'one UTF-16 unit at a time');
    const next = random(2024);
    for (let round = 0; round < 300; round++) {
      const chunks = randomChunks(text, next, 1 + Math.floor(next() * 40));
      assert.deepEqual(parse(chunks), whole, JSON.stringify(chunks));
    }
  });

  it('handles chunk boundaries between CR and LF and between the quotes of ""', () => {
    assert.deepEqual(parse(['a,b\r', '\n1,2\r', '\n']), parse('a,b\r\n1,2\r\n'));
    assert.deepEqual(parse(['"x"', '"y"\n']), [{ fields: ['x"y'], line: 1 }]);
    assert.deepEqual(parse(['"x""', 'y"\n']), [{ fields: ['x"y'], line: 1 }]);
    assert.deepEqual(parse(['"a"', ',b\n']), [{ fields: ['a', 'b'], line: 1 }]);
    assert.deepEqual(parse(['"a\r', '\nb",c\n', 'd\n']), [
      { fields: ['a\r\nb', 'c'], line: 1 },
      { fields: ['d'], line: 3 },
    ]);
  });

  it('rejects a character after a closing quote, with its line and column', () => {
    const error = malformed(() => parse('id,name,amount\n1,"multi\nline",2\n3,"Acme"x,4\n'));
    assert.equal(
      error.message,
      "invoices.csv line 4, column 9: unexpected character 'x' after a closing quote. " +
        'A quoted field must end at a delimiter or the end of the line; a quote inside a quoted field must be doubled ("").',
    );
    assert.deepEqual(error.details, { line: 4, column: 9 });
  });

  it('counts the column from the last newline inside a quoted field', () => {
    const error = malformed(() => parse('a,"x\r\nyz" ,b\n'));
    assert.deepEqual(error.details, { line: 2, column: 4 });
    assert.match(error.message, /unexpected character ' ' after a closing quote/);
  });

  it('counts columns in characters, not UTF-16 units', () => {
    assert.deepEqual(malformed(() => parse('🎉,"a"b\n')).details, { line: 1, column: 6 });
  });

  it('rejects an unterminated quote, naming the line where the field started', () => {
    const error = malformed(() => parse('id,notes\n1,ok\n2,"never closed\nmore text\n3,x\n'));
    assert.deepEqual(error.details, { line: 3, column: 3 });
    assert.match(error.message, /^invoices\.csv line 3, column 3: the quoted field starting here is never closed/);
    // The same when the text arrives in pieces.
    const chunked = malformed(() => parse([...'id,notes\n1,ok\n2,"never closed\nmore text\n3,x\n']));
    assert.deepEqual(chunked.details, error.details);
  });

  it('gives up on a record longer than maxRecordLength', () => {
    const records: string[][] = [];
    const parser = new CsvParser({ delimiter: ',', fileLabel: 'time_logs.csv', maxRecordLength: 100, onRecord: (fields) => records.push(fields) });
    parser.push('id,notes\n1,"');
    const error = malformed(() => {
      for (let k = 0; k < 20; k++) parser.push('0123456789');
    });
    assert.deepEqual(error.details, { line: 2, column: 3 });
    assert.match(error.message, /^time_logs\.csv line 2, column 3: the record starting on line 2 is longer than 100 characters/);
    assert.deepEqual(records, [['id', 'notes']]);
  });

  it('refuses text after end()', () => {
    const parser = new CsvParser({ delimiter: ',', fileLabel: 'x.csv', onRecord: () => undefined });
    parser.end();
    assert.throws(() => parser.push('a'));
  });
});

describe('detectDelimiter', () => {
  it('picks the most frequent delimiter in the header line', () => {
    assert.equal(detectDelimiter('id,name,hours\n1;2;3;4;5\n'), ',');
    assert.equal(detectDelimiter('id;name;hours,total\r\n1,2,3,4,5\r\n'), ';');
    assert.equal(detectDelimiter('id\tname\thours\n'), '\t');
  });

  it('looks past a report title above the header', () => {
    assert.equal(detectDelimiter('Time Entry Detail\nAcme MSP, Inc.\nMember\tDate\tHours\n'), '\t');
    assert.equal(detectDelimiter('Invoice List\r\n\r\nDate;Num;Customer;Amount\r\n'), ';');
    // A two-column file has one separator per line.
    assert.equal(detectDelimiter('client_id;client_name\nC1;Acme\n'), ';');
  });

  it('ignores delimiters inside quotes', () => {
    assert.equal(detectDelimiter('"a,b,c";"d";e\n'), ';');
    assert.equal(detectDelimiter('"x\ny,z,w";v;u\n'), ';');
  });

  it('prefers a comma on a tie or when there is no delimiter', () => {
    assert.equal(detectDelimiter('a,b;c\n'), ',');
    assert.equal(detectDelimiter('a,b\tc\n'), ',');
    assert.equal(detectDelimiter('name\n'), ',');
    assert.equal(detectDelimiter(''), ',');
  });
});

describe('encoding and CSV together', () => {
  it('parses a UTF-16LE export decoded in odd-sized chunks', async () => {
    const text = 'client\tnotes\r\n"Café Müller"\t"two\r\nlines"\r\nZoë\tok\r\n';
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const scanner = new EncodingScanner('clients.csv');
    scanner.push(bytes);
    const scan = scanner.finish();
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 5) chunks.push(bytes.subarray(at, at + 5));
    const records: ParsedRecord[] = [];
    const onRecord = (fields: string[], line: number): void => void records.push({ fields, line });
    // The delimiter is detected once the header line is complete.
    let head = '';
    let parser: CsvParser | null = null;
    for await (const piece of Readable.from(chunks).pipe(createDecoder(scan))) {
      if (parser) {
        parser.push(piece as string);
        continue;
      }
      head += piece as string;
      if (!head.includes('\n')) continue;
      parser = new CsvParser({ delimiter: detectDelimiter(head), fileLabel: 'clients.csv', onRecord });
      parser.push(head);
    }
    parser?.end();
    assert.deepEqual(records, [
      { fields: ['client', 'notes'], line: 1 },
      { fields: ['Café Müller', 'two\r\nlines'], line: 2 },
      { fields: ['Zoë', 'ok'], line: 4 },
    ]);
  });
});
