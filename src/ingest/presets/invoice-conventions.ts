import { parseScaledDecimal } from '../field-types.js';

/**
 * Value conventions of accounting exports (Xero, QuickBooks Online), rewritten into what the
 * invoices dataset reads: its status words and signed totals. As in value-conventions.ts, a
 * value a function does not know passes through unchanged, so the canonical field's own
 * check names it (and the cell as the file wrote it) in the error.
 */

/** `Awaiting Payment` → `awaitingpayment`: the lookup key of the tables below. */
function key(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
}

/** Cents of an amount cell; null when it is empty or unreadable. */
function cents(value: string): number | null {
  return value.trim() === '' ? null : parseScaledDecimal(value.trim(), 2);
}

/** Transactions that give money back: stored with a negative total, however the export signs them. */
const creditTypes = new Set(['accreccredit', 'creditnote', 'salescreditnote', 'creditmemo', 'refundreceipt', 'refund']);

/** The amount, negative for a credit note (Xero `ACCRECCREDIT`, QuickBooks `Credit Memo`) written as a positive number. */
function signedAmount(amount: string, type: string): string {
  if (!creditTypes.has(key(type))) return amount;
  const value = cents(amount);
  if (value === null || value <= 0) return amount;
  return (-value / 100).toFixed(2);
}

/** Paid when nothing is left to pay on a non-zero invoice; pending (or `unpaid`, for an overdue one) otherwise. */
function byBalance(balance: number, amount: string, unpaid: 'pending' | 'overdue'): string {
  const total = cents(amount);
  return balance === 0 && total !== null && total !== 0 ? 'paid' : unpaid;
}

const xeroStatuses: Record<string, string> = {
  draft: 'draft',
  // Submitted for approval: not yet sent to the client, so not yet revenue or money owed.
  submitted: 'draft',
  awaitingapproval: 'draft',
  authorised: 'unpaid',
  authorized: 'unpaid',
  awaitingpayment: 'unpaid',
  overdue: 'unpaid',
  paid: 'paid',
  voided: 'void',
  void: 'void',
  deleted: 'void',
};

/**
 * Xero `Status` (DRAFT, SUBMITTED, AUTHORISED, PAID, VOIDED, DELETED, or the UI's `Awaiting
 * Payment` / `Awaiting Approval`), read with `InvoiceAmountDue` and `Total`: an authorised
 * invoice with nothing due is paid (Xero leaves part-paid and fully paid invoices AUTHORISED
 * in some exports); one with money due is pending, or overdue when Xero says so.
 */
export function xeroStatus([status = '', amountDue = '', total = '']: readonly string[]): string {
  const due = cents(amountDue);
  const word = key(status);
  if (word === '') return due === null ? '' : byBalance(due, total, 'pending');
  const mapped = xeroStatuses[word];
  if (mapped === undefined) return status;
  if (mapped !== 'unpaid') return mapped;
  const unpaid = word === 'overdue' ? 'overdue' : 'pending';
  return due === null ? unpaid : byBalance(due, total, unpaid);
}

/** Xero `Total` (or `LineAmount`), negative for a credit note (`Type` ACCRECCREDIT). */
export function xeroTotal([amount = '', type = '']: readonly string[]): string {
  return signedAmount(amount, type);
}

/**
 * QuickBooks transaction types that are no invoices: payments received, deposits, estimates,
 * journal entries and the purchase side. A "Transaction List by Customer" report mixes them
 * with the invoices; importing a payment as an invoice would count its money twice.
 * Any other type (Invoice, Credit Memo, Sales Receipt, Refund Receipt, Statement Charge) is imported.
 */
const notInvoices = new Set([
  'payment',
  'receivepayment',
  'deposit',
  'estimate',
  'journalentry',
  'delayedcharge',
  'delayedcredit',
  'bill',
  'billpayment',
  'billpaymentcheck',
  'billpaymentcreditcard',
  'vendorcredit',
  'expense',
  'check',
  'cheque',
  'transfer',
  'purchaseorder',
  'creditcardcredit',
  'creditcardpayment',
  'salestaxpayment',
  'inventoryqtyadjust',
  'timeactivity',
]);

/** True for a QuickBooks row whose `Transaction type` is no invoice (skipped, see `notInvoices`). */
export function isQuickBooksNonInvoice(type: string): boolean {
  return notInvoices.has(key(type));
}

/** Money already received when the transaction was made. */
const paidOnTheSpot = new Set(['salesreceipt', 'refundreceipt']);

/**
 * QuickBooks status from `Open balance` first (0.00: paid; anything else: pending), then the Sales → Invoices list's `Status` (`Paid`, `Deposited`, `Overdue 12
 * days`, `Due in 5 days`, `Partially paid`, `Voided`). A voided transaction keeps its row
 * with a zero amount and `Voided` as its memo or status; a sales receipt is paid when made.
 */
export function quickBooksStatus([status = '', openBalance = '', type = '', memo = '']: readonly string[]): string {
  const word = key(status);
  if (word === 'voided' || word === 'void' || key(memo) === 'voided') return 'void';
  if (paidOnTheSpot.has(key(type))) return 'paid';
  const overdue = word.startsWith('overdue');
  const balance = cents(openBalance);
  // The balance is the invoice's, repeated on each of its lines; a line's own amount may be 0 (a note line).
  if (balance !== null) return balance === 0 ? 'paid' : overdue ? 'overdue' : 'pending';
  if (word === '') return '';
  if (overdue) return 'overdue';
  if (word === 'deposited') return 'paid';
  if (word.startsWith('due') || word === 'notdue') return 'pending';
  return status;
}

/**
 * QuickBooks amount: a line's `Item Amount` plus its `Item Tax Amount` (the import/export
 * template's lines), or the report's `Amount` / `Total`; negative for a credit memo or refund.
 */
export function quickBooksAmount([amount = '', itemTax = '', type = '']: readonly string[]): string {
  if (itemTax.trim() === '') return signedAmount(amount, type);
  const tax = cents(itemTax);
  const value = cents(amount);
  // Either unreadable: a value the money check refuses, quoting the amount cell as written.
  if (tax === null || value === null) return `${amount}+${itemTax}`;
  return signedAmount(((value + tax) / 100).toFixed(2), type);
}
