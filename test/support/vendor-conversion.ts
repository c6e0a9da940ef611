import { readFileSync } from 'node:fs';

/**
 * Rewrites the canonical CSV files of an MSP (as `writeSampleMsp` writes them) into each
 * vendor's export of the same facts, with the conventions and untidiness real exports have:
 * title lines, total rows, locale dates and numbers, line items, client names spelled the
 * vendor's way. Used to check that presets give the canonical figures on an MSP they were
 * not written against (test/ingest/presets/other-msp.test.ts).
 */

export type CsvRow = Record<string, string>;

export interface CanonicalMsp {
  clients: CsvRow[];
  staff: CsvRow[];
  invoices: CsvRow[];
  time_logs: CsvRow[];
  licenses: CsvRow[];
}

/** Reads a canonical file written by the sample generator (quoted cells allowed). */
export function readCanonicalCsv(file: string): CsvRow[] {
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l !== '');
  const [header, ...rows] = lines.map(splitCsvLine);
  return rows.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i] ?? ''])));
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

export function readCanonicalMsp(files: Record<keyof CanonicalMsp, string>): CanonicalMsp {
  return {
    clients: readCanonicalCsv(files.clients),
    staff: readCanonicalCsv(files.staff),
    invoices: readCanonicalCsv(files.invoices),
    time_logs: readCanonicalCsv(files.time_logs),
    licenses: readCanonicalCsv(files.licenses),
  };
}

/** One CSV line; cells with the separator, quotes or line breaks are quoted. */
export function csvLine(cells: readonly (string | number)[], separator = ','): string {
  return cells
    .map(String)
    .map((c) => (c.includes(separator) || /["\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c))
    .join(separator);
}

const csvText = (lines: string[], eol = '\n'): string => lines.join(eol) + eol;

// ---- values as vendors write them -------------------------------------------------------

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ymd = (iso: string): [number, number, number] => iso.split('-').map(Number) as [number, number, number];
const pad = (n: number): string => String(n).padStart(2, '0');

/** `2025-03-01` → `3/1/2025` (US, no leading zeros). */
export const usDate = (iso: string): string => ((y, m, d) => `${m}/${d}/${y}`)(...ymd(iso));
/** `2025-03-01` → `01/03/2025` (UK). */
export const ukDate = (iso: string): string => ((y, m, d) => `${pad(d)}/${pad(m)}/${y}`)(...ymd(iso));
/** `2025-03-01` → `1 Mar 2025` (Xero). */
export const xeroDate = (iso: string): string => ((y, m, d) => `${d} ${months[m - 1]} ${y}`)(...ymd(iso));

const cents = (amount: string): number => Math.round(Number(amount) * 100);

/** 123456 → `1,234.56` (or `1.234,56` with `decimal: ','`). */
export function money(centsValue: number, options: { decimal?: ',' | '.'; symbol?: string } = {}): string {
  const negative = centsValue < 0;
  const abs = Math.abs(centsValue);
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, options.decimal === ',' ? '.' : ',');
  const text = `${whole}${options.decimal ?? '.'}${pad(abs % 100)}`;
  return `${negative ? '-' : ''}${options.symbol ?? ''}${text}`;
}

/** `1.25` → `1,25`. */
const decimalComma = (value: string): string => value.replace('.', ',');

/**
 * The client's name as another system spells it: four clients in ten differ in case,
 * punctuation or legal suffix, in ways the loose client match must bridge (none ambiguous).
 */
export function vendorClientName(name: string, index: number): string {
  switch (index % 10) {
    case 2:
      return name.toUpperCase();
    case 4:
      return name.includes(' & ') ? name.replace(' & ', ' and ') : name.replace(/\.$/, '');
    case 9:
      return `The ${name}`;
    case 7:
      if (/ (Inc\.|Co\.|PLLC|LLP)$/.test(name)) return name.replace(/\.$/, '').replace(/ Co$/, ' Company').replace(/ Inc$/, ', Incorporated');
      if (name.includes(' & ')) return name.replace(' & ', ' and ');
      return `${name} LLC`;
    default:
      return name;
  }
}

function clientNames(msp: CanonicalMsp): Map<string, string> {
  return new Map(msp.clients.map((c, i) => [c.client_id!, vendorClientName(c.client_name!, i)]));
}

const isTrue = (value: string | undefined): boolean => value === 'true';

function byKey<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    groups.set(k, [...(groups.get(k) ?? []), row]);
  }
  return groups;
}

// ---- time entries ------------------------------------------------------------------------

/**
 * ConnectWise Manage's Time Detail report exported to CSV: a title and a date-range line,
 * rows grouped by member with a `<member> Total` row after each and a `Grand Total` at the
 * end, M/D/YYYY dates, `$135.00` rates, B / NB / NC.
 */
export function connectWiseTimeReport(msp: CanonicalMsp): string {
  const names = clientNames(msp);
  const lines = ['Time Detail Report', `Date Range: ${usDate(msp.time_logs[0]!.date!)} - ${usDate(msp.time_logs.at(-1)!.date!)}`];
  lines.push(csvLine(['Member Name', 'Date', 'Company', 'Agreement', 'Work Type', 'Ticket #', 'Bill (B/NB/NC)', 'Hours', 'Rate', 'Notes']));
  let grand = 0;
  let n = 0;
  for (const [member, logs] of byKey(msp.time_logs, (l) => l.staff_name!)) {
    let total = 0;
    for (const log of logs) {
      const billable = isTrue(log.billable);
      const bill = billable ? 'B' : n++ % 2 === 0 ? 'NB' : 'NC';
      total += Number(log.hours);
      lines.push(
        csvLine([
          member,
          usDate(log.date!),
          names.get(log.client_id!)!,
          billable ? 'Managed Services' : '',
          billable ? 'Remote Support' : 'Admin',
          `#${40000 + n}`,
          bill,
          log.hours!,
          money(cents(log.rate!), { symbol: '$' }),
          'Worked on, "the" ticket',
        ]),
      );
    }
    grand += total;
    lines.push(csvLine([`${member} Total`, '', '', '', '', '', '', total.toFixed(2), '', '']));
  }
  lines.push(csvLine(['Grand Total', '', '', '', '', '', '', grand.toFixed(2), '', '']));
  return csvText(lines);
}

/** ConnectWise REST `/time/entries` flattened to CSV: ISO timestamps, billableOption values, ids and names. */
export function connectWiseTimeApi(msp: CanonicalMsp): string {
  const names = clientNames(msp);
  const lines = [
    csvLine([
      'id',
      'company/identifier',
      'company/name',
      'chargeToId',
      'chargeToType',
      'member/identifier',
      'member/name',
      'timeStart',
      'timeEnd',
      'actualHours',
      'billableOption',
      'hourlyRate',
      'workType/name',
      'notes',
    ]),
  ];
  msp.time_logs.forEach((log, i) => {
    const [first = '', last = ''] = log.staff_name!.split(' ');
    const start = `${log.date}T${pad(13 + (i % 5))}:${pad((i * 7) % 60)}:00Z`;
    const option = isTrue(log.billable) ? (i % 4 === 0 ? 'NoDefault' : 'Billable') : i % 2 === 0 ? 'DoNotBill' : 'NoCharge';
    lines.push(
      csvLine([
        100000 + i,
        log.client_id!.replace(/^C/, 'CLI'),
        names.get(log.client_id!)!,
        5000 + (i % 300),
        'ServiceTicket',
        `${first[0]}${last}`.toLowerCase(),
        log.staff_name!,
        start,
        '',
        log.hours!,
        option,
        log.rate!,
        'Remote',
        '',
      ]),
    );
  });
  return csvText(lines);
}

/**
 * Autotask's time entry export from a UK-locale user: `;` separated, DD/MM/YYYY dates, decimal
 * commas, IsNonBillable True/False, Resource names, hours to bill 0 on non-billable entries.
 */
export function autotaskTimeEntries(msp: CanonicalMsp): string {
  const names = clientNames(msp);
  const lines = [
    csvLine(
      [
        'TimeEntryID',
        'TicketNumber',
        'Account',
        'Resource',
        'DateWorked',
        'StartDateTime',
        'HoursWorked',
        'HoursToBill',
        'IsNonBillable',
        'BillingCodeName',
        'SummaryNotes',
      ],
      ';',
    ),
  ];
  msp.time_logs.forEach((log, i) => {
    const billable = isTrue(log.billable);
    lines.push(
      csvLine(
        [
          7000000 + i,
          `T2025${pad(i % 100)}.${String(i).padStart(4, '0')}`,
          names.get(log.client_id!)!,
          log.staff_name!,
          ukDate(log.date!),
          `${ukDate(log.date!)} 09:00`,
          decimalComma(log.hours!),
          billable ? decimalComma(log.hours!) : '0',
          billable ? 'False' : 'True',
          billable ? 'Remote Support' : 'Internal; admin',
          'Checked backups',
        ],
        ';',
      ),
    );
  });
  return csvText(lines, '\r\n');
}

/** HaloPSA actions: whe_ timestamps, actioncode -1 for no charge, charge and non-charge hours, no timetaken. */
export function haloPsaActions(msp: CanonicalMsp): string {
  const names = clientNames(msp);
  const lines = [
    csvLine(['faultid', 'actionnumber', 'who', 'whe_', 'client_name', 'actioncode', 'actionchargehours', 'actionnonchargehours', 'outcome', 'note']),
  ];
  msp.time_logs.forEach((log, i) => {
    const billable = isTrue(log.billable);
    // Non-billable time is written both ways Halo does: a -1 charge rate, or all of it non-chargeable.
    const code = billable ? String(i % 3) : i % 2 === 0 ? '-1' : '0';
    const charge = billable ? log.hours! : i % 2 === 0 ? log.hours! : '0';
    const nonCharge = billable ? '0' : i % 2 === 0 ? '0' : log.hours!;
    lines.push(
      csvLine([
        30000 + Math.floor(i / 3),
        (i % 3) + 1,
        log.staff_name!,
        `${log.date}T${pad(8 + (i % 9))}:15:00.000`,
        names.get(log.client_id!)!,
        code,
        charge,
        nonCharge,
        'Remote Session',
        '<p>done</p>',
      ]),
    );
  });
  return csvText(lines);
}

// ---- invoices ----------------------------------------------------------------------------

/** Splits a total into 2–3 line amounts that add up to it exactly. */
function lineAmounts(totalCents: number, index: number): number[] {
  const count = 2 + (index % 2);
  if (count === 2) {
    const first = Math.round(totalCents * 0.8);
    return [first, totalCents - first];
  }
  const first = Math.round(totalCents * 0.6);
  const second = Math.round(totalCents * 0.3);
  return [first, second, totalCents - first - second];
}

const xeroStatus: Record<string, string> = { paid: 'PAID', pending: 'AUTHORISED', overdue: 'AUTHORISED', draft: 'DRAFT', void: 'VOIDED' };

/**
 * Xero's invoice export: one row per line item with the invoice columns repeated, `*`-marked
 * template headers, `1 Mar 2025` dates, PAID / AUTHORISED / VOIDED / DRAFT with
 * InvoiceAmountDue. Xero has no overdue status: an overdue invoice is AUTHORISED with money due.
 */
export function xeroInvoiceLines(msp: CanonicalMsp): string {
  const names = clientNames(msp);
  const lines = [
    csvLine([
      '*ContactName',
      'EmailAddress',
      '*InvoiceNumber',
      'Reference',
      '*InvoiceDate',
      '*DueDate',
      'Total',
      'TaxTotal',
      'InvoiceAmountPaid',
      'InvoiceAmountDue',
      'InventoryItemCode',
      '*Description',
      '*Quantity',
      '*UnitAmount',
      'LineAmount',
      '*AccountCode',
      '*TaxType',
      'Currency',
      'Type',
      'Sent',
      'Status',
    ]),
  ];
  msp.invoices.forEach((invoice, i) => {
    const total = cents(invoice.total_amount!);
    const status = xeroStatus[invoice.status!]!;
    const paid = status === 'PAID' ? total : 0;
    const due = status === 'PAID' || status === 'VOIDED' ? 0 : total;
    lineAmounts(total, i).forEach((amount, line) => {
      lines.push(
        csvLine([
          names.get(invoice.client_id!)!,
          'accounts@example.com',
          invoice.invoice_id!,
          `Managed services ${invoice.invoice_date!.slice(0, 7)}`,
          xeroDate(invoice.invoice_date!),
          xeroDate(invoice.due_date!),
          money(total),
          '0.00',
          money(paid),
          money(due),
          line === 0 ? 'MS-FEE' : '',
          line === 0 ? 'Managed services' : `Project work, part ${line}`,
          '1.0000',
          money(amount),
          money(amount),
          '200',
          'Tax Exempt',
          invoice.currency!,
          'Sales invoice',
          'Sent',
          status,
        ]),
      );
    });
  });
  return csvText(lines);
}

/**
 * QuickBooks Online's Transaction List by Customer: title lines, a customer heading row, its
 * invoices and payments, `Total for <customer>`, a closing TOTAL and the Accrual Basis line;
 * Open balance 0.00 for a paid invoice. QuickBooks has no draft invoices (a draft stays in the
 * PSA until it is sent): they are not in the export. A voided invoice is kept at 0.00 with
 * "Voided" in the memo.
 */
export function quickBooksTransactionList(msp: CanonicalMsp, locale: 'us' | 'uk' | 'fr' = 'us'): string {
  const names = clientNames(msp);
  const date = locale === 'us' ? (iso: string) => `${pad(ymd(iso)[1])}/${pad(ymd(iso)[2])}/${ymd(iso)[0]}` : ukDate;
  // UK: 1,234.50 with day-first dates; France: 1 234,50 (a no-break space between thousands).
  const amount = (c: number) => (locale === 'fr' ? money(c, { decimal: ',' }).replaceAll('.', '\u00a0') : money(c));
  const lines = ['Moat Other MSP Ltd', 'Transaction List by Customer', 'September 2024 - October 2025', ''];
  lines.push(csvLine(['', 'Date', 'Transaction type', 'Num', 'Customer', 'Memo/Description', 'Due date', 'Amount', 'Open balance']));
  let grand = 0;
  for (const [clientId, invoices] of byKey(
    msp.invoices.filter((i) => i.status !== 'draft'),
    (i) => i.client_id!,
  )) {
    const name = names.get(clientId)!;
    lines.push(csvLine([name, '', '', '', '', '', '', '', '']));
    let total = 0;
    for (const invoice of invoices) {
      const void_ = invoice.status === 'void';
      const value = void_ ? 0 : cents(invoice.total_amount!);
      const open = invoice.status === 'paid' || void_ ? 0 : value;
      total += value;
      lines.push(
        csvLine([
          '',
          date(invoice.invoice_date!),
          'Invoice',
          invoice.invoice_id!,
          name,
          void_ ? 'Voided' : 'Monthly services',
          date(invoice.due_date!),
          amount(value),
          amount(open),
        ]),
      );
      if (invoice.status === 'paid') lines.push(csvLine(['', date(invoice.due_date!), 'Payment', '', name, '', '', amount(value), amount(0)]));
    }
    grand += total;
    lines.push(csvLine([`Total for ${name}`, '', '', '', '', '', '', amount(total), '']));
  }
  lines.push(csvLine(['TOTAL', '', '', '', '', '', '', amount(grand), '']), '', '', 'Accrual Basis Sunday, November 29, 2026 04:35 PM GMT-05:00');
  return csvText(lines);
}

// ---- licenses ----------------------------------------------------------------------------

/** Pax8 subscriptions: per-seat partner cost and retail price per billing period (annual: the year's). */
export function pax8Subscriptions(msp: CanonicalMsp): string {
  const names = clientNames(msp);
  const lines = [
    csvLine([
      'Company Name',
      'Product Name',
      'Vendor Name',
      'Subscription ID',
      'Quantity',
      'Partner Cost',
      'Retail Price',
      'Billing Term',
      'Commitment Term',
      'Start Date',
      'End Date',
      'Status',
    ]),
  ];
  msp.licenses.forEach((license, i) => {
    const annual = license.billing_term === 'annual';
    const per = (value: string) => (value === '' ? '' : money(cents(value) * (annual ? 12 : 1), { symbol: '$' }));
    lines.push(
      csvLine([
        names.get(license.client_id!)!,
        license.product!,
        license.vendor!,
        `sub-${1000 + i}`,
        license.seats_purchased!,
        per(license.cost_per_seat!),
        per(license.price_per_seat!),
        annual ? 'Annual' : 'Monthly',
        annual ? '1 Year' : '1 Month',
        '',
        license.renewal_date === '' ? '' : usDate(license.renewal_date!),
        'Active',
      ]),
    );
  });
  return csvText(lines);
}

/** The Microsoft 365 admin centre's license export of one client's tenant (its Microsoft products only). */
export function m365AdminLicenses(msp: CanonicalMsp, clientId: string): string | null {
  const rows = msp.licenses.filter((l) => l.client_id === clientId && l.vendor === 'Microsoft');
  if (rows.length === 0) return null;
  const lines = [csvLine(['Product title', 'Total licenses', 'Expired licenses', 'Assigned licenses', 'Available licenses'])];
  for (const license of rows) {
    const bought = Number(license.seats_purchased);
    const used = Number(license.seats_used);
    lines.push(csvLine([license.product!.replace('Exchange Online Plan 1', 'Exchange Online (Plan 1)'), bought, 0, used, Math.max(0, bought - used)]));
  }
  return csvText(lines);
}

// ---- what a user's copy of the file looks like -------------------------------------------

export interface Untidiness {
  /** Header cells upper-cased and followed by a space (`MEMBER/NAME `). */
  shoutedHeader?: boolean;
  /** A UTF-8 byte-order mark, as Excel writes "CSV UTF-8". */
  bom?: boolean;
  /** Windows line endings. */
  crlf?: boolean;
  /** A column no preset knows, inserted second. */
  extraColumn?: boolean;
  /** The columns in reverse order. */
  reversed?: boolean;
}

/** A header-first, comma-separated export (no title lines) as a user's spreadsheet round trip leaves it. */
export function untidy(csv: string, how: Untidiness): string {
  const rows = csv
    .split('\n')
    .filter((l) => l !== '')
    .map(splitCsvLine);
  const out = rows.map((cells, i) => {
    let row = [...cells];
    if (i === 0 && how.shoutedHeader) row = row.map((h) => `${h.toUpperCase()} `);
    if (how.extraColumn) row.splice(1, 0, i === 0 ? 'Custom Field 1' : `x${i}`);
    if (how.reversed) row.reverse();
    return csvLine(row);
  });
  return `${how.bom ? '\uFEFF' : ''}${csvText(out, how.crlf ? '\r\n' : '\n')}`;
}

/** Windows-1252 bytes of a text (the characters sample files use: ASCII, €, é and the like). */
export function windows1252(text: string): Buffer {
  const special: Record<string, number> = { '€': 0x80, '‚': 0x82, '„': 0x84, '…': 0x85, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '–': 0x96, '—': 0x97 };
  return Buffer.from([...text].map((c) => special[c] ?? (c.charCodeAt(0) < 256 ? c.charCodeAt(0) : 0x3f)));
}

/**
 * Xero's invoice export from a German-locale organisation, saved by Excel in Windows-1252:
 * `;` separated, `1.234,50 €` amounts, DD.MM.YYYY dates, EUR currency.
 */
export function xeroInvoicesEuro(msp: CanonicalMsp): string {
  const names = clientNames(msp);
  const date = (iso: string) => ((y, m, d) => `${pad(d)}.${pad(m)}.${y}`)(...ymd(iso));
  const euro = (c: number) => `${money(c, { decimal: ',' })} €`;
  const lines = [csvLine(['Contact Name', 'Invoice Number', 'Invoice Date', 'Due Date', 'Total', 'Amount Paid', 'Amount Due', 'Status', 'Currency'], ';')];
  for (const invoice of msp.invoices) {
    const total = cents(invoice.total_amount!);
    const status = xeroStatus[invoice.status!]!;
    const due = status === 'PAID' || status === 'VOIDED' ? 0 : total;
    lines.push(
      csvLine(
        [
          names.get(invoice.client_id!)!,
          invoice.invoice_id!,
          date(invoice.invoice_date!),
          date(invoice.due_date!),
          euro(total),
          euro(total - due),
          euro(due),
          status,
          'EUR',
        ],
        ';',
      ),
    );
  }
  return csvText(lines, '\r\n');
}
