import type { ImportPreset } from './import-preset.js';
import { isQuickBooksNonInvoice, quickBooksAmount, quickBooksStatus } from './invoice-conventions.js';

/**
 * QuickBooks Online invoices in the shapes it exports them:
 * - invoice lines (the invoice import/export template and the sales detail reports):
 *   `Invoice number` or `InvoiceNo` or `Num`, `Customer`, `Invoice date`, `Due date`,
 *   `Product/Service`, `Qty`, `Rate`, `Item Amount`, `Item Tax Amount`, one row per line,
 *   grouped by invoice number with the amounts added up;
 * - the Invoice List / Transaction List by Customer reports: a few title lines, then `Date,
 *   Transaction type, Num, Customer, Due date, Amount, Open balance`, with `Total for …` and
 *   `TOTAL` rows (skipped as total rows) and payments, deposits and estimates (skipped as no
 *   invoices);
 * - the Sales → Invoices list: `Date, Type, No., Customer, Memo, Due date, Balance, Total,
 *   Status`.
 */
export const quickBooksInvoices: ImportPreset = {
  id: 'quickbooks-invoices',
  name: 'QuickBooks Online invoices',
  dataset: 'invoices',
  identifyBy: [
    'transaction_type',
    'transactiontype',
    'open_balance',
    'openbalance',
    'num',
    'product_service',
    'productservice',
    'item_amount',
    'itemamount',
    'invoiceno',
    'item_quantity',
    'itemquantity',
    'item_rate',
    'itemrate',
    'item_description',
    'itemdescription',
    'item_tax_amount',
    'itemtaxamount',
    'memo_description',
    'total_before_sales_tax',
  ],
  minMatches: 2,
  fields: {
    invoice_id: { headers: ['invoice_number', 'invoiceno', 'invoice_no', 'num', 'no', 'number', 'doc_number', 'ref_no'] },
    client_name: { headers: ['customer', 'customer_name', 'customer_full_name', 'customer_display_name', 'name'] },
    invoice_date: { headers: ['invoice_date', 'invoicedate', 'date', 'transaction_date', 'txn_date'] },
    due_date: { headers: ['due_date', 'duedate'] },
    total_amount: {
      inputs: [
        ['item_amount', 'itemamount', 'amount', 'total', 'line_amount'],
        ['item_tax_amount', 'itemtaxamount'],
        ['transaction_type', 'transactiontype', 'type'],
      ],
      derive: quickBooksAmount,
      firstRequired: true,
    },
    status: {
      inputs: [
        ['status', 'invoice_status'],
        ['open_balance', 'openbalance', 'balance'],
        ['transaction_type', 'transactiontype', 'type'],
        ['memo_description', 'memo'],
      ],
      derive: quickBooksStatus,
    },
    currency: { headers: ['currency', 'currency_code', 'currencycode'] },
  },
  required: ['invoice_id', 'client_name', 'invoice_date', 'total_amount'],
  // Each line's amount is its own: added up. A report row is one whole invoice, a group of one.
  grouping: { key: 'invoice_id', sum: ['total_amount'] },
  skipRows: { headers: ['transaction_type', 'transactiontype', 'type'], skip: isQuickBooksNonInvoice },
  // Transaction List by Customer names each customer once, in a heading row above its transactions.
  sectionHeadings: 'client_name',
};
