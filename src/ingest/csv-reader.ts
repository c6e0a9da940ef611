/**
 * Streaming RFC 4180 CSV parser over decoded text chunks.
 *
 * Exports from MSP tools (PSA, RMM, accounting) quote inconsistently: some quote every
 * field, some only fields that need it, and free-text columns (ticket notes) hold commas,
 * quotes and newlines. The parser keeps only the unfinished record between chunks, so
 * memory stays constant however large the file is.
 */
import { MmError } from '../errors.js';

export type Delimiter = ',' | ';' | '\t';

export interface CsvParserOptions {
  delimiter: Delimiter;
  /** Names the file in error messages, e.g. `invoices.csv`. */
  fileLabel: string;
  /**
   * Called once per record, in order. `line` is the 1-based physical line on which the record
   * starts (a quoted field may span lines). Fields are not trimmed and their count is not checked.
   */
  onRecord: (fields: string[], line: number) => void;
  /**
   * Longest record, in characters, before the parser gives up. A quote that is never closed
   * makes the rest of the file one field; this bound keeps memory constant and reports it early.
   * Default 1,048,576.
   */
  maxRecordLength?: number;
}

/** Where a CSV syntax error is: 1-based line and character column. */
export interface CsvErrorDetails {
  line: number;
  column: number;
}

const DEFAULT_MAX_RECORD_LENGTH = 1 << 20;

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Picks the delimiter from the header line: the most frequent of `,` `;` TAB outside quotes.
 * Ties go to `,`, then `;` (European Excel exports use `;` because `,` is their decimal mark).
 * The header line is the first with at least two of one separator: a report's title lines
 * above it ("Time Entry Detail", "Acme MSP, Inc.") have fewer. Failing that, the first line
 * with any separator (a two-column file), else the first line.
 */
export function detectDelimiter(firstChunk: string): Delimiter {
  let firstWithAny: LineCounts | null = null;
  let counts: LineCounts = { commas: 0, semicolons: 0, tabs: 0 };
  let inQuotes = false;
  let lines = 0;
  for (let i = 0; i <= firstChunk.length; i++) {
    const c = firstChunk[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (inQuotes && c !== undefined) continue;
    else if (c === ',') counts.commas++;
    else if (c === ';') counts.semicolons++;
    else if (c === '\t') counts.tabs++;
    else if (c === '\n' || c === '\r' || c === undefined) {
      if (Math.max(counts.commas, counts.semicolons, counts.tabs) >= 2) return mostFrequent(counts);
      if (!firstWithAny && counts.commas + counts.semicolons + counts.tabs > 0) firstWithAny = counts;
      if (c === '\r' && firstChunk[i + 1] === '\n') i++;
      if (++lines >= DELIMITER_LINES) break;
      counts = { commas: 0, semicolons: 0, tabs: 0 };
    }
  }
  return mostFrequent(firstWithAny ?? counts);
}

interface LineCounts {
  commas: number;
  semicolons: number;
  tabs: number;
}

function mostFrequent({ commas, semicolons, tabs }: LineCounts): Delimiter {
  if (commas >= semicolons && commas >= tabs) return ',';
  return semicolons >= tabs ? ';' : '\t';
}

/** Lines looked at for the delimiter: the header and up to ten title lines above it. */
const DELIMITER_LINES = 11;

/** Index of `char` in `s` from `from`, or `s.length` when absent (so it compares as "beyond"). */
function indexOrEnd(s: string, char: string, from: number): number {
  const index = s.indexOf(char, from);
  return index === -1 ? s.length : index;
}

/**
 * Push-based CSV parser. Feed it text with `push()` (chunks may split anything: a quoted
 * field, a `""`, a CRLF) and call `end()` after the last chunk.
 *
 * @example
 * const parser = new CsvParser({ delimiter: ',', fileLabel: 'clients.csv', onRecord: (fields, line) => rows.push({ fields, line }) });
 * parser.push('id,name\r\n1,"Acme, Inc."\r\n');
 * parser.end(); // rows: [{ fields: ['id', 'name'], line: 1 }, { fields: ['1', 'Acme, Inc.'], line: 2 }]
 */
export class CsvParser {
  readonly #delimiter: Delimiter;
  readonly #fileLabel: string;
  readonly #onRecord: (fields: string[], line: number) => void;
  readonly #maxRecordLength: number;
  /** Text of the unfinished record; it always starts at the beginning of a line. */
  #tail = '';
  /** Line on which `#tail` starts. */
  #line = 1;
  #ended = false;
  // More outputs of #parseQuotedRecord (fields, to avoid allocating a result per record):
  // the line after the record, and where it left its search for the next line break.
  #recordEndLine = 0;
  #nextLf = -1;
  #nextCr = -1;
  /** Where the quoted field that was still open when the text ran out starts, for the length error. */
  #openQuote: CsvErrorDetails | null = null;

  constructor(options: CsvParserOptions) {
    this.#delimiter = options.delimiter;
    this.#fileLabel = options.fileLabel;
    this.#onRecord = options.onRecord;
    this.#maxRecordLength = options.maxRecordLength ?? DEFAULT_MAX_RECORD_LENGTH;
  }

  push(text: string): void {
    if (this.#ended) throw new Error('CsvParser.push() called after end()');
    if (text.length === 0) return;
    this.#parse(this.#tail.length === 0 ? text : this.#tail + text, false);
  }

  /** @throws MmError `MM_IMPORT_MALFORMED_CSV` if the file ends inside a quoted field. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const tail = this.#tail;
    this.#tail = '';
    if (tail.length > 0) this.#parse(tail, true);
  }

  /**
   * Emits every complete record of `s` and keeps the rest as the tail. The common line (no
   * quote in it) is cut with indexOf/slice; lines with a quote go to #parseQuotedRecord.
   */
  #parse(s: string, atEnd: boolean): void {
    const len = s.length;
    const delimiter = this.#delimiter;
    let line = this.#line;
    let pos = 0;
    this.#openQuote = null;
    // Next position of each character at or after where it was last looked up (len: none).
    let nl = -1;
    let cr = -1;
    let quote = -1;
    let delim = -1;
    while (pos < len) {
      if (nl < pos) nl = indexOrEnd(s, '\n', pos);
      if (cr < pos) cr = indexOrEnd(s, '\r', pos);
      if (quote < pos) quote = indexOrEnd(s, '"', pos);
      const eol = nl < cr ? nl : cr;
      if (quote >= eol) {
        // Without a line end we cannot know the line is complete; a CR at the very end may be half a CRLF.
        if (!atEnd && (eol === len || (eol === cr && eol + 1 === len))) break;
        if (eol > pos) {
          // indexOf + slice per field: about twice as fast as slice(line).split(delimiter) in V8.
          const fields: string[] = [];
          let start = pos;
          for (;;) {
            if (delim < start) delim = indexOrEnd(s, delimiter, start);
            if (delim >= eol) break;
            fields.push(s.slice(start, delim));
            start = delim + 1;
          }
          fields.push(s.slice(start, eol));
          this.#onRecord(fields, line);
        }
        pos = eol === cr && s.charCodeAt(eol + 1) === LF ? eol + 2 : eol + 1;
        line++;
        continue;
      }
      const next = this.#parseQuotedRecord(s, pos, line, atEnd, nl, cr);
      if (next === -1) break;
      pos = next;
      line = this.#recordEndLine;
      nl = this.#nextLf;
      cr = this.#nextCr;
    }
    if (pos >= len) {
      this.#tail = '';
    } else {
      this.#tail = s.slice(pos);
      if (this.#tail.length > this.#maxRecordLength) throw this.#tooLong(line);
    }
    this.#line = line;
  }

  /**
   * Parses the record starting at `start` (on `startLine`), which contains a quote. Returns the
   * index after its line end and sets #recordEndLine, or returns -1 if the text ends first
   * (the caller keeps the record and parses it again with more text). `nl` and `cr` are the
   * caller's next-line-break positions, passed along so neither side searches twice.
   */
  #parseQuotedRecord(s: string, start: number, startLine: number, atEnd: boolean, nl: number, cr: number): number {
    const len = s.length;
    const delimiter = this.#delimiter;
    const delimiterCode = delimiter.charCodeAt(0);
    const fields: string[] = [];
    let line = startLine;
    let lineStart = start;
    let i = start;
    let delim = -1;
    for (;;) {
      // A field starts at i.
      if (s.charCodeAt(i) === QUOTE) {
        const quoteIndex = i;
        const quoteLine = line;
        const quoteLineStart = lineStart;
        let value = '';
        let from = i + 1;
        for (;;) {
          const close = s.indexOf('"', from);
          const contentEnd = close === -1 ? len : close;
          // Line breaks inside the quotes are physical lines: count them for later line numbers.
          for (let scan = from; ;) {
            if (nl < scan) nl = indexOrEnd(s, '\n', scan);
            if (cr < scan) cr = indexOrEnd(s, '\r', scan);
            const lineBreak = nl < cr ? nl : cr;
            if (lineBreak >= contentEnd) break;
            scan = lineBreak === cr && s.charCodeAt(lineBreak + 1) === LF ? lineBreak + 2 : lineBreak + 1;
            line++;
            lineStart = scan;
          }
          if (close === -1) {
            // The closing quote is in a later chunk (a quote at the very end is settled by the check after the field).
            const opened = { line: quoteLine, column: characterColumn(s, quoteLineStart, quoteIndex) };
            if (atEnd) throw this.#unterminatedQuote(opened);
            this.#openQuote = opened;
            return -1;
          }
          if (s.charCodeAt(close + 1) === QUOTE) {
            value += s.slice(from, close + 1);
            from = close + 2;
            continue;
          }
          value += s.slice(from, close);
          i = close + 1;
          break;
        }
        fields.push(value);
        if (i === len) {
          if (!atEnd) return this.#incomplete();
          break;
        }
        const c = s.charCodeAt(i);
        if (c === delimiterCode) {
          i++;
          continue;
        }
        if (c === LF || c === CR) break;
        throw this.#unexpectedAfterQuote(s, line, lineStart, i);
      }
      // Unquoted field: runs to the next delimiter or line end; a quote in it is literal (5" monitor).
      if (nl < i) nl = indexOrEnd(s, '\n', i);
      if (cr < i) cr = indexOrEnd(s, '\r', i);
      if (delim < i) delim = indexOrEnd(s, delimiter, i);
      const eol = nl < cr ? nl : cr;
      if (delim < eol) {
        fields.push(s.slice(i, delim));
        i = delim + 1;
        continue;
      }
      if (eol === len && !atEnd) return this.#incomplete();
      fields.push(s.slice(i, eol));
      i = eol;
      break;
    }
    // The record ends at i: a line end, or the end of the text.
    if (i < len) {
      if (s.charCodeAt(i) === CR) {
        if (i + 1 === len && !atEnd) return this.#incomplete();
        i += s.charCodeAt(i + 1) === LF ? 2 : 1;
      } else {
        i++;
      }
    }
    this.#openQuote = null;
    this.#recordEndLine = line + 1;
    this.#nextLf = nl;
    this.#nextCr = cr;
    this.#onRecord(fields, startLine);
    return i;
  }

  #incomplete(): number {
    this.#openQuote = null;
    return -1;
  }

  #unexpectedAfterQuote(s: string, line: number, lineStart: number, index: number): MmError {
    const column = characterColumn(s, lineStart, index);
    const char = String.fromCodePoint(s.codePointAt(index) as number);
    return new MmError(
      'MM_IMPORT_MALFORMED_CSV',
      `${this.#fileLabel} line ${line}, column ${column}: unexpected character '${char}' after a closing quote. ` +
        'A quoted field must end at a delimiter or the end of the line; a quote inside a quoted field must be doubled ("").',
      { line, column } satisfies CsvErrorDetails,
    );
  }

  #unterminatedQuote(opened: CsvErrorDetails): MmError {
    return new MmError(
      'MM_IMPORT_MALFORMED_CSV',
      `${this.#fileLabel} line ${opened.line}, column ${opened.column}: the quoted field starting here is never closed ` +
        '(the file ends inside it). Add the missing closing quote, or double ("") a quote meant as text.',
      opened,
    );
  }

  #tooLong(line: number): MmError {
    const open = this.#openQuote;
    const where = open ? `line ${open.line}, column ${open.column}` : `line ${line}`;
    return new MmError(
      'MM_IMPORT_MALFORMED_CSV',
      `${this.#fileLabel} ${where}: the record starting on line ${line} is longer than ${this.#maxRecordLength} characters` +
        (open ? ', inside a quoted field that starts here; the quote is probably never closed.' : '.') +
        ' Check the quotes in that record.',
      open ?? ({ line, column: 1 } satisfies CsvErrorDetails),
    );
  }
}

/** 1-based column of s[index] in the line starting at s[lineStart], counting characters, not UTF-16 units. */
function characterColumn(s: string, lineStart: number, index: number): number {
  let column = 1;
  for (const _char of s.slice(lineStart, index)) column++;
  return column;
}
