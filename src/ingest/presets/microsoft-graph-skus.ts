import { count } from '../field-types.js';
import type { ImportPreset } from './import-preset.js';
import { completeTenantPosition, productColumn } from './license-positions.js';

/** `Total licenses`, else `Available` + `Assigned` (an admin-centre export without the total). */
function tenantSeats([total = '', available = '', assigned = '']: readonly string[]): string {
  if (total.trim() !== '' || available.trim() === '') return total;
  const sum = Number(available.replaceAll(',', '')) + Number(assigned.replaceAll(',', '') || '0');
  return Number.isFinite(sum) ? String(sum) : `${available}+${assigned}`;
}

/**
 * A Microsoft 365 tenant's licenses: Microsoft Graph `subscribedSkus` as CSV (`skuId,
 * skuPartNumber, consumedUnits, prepaidUnits.enabled, prepaidUnits.suspended,
 * prepaidUnits.warning, capabilityStatus, appliesTo`) or the admin centre's *Billing* →
 * *Licenses* export (`Product title`, `Total licenses`, `Assigned licenses`, `Available
 * licenses`, `Expired licenses`). Seats in use: an assignment (`tenant`) source. The file
 * names neither the client (one tenant is one client: `--client`) nor a price (the vendor's
 * file or `--price-list`).
 */
export const microsoftGraphSkus: ImportPreset = {
  id: 'microsoft-graph-skus',
  name: 'Microsoft 365 licenses (Graph subscribedSkus or admin centre)',
  dataset: 'licenses',
  identifyBy: [
    'skupartnumber',
    'consumedunits',
    'prepaidunits_enabled',
    'prepaidunits_suspended',
    'prepaidunits_warning',
    'capabilitystatus',
    'appliesto',
    'product_title',
    'assigned_licenses',
    'available_licenses',
    'expired_licenses',
  ],
  minMatches: 2,
  fields: {
    product: {
      inputs: [
        ['skupartnumber', 'sku_part_number'],
        ['product_title', 'product', 'product_name'],
      ],
      derive: productColumn,
    },
    seats_used: { headers: ['consumedunits', 'consumed_units', 'assigned_licenses', 'assigned'] },
    _tenant_seats: {
      inputs: [
        ['prepaidunits_enabled', 'total_licenses', 'total'],
        ['available_licenses', 'available'],
        ['assigned_licenses', 'assigned'],
      ],
      derive: tenantSeats,
      schema: count({ required: true }),
    },
  },
  required: ['product', 'seats_used', '_tenant_seats'],
  complete: (cells, context) => completeTenantPosition(cells, context, cells._tenant_seats as number),
};
