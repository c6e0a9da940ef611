import type { ImportPreset } from './import-preset.js';
import { connectWiseBillableOption, firstPresent } from './value-conventions.js';

/**
 * ConnectWise PSA (Manage) time entries, as the Time Entry list / time detail report exports
 * them (`Member Name, Date, Bill (B/NB/NC), Rate, Hours, Company, Agreement, Work Type,
 * Ticket #, Notes`) and as the REST API's time entries flattened to CSV (`member,
 * timeStart, actualHours, billableOption, company, hourlyRate, workType, chargeToId, notes`;
 * nested objects as `member/name` or `company.name`).
 */
export const connectWiseTime: ImportPreset = {
  id: 'connectwise-time',
  name: 'ConnectWise PSA time entries',
  dataset: 'time_logs',
  identifyBy: [
    'member_name',
    'member_id',
    'member_identifier',
    'bill_b_nb_nc',
    'billable_option',
    'billableoption',
    'timestart',
    'actualhours',
    'inv_hrs',
    'agreement',
    'charge_to',
    'chargetoid',
    'work_role',
    'workrole',
    'hourlyrate',
    'member',
  ],
  minMatches: 2,
  fields: {
    log_id: { headers: ['time_entry_id', 'timeentry_id', 'entry_id', 'id', 'record_id', 'time_id'] },
    staff_name: {
      // A name when the export has one, else the member's identifier (Member ID): both name the same technician in every file.
      inputs: [
        ['member_name', 'member_full_name', 'member_fullname', 'membername'],
        ['member', 'member_identifier', 'member_id', 'memberid', 'member_identifier_name'],
      ],
      derive: firstPresent,
    },
    date: { headers: ['date', 'date_start', 'timestart', 'time_start', 'date_entered', 'work_date', 'dateentered'] },
    hours: { headers: ['hours', 'actual_hours', 'actualhours', 'hours_actual', 'hrs', 'hours_worked', 'inv_hrs', 'hours_billed', 'hoursbilled'] },
    rate: { headers: ['rate', 'hourly_rate', 'hourlyrate', 'bill_rate'] },
    billable: { headers: ['bill_b_nb_nc', 'billable_option', 'billableoption', 'bill', 'billable'], convert: connectWiseBillableOption },
    client_name: { headers: ['company', 'company_name', 'companyname', 'company_identifier'] },
    ticket: { headers: ['ticket', 'ticket_number', 'ticket_no', 'charge_to', 'chargetoid', 'charge_to_id', 'service_ticket'] },
    work_type: { headers: ['work_type', 'worktype', 'work_type_name', 'worktype_name', 'work_role', 'workrole'] },
    notes: { headers: ['notes', 'summary', 'description', 'internal_notes', 'time_entry_notes'] },
  },
  required: ['staff_name', 'date', 'hours', 'client_name'],
};
