import { money, optionalDate, optionalText } from '../field-types.js';
import type { ImportPreset } from './import-preset.js';
import { positionKey, productColumn, signedQuantity } from './license-positions.js';
import { firstPresent } from './value-conventions.js';
import { completeVendorLines, mergeVendorLine } from './vendor-subscriptions.js';

const customerName = ['customername', 'customer_name', 'customercompanyname', 'customer_company_name'];
const productNames = [
  ['skuname', 'sku_name'],
  ['productname', 'product_name'],
  ['offername', 'offer_name'],
];

/**
 * Microsoft Partner Center billing reconciliation files: the billed invoice's license-based
 * and new-commerce line items (*Billing* → *Invoice* → *Download reconciliation file*), one
 * line per charge (`PartnerId, CustomerId, CustomerName, CustomerDomainName, InvoiceNumber,
 * ProductId, SkuId, ProductName, SkuName, ChargeType, UnitPrice, Quantity, Subtotal,
 * TaxTotal, Total, Currency, ChargeStartDate, ChargeEndDate, SubscriptionId,
 * TermAndBillingCycle, BillingFrequency, …`). `UnitPrice` is what Microsoft charges the
 * partner: the cost per seat. The file says nothing about seats in use: it is a purchase
 * (`vendor`) source. Charge lines become one position per customer and product
 * (vendor-subscriptions.ts).
 */
export const partnerCenterLicenses: ImportPreset = {
  id: 'partner-center-licenses',
  name: 'Microsoft Partner Center reconciliation file',
  dataset: 'licenses',
  identifyBy: [
    'partnerid',
    'customerid',
    'customername',
    'customerdomainname',
    'invoicenumber',
    'chargetype',
    'chargestartdate',
    'chargeenddate',
    'subscriptionid',
    'termandbillingcycle',
    'billablequantity',
    'skuname',
    'mpnid',
  ],
  minMatches: 4,
  fields: {
    client_name: { headers: customerName },
    product: { inputs: productNames, derive: productColumn },
    billing_term: {
      inputs: [
        ['termandbillingcycle', 'term_and_billing_cycle'],
        ['billingfrequency', 'billing_frequency', 'billingcycletype'],
      ],
      derive: firstPresent,
    },
    _position: { inputs: [customerName, ...productNames], derive: positionKey, schema: optionalText },
    _subscription: { headers: ['subscriptionid', 'subscription_id', 'orderid', 'order_id'], schema: optionalText },
    _charge_type: { headers: ['chargetype', 'charge_type'], schema: optionalText },
    _charge_start: { headers: ['chargestartdate', 'charge_start_date'], schema: optionalDate },
    _quantity: { inputs: [['quantity'], ['billablequantity', 'billable_quantity']], derive: firstPresent, schema: signedQuantity },
    _unit_cost: { headers: ['unitprice', 'unit_price'], schema: money({ required: true }) },
    _billing: {
      inputs: [
        ['billingfrequency', 'billing_frequency', 'billingcycletype', 'billing_cycle_type'],
        ['termandbillingcycle', 'term_and_billing_cycle'],
      ],
      derive: firstPresent,
      schema: optionalText,
    },
    _subscription_start: { headers: ['subscriptionstartdate', 'subscription_start_date'], schema: optionalDate },
    _subscription_end: { headers: ['subscriptionenddate', 'subscription_end_date'], schema: optionalDate },
  },
  required: ['client_name', 'product', '_position', '_quantity', '_unit_cost'],
  grouping: { key: '_position', sum: [], merge: mergeVendorLine },
  complete: completeVendorLines('Microsoft'),
};
