import { money, optionalText, positiveNumber, requiredText } from '../field-types.js';
import type { DatasetDefinition } from './dataset-definition.js';

/** Staff are keyed by name (case-insensitive): PSA time exports name the technician, not an id. */
export function staffKey(name: string): string {
  return name.trim().toLowerCase();
}

export const staffDataset: DatasetDefinition = {
  name: 'staff',
  keyColumn: 'staff_key',
  columns: ['staff_key', 'staff_name', 'role', 'cost_rate_cents', 'weekly_capacity_hours'],
  referencesClient: false,
  fields: {
    staff_name: {
      aliases: ['name', 'technician', 'resource', 'member', 'employee', 'staff', 'resource_name', 'member_name', 'full_name'],
      schema: requiredText,
      requiredColumn: true,
    },
    role: { aliases: ['title', 'job_title', 'position'], schema: optionalText },
    cost_rate: {
      aliases: ['hourly_cost', 'burdened_rate', 'internal_cost_rate', 'cost_per_hour', 'internal_rate', 'burdened_cost_rate', 'cost'],
      schema: money({ required: false, min: 0 }),
    },
    weekly_capacity_hours: { aliases: ['capacity', 'weekly_hours', 'capacity_hours', 'hours_per_week', 'weekly_capacity'], schema: positiveNumber(40) },
  },
  build(cells) {
    const name = cells.staff_name as string;
    const key = staffKey(name);
    return {
      key,
      values: {
        staff_key: key,
        staff_name: name,
        role: cells.role ?? null,
        cost_rate_cents: cells.cost_rate ?? null,
        weekly_capacity_hours: cells.weekly_capacity_hours ?? 40,
      },
    };
  },
};
