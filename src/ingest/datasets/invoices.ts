import { choice, money, optionalDate, optionalText, requiredDate } from '../field-types.js';
import { clientReferenceFields, type DatasetDefinition } from './dataset-definition.js';

/** DESIGN section 3: `sent`, `open`, `unpaid` count as pending. */
const invoiceStatus = choice(
  {
    paid: 'paid',
    closed: 'paid',
    settled: 'paid',
    pending: 'pending',
    sent: 'pending',
    open: 'pending',
    unpaid: 'pending',
    awaiting_payment: 'pending',
    'awaiting payment': 'pending',
    authorised: 'pending',
    authorized: 'pending',
    partial: 'pending',
    'partially paid': 'pending',
    overdue: 'overdue',
    'past due': 'overdue',
    past_due: 'overdue',
    void: 'void',
    voided: 'void',
    cancelled: 'void',
    canceled: 'void',
    deleted: 'void',
    draft: 'draft',
  },
  { fallback: 'pending', label: 'invoice status' },
);

export const invoicesDataset: DatasetDefinition = {
  name: 'invoices',
  keyColumn: 'invoice_id',
  columns: ['invoice_id', 'client_id', 'invoice_date', 'due_date', 'total_cents', 'status', 'currency'],
  referencesClient: true,
  fields: {
    invoice_id: { aliases: ['invoice_number', 'invoice_no', 'invoice', 'invoice_num', 'number', 'id', 'document_number'], schema: optionalText },
    ...clientReferenceFields,
    // `date` and `amount` are the older Python MoatMetrics columns.
    invoice_date: {
      aliases: ['date', 'issue_date', 'invoice_dt', 'issued', 'issued_on', 'transaction_date', 'txn_date'],
      schema: requiredDate,
      requiredColumn: true,
    },
    due_date: { aliases: ['due', 'due_on', 'payment_due'], schema: optionalDate },
    total_amount: {
      aliases: ['amount', 'total', 'invoice_total', 'invoice_amount', 'total_amount_incl_tax', 'grand_total'],
      schema: money({ required: true }),
      requiredColumn: true,
    },
    status: { aliases: ['invoice_status', 'state', 'payment_status'], schema: invoiceStatus },
    currency: { aliases: ['currency_code', 'ccy'], schema: optionalText },
  },
  build(cells) {
    const invoiceDate = cells.invoice_date as string;
    const due = (cells.due_date as string | null | undefined) ?? null;
    if (due && due < invoiceDate) return { problem: { field: 'due_date', reason: `is before invoice_date (${invoiceDate})` } };
    const currency = ((cells.currency as string | null | undefined) ?? 'USD').toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) return { problem: { field: 'currency', reason: 'must be a 3-letter currency code such as USD' } };
    return {
      key: (cells.invoice_id as string | null | undefined) ?? null,
      values: {
        invoice_id: cells.invoice_id ?? null,
        client_id: cells.client_id,
        invoice_date: invoiceDate,
        due_date: due,
        total_cents: cells.total_amount,
        status: cells.status ?? 'pending',
        currency,
      },
    };
  },
};
