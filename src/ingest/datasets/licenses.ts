import { count, money, optionalDate, optionalText, requiredText } from '../field-types.js';
import { clientReferenceFields, type DatasetDefinition } from './dataset-definition.js';

export const licensesDataset: DatasetDefinition = {
  name: 'licenses',
  keyColumn: 'license_id',
  columns: [
    'license_id',
    'client_id',
    'product',
    'vendor',
    'seats_purchased',
    'seats_used',
    'cost_per_seat_cents',
    'total_cost_cents',
    'price_per_seat_cents',
    'billing_term',
    'renewal_date',
    'start_date',
    'end_date',
    'seats_billed',
    'sources',
  ],
  referencesClient: true,
  fields: {
    license_id: { aliases: ['id', 'subscription_id', 'license', 'licence_id', 'sku_id'], schema: optionalText },
    ...clientReferenceFields,
    // `name` is the product column of the older Python MoatMetrics.
    product: {
      aliases: ['product_name', 'sku', 'sku_name', 'license_name', 'licence_name', 'name', 'offer_name', 'subscription'],
      schema: requiredText,
      requiredColumn: true,
    },
    vendor: { aliases: ['publisher', 'manufacturer', 'provider', 'distributor'], schema: optionalText },
    seats_purchased: {
      aliases: ['seats', 'quantity', 'purchased', 'total_licenses', 'licenses_purchased', 'prepaid_units', 'seats_total', 'licenses'],
      schema: count({ required: true }),
      requiredColumn: true,
    },
    seats_used: {
      aliases: ['assigned', 'consumed_units', 'used', 'assigned_licenses', 'seats_assigned', 'licenses_assigned', 'in_use', 'active_users'],
      schema: count({ required: true }),
      requiredColumn: true,
    },
    cost_per_seat: {
      aliases: ['unit_cost', 'cost_per_license', 'cost_per_unit', 'seat_cost', 'monthly_cost_per_seat'],
      schema: money({ required: false, min: 0 }),
    },
    total_cost: { aliases: ['monthly_cost', 'cost', 'total_monthly_cost', 'monthly_total', 'extended_cost'], schema: money({ required: false, min: 0 }) },
    price_per_seat: { aliases: ['unit_price', 'price', 'sell_price', 'price_per_license', 'billed_price'], schema: money({ required: false, min: 0 }) },
    billing_term: { aliases: ['term', 'billing_frequency', 'commitment'], schema: optionalText },
    renewal_date: { aliases: ['renewal', 'renews_on', 'next_renewal', 'expiry_date', 'expiration_date'], schema: optionalDate },
    start_date: { aliases: ['start', 'starts_on', 'begin_date'], schema: optionalDate },
    end_date: { aliases: ['end', 'ends_on', 'cancelled_on'], schema: optionalDate },
    // What the client is invoiced for: compared with the seats bought and assigned (license-reconciliation.ts).
    seats_billed: { aliases: ['billed_seats', 'quantity_billed', 'billed_quantity'], schema: count({ required: false }) },
  },
  build(cells) {
    const costPerSeat = (cells.cost_per_seat as number | null | undefined) ?? null;
    const totalCost = (cells.total_cost as number | null | undefined) ?? null;
    if (costPerSeat === null && totalCost === null) {
      return { problem: { field: 'cost_per_seat', reason: 'cost_per_seat or total_cost is required (monthly cost)' } };
    }
    const start = (cells.start_date as string | null | undefined) ?? null;
    const end = (cells.end_date as string | null | undefined) ?? null;
    if (start && end && end < start) return { problem: { field: 'end_date', reason: `is before start_date (${start})` } };
    return {
      key: (cells.license_id as string | null | undefined) ?? null,
      values: {
        license_id: cells.license_id ?? null,
        client_id: cells.client_id,
        product: cells.product,
        vendor: cells.vendor ?? null,
        seats_purchased: cells.seats_purchased,
        seats_used: cells.seats_used,
        cost_per_seat_cents: costPerSeat,
        total_cost_cents: totalCost,
        price_per_seat_cents: cells.price_per_seat ?? null,
        billing_term: cells.billing_term ?? null,
        renewal_date: cells.renewal_date ?? null,
        start_date: start,
        end_date: end,
        seats_billed: cells.seats_billed ?? null,
        // Set by the vendor presets only (presets/license-positions.ts): a canonical row states every figure itself.
        sources: cells.sources ?? null,
      },
    };
  },
};
