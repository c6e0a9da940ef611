import { money, optionalDate, optionalText } from '../field-types.js';
import type { ImportPreset } from './import-preset.js';
import { positionKey, productColumn, signedQuantity } from './license-positions.js';
import { firstPresent } from './value-conventions.js';
import { completeVendorLines, mergeVendorLine } from './vendor-subscriptions.js';

const companyName = ['company_name', 'companyname', 'company', 'client_name'];
const productNames = [['product_name', 'productname', 'product']];

/**
 * Pax8 subscriptions (*Subscriptions* → *Export*, or the API's subscriptions as CSV): `Company
 * Name, Product Name, Vendor Name, Quantity, Partner Cost / Unit Cost, Retail Price, Billing
 * Term, Start Date, End Date, Status, Subscription ID`. `Partner Cost` is what Pax8 charges
 * the MSP (cost per seat), `Retail Price` what the client pays (price per seat). A purchase
 * (`vendor`) source; several subscriptions of one product for one company are one position.
 */
export const pax8Licenses: ImportPreset = {
  id: 'pax8-licenses',
  name: 'Pax8 subscriptions',
  dataset: 'licenses',
  identifyBy: ['partner_cost', 'partnercost', 'retail_price', 'retailprice', 'billing_term', 'billingterm', 'commitment_term', 'vendor_name'],
  minMatches: 2,
  fields: {
    client_name: { headers: companyName },
    product: { inputs: productNames, derive: productColumn },
    vendor: { headers: ['vendor_name', 'vendorname', 'vendor'] },
    billing_term: { headers: ['billing_term', 'billingterm'] },
    _position: { inputs: [companyName, ...productNames], derive: positionKey, schema: optionalText },
    _subscription: { headers: ['subscription_id', 'subscriptionid', 'id'], schema: optionalText },
    _charge_type: { headers: ['status'], schema: optionalText },
    _quantity: { headers: ['quantity', 'qty'], schema: signedQuantity },
    _unit_cost: {
      inputs: [
        ['partner_cost', 'partnercost'],
        ['unit_cost', 'unitcost', 'cost'],
      ],
      derive: firstPresent,
      schema: money({ required: true }),
    },
    _unit_sell: { headers: ['retail_price', 'retailprice', 'price'], schema: money({ required: false }) },
    _billing: { headers: ['billing_term', 'billingterm'], schema: optionalText },
    _subscription_start: { headers: ['start_date', 'startdate'], schema: optionalDate },
    _subscription_end: { headers: ['end_date', 'enddate', 'commitment_end_date'], schema: optionalDate },
  },
  required: ['client_name', 'product', '_position', '_quantity', '_unit_cost'],
  grouping: { key: '_position', sum: [], merge: mergeVendorLine },
  complete: completeVendorLines(null),
};
