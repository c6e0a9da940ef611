/**
 * `Time Entry ID` → `time_entry_id`, `IsNonBillable` → `isnonbillable`, `*InvoiceNumber` →
 * `invoicenumber` (Xero marks the columns its import template requires with a `*`): how a
 * header cell is compared with canonical names, aliases, preset spellings and saved profiles.
 */
export function normaliseHeader(cell: string): string {
  return cell
    .trim()
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[\s\-./#]+/g, '_')
    .replace(/[()*]/g, '')
    .replace(/^_+|_+$/g, '');
}
