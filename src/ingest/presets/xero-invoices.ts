import type { ImportPreset } from './import-preset.js';
import { xeroStatus, xeroTotal } from './invoice-conventions.js';

/** Xero's spellings of the invoice total; `LineAmount` only when the export has no total (then the lines are added up). */
const totalHeaders = ['total', 'invoice_total', 'invoicetotal', 'lineamount', 'line_amount'];

/**
 * Xero sales invoices as Business → Invoices → Export writes them: one row per line item,
 * with the invoice's own columns repeated on each (`*ContactName, EmailAddress,
 * POAddressLine1, …, *InvoiceNumber, Reference, *InvoiceDate, *DueDate, Total, TaxTotal,
 * InvoiceAmountPaid, InvoiceAmountDue, InventoryItemCode, *Description, *Quantity,
 * *UnitAmount, Discount, LineAmount, *AccountCode, *TaxType, TaxAmount, TrackingName1,
 * TrackingOption1, Currency, Type, Sent, Status`; `*` marks the columns Xero's import template
 * requires), and the spaced form of the invoice list (`Contact Name`, `Invoice Number`,
 * `Invoice Date`, `Due Date`, `Amount Paid`, `Amount Due`, `Total`, `Status`). Lines are
 * grouped by invoice number; `Total` is the invoice's and is taken once.
 */
export const xeroInvoices: ImportPreset = {
  id: 'xero-invoices',
  name: 'Xero invoices',
  dataset: 'invoices',
  identifyBy: [
    'contactname',
    'contact_name',
    'invoicenumber',
    'invoiceamountpaid',
    'invoice_amount_paid',
    'invoiceamountdue',
    'invoice_amount_due',
    'amount_paid',
    'amount_due',
    'emailaddress',
    'poaddressline1',
    'inventoryitemcode',
    'inventory_item_code',
    'unitamount',
    'unit_amount',
    'lineamount',
    'line_amount',
    'accountcode',
    'account_code',
    'taxtype',
    'tax_type',
    'taxtotal',
    'tax_total',
    'trackingname1',
    'brandingtheme',
    'branding_theme',
  ],
  minMatches: 2,
  fields: {
    invoice_id: { headers: ['invoicenumber', 'invoice_number', 'creditnotenumber', 'credit_note_number', 'invoice_no', 'number'] },
    // Xero's ContactID is Xero's own id, not ours: the contact is matched by name.
    client_name: { headers: ['contactname', 'contact_name', 'contact', 'to'] },
    invoice_date: { headers: ['invoicedate', 'invoice_date', 'date'] },
    due_date: { headers: ['duedate', 'due_date'] },
    total_amount: { inputs: [totalHeaders, ['type', 'invoice_type']], derive: xeroTotal, firstRequired: true },
    status: {
      inputs: [
        ['status', 'invoice_status'],
        ['invoiceamountdue', 'invoice_amount_due', 'amount_due', 'amountdue'],
        ['total', 'invoice_total', 'invoicetotal'],
      ],
      derive: xeroStatus,
    },
    currency: { headers: ['currency', 'currencycode', 'currency_code'] },
  },
  required: ['invoice_id', 'client_name', 'invoice_date', 'total_amount'],
  grouping: { key: 'invoice_id', sum: [], sumWhenFrom: { total_amount: ['lineamount', 'line_amount'] } },
};
