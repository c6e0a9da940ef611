import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** A strict little RFC 4180 reader for the tests: quoted fields, `""` escapes, `\n` line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length > 0) throw new Error('CSV does not end with a line break');
  return rows;
}

export interface CsvFile {
  header: string[];
  rows: Record<string, string>[];
}

export async function readCsv(file: string): Promise<CsvFile> {
  const [header, ...lines] = parseCsv(await readFile(file, 'utf8'));
  if (!header) throw new Error(`${file} is empty`);
  const rows = lines.map((cells, n) => {
    if (cells.length !== header.length) throw new Error(`${file} line ${n + 2}: ${cells.length} cells`);
    return Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']));
  });
  return { header, rows };
}

export async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/** Money as integer cents, so the tests add amounts without float drift. */
export function cents(amount: string): number {
  if (!/^-?\d+\.\d{2}$/.test(amount)) throw new Error(`not a 2-decimal amount: "${amount}"`);
  const negative = amount.startsWith('-');
  const [whole, fraction] = amount.replace('-', '').split('.');
  const value = Number(whole) * 100 + Number(fraction);
  return negative ? -value : value;
}
