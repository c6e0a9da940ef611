/**
 * The canonical column order of each sample file (DESIGN.md §3). The importer maps onto
 * these names, so the generator writes exactly them, in this order.
 */
export const sampleCsvHeaders = {
  clients: ['client_id', 'client_name', 'industry', 'status', 'contract_value', 'onboarded_on', 'churned_on'],
  staff: ['staff_name', 'role', 'cost_rate', 'weekly_capacity_hours'],
  invoices: ['invoice_id', 'client_id', 'invoice_date', 'due_date', 'total_amount', 'status', 'currency'],
  time_logs: ['log_id', 'client_id', 'staff_name', 'date', 'hours', 'rate', 'billable'],
  licenses: [
    'license_id',
    'client_id',
    'product',
    'vendor',
    'seats_purchased',
    'seats_used',
    'cost_per_seat',
    'total_cost',
    'price_per_seat',
    'billing_term',
    'renewal_date',
  ],
} as const satisfies Record<string, readonly string[]>;

export type SampleTable = keyof typeof sampleCsvHeaders;

export const sampleTables: readonly SampleTable[] = ['clients', 'staff', 'invoices', 'time_logs', 'licenses'];
