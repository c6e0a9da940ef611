import { choice, money, optionalDate, optionalText, requiredText, billableFlag } from '../field-types.js';
import type { DatasetDefinition } from './dataset-definition.js';

const clientStatus = choice(
  {
    active: 'active',
    inactive: 'inactive',
    churned: 'churned',
    lost: 'churned',
    former: 'churned',
    cancelled: 'churned',
    canceled: 'churned',
    paused: 'inactive',
    prospect: 'inactive',
  },
  { fallback: 'active', label: 'client status' },
);

/** Client ids derived from a name when the file has none: readable and stable. */
export function clientIdFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return slug === '' ? `client-${Buffer.from(name).toString('hex').slice(0, 16)}` : slug;
}

export function clientNameKey(name: string): string {
  return name.trim().toLowerCase();
}

export const clientsDataset: DatasetDefinition = {
  name: 'clients',
  keyColumn: 'client_id',
  columns: ['client_id', 'client_name', 'client_name_key', 'industry', 'status', 'contract_value_cents', 'onboarded_on', 'churned_on'],
  referencesClient: false,
  fields: {
    client_id: { aliases: ['id', 'clientid', 'customer_id', 'company_id', 'account_id', 'client_number', 'account_number'], schema: optionalText },
    // `name` is the column of the older Python MoatMetrics.
    client_name: {
      aliases: ['name', 'client', 'customer', 'customer_name', 'company', 'company_name', 'account_name', 'organization'],
      schema: requiredText,
      requiredColumn: true,
    },
    industry: { aliases: ['sector', 'vertical', 'industry_type'], schema: optionalText },
    status: { aliases: ['client_status', 'account_status'], schema: clientStatus },
    // `is_active` (older tool): true → active, false → inactive.
    is_active: { aliases: ['active'], schema: billableFlag({ inverted: false, fallback: true }) },
    contract_value: {
      aliases: ['mrr', 'monthly_fee', 'monthly_recurring_revenue', 'contract_amount', 'monthly_contract_value', 'recurring_revenue'],
      schema: money({ required: false, min: 0 }),
    },
    onboarded_on: { aliases: ['onboarded', 'onboarding_date', 'client_since', 'start_date', 'created_date'], schema: optionalDate },
    churned_on: { aliases: ['churn_date', 'churned', 'end_date', 'cancelled_on'], schema: optionalDate },
  },
  build(cells, context) {
    const explicitId = (cells.client_id as string | null | undefined) ?? null;
    let name = cells.client_name as string;
    let id = explicitId;
    if (id === null) {
      // A row without an id is the existing client its name matches (exactly, as mapped, or
      // loosely when unambiguous), so "ACME Corporation" does not become a second "Acme Corp.";
      // a looser spelling keeps the stored name, which the other sources already match exactly.
      const match = context.matchClientName(name);
      if (match.kind === 'ambiguous') {
        const names = match.candidates.map((candidate) => `'${candidate}'`).join(' and ');
        return {
          problem: { field: 'client_name', reason: `ambiguous client: matches ${names}; give the row a client_id, or map it with \`moatmetrics clients map\`` },
        };
      }
      if ('clientId' in match) {
        id = match.clientId;
        name = match.name;
      } else id = clientIdFromName(name);
    }
    const nameKey = clientNameKey(name);
    let status = (cells.status as string | undefined) ?? 'active';
    if (cells.status === undefined && cells.is_active === 0) status = 'inactive';
    const onboarded = (cells.onboarded_on as string | null | undefined) ?? null;
    const churned = (cells.churned_on as string | null | undefined) ?? null;
    if (onboarded && churned && churned < onboarded) {
      return { problem: { field: 'churned_on', reason: `is before onboarded_on (${onboarded})` } };
    }
    return {
      key: id,
      values: {
        client_id: id,
        client_name: name,
        client_name_key: nameKey,
        industry: cells.industry ?? null,
        status,
        contract_value_cents: cells.contract_value ?? null,
        onboarded_on: onboarded,
        churned_on: churned,
      },
    };
  },
};
