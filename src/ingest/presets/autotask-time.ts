import type { ImportPreset } from './import-preset.js';
import { firstPresent } from './value-conventions.js';

/**
 * Autotask time entries: the Time Entry report / API export (`DateWorked, HoursWorked,
 * HoursToBill, IsNonBillable, ResourceID or Resource, Account or Company, TicketID,
 * SummaryNotes`), spaced (`Date Worked`, `Hours Worked`) or not. Dates are in the exporting
 * user's locale; the importer reads the column's day/month order from the file.
 */
export const autotaskTime: ImportPreset = {
  id: 'autotask-time',
  name: 'Autotask time entries',
  dataset: 'time_logs',
  identifyBy: [
    'dateworked',
    'date_worked',
    'hoursworked',
    'hours_worked',
    'hourstobill',
    'hours_to_bill',
    'isnonbillable',
    'is_non_billable',
    'resourceid',
    'resource_id',
    'summarynotes',
    'summary_notes',
  ],
  minMatches: 2,
  fields: {
    log_id: { headers: ['id', 'time_entry_id', 'timeentryid', 'entry_id'] },
    staff_name: {
      inputs: [
        ['resource', 'resource_name', 'resourcename', 'resource_full_name'],
        ['resourceid', 'resource_id'],
      ],
      derive: firstPresent,
    },
    date: { headers: ['dateworked', 'date_worked', 'date', 'startdatetime', 'start_date_time'] },
    hours: { headers: ['hoursworked', 'hours_worked', 'hours'] },
    billable: { headers: ['billable', 'is_billable'] },
    is_non_billable: { headers: ['isnonbillable', 'is_non_billable', 'non_billable', 'nonbillable'] },
    client_name: { headers: ['account', 'account_name', 'accountname', 'company', 'company_name', 'companyname'] },
    ticket: { headers: ['ticketid', 'ticket_id', 'ticket_number', 'ticketnumber', 'ticket'] },
    work_type: { headers: ['worktype', 'work_type', 'billingcodename', 'billing_code', 'role', 'rolename'] },
    notes: { headers: ['summarynotes', 'summary_notes', 'notes', 'internalnotes', 'internal_notes'] },
    rate: { headers: ['rate', 'hourly_rate', 'hourlyrate', 'billing_rate'] },
  },
  required: ['staff_name', 'date', 'hours'],
};
