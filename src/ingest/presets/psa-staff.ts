import type { ImportPreset } from './import-preset.js';
import { firstPresent, joinNames } from './value-conventions.js';

/** Working days in a week: a daily capacity times this is the weekly capacity. */
const WORKING_DAYS = 5;

/**
 * `Daily Capacity` (hours a day) as weekly hours. An unreadable value passes through, so
 * the field's own check names it; an empty one stays empty (the default, 40 hours, applies).
 */
export function weeklyFromDaily([daily = '', weekly = '']: readonly string[]): string {
  if (weekly.trim() !== '') return weekly;
  const text = daily.trim().replace(',', '.');
  if (text === '') return '';
  const hours = Number(text);
  return Number.isFinite(hours) ? String(Math.round(hours * WORKING_DAYS * 1000) / 1000) : daily;
}

/**
 * The member / resource / agent lists PSAs export: ConnectWise *Members* (`Member ID, First
 * Name, Last Name, Title, Hourly Cost, Daily Capacity`), Autotask *Resources* (`First Name,
 * Last Name, Title, Internal Cost`, weekly hours) and HaloPSA agents. A person's name is
 * `First Name` + `Last Name` (as their time entries name them), else `Member ID`.
 */
export const psaStaff: ImportPreset = {
  id: 'psa-staff',
  name: 'PSA member and resource lists',
  dataset: 'staff',
  identifyBy: [
    'first_name',
    'last_name',
    'firstname',
    'lastname',
    'daily_capacity',
    'dailycapacity',
    'member_id',
    'resource_id',
    'hourly_cost',
    'internal_cost',
  ],
  minMatches: 2,
  fields: {
    staff_name: {
      inputs: [
        ['first_name', 'firstname', 'given_name'],
        ['last_name', 'lastname', 'surname', 'family_name'],
        ['member_id', 'identifier', 'resource_id', 'user_name', 'username'],
      ],
      derive: ([first = '', last = '', id = '']) => joinNames([first, last]) || firstPresent([id]),
    },
    role: { headers: ['title', 'job_title', 'role', 'position', 'work_role', 'default_role'] },
    cost_rate: {
      headers: [
        'hourly_cost',
        'hourlycost',
        'internal_cost',
        'internal_cost_rate',
        'cost_rate',
        'costprice',
        'cost_price',
        'burdened_rate',
        'hourly_cost_rate',
      ],
    },
    weekly_capacity_hours: {
      inputs: [
        ['daily_capacity', 'dailycapacity', 'hours_per_day', 'daily_hours'],
        ['weekly_capacity', 'weekly_hours', 'hours_per_week', 'weekly_capacity_hours', 'weekly_billable_hours_goal'],
      ],
      derive: weeklyFromDaily,
    },
  },
  required: ['staff_name'],
};
