import { count, optionalText } from '../field-types.js';
import type { ImportPreset } from './import-preset.js';
import { completeBilledPosition, positionKey, productColumn } from './license-positions.js';

const company = ['company', 'company_name', 'companyname', 'company_identifier'];
const productNames = [
  ['description', 'product_description'],
  ['product_id', 'productid', 'product_identifier', 'product'],
];

/** Seats billed: `Quantity` less `Less Included`; none once the addition is cancelled. */
function billedQuantity([quantity = '', lessIncluded = '', cancelled = '']: readonly string[]): string {
  if (cancelled.trim() !== '') return '0';
  if (lessIncluded.trim() === '') return quantity;
  const billed = Number(quantity.replaceAll(',', '')) - Number(lessIncluded.replaceAll(',', ''));
  return Number.isFinite(billed) ? String(Math.max(0, billed)) : quantity;
}

/**
 * ConnectWise PSA agreement additions (*Finance* → *Agreements* → an agreement's
 * *Additions*, or the Agreement Additions report, exported to CSV: `Agreement, Company,
 * Product ID, Description, Quantity, Less Included, Unit Price, Unit Cost, Effective Date,
 * Cancelled Date, Bill Customer`). What the client is invoiced for each month: a billing
 * (`billed`) source. `Unit Price` is the client's price (price per seat), `Unit Cost` the
 * MSP's cost. Additions of one product on several agreements of a company are one position.
 */
export const connectWiseAgreementAdditions: ImportPreset = {
  id: 'connectwise-agreement-additions',
  name: 'ConnectWise PSA agreement additions',
  dataset: 'licenses',
  identifyBy: ['agreement', 'agreement_name', 'product_id', 'less_included', 'cancelled_date', 'bill_customer', 'effective_date', 'unit_cost'],
  minMatches: 3,
  fields: {
    client_name: { headers: company },
    product: { inputs: productNames, derive: productColumn },
    price_per_seat: { headers: ['unit_price', 'unitprice', 'price'] },
    cost_per_seat: { headers: ['unit_cost', 'unitcost', 'cost'] },
    _position: { inputs: [company, ...productNames], derive: positionKey, schema: optionalText },
    _billed: {
      inputs: [
        ['quantity', 'qty'],
        ['less_included', 'lessincluded'],
        ['cancelled_date', 'cancelleddate', 'date_cancelled'],
      ],
      derive: billedQuantity,
      schema: count({ required: true }),
    },
  },
  required: ['client_name', 'product', 'price_per_seat', '_position', '_billed'],
  grouping: {
    key: '_position',
    sum: [],
    merge: (group, line) => {
      group._billed = (group._billed as number) + (line._billed as number);
    },
  },
  complete: (cells, context) => completeBilledPosition(cells, context, cells._billed as number),
};
