import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MmError } from '../errors.js';
import { CsvParser, detectDelimiter } from './csv-reader.js';
import { parseScaledDecimal } from './field-types.js';
import { normaliseHeader } from './header-map.js';
import { productKey, productName } from './presets/license-products.js';
import { isBlankRecord } from './summary-rows.js';

/**
 * A price list: the monthly cost per seat of each product, for license exports that carry no
 * prices (a Microsoft 365 tenant's licenses). A small CSV, read whole:
 *
 *     product,cost_per_seat
 *     SPE_E3,36.00
 *     Microsoft 365 Business Premium,22.00
 *
 * A product is named by its name or its Microsoft part number (license-products.ts); both
 * spellings of one product are one entry. Returns [product key, cents] pairs.
 */
const productHeaders = ['product', 'product_name', 'sku', 'skupartnumber', 'sku_part_number', 'product_title', 'name'];
const costHeaders = ['cost_per_seat', 'monthly_cost_per_seat', 'cost', 'unit_cost', 'monthly_cost', 'price'];

/** Largest price list read, in bytes: a list of products, not a data file. */
const MAX_BYTES = 4 * 1024 * 1024;

export async function readPriceList(file: string, label = path.basename(file)): Promise<Array<[string, number]>> {
  const bytes = await readFile(file).catch(() => {
    throw new MmError('MM_IMPORT_PRICE_LIST', `price list ${label}: the file cannot be read (does it exist?)`);
  });
  if (bytes.length > MAX_BYTES) throw new MmError('MM_IMPORT_PRICE_LIST', `price list ${label}: larger than 4 MB; a price list has one row per product`);
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const prices = new Map<string, number>();
  let productAt = -1;
  let costAt = -1;
  const fail = (line: number, column: number | null, reason: string): never => {
    throw new MmError('MM_IMPORT_PRICE_LIST', `price list ${label} line ${line}${column === null ? '' : `, column ${column}`}: ${reason}`, { line, column });
  };
  const parser = new CsvParser({
    delimiter: detectDelimiter(text.slice(0, text.search(/[\r\n]|$/))),
    fileLabel: `price list ${label}`,
    onRecord(fields, line) {
      if (isBlankRecord(fields)) return;
      if (productAt < 0) {
        const names = fields.map(normaliseHeader);
        productAt = names.findIndex((n) => productHeaders.includes(n));
        costAt = names.findIndex((n) => costHeaders.includes(n));
        if (productAt < 0 || costAt < 0)
          fail(line, null, `needs a product column (${productHeaders.slice(0, 3).join(', ')}) and a cost column (cost_per_seat, monthly)`);
        return;
      }
      const product = (fields[productAt] ?? '').trim();
      if (product === '') fail(line, productAt + 1, 'the product is empty');
      const written = (fields[costAt] ?? '').trim();
      const cents = parseScaledDecimal(written, 2);
      if (cents === null || cents < 0) fail(line, costAt + 1, `'${written}' is not a monthly cost per seat`);
      prices.set(productKey(productName(product)), cents!);
    },
  });
  parser.push(text);
  parser.end();
  if (productAt < 0) fail(1, null, 'the file is empty (header product,cost_per_seat expected)');
  return [...prices];
}

/**
 * A price list written inline (HTTP `prices=`): `SPE_E3=36.00;Microsoft 365 Business Premium=22.00`.
 * Returns [product key, cents] pairs, or throws naming the entry.
 */
export function parsePriceEntries(text: string): Array<[string, number]> {
  const prices = new Map<string, number>();
  text.split(';').forEach((entry, index) => {
    if (entry.trim() === '') return;
    const at = entry.lastIndexOf('=');
    const product = at < 0 ? '' : entry.slice(0, at).trim();
    const cents = at < 0 ? null : parseScaledDecimal(entry.slice(at + 1).trim(), 2);
    if (product === '' || cents === null || cents < 0) {
      throw new MmError(
        'MM_IMPORT_PRICE_LIST',
        `prices entry ${index + 1} '${entry.trim().slice(0, 80)}': write product=monthly cost per seat, e.g. SPE_E3=36.00`,
      );
    }
    prices.set(productKey(productName(product)), cents);
  });
  return [...prices];
}
